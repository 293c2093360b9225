"""The real site in a real browser: Debian's Chromium, driven by Playwright, against site/ served on 127.0.0.1.

Screenshots (desktop and phone) go to tests/screenshots/, which git ignores.
"""
from __future__ import annotations

import functools
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from support import ROOT, real

PROJECT, PLAN, RUNS, REAL_DATA_ERROR = real()

pytestmark = pytest.mark.browser
SHOTS = ROOT / "tests" / "screenshots"


def _task_path(tid: str) -> str:
    return f"tasks/{PROJECT.tasks[tid].task.group}/{tid}/"


TASK_PAGE = _task_path("tensor-creation")  # a task page of the real site (group basics)


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
    page.goto(page.base + TASK_PAGE)
    page.get_by_role("button", name="Tabs").click()  # the wide screen shows columns; tabs are the reader's choice
    sets = page.locator(".tabbed-set")
    assert sets.count() >= 1
    sets.first.locator("label", has_text="TensorFlow").first.click()
    page.wait_for_timeout(300)
    assert _selected_labels(page) == {"TensorFlow"}
    page.goto(page.base + _task_path("scalar-gradient"))
    page.wait_for_timeout(300)
    assert _selected_labels(page) == {"TensorFlow"}  # remembered across pages
    assert page.evaluate("document.documentElement.classList.contains('fc-tabs')")  # and so is the layout
    page.screenshot(path=str(_shot("task-desktop-tabs.png")), full_page=False)


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


def test_verification_page_filters_and_sorts_from_the_keyboard(page, real_build):
    made = [o for o in real_build.outcomes if not (o.record is None and o.skipped)]
    page.goto(page.base + "verification/")
    rows = page.locator(".sortable table tbody tr")
    assert rows.count() == len(made)
    button = page.get_by_role("button", name="Time (s)")
    button.focus()
    page.keyboard.press("Enter")
    header = page.locator(".sortable table thead th", has=button)
    assert header.get_attribute("aria-sort") == "ascending"
    times = [t.strip() for t in page.locator(".sortable table tbody tr td:nth-child(5)").evaluate_all(
        "tds => tds.map(td => Array.from(td.childNodes).filter(n => !(n.classList && n.classList.contains('fc-label')))"
        ".map(n => n.textContent).join(''))")]
    values = [float(t) for t in times if t]
    assert values == sorted(values) and values
    page.keyboard.press("Enter")
    assert header.get_attribute("aria-sort") == "descending"
    # filter: one framework, one task
    page.locator("select[data-filter=runner]").select_option("pytorch")
    shown = page.locator(".sortable table tbody tr:not([hidden])")
    assert shown.count() == sum(o.run.runner.key == "pytorch" for o in made)
    task = made[0].run.task
    page.locator("select[data-filter=task]").select_option(task)
    assert shown.count() == sum(o.run.runner.key == "pytorch" and o.run.task == task for o in made)
    assert "runs shown" in page.locator(".fc-count").inner_text()
    page.screenshot(path=str(_shot("verification-desktop.png")), full_page=False)


SIDE_BY_SIDE = {"comparison": "comparison/", "task": TASK_PAGE, "choosing": "choosing/"}


@pytest.mark.parametrize("kind", sorted(SIDE_BY_SIDE))
def test_wide_screens_show_the_three_frameworks_side_by_side(page, kind):
    page.goto(page.base + SIDE_BY_SIDE[kind])
    page.wait_for_timeout(300)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280  # the page never scrolls sideways
    first = page.locator("article .tabbed-set").first
    blocks = first.locator(":scope > .tabbed-content > .tabbed-block")
    assert blocks.count() == 3
    boxes = [blocks.nth(i).bounding_box() for i in range(3)]
    assert all(b and b["width"] > 250 for b in boxes), boxes          # all three shown at once
    assert len({round(b["y"]) for b in boxes}) == 1                   # aligned
    assert boxes[0]["x"] < boxes[1]["x"] < boxes[2]["x"] and boxes[2]["x"] + boxes[2]["width"] <= 1280
    firsts = [blocks.nth(i).locator(":scope > *").nth(1).bounding_box()["y"] for i in range(3)]
    assert max(firsts) - min(firsts) < 2, firsts                      # second rows (the code, on a task page) line up
    if kind == "comparison":
        keras = page.locator("article table").first.locator("th", has_text="Keras")
        box = keras.bounding_box()
        assert box["x"] + box["width"] <= 1280 and keras.is_visible()
    page.screenshot(path=str(_shot(f"{kind}-1280.png")), full_page=False)


