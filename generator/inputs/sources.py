"""Sources as evidence: URL shape rules (offline, at load), and `check-sources` (network): fetch every cited URL,
record its status and redirects, and confirm that each source's `quote` is on the page.

Results go to content/sources-checked.json (committed, so the verification page can say when each URL was last
checked and with what result, on any machine). Without a network the command prints one "skipped" line and
exits 0.
"""
from __future__ import annotations

import html
import json
import re
import unicodedata
from pathlib import Path
from urllib.parse import urlsplit

RESULTS = "sources-checked.json"

# Repositories whose files are the source of a rendered documentation site: cite the site, not the file.
_RENDERED_SITES = {
    "pytorch/pytorch.github.io": "https://pytorch.org/",
    "keras-team/keras-io": "https://keras.io/",
    "tensorflow/docs": "https://www.tensorflow.org/",
    "pytorch/tutorials": "https://docs.pytorch.org/tutorials/",
    "jax-ml/jax/docs": "https://docs.jax.dev/",
}
_DOC_HOSTS = ("docs.pytorch.org", "pytorch.org", "www.tensorflow.org", "tensorflow.org", "keras.io",
              "docs.jax.dev", "ai.google.dev", "developers.google.com")


def url_problem(url: str) -> str | None:
    """Why `url` is malformed for its site, or None. Offline: looks at the URL only."""
    parts = urlsplit(url)
    host, path = parts.netloc.lower(), parts.path
    if "/_sources/" in path or re.search(r"\.(rst|md)\.txt$", path):
        return "this is the docs page's source copy (_sources/ or .txt); link the rendered .html page"
    if host in _DOC_HOSTS and re.search(r"\.(md|rst|ipynb)$", path):
        return f"{host} serves rendered pages; link the .html page, not the {path.rsplit('.', 1)[1]} source"
    if host in ("pytorch.org", "www.pytorch.org") and path.startswith("/docs/"):
        return "the PyTorch docs moved to docs.pytorch.org; link https://docs.pytorch.org" + path
    if host == "github.com":
        segs = path.strip("/").split("/")
        repo = "/".join(segs[:2])
        if len(segs) > 3 and segs[2] in ("blob", "tree") and (repo in _RENDERED_SITES or f"{repo}/{segs[4] if len(segs) > 4 else ''}" in _RENDERED_SITES):
            site = _RENDERED_SITES.get(repo) or _RENDERED_SITES[f"{repo}/{segs[4]}"]
            return f"this file is published as a page of {site}; link the rendered page there"
    if host == "raw.githubusercontent.com":
        repo = "/".join(path.strip("/").split("/")[:2])
        if repo in _RENDERED_SITES:
            return f"a raw file of the repository behind {_RENDERED_SITES[repo]}; link the rendered page there"
    return None


# ---------------------------------------------------------------------------- quotes
_TAGS = re.compile(r"<(script|style|noscript)\b.*?</\1\s*>|<!--.*?-->|<[^>]+>", re.S | re.I)
_TRANSLATE = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-",
                            "\u00a0": " ", "\u200b": ""})


def normalise(text: str) -> str:
    """Page text or a quote, reduced to what a reader sees: no tags, entities decoded, quotes and dashes plain,
    whitespace collapsed, case folded, Markdown emphasis and code marks dropped."""
    text = html.unescape(_TAGS.sub(" ", text))
    text = unicodedata.normalize("NFKC", text).translate(_TRANSLATE)
    text = re.sub(r"[`*_]+", "", text)
    return re.sub(r"\s+", " ", text).strip().casefold()


def quote_on_page(quote: str, page: str) -> bool:
    return normalise(quote) in normalise(page)


# ---------------------------------------------------------------------------- collecting
def collect(project) -> dict[str, dict]:
    """Every cited URL: how many places cite it and the quotes attached to it."""
    out: dict[str, dict] = {}

    def add(src, where: str) -> None:
        entry = out.setdefault(src.url, {"cited": 0, "quotes": [], "where": []})
        entry["cited"] += 1
        if src.quote and src.quote not in entry["quotes"]:
            entry["quotes"].append(src.quote)
        if where not in entry["where"]:
            entry["where"].append(where)

    for f in project.frameworks.frameworks:
        for s in f.sources:
            add(s, f"frameworks.yml:{f.id}")
    for c in project.criteria.criteria:
        for fid, cell in c.cells.items():
            for s in cell.sources:
                add(s, f"criteria.yml:{c.id}.{fid}")
    for c in project.claims.claims:
        for s in c.sources:
            add(s, f"claims.yml:{c.id}")
    for q in project.faq.questions:
        for s in q.sources:
            add(s, f"faq.yml:{q.id}")
    for fid, pc in project.choosing.pros_cons.items():
        for x in pc.pros + pc.cons:
            for s in x.sources:
                add(s, f"choosing.yml:pros_cons.{fid}")
    for u in project.choosing.use_cases:
        for s in u.sources:
            add(s, "choosing.yml:use_cases")
    for n in project.choosing.decision:
        for o in n.options:
            for s in o.sources:
                add(s, f"choosing.yml:decision.{n.id}")
    for f in project.facts.facts:
        for s in f.sources:
            add(s, f"facts.yml:{f.id}")
    return out


def load_results(project) -> dict:
    path = Path(project.root) / "content" / RESULTS
    try:
        return json.loads(path.read_text("utf-8")).get("urls", {})
    except (OSError, ValueError, AttributeError):
        return {}


# ---------------------------------------------------------------------------- checking (network)


# ---------------------------------------------------------------------------- the verification page's section
