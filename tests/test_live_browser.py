"""The live preview in a real browser: `mkdocs serve` on a framework-free mini project, driven by Debian's Chromium
through Playwright. A save shows its new output without a manual reload (MkDocs injects its livereload script);
a broken snippet shows its error on the page; the fix makes it go away."""
from __future__ import annotations

import time

import pytest

from support import make_project, process_tag
from test_live import serve, stop, _wait_for

pytestmark = pytest.mark.browser




def _article(page) -> str:
    """The article's text, collapsed blocks (the outputs) included."""
    return page.evaluate("() => document.querySelector('article').textContent")


def _until(page, predicate, timeout: float = 30) -> float:
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        try:
            if predicate(_article(page)):
                return time.monotonic() - t0
        except Exception:  # noqa: BLE001 - the page is reloading; ask again
            pass
        page.wait_for_timeout(50)
    raise AssertionError(f"the page never matched; it shows:\n{_article(page)[:3000]}")


def test_edit_break_fix_in_the_preview(tmp_path, browser):
    root = make_project(tmp_path / "p", {"demo": {}})
    tag = process_tag()
    proc, base = serve(root, tag)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    loads: list[float] = []
    page.on("load", lambda: loads.append(time.monotonic()))
    try:
        _wait_for(base + "tasks/basics/demo/", lambda t: "hello from" in t and "running…" not in t)
        page.goto(base + "tasks/basics/demo/")
        page.wait_for_function("() => window.performance && document.readyState === 'complete'")
        page.wait_for_timeout(300)  # the livereload script starts polling on load
        script = root / "snippets/demo/pytorch.py"
        good = script.read_text()

        # edit: the new output appears by itself
        script.write_text(good + "print('first live edit')\n")
        _until(page, lambda t: "first live edit" in t)
        deadline = time.monotonic() + 10  # the new text can be read before the reloaded page's load event fires
        while len(loads) < 2 and time.monotonic() < deadline:
            page.wait_for_timeout(50)
        assert len(loads) >= 2, "the page did not reload by itself"

        # break: the error, its line and traceback show on the page being edited
        script.write_text("x = 1\nraise ValueError('broken on purpose')\n")
        _until(page, lambda t: "broken on purpose" in t)
        title = page.locator(".admonition.failure .admonition-title", has_text="Failed · PyTorch · CPU · line 2")
        assert title.first.is_visible()
        assert 'File "snippets/demo/pytorch.py", line 2' in _article(page)
        page.screenshot(path=str(tmp_path / "preview-broken.png"))

        # fix: the error is gone, the new output is there
        script.write_text(good + "print('fixed again')\n")
        _until(page, lambda t: "fixed again" in t and "broken on purpose" not in t)
        assert page.locator(".admonition.failure").count() == 0
        assert page.locator(".run-badge.run-failed").count() == 0
        assert errors == []
    finally:
        context.close()
        stop(proc, tag)