PHONE_PAGES = ["", "comparison/", "tasks/basics/", TASK_PAGE, "verification/", "claims/", "choosing/", "performance/", "faq/"]


def test_phones_cut_nothing_off(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    pg = context.new_page()
    for path in PHONE_PAGES:
        pg.goto(server + path)
        pg.wait_for_timeout(200)
        assert pg.evaluate("document.documentElement.scrollWidth") <= 390, path
        cut = pg.evaluate("""() => Array.from(document.querySelectorAll('article table td, article table th'))
            .filter(c => c.offsetParent && c.getBoundingClientRect().right > window.innerWidth + 1).length""")
        assert cut == 0, f"{path}: {cut} table cells reach past the screen"
    context.close()


def test_the_decision_guide_is_a_tree_that_works_without_javascript(browser, server):
    context = browser.new_context(java_script_enabled=False)
    pg = context.new_page()
    pg.goto(server + "choosing/")
    tree = pg.locator(".fc-tree")
    assert tree.locator("details details").count() >= 1  # answers lead to questions inside them
    first = tree.locator(":scope > details").first
    first.locator(":scope > summary").click()
    assert first.get_attribute("open") is not None
    assert first.locator(":scope > .fc-question, :scope p.fc-question").first.is_visible()
    assert "next question" not in tree.inner_text()
    context.close()


def test_phone_viewport_screenshots(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    pg = context.new_page()
    for name, path in (("home", ""), ("comparison", "comparison/"), ("task", TASK_PAGE), ("group", "tasks/basics/"),
                       ("verification", "verification/")):
        pg.goto(server + path)
        assert pg.locator("h1").first.is_visible()
        pg.screenshot(path=str(_shot(f"{name}-phone.png")))
    context.close()


def test_reading_works_without_javascript(browser, server):
    context = browser.new_context(java_script_enabled=False)
    pg = context.new_page()
    pg.goto(server + TASK_PAGE)
    assert "RESULT" in pg.locator("article").inner_text()  # code is in the HTML, not loaded by a script
    context.close()


def _shot(name: str) -> Path:
    SHOTS.mkdir(exist_ok=True)
    return SHOTS / name


# ----------------------------------------------------------------------------- accessibility: axe-core in Chromium
AXE = ROOT / "tests" / "node_modules" / "axe-core" / "axe.min.js"
AXE_PAGES = {"home": "", "comparison": "comparison/", "task": TASK_PAGE, "group": "tasks/basics/", "tasks index": "tasks/",
             "claims": "claims/", "choosing": "choosing/", "faq": "faq/", "performance": "performance/",
             "verification": "verification/", "not found": "404.html"}


@pytest.mark.parametrize("viewport", [(1280, 900), (390, 844)], ids=["desktop", "phone"])
def test_no_serious_or_critical_accessibility_finding(browser, server, viewport):
    """axe-core (npm, installed by `make test` into tests/node_modules) on one page of every kind."""
    if not AXE.is_file():
        pytest.fail("axe-core is missing: run `make test` (it runs `npm ci` in tests/)")
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    pg = context.new_page()
    found = []
    for kind, path in AXE_PAGES.items():
        pg.goto(server + path)
        pg.wait_for_timeout(300)
        pg.add_script_tag(path=str(AXE))
        violations = pg.evaluate("""async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
            .filter(v => v.impact === "serious" || v.impact === "critical")
            .map(v => `${v.id} (${v.impact}): ${v.nodes.length} node(s), e.g. ${v.nodes[0].target.join(" ")}`)""")
        found += [f"{kind} ({path or '/'}): {v}" for v in violations]
    context.close()
    assert found == [], "\n".join(found)


# ----------------------------------------------------------------------------- a page per task
def _group_path(tid: str) -> str:
    return f"tasks/{PROJECT.tasks[tid].task.group}/"


def test_old_addresses_land_on_the_task_page_and_its_tab(page):
    """Every task used to live on its group's page: /tasks/<group>/#<task> and each tab's #<task>-<framework> still
    lead to the task's own page, on that tab."""
    wrong = []
    for n, tid in enumerate(sorted(PROJECT.tasks)):
        page.goto(page.base + _group_path(tid) + f"#{tid}")
        page.wait_for_url(page.base + _task_path(tid), timeout=10_000)
        framework = ("pytorch", "tensorflow", "keras")[n % 3]  # each framework on a third of the tasks
        page.goto(page.base + _group_path(tid) + f"#{tid}-{framework}")
        page.wait_for_url(page.base + _task_path(tid) + f"#{tid}-{framework}", timeout=10_000)
        if not page.locator(f"input#{tid}-{framework}").is_checked():
            wrong.append(f"{tid}-{framework}: the tab is not the one opened")
    assert wrong == []
    # the group's own address is its index, and stays there
    page.goto(page.base + "tasks/training/")
    page.wait_for_timeout(300)
    assert page.url == page.base + "tasks/training/" and page.locator("h1").inner_text().strip()


def test_old_addresses_without_javascript_land_on_the_task_line(browser, server):
    context = browser.new_context(java_script_enabled=False)
    pg = context.new_page()
    pg.goto(server + "tasks/training/#training-loop-keras")
    line = pg.locator("p#training-loop")
    assert line.locator("#training-loop-keras").count() == 1
    link = line.locator("a").first
    assert link.get_attribute("href") == "training-loop/" and PROJECT.tasks["training-loop"].task.title in link.inner_text()
    assert line.bounding_box()["y"] < 844  # scrolled to it
    context.close()


@pytest.mark.parametrize("viewport", [(1280, 800), (390, 844)], ids=["1280", "390"])
def test_a_task_page_first_screen_holds_the_question_the_answer_and_the_run_summary(browser, server, viewport):
    """On every task page, and on a phone with room for an answer of MAX_ANSWER characters (what `check` warns above,
    README "Adding a task"): the page with the longest question still shows that many beside it."""
    from generator.inputs.contributor import MAX_ANSWER
    width, height = viewport
    room = {}
    context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=width < 500)
    pg = context.new_page()
    below = {}
    for tid in sorted(PROJECT.tasks):
        pg.goto(server + _task_path(tid))
        pg.wait_for_timeout(100)
        boxes = pg.evaluate("""() => {
            const a = document.querySelector('article'), box = e => e && e.getBoundingClientRect();
            const h1 = a.querySelector('h1'), answer = a.querySelector('.admonition.fc-answer');
            const question = [...a.children].find(e => e.tagName === 'P' && h1.compareDocumentPosition(e) & 4);
            const r = {question: box(question), answer: box(answer), runs: box(a.querySelector('p.fc-runs')),
                       code: box(a.querySelector('.tabbed-set'))};
            const ps = [...answer.querySelectorAll('p:not(.admonition-title)')];
            const text = ps.map(p => p.textContent.replace(/\\s+/g, ' ').trim()).join(' ');
            const lines = ps.map(p => p.getBoundingClientRect().height).reduce((x, y) => x + y, 0)
                          / parseFloat(getComputedStyle(ps[0]).lineHeight);
            return {...Object.fromEntries(Object.entries(r).map(([k, b]) => [k, b && [b.top, b.bottom]])),
                    chars: text.length, lines: lines, lineHeight: parseFloat(getComputedStyle(ps[0]).lineHeight)}; }""")
        chars, lines, line_height = boxes.pop("chars"), boxes.pop("lines"), boxes.pop("lineHeight")
        assert all(boxes.values()), (tid, boxes)
        order = [boxes[k][0] for k in ("question", "answer", "runs", "code")]
        assert order == sorted(order), (tid, boxes)  # the question, the answer, the runs, then the code
        if max(boxes[k][1] for k in ("question", "answer", "runs")) > height:
            below[tid] = round(boxes["runs"][1])
        # characters of answer this page's first screen holds: its own, and as many more as the lines left hold
        room[tid] = round(chars + (height - boxes["runs"][1]) // line_height * chars / lines)
    context.close()
    assert below == {}
    assert min(room.values()) >= MAX_ANSWER, sorted(room.items(), key=lambda x: x[1])[:3]
