"""python -m generator check-sources: fetch every cited URL and check its quotes (needs a network)."""
from __future__ import annotations

import json
import sys
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

from ..inputs.sources import RESULTS, collect, quote_on_page


def _offline_reason(url: str, timeout: float) -> str | None:
    import requests
    try:
        requests.head(url, timeout=timeout, allow_redirects=True)
    except (requests.ConnectionError, requests.Timeout) as exc:
        return type(exc).__name__
    return None


def check_url(url: str, quotes: list[str], timeout: float = 15.0) -> dict:
    import requests
    rec: dict = {"checked": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}
    try:
        resp = requests.get(url, timeout=timeout, allow_redirects=True,
                            headers={"User-Agent": "pytorch-tensorflow-keras-comparison check-sources"})
    except requests.RequestException as exc:
        rec.update(status=None, result="error", error=f"{type(exc).__name__}: {exc}"[:300])
        return rec
    rec["status"] = resp.status_code
    rec["redirects"] = [r.headers.get("Location", "") for r in resp.history]
    if resp.url != url:
        rec["final_url"] = resp.url
    found = {q: quote_on_page(q, resp.text) for q in quotes} if resp.ok else {}
    rec["quotes"] = found
    if not resp.ok:
        rec["result"] = f"HTTP {resp.status_code}"
    elif not all(found.values()):
        rec["result"] = "quote not found"
    else:
        rec["result"] = "redirected" if resp.history else "ok"
    return rec


def check_sources(project, out: Path | None = None, timeout: float = 15.0, only: list[str] | None = None) -> int:
    urls = collect(project)
    if only:
        urls = {u: e for u, e in urls.items() if u in only}
    if not urls:
        print("check-sources: no sources to check")
        return 0
    first = next(iter(urls))
    offline = _offline_reason(first, timeout)
    if offline:
        print(f"check-sources: skipped: no network ({offline} reaching {urlsplit(first).netloc})")
        return 0
    out = out or Path(project.root) / "content" / RESULTS
    try:
        previous = json.loads(out.read_text("utf-8")).get("urls", {})
    except (OSError, ValueError):
        previous = {}
    bad = 0
    for url, entry in sorted(urls.items()):
        rec = check_url(url, entry["quotes"], timeout)
        previous[url] = rec
        if rec["result"] not in ("ok", "redirected"):
            bad += 1
            print(f"{url}: {rec['result']} (cited in {', '.join(entry['where'][:3])})")
    out.write_text(json.dumps({"urls": dict(sorted(previous.items()))}, indent=1, sort_keys=True) + "\n", "utf-8")
    print(f"check-sources: {len(urls)} URL(s) checked, {bad} with problems; results in {out}")
    return 1 if bad else 0


def check_command(args, settings) -> int:
    """`python -m generator check-sources`: the project as the build loads it, every URL fetched."""
    from ..core.errors import DataError
    from ..inputs.load import load_project
    try:
        project = load_project(settings.root, settings.content_dir, settings.snippets_dir)
    except DataError as exc:
        print(exc, file=sys.stderr)
        return 2
    return check_sources(project, timeout=args.fetch_timeout, only=args.url)
