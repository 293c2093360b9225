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


# ----------------------------------------------------------------------------- a code line wider than its column
LONG_LINE = ("normalised_inputs = keras.ops.convert_to_tensor(raw_values).astype(np.float32)"
             "  # a_single_identifier_far_longer_than_any_column_is_wide")
WIDE = f"import numpy as np\n{LONG_LINE}\nRESULT = [1.0, 2.0]\n"


@pytest.fixture(scope="module")
def wide_server(tmp_path_factory):
    """A mini site with the site's own stylesheet and layout script (side by side at 1280 px, tabs on a phone)."""
    root = make_project(tmp_path_factory.mktemp("browser-wide") / "proj", {"wide": {"pytorch": WIDE, "keras": WIDE}})
    (root / "docs" / "assets").mkdir(parents=True)
    for name in ("extra.css", "layout.js"):
        shutil.copy(ROOT / "docs" / "assets" / name, root / "docs" / "assets" / name)
    (root / "mkdocs.yml").write_text((root / "mkdocs.yml").read_text()
                                     + "extra_css: [assets/extra.css]\nextra_javascript: [assets/layout.js]\n")
    out = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--site-dir", str(root / "site")], cwd=root,
                         env=dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONPATH=str(ROOT)), capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root / "site")))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


# For each column's code: is the scroll container wider inside than out, how many visual lines the code takes against
# its lines of text, and how many characters of its font fit its width (inside the padding).
MEASURE = """() => Array.from(document.querySelectorAll('article .tabbed-set > .tabbed-content > .tabbed-block'))
  .map(block => block.querySelector('pre > code')).filter(code => code && code.offsetParent).map(code => {
    const cs = getComputedStyle(code), probe = document.createElement('span');
    probe.textContent = 'x'.repeat(200);
    code.appendChild(probe);
    const charWidth = probe.getBoundingClientRect().width / 200;
    probe.remove();
    const inner = code.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
    const textHeight = code.scrollHeight - parseFloat(cs.paddingTop) - parseFloat(cs.paddingBottom);
    return {scrolls: code.scrollWidth > code.clientWidth, lines: code.textContent.replace(/\\n$/, '').split('\\n').length,
            visual: Math.round(textHeight / parseFloat(cs.lineHeight)), fits: Math.floor(inner / charWidth),
            text: code.textContent}; })"""


@pytest.mark.parametrize("width", [1280, 390])
def test_code_columns_never_break_a_token(browser, wide_server, width):
    """A line wider than its column scrolls sideways: it stays one visual line (no break inside `astype(np.float32)`
    or the long identifier), in the side-by-side columns at 1280 px and in the tabs of a phone."""
    from generator.inputs.contributor import MAX_LINE
    context = browser.new_context(viewport={"width": width, "height": 900}, is_mobile=width < 500)
    pg = context.new_page()
    pg.goto(wide_server + "tasks/basics/wide/")
    pg.wait_for_timeout(300)
    assert pg.evaluate("document.documentElement.scrollWidth") <= width  # the page itself never scrolls sideways
    codes = pg.evaluate(MEASURE)
    long = [c for c in codes if LONG_LINE in c["text"]]
    assert long and len(codes) == (3 if width >= 1280 else 1), codes  # three columns; one tab shown on a phone
    for code in long:
        assert code["scrolls"], code
        assert code["visual"] == code["lines"] == 3, code  # nothing wrapped: each line of text is one line on screen
    if width >= 1280:
        # the README ("Adding a task") and `check`'s warning state how many characters a column shows at 1280 px
        assert {c["fits"] for c in codes} == {MAX_LINE}, codes
    pg.screenshot(path=str(_shot(f"long-line-{width}.png")))
    context.close()
