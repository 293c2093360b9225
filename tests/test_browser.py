"""The real site in a real browser: Debian's Chromium, driven by Playwright, against site/ served on 127.0.0.1.

Screenshots (desktop and phone) go to tests/screenshots/, which git ignores.
"""
from __future__ import annotations

import functools
import shutil
import threading
import time
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import pytest

from support import ROOT, real

PROJECT, PLAN, RUNS, REAL_DATA_ERROR = real()

pytestmark = pytest.mark.browser
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SHOTS = ROOT / "tests" / "screenshots"
SITE_PATH = urlparse(__import__("generator.export").export.load_config(ROOT / "mkdocs.yml").get("site_url") or "/").path


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server(real_site):
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(real_site)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM:
        pytest.fail("Chromium is not installed: `apt-get install chromium` (.ci/run does)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    errors: list[str] = []
    outside: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.on("request", lambda r: outside.append(r.url) if not r.url.startswith((server, "data:", "blob:")) else None)
    pg.errors, pg.outside, pg.base = errors, outside, server
    yield pg
    context.close()
    assert errors == [], f"console errors: {errors}"
    assert outside == [], f"requests outside the site: {outside}"


def test_home_page_shows_the_comparison_table(page):
    page.goto(page.base)
    table = page.locator("article table").first
    headers = [h.strip() for h in table.locator("th").all_inner_texts()]
    assert headers[1:4] == ["PyTorch", "TensorFlow", "Keras"]
    assert "Licence" in table.inner_text()
    page.screenshot(path=str(_shot("home-desktop.png")), full_page=False)


def test_choosing_a_tab_switches_every_tab_and_is_remembered(page):
    page.goto(page.base + "tasks/basics/")
    sets = page.locator(".tabbed-set")
    assert sets.count() >= 3
    sets.first.locator("label", has_text="TensorFlow").first.click()
    page.wait_for_timeout(300)
    assert _selected_labels(page) == {"TensorFlow"}
    page.goto(page.base + "tasks/autodiff/")
    page.wait_for_timeout(300)
    assert _selected_labels(page) == {"TensorFlow"}  # remembered across pages
    page.screenshot(path=str(_shot("task-desktop.png")), full_page=False)


def _selected_labels(page) -> set[str]:
    return set(page.evaluate("""() => Array.from(document.querySelectorAll('.tabbed-set')).map(s => {
        const input = s.querySelector(':scope > input:checked');
        const label = input && s.querySelector(`label[for="${input.id}"]`);
        return label ? label.textContent.trim() : null; })"""))


SEARCHES = {
    "task": (PROJECT.tasks["scalar-gradient"].task.title, "tasks/autodiff/"),
    "criterion": (next(c.title for c in PROJECT.criteria.criteria if c.id == "distributed-training"), "comparison/"),
    "faq": (PROJECT.faq.questions[0].question.rstrip("?"), "faq/"),
}


@pytest.mark.parametrize("kind", sorted(SEARCHES))
def test_search_finds_tasks_criteria_and_faq_answers(page, kind):
    query, expected = SEARCHES[kind]
    page.goto(page.base)
    box = page.locator("input.md-search__input")
    box.click()
    # Material builds its index in a web worker; a query typed before it is ready is typed again
    deadline = time.monotonic() + 60
    while True:
        box.fill("")
        box.type(query, delay=5)
        try:
            page.locator(".md-search-result__item a").first.wait_for(timeout=5000)
            break
        except Exception:
            if time.monotonic() > deadline:
                raise
    hrefs = page.locator(".md-search-result__item a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert any(expected in h for h in hrefs[:5]), hrefs


def test_verification_page_lists_every_run_and_sorts(page, real_build):
    page.goto(page.base + "verification/")
    rows = page.locator(".sortable table tbody tr")
    assert rows.count() == len(real_build.outcomes)
    header = page.locator(".sortable table thead th", has_text="Time (s)")
    header.click()
    times = [t for t in page.locator(".sortable table tbody tr td:nth-child(5)").all_inner_texts() if t.strip()]
    values = [float(t) for t in times]
    assert values == sorted(values)
    page.screenshot(path=str(_shot("verification-desktop.png")), full_page=False)


def test_phone_viewport_screenshots(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    pg = context.new_page()
    for name, path in (("home", ""), ("task", "tasks/basics/"), ("verification", "verification/")):
        pg.goto(server + path)
        assert pg.locator("h1").first.is_visible()
        pg.screenshot(path=str(_shot(f"{name}-phone.png")))
    context.close()


def test_reading_works_without_javascript(browser, server):
    context = browser.new_context(java_script_enabled=False)
    pg = context.new_page()
    pg.goto(server + "tasks/basics/")
    assert "RESULT" in pg.locator("article").inner_text()  # code is in the HTML, not loaded by a script
    context.close()


def _shot(name: str) -> Path:
    SHOTS.mkdir(exist_ok=True)
    return SHOTS / name


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        for key in ("href", "src"):
            if a.get(key) and not (tag == "link" and a.get("rel") in ("canonical",)):
                self.links.append(a[key])


def test_no_broken_internal_links_or_missing_assets(real_site):
    pages: dict[Path, _Links] = {}
    for html in real_site.rglob("*.html"):
        parser = _Links()
        parser.feed(html.read_text())
        pages[html] = parser
    broken = []
    for html, parser in pages.items():
        for link in parser.links:
            url = urlparse(link)
            if url.scheme or link.startswith("//") or link.startswith("mailto:"):
                continue
            path, frag = urldefrag(link)
            if path.startswith("/"):  # absolute (the 404 page): relative to the site's root path
                path = str(real_site) + "/" + path.removeprefix(SITE_PATH).lstrip("/")
            target = (html.parent / unquote(path)).resolve() if path else html
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{html.relative_to(real_site)} -> {link}")
            elif frag and target.suffix == ".html" and target in pages and frag not in pages[target].ids:
                broken.append(f"{html.relative_to(real_site)} -> {link} (no such anchor)")
    assert broken == []
