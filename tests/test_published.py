"""The real site as published: no render defect or placeholder in its text, valid HTML in the markup we produce, and
no broken internal link or anchor. Built once per session from the run store (fixture real_site: executes nothing
when the store is warm).

The HTML checker is html-validate (https://html-validate.org), an offline, maintained HTML5 conformance checker that
runs on Node.js without Java (the Nu checker, vnu.jar, needs a Java runtime); `make test` installs it with `npm ci`
into tests/node_modules from tests/package-lock.json. Its "html-validate:standard" preset checks the HTML standard's
rules only (content models, attributes and their values, duplicate ids), not style.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import pytest

from support import ROOT

pytestmark = pytest.mark.slow
NODE_TOOLS = ROOT / "tests" / "node_modules"
SITE_PATH = urlparse(__import__("generator.site.export").site.export.load_config(ROOT / "mkdocs.yml").get("site_url") or "/").path


class _Page(HTMLParser):
    """A page's visible text outside code (and inside it, separately), its ids, and its links."""

    SKIP = {"script", "style", "template"}
    CODE = {"code", "pre", "kbd", "samp"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.prose: list[str] = []
        self.code: list[str] = []
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.attrs: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and a.get("name"):
            self.ids.add(a["name"])
        for key in ("href", "src"):
            if a.get(key) and not (tag == "link" and a.get("rel") in ("canonical",)):
                self.links.append(a[key])
        self.attrs += [v for k, v in attrs if v and k in ("href", "src", "title", "alt", "aria-label", "content")]
        if tag not in ("br", "img", "input", "meta", "link", "hr", "source", "wbr"):
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in self.stack:
            while self.stack and self.stack.pop() != tag:
                pass

    def handle_data(self, data):
        if any(t in self.SKIP for t in self.stack):
            return
        (self.code if any(t in self.CODE for t in self.stack) else self.prose).append(data)


@pytest.fixture(scope="module")
def pages(real_site) -> dict[Path, _Page]:
    out = {}
    for path in sorted(real_site.rglob("*.html")):
        page = _Page()
        page.feed(path.read_text("utf-8"))
        out[path] = page
    return out


# Text that must never reach a reader: an entity escaped twice, Markdown that was not rendered, a placeholder,
# template leftovers, or a sentence assembled from an empty value.
DEFECTS = {
    "a literal character reference": re.compile(r"&(#\d+|#x[0-9a-fA-F]+|quot|amp|lt|gt|apos|nbsp);"),
    "unrendered inline code (a backtick)": re.compile(r"`"),
    "unrendered bold (**)": re.compile(r"\*\*"),
    "a template leftover": re.compile(r"\{\{|\}\}|\{%|%\}|\bUndefined\b"),
    "'as of' without a version or date": re.compile(r"\bas of (see|none|None|null|—|-|\.|,)", re.I),
    "a 'next question' placeholder": re.compile(r"→\s*next question\b", re.I),
    "placeholder text": re.compile(r"\blorem ipsum\b|\bTODO\b|\bFIXME\b|\bTBD\b|\bXXX\b|example\.(org|com)|"
                                   r"example/framework-comparison", re.I),
}
ANYWHERE = {  # in any text, code included, and in attribute values
    "a literal character reference": re.compile(r"&(#\d+|#x[0-9a-fA-F]+|quot|amp|lt|gt|apos);"),
    "placeholder address": re.compile(r"example\.(org|com)|example/framework-comparison", re.I),
}


def test_no_render_defects_or_placeholders_in_the_published_text(pages, real_site):
    found = []
    for path, page in pages.items():
        where = path.relative_to(real_site).as_posix()
        prose = " ".join(" ".join(page.prose).split())
        for what, pattern in DEFECTS.items():
            for m in pattern.finditer(prose):
                found.append(f"{where}: {what}: …{prose[max(0, m.start() - 60):m.end() + 40]}…")
        for what, pattern in ANYWHERE.items():
            for text in [" ".join(page.code), *page.attrs]:
                for m in pattern.finditer(text):
                    found.append(f"{where}: {what} (code or attribute): …{text[max(0, m.start() - 60):m.end() + 40]}…")
    assert found == [], "\n".join(found[:40])


def test_the_scan_catches_what_it_looks_for():
    """The patterns above find the defects the site once had (issue 15), in the form a reader saw them."""
    page = _Page()
    page.feed('<p>with format=&amp;#34;litert&amp;#34; · as of see sources · yes → <a href="#q">next question</a></p>'
              '<p>Edit on https://example.org/x and `code`</p><pre><code>x = "&amp;quot;"</code></pre>')
    prose = " ".join(page.prose)
    hits = {what for what, pattern in DEFECTS.items() if pattern.search(prose)}
    assert hits >= {"a literal character reference", "'as of' without a version or date", "a 'next question' placeholder",
                    "placeholder text", "unrendered inline code (a backtick)"}
    assert ANYWHERE["a literal character reference"].search(" ".join(page.code))


def test_no_placeholder_configuration_is_published():
    """site_url and edit links come from configuration; the repository's mkdocs.yml sets no placeholder."""
    config = (ROOT / "mkdocs.yml").read_text()
    assert not re.search(r"example\.(org|com)|example/", config), "a placeholder address in mkdocs.yml"
    cfg = __import__("yaml").safe_load(config.replace("!!python", "#"))
    assert "repo_url" not in cfg and "edit_uri" not in cfg  # edit links come from the plugin's edit_url


def test_no_edit_link_when_edit_url_is_unset(pages, real_site):
    from generator.cli.common import plugin_options
    if plugin_options(ROOT).get("edit_url"):
        pytest.skip("this mkdocs.yml sets edit_url")
    for path, page in pages.items():
        assert not any("/edit/" in link for link in page.links), path.relative_to(real_site)


# ----------------------------------------------------------------------------- HTML conformance
# Errors that come from the theme (Material for MkDocs 9.8.1) or from pymdownx, not from markup this project
# produces; listed by rule and element so that any other error fails.
KNOWN_THIRD_PARTY = [
    # Material's header: the drawer and search toggles are checkboxes with autocomplete="off"
    ("valid-autocomplete", r"^#__drawer$", "Material header: drawer toggle"),
    ("valid-autocomplete", r"^#__search$", "Material header: search toggle"),
    # Material's navigation: a section label with tabindex="" when navigation.sections is on
    ("attribute-allowed-values", r"^#__nav_\d+(_\d+)*_label$", "Material navigation: section label"),
    # pymdownx.highlight with anchor_linenums: one <a name=...> per code line
    ("no-deprecated-attr", r"^#__codelineno-\d+-\d+$", "pymdownx.highlight: line anchors"),
]


def _node_tool(path: str) -> Path:
    tool = NODE_TOOLS / path
    if not tool.is_file() or not shutil.which("node"):
        pytest.fail("the site checks need Node.js and tests/node_modules: run `make test` (it runs `npm ci` in tests/)")
    return tool


def test_html_of_every_page_is_valid_except_known_theme_errors(real_site, tmp_path):
    cli = _node_tool("html-validate/bin/html-validate.mjs")
    config = tmp_path / "htmlvalidate.json"
    config.write_text(json.dumps({"extends": ["html-validate:standard"]}))
    files = sorted(str(p) for p in real_site.rglob("*.html"))
    report = tmp_path / "report.json"  # a file: a large report written to a pipe can be cut short at exit
    out = subprocess.run(["node", str(cli), "--config", str(config), "--formatter", f"json={report}", *files],
                         capture_output=True, text=True, timeout=600)
    assert report.is_file() and report.stat().st_size, out.stdout + out.stderr
    ours, known = [], set()
    for result in json.loads(report.read_text()):
        for m in result["messages"]:
            match = next((k for k in KNOWN_THIRD_PARTY if k[0] == m["ruleId"] and re.match(k[1], m.get("selector") or "")), None)
            if match:
                known.add(match[2])
            else:
                rel = Path(result["filePath"]).relative_to(real_site)
                ours.append(f"{rel}:{m['line']}:{m['column']}: {m['ruleId']}: {m['message']} ({m.get('selector')})")
    assert ours == [], "\n".join(ours[:40])
    assert len(files) >= 15 and known  # the checker ran over the site and saw the theme's markup


# ----------------------------------------------------------------------------- links
def test_no_broken_internal_links_or_anchors(pages, real_site):
    broken = []
    for path, page in pages.items():
        for link in page.links:
            url = urlparse(link)
            if url.scheme or link.startswith("//"):
                continue
            target_path, frag = urldefrag(link)
            if target_path.startswith("/"):  # absolute (the 404 page): relative to the site's root path
                target_path = str(real_site) + "/" + target_path.removeprefix(SITE_PATH).lstrip("/")
            target = (path.parent / unquote(target_path)).resolve() if target_path else path
            if target.is_dir():
                target = target / "index.html"
            where = f"{path.relative_to(real_site)} -> {link}"
            if not target.exists():
                broken.append(where)
            elif frag and target.suffix == ".html" and target in pages and unquote(frag) not in pages[target].ids:
                broken.append(f"{where} (no such anchor)")
    assert broken == [], "\n".join(broken[:40])


def test_the_verification_page_summarises_and_groups(real_build, pages, real_site):
    from generator.core.record import SkipKind
    page = pages[real_site / "verification/index.html"]
    text = " ".join(" ".join(page.prose).split())
    made = [o for o in real_build.outcomes if not (o.record is None and o.skipped)]
    assert f"{len(made)} runs were made" in text
    gpu_skips = sum(o.skip is SkipKind.NO_DEVICE for o in real_build.outcomes)
    if gpu_skips:
        assert f"{gpu_skips} GPU runs not made: not run on GPU here" in text
    html_text = (real_site / "verification/index.html").read_text()
    assert html_text.count(" data-status=") == len(made)  # one filterable row per run made
    versions = {o.versions_text for o in made if o.record}
    assert versions and all(v in text for v in versions)
    assert max(text.count(v) for v in versions) <= 2  # listed once per environment, not once per run
