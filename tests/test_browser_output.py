"""The task page's output in a real browser (Debian's Chromium through Playwright), on a small site built here from a
mini project: no escape character on the page, Keras' progress bar in colour in both palettes, the figure a snippet
drew, the cross-check table, a flagged tab label, and tab anchors that open their tab."""
from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from support import ROOT, make_project
from test_output import KERAS_BAR, PLOT

pytestmark = pytest.mark.browser
KERAS = f"print({KERAS_BAR!r}, end='')\nRESULT = [1.0, 2.0]\n"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = make_project(tmp_path_factory.mktemp("browser-output") / "proj", {
        "quick": {"pytorch": PLOT.format(bar="plotted\n"), "keras": KERAS},
        "other": {"keras": "RESULT = [1.0, 2.5]\n"},
    })
    (root / "docs" / "assets").mkdir(parents=True)
    shutil.copy(ROOT / "docs" / "assets" / "output.css", root / "docs" / "assets" / "output.css")
    (root / "mkdocs.yml").write_text((root / "mkdocs.yml").read_text() + "extra_css: [assets/output.css]\n")
    out = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--site-dir", str(root / "site")], cwd=root,
                         env=dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONPATH=str(ROOT)), capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    return root / "site"


@pytest.fixture(scope="module")
def server(site):
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass




@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.base = server
    yield pg
    context.close()
    assert errors == []


def _colour(page, selector: str) -> str:
    return page.locator(selector).first.evaluate("e => getComputedStyle(e).color")


def test_keras_progress_bar_is_coloured_text_with_no_escape_characters(page):
    page.goto(page.base + "tasks/basics/quick/#quick-keras")
    page.wait_for_timeout(300)
    shown = "\n".join(page.locator(".ansi-output").all_inner_texts())  # (the code above it shows its escapes)
    assert "━" in shown and not any(s in shown for s in ("\x1b", "[0m", "[1m", "[32m", "\b", "\r"))
    output = page.locator("#quick ~ .tabbed-set .ansi-output", has_text="val_loss").first
    if not output.is_visible():  # the anchor did not open the tab: open it as a reader would
        page.locator("label[for='quick-keras']").click()
    assert output.is_visible()
    text = output.inner_text()
    assert "2/2 ━━━━━━━━━━━━━━━━━━━━ 16s 8s/step" in text and "1/2" not in text.replace("Epoch 1/2", "")
    bar = output.locator(".ansi-fg-2").first
    assert bar.inner_text() == "━" * 20
    light = bar.evaluate("e => getComputedStyle(e).color")
    assert light == "rgb(27, 127, 59)"
    assert output.locator(".ansi-bold").first.evaluate("e => getComputedStyle(e).fontWeight") == "700"
    page.evaluate("document.body.setAttribute('data-md-color-scheme', 'slate')")
    assert bar.evaluate("e => getComputedStyle(e).color") == "rgb(111, 220, 140)"  # readable on the dark palette
    page.screenshot(path=str(_shot("output-keras-desktop.png")))


def test_a_tab_anchor_opens_its_tab(page):
    page.goto(page.base + "tasks/basics/other/#other-keras")
    page.wait_for_timeout(300)
    assert page.locator("input#other-keras").is_checked()


def test_the_figure_is_shown_with_its_title_as_alt_text(page):
    page.goto(page.base + "tasks/basics/quick/#quick-pytorch")
    page.locator("label[for='quick-pytorch']").click()
    img = page.locator("img[alt='Training loss']")
    img.scroll_into_view_if_needed()
    assert img.is_visible()
    assert img.evaluate("e => e.complete && e.naturalWidth") > 100
    assert "/assets/figures/" in img.get_attribute("src")


def test_the_cross_check_and_a_flagged_tab_are_visible(page):
    page.goto(page.base + "tasks/basics/other/")
    summary = page.locator("details summary", has_text="Cross-check · 2 of 5 runs passed")
    assert summary.count() == 1 and summary.is_visible()
    table = summary.locator("xpath=..").locator("table")
    assert table.is_visible() and "the reference" in table.inner_text() and "0.25" in table.inner_text()
    flag = page.locator("label[for='other-keras'] .tab-flag")
    assert flag.evaluate("e => getComputedStyle(e, '::after').content") == '"≠"'
    # the label's own text stays the framework's name: linked tabs still switch together
    assert page.locator("label[for='other-keras']").inner_text().strip() == "Keras"


def _shot(name: str):
    shots = ROOT / "tests" / "screenshots"
    shots.mkdir(exist_ok=True)
    return shots / name
