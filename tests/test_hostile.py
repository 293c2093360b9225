"""Hostile input is normal input: payloads in snippets, their output, task.yml and content; symlinks; snippets that
attack their worker, the event channel or the run store; inputs built to crash the loader. Each becomes a located
problem or a run status, never markup, never a traceback, never a poisoned cache. The built HTML is what is checked."""
from __future__ import annotations

import re
import json
import os
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from support import ROOT, WORKER_VICTIM, WorkerSignaller, leftover_processes, make_project, mini_settings, process_tag
from generator.core.errors import DataError
from generator.inputs.load import load_project
from generator.inputs.markdown_rules import text_problem
from generator.app.build import run_build
from generator.core.record import Status

ENV = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONPATH=str(ROOT))
PAYLOADS = [
    "{: onclick=alert(1) }", "<img src=x onerror=alert(1)>", "[click](javascript:alert(1))",
    "![x](https://evil.example/x.png){: onerror=alert(1) }", '" onmouseover="alert(1)', "{ #id onfocus=alert(1) }",
    "<script>alert(1)</script>", "`{: onclick=x}`", "$x^2$ {",
]
PAYLOAD = " ".join(PAYLOADS)


class _Attrs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.bad: list[str] = []
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on") or name in ("srcdoc", "formaction"):
                self.bad.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith(("javascript:", "data:", "vbscript:")):
                self.bad.append(f"<{tag} {name}={value!r}>")
        # an image's alt text may quote a payload as text (a figure's title): only attributes that load or run count
        if tag in ("script", "iframe", "object", "embed", "img") and \
                any("alert" in (v or "") for n, v in attrs if n not in ("alt", "title")):
            self.bad.append(f"<{tag} {attrs!r}>")

    def handle_data(self, data):
        self.texts.append(data)


def scan_site(site: Path) -> tuple[list[str], str]:
    bad, texts = [], []
    for page in site.rglob("*.html"):
        parser = _Attrs()
        parser.feed(page.read_text("utf-8"))
        bad += [f"{page.relative_to(site)}: {b}" for b in parser.bad]
        texts += parser.texts
        # an inline <script> may only be the theme's own: none carries a payload
        assert "alert(1)</script>" not in page.read_text("utf-8").replace("&lt;script&gt;alert(1)&lt;/script&gt;", "")
    return bad, " ".join(texts)


HOSTILE_SNIPPET = f"""
import json
PAYLOAD = {PAYLOAD!r}
print(PAYLOAD)
print("\\x1b[31mred\\x1b[0m " + PAYLOAD)
METRICS = {{PAYLOAD: 1.5, "ok_ms": 2.0, "text": PAYLOAD, "$cost$ {{": 3.0}}
RESULT = [PAYLOAD]
"""


# terminal output that tries to leave its block: fences, block markers, closing tags, an OSC 8 hyperlink to
# javascript:, a figure whose title is the payloads, and an error message that starts a line with a block marker
TERMINAL_SNIPPET = f"""
import matplotlib.pyplot as plt
PAYLOAD = {PAYLOAD!r}
print("```\\n~~~\\n////\\n/// details | x\\n    attrs: {{onclick: alert(1)}}\\n///\\n</code></pre></div>" + PAYLOAD)
print("\\x1b]8;;javascript:alert(1)\\x1b\\\\click me\\x1b]8;;\\x1b\\\\ \\x1b[38;2;1;2;3m\\x1b[1;4;7mstyled\\x1b[0m")
print("\\x1b[31;" + "1;" * 5000 + "m" + "x" * 10 + "\\r" + "\\x1b[999999999C" + "y")
plt.plot([1, 2]); plt.title(PAYLOAD + " ](javascript:alert(1)) {{: onerror=alert(1) }}")
RESULT = [1.0, 2.0]
"""


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    root = make_project(base / "proj", {
        "out": {"pytorch": HOSTILE_SNIPPET, "tensorflow": HOSTILE_SNIPPET, "keras": HOSTILE_SNIPPET,
                "task": {"benchmark": True, "compare": {"not_comparable": "each prints hostile text on purpose"}}},
        "raises": {"pytorch": f"raise ValueError({PAYLOAD!r})\n"},
        "mismatch": {"pytorch": f"RESULT = [1.0, {PAYLOAD!r}]\n"},
        "terminal": {"pytorch": TERMINAL_SNIPPET, "tensorflow": "raise ValueError('///\\n//// tab | x\\n' + " + repr(PAYLOAD) + ")\n"},
        "expected": {"pytorch": f"raise KeyError({PAYLOAD!r})\n",
                     "task": {"expected_failure": {"pytorch": {"error": "KeyError", "match": "onclick"}},
                              "compare": {"not_comparable": "shows an error on purpose"}}},
    })
    site = base / "site"
    out = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--site-dir", str(site)], cwd=root, env=ENV,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    return root, site, out


def test_no_text_from_snippets_or_their_output_creates_an_attribute(hostile_site):
    _, site, _ = hostile_site
    bad, text = scan_site(site)
    assert bad == []
    # the payloads are shown, as text
    assert "{: onclick=alert(1) }" in text and "<img src=x onerror=alert(1)>" in text
    assert "[click](javascript:alert(1))" in text


def test_failure_messages_are_text_not_links(hostile_site):
    _, site, _ = hostile_site
    html = "".join(p.read_text() for p in sorted((site / "tasks" / "basics").glob("*/index.html")))  # the task pages
    assert 'href="javascript' not in html.lower()
    assert html.count("run-badge") >= 20


def test_terminal_output_and_figures_cannot_leave_their_block(hostile_site):
    _, site, _ = hostile_site
    html = (site / "tasks" / "basics" / "terminal" / "index.html").read_text()
    assert "\x1b" not in html and "\b" not in html and 'href="javascript' not in html.lower()
    start = html.index('<h2 id="terminal"')
    end = html.find("<h2", start + 10)
    section = html[start:end if end > 0 else html.index("</article>")]
    # every tab is still there (nothing closed a block early or swallowed the next one)
    assert section.count('class="tabbed-block"') == 3 and 'id="terminal-keras"' in section
    from generator.runs.terminal import CLASSES

    class Output(HTMLParser):
        def __init__(self):
            super().__init__()
            self.depth, self.inside = 0, []

        def handle_starttag(self, tag, attrs):
            if self.depth or ("class", "ansi-output") in attrs:
                self.depth += 1
                if ("class", "ansi-output") not in attrs:
                    self.inside.append((tag, attrs))

        def handle_endtag(self, tag):
            if self.depth:
                self.depth -= 1

    parser = Output()
    parser.feed(section)
    assert {tag for tag, _ in parser.inside} <= {"pre", "code", "span"}
    assert all(n == "class" and set(v.split()) <= CLASSES for _, attrs in parser.inside for n, v in attrs)
    assert '<span class="ansi-bold ansi-underline ansi-reverse ansi-fg-0">styled</span>' in section
    assert '<img alt="' in section and 'src="../../../assets/figures/' in section  # the figure, its title as alt text
    assert "Raised" not in section and section.count('class="admonition failure"') == 1


def test_content_with_markup_syntax_is_refused_with_its_location(tmp_path):
    from support import MINI_CONTENT
    import copy
    for payload in ("Para.\n{: onclick=alert(1) }", "![i](https://x.org/i.png)", "[a](https://x.org/a){: .x }",
                    "Unclosed { brace", "see [x](javascript:alert(1))", "*[HTML]: abbr", "<b>raw</b>",
                    "Para.\n\n/// admonition | x\n    attrs:\n      onclick: alert(1)\n///"):
        faq = copy.deepcopy(MINI_CONTENT["faq.yml"])
        faq["questions"][0]["answer"] = payload
        root = make_project(tmp_path / str(abs(hash(payload))), content={"faq.yml": faq})
        with pytest.raises(DataError) as err:
            load_project(root)
        assert [str(p) for p in err.value.problems][0].startswith("content/faq.yml:4: questions[0].answer: "), payload


def test_source_urls_cannot_carry_markdown(tmp_path):
    from support import MINI_CONTENT
    import copy
    faq = copy.deepcopy(MINI_CONTENT["faq.yml"])
    faq["questions"][0]["sources"] = [{"url": "https://example.org/a){: onclick=alert(1) }", "title": "Title"}]
    root = make_project(tmp_path, content={"faq.yml": faq})
    with pytest.raises(DataError) as err:
        load_project(root)
    assert "sources[0].url: must be an http:// or https:// URL" in str(err.value)


def test_validators_are_linear():
    for text in ("`" * 2000, "`a" * 5000, "](" * 10000, "[" * 20000, "a" * 20000):
        t0 = time.perf_counter()
        text_problem(text)
        assert time.perf_counter() - t0 < 0.5, text[:10]


# ----------------------------------------------------------------------------- symlinks
@pytest.mark.parametrize("target", ["/etc/passwd", "/proc/self/environ", "../../.git/config", "../other/pytorch.py"])
def test_a_symlinked_snippet_is_refused(tmp_path, target):
    root = make_project(tmp_path, {"demo": {}, "other": {}})
    script = root / "snippets" / "demo" / "pytorch.py"
    script.unlink()
    script.symlink_to(target)
    with pytest.raises(DataError) as err:
        load_project(root)
    assert str(err.value.problems[0]).startswith("snippets/demo/pytorch.py: refused: ")
    out = subprocess.run([sys.executable, "-m", "generator", "--root", str(root), "check", "--format", "github"],
                         env=ENV, capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert out.stdout.startswith("::error file=snippets/demo/pytorch.py,title=invalid data::refused: ")


def test_symlinked_task_folders_and_content_files_are_refused(tmp_path):
    root = make_project(tmp_path / "p", {"demo": {}})
    elsewhere = make_project(tmp_path / "elsewhere", {"evil": {}})
    (root / "snippets" / "evil").symlink_to(elsewhere / "snippets" / "evil")
    faq = root / "content" / "faq.yml"
    faq.unlink()
    faq.symlink_to(elsewhere / "content" / "faq.yml")
    with pytest.raises(DataError) as err:
        load_project(root)
    lines = [str(p) for p in err.value.problems]
    assert "snippets/evil: refused: a task folder may not be a symbolic link" in lines
    assert any(line.startswith("content/faq.yml: refused: ") for line in lines)


# ----------------------------------------------------------------------------- inputs built to crash
@pytest.mark.parametrize("name, text, expected", [
    ("list-key", "? [a, b]\n: 1\n", "content/groups.yml:1: a key must be a plain value, not a list or a map"),
    ("map-key", "? {a: 1}\n: 1\n", "content/groups.yml:1: a key must be a plain value, not a list or a map"),
    # refused by our depth limit, or by libyaml's own (newer PyYAML builds stop at 1000 levels): located either way
    ("deep", "x: " + "[" * 5000 + "]" * 5000 + "\n",
     r"content/groups\.yml(: YAML nested 5001 levels deep; at most 40 are allowed"
     r"|:1: YAML syntax error at column \d+: exceeded maximum nesting depth)"),
    ("deep-but-parsed", "x: " + "[" * 60 + "]" * 60 + "\n",
     r"content/groups\.yml: YAML nested 61 levels deep; at most 40 are allowed"),
    ("binary", b"\xff\xfe\x00", "content/groups.yml:1: file is not UTF-8 (byte 0xff at offset 0)"),
])
def test_hostile_yaml_is_a_located_problem(tmp_path, name, text, expected):
    root = make_project(tmp_path, content={"groups.yml": text})
    with pytest.raises(DataError) as err:
        load_project(root)
    problems = [str(p) for p in err.value.problems]
    assert any(p == expected or re.fullmatch(expected, p) for p in problems), problems


@pytest.mark.parametrize("task, expected", [
    ({"timeout": float("inf")}, "timeout: Input should be a finite number"),
    ({"timeout": 1e9}, "timeout: Input should be less than or equal to 3600"),
    ({"timeout": True}, "timeout: Input should be a valid number"),
    ({"expected_failure": {"pytorch": {"error": "E", "match": "(unclosed"}}},
     "expected_failure.pytorch.match: not a valid regular expression: missing ), unterminated subpattern at position 0"),
    ({"title": "A title with $math$ and { brace"}, "title: braces are not allowed outside code"),
])
def test_hostile_task_settings_are_located_problems(tmp_path, task, expected):
    root = make_project(tmp_path, {"demo": {"task": task}})
    with pytest.raises(DataError) as err:
        load_project(root)
    assert any(expected in str(p) and str(p).startswith("snippets/demo/task.yml:") for p in err.value.problems), \
        [str(p) for p in err.value.problems]


@pytest.mark.slow
def test_odd_snippets_become_run_statuses_and_never_poison_the_cache(tmp_path):
    latin1 = "# -*- coding: latin-1 -*-\nprint('caf\xe9')\nRESULT = [1.0, 2.0]\n".encode("latin-1")
    root = make_project(tmp_path, {
        "latin1": {}, "bigint": {"pytorch": "RESULT = [2**1100, 2.0]\n", "tensorflow": "RESULT = [2**1100, 2.0]\n",
                                 "keras": "RESULT = [2**1100, 2.0]\n"},
        "huge-message": {"pytorch": "raise RuntimeError('x' * 30_000_000)\n"},
        "huge-result": {"pytorch": "RESULT = [float(i) for i in range(1_000_000)]\n",
                        "tensorflow": "RESULT = [float(i) for i in range(1_000_000)]\n",
                        "keras": "RESULT = [float(i) for i in range(1_000_000)]\n"},
        "syntax": {"keras": "def broken(:\n"},
        "huge-string": {"pytorch": "RESULT = ['x' * 30_000_000]\nMETRICS = {'note': 'y' * 30_000_000}\n",
                        "task": {"compare": {"not_comparable": "publishes huge values on purpose"}}},
    })
    (root / "snippets" / "latin1" / "pytorch.py").write_bytes(latin1)
    s = mini_settings(root, timeout=60, memory_limit_mb=2000)
    first = run_build(s)
    status = {o.run.id: o for o in first.outcomes}
    assert status["latin1/pytorch/cpu"].passed and "café" in status["latin1/pytorch/cpu"].record.stdout
    assert all(status[f"bigint/{r}/cpu"].passed for r in ("pytorch", "tensorflow", "keras/jax"))
    big = status["huge-message/pytorch/cpu"]
    assert big.status is Status.FAILED and len(big.message) < 5000 and len(big.error.traceback) < 70_000
    assert all(status[f"huge-result/{r}/cpu"].passed for r in ("pytorch", "tensorflow", "keras/jax"))
    assert "__summary__" in status["huge-result/pytorch/cpu"].result
    huge = status["huge-string/pytorch/cpu"]
    assert huge.status is Status.FAILED and "METRICS is 30,000,012 bytes as JSON" in huge.message
    syntax = status["syntax/keras/jax/cpu"]
    assert syntax.status is Status.FAILED and syntax.line == 1 and syntax.message.startswith("SyntaxError")
    entries = list((root / ".cache" / "runs").glob("*/*.json"))
    assert max(p.stat().st_size for p in entries) < 200_000  # no entry carries megabytes
    t0 = time.perf_counter()
    second = run_build(s)
    assert second.executed == 0 and not second.warnings and time.perf_counter() - t0 < 5
    assert [o.status for o in second.outcomes] == [o.status for o in first.outcomes]


def test_a_record_of_the_wrong_shape_from_merge_is_skipped(tmp_path):
    from generator.runs.store import Store
    root = make_project(tmp_path / "p", {"demo": {}})
    other = tmp_path / "other" / "runs" / "ab"
    other.mkdir(parents=True)
    key = "ab" + "0" * 62
    for i, record in enumerate(({"id": 1}, [], "text", {"exit": {"kind": "nonsense"}})):
        (other / f"{key[:-1]}{i}.json").write_text(json.dumps({"format": 2, "key": f"{key[:-1]}{i}", "record": record}))
    merged, skipped = Store(root / ".cache").merge_from(tmp_path / "other")
    assert (merged, skipped) == (0, 4)
    assert run_build(mini_settings(root)).count(Status.PASSED) == 5


def test_an_entry_damaged_after_it_was_read_is_never_served_from_memory(tmp_path):
    """The store keeps parsed records per version of their file (the preview reads them on every rebuild): an entry
    replaced or rewritten since is read again, and a damaged one is a warning and a re-run, not the old record."""
    import time as _time
    from generator.runs.store import Store
    root = make_project(tmp_path / "p", {"demo": {}})
    assert run_build(mini_settings(root)).executed == 5
    store = Store(root / ".cache")
    key = store.keys()[0]
    assert store.get(key) is not None and store.get(key) is store.get(key)  # parsed once
    path = store._file(key)
    _time.sleep(0.02)
    path.write_text(path.read_text().replace('"', "'", 1))  # in place: same inode, newer time
    assert store.get(key) is None and any("is unreadable" in w or "not a record" in w for w in store.warnings)
    result = run_build(mini_settings(root))
    assert result.executed == 1 and result.count(Status.PASSED) == 5


def test_a_snippets_temporary_files_go_to_its_own_folder(tmp_path, monkeypatch):
    """TMPDIR is the run's own folder (removed after the run) even when the worker looked up the temporary folder
    before forking (TensorFlow's autograph does, and its files piled up in /tmp)."""
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text("import tempfile\ntempfile.gettempdir()\n")  # as an import may do
    monkeypatch.setenv("PYTHONPATH", str(hook))
    code = ("import os, tempfile\nwith tempfile.NamedTemporaryFile(delete=False) as fh:\n    name = fh.name\n"
            "RESULT = os.path.dirname(name) == os.environ['TMPDIR'] != '/tmp'\nprint(RESULT)\n")
    root = make_project(tmp_path / "p", {"demo": {"pytorch": code, "tensorflow": code, "keras": code}})
    result = run_build(mini_settings(root))
    assert result.count(Status.PASSED) == 5 and all(o.result is True for o in result.outcomes if o.record)


def test_a_failed_cache_write_is_not_a_cached_failure(tmp_path):
    root = make_project(tmp_path, {"demo": {}})
    (root / ".cache").write_text("a file where the store should be")  # every write fails, like a full disk
    result = run_build(mini_settings(root))
    assert result.count(Status.PASSED) == 5 and any("could not be written" in w for w in result.warnings)


def test_a_gpu_only_task_without_a_gpu_fails_the_gate(tmp_path):
    from generator.runs.machine import gpu_name
    if gpu_name():
        pytest.skip("this machine has a GPU")
    root = make_project(tmp_path, {"demo": {}, "gpu-only": {"task": {"devices": ["gpu"]}}})
    out = subprocess.run([sys.executable, "-m", "generator", "--root", str(root), "check", "--devices", "auto"],
                         env=ENV, capture_output=True, text=True, timeout=120)
    assert out.returncode == 1
    assert "snippets/gpu-only/task.yml: unverified: no run of this task was made or found here (devices: gpu)" in out.stdout


# ----------------------------------------------------------------------------- snippets against the engine
@pytest.mark.slow
def test_a_snippet_that_stops_its_worker_cannot_hang_the_build(tmp_path, monkeypatch):
    tag = process_tag()
    monkeypatch.setenv("GENERATOR_TEST_TAG", tag)
    root = make_project(tmp_path, {
        "stops": {"pytorch": WORKER_VICTIM},  # its worker is stopped (SIGSTOP) while it runs
        "fine": {}})
    t0 = time.monotonic()
    import signal
    with WorkerSignaller(signal.SIGSTOP):
        result = run_build(mini_settings(root, timeout=2))
    assert time.monotonic() - t0 < 30
    o = next(o for o in result.outcomes if o.run.id == "stops/pytorch/cpu")
    assert o.status is Status.CRASHED and "stopped answering" in o.message
    assert all(o.passed for o in result.outcomes if o.run.task == "fine")
    time.sleep(0.3)
    assert leftover_processes(tag) == []


FORGER = """
import os, json
sent = 0
for fd in os.listdir(f"/proc/{os.getppid()}/fd"):
    path = f"/proc/{os.getppid()}/fd/{fd}"
    for payload in (b"garbage\\n", json.dumps({"event": "done", "id": "victim/pytorch/cpu", "exit": {"kind": "exit",
                    "message": "ok"}, "outcome": {"has_result": True, "result": [1.0, 2.0]}}).encode() + b"\\n"):
        try:
            with open(path, "wb", buffering=0) as fh:
                fh.write(payload)
                sent += 1
        except OSError:
            pass
print("sent", sent)
RESULT = [1.0, 2.0]
"""


def test_forged_events_cannot_reach_or_fool_the_executor(tmp_path):
    root = make_project(tmp_path, {"forger": {"pytorch": FORGER},
                                   "victim": {"pytorch": "raise RuntimeError('the real outcome')\n"}})
    result = run_build(mini_settings(root, parallel=1))
    victim = next(o for o in result.outcomes if o.run.id == "victim/pytorch/cpu")
    assert victim.status is Status.FAILED and victim.message == "RuntimeError: the real outcome"
    forger = next(o for o in result.outcomes if o.run.id == "forger/pytorch/cpu")
    assert forger.status in (Status.PASSED, Status.CRASHED)
    assert all(o.ok for o in result.outcomes if o.run.task == "forger" and o.run.runner.key != "pytorch")


POISON = """
import glob, json, os
for path in glob.glob(os.environ.get("STORE", "") + "/runs/*/*.json"):
    data = json.load(open(path))
    if data["record"]["task"] == "victim":
        data["record"]["outcome"] = {"has_result": True, "result": [1.0, 2.0]}
        json.dump(data, open(path, "w"))
RESULT = [1.0, 2.0]
"""


def test_a_fresh_store_is_immune_to_a_poisoned_one(tmp_path, monkeypatch):
    """A snippet can write the store of the machine it runs on (same user); a build for deployment therefore starts
    from an empty store (GENERATOR_CACHE pointed at a new folder), and no build reads what its own snippets wrote."""
    root = make_project(tmp_path, {"poison": {"pytorch": POISON},
                                   "victim": {"pytorch": "raise RuntimeError('the real outcome')\n"}})
    store = tmp_path / "store"
    monkeypatch.setenv("STORE", str(store))
    first = run_build(mini_settings(root, cache_dir=str(store)))
    assert next(o for o in first.outcomes if o.run.id == "victim/pytorch/cpu").status is Status.FAILED
    fresh = run_build(mini_settings(root, cache_dir=str(tmp_path / "fresh")))
    assert next(o for o in fresh.outcomes if o.run.id == "victim/pytorch/cpu").status is Status.FAILED


def test_the_worker_temp_folder_is_not_on_the_import_path(tmp_path):
    code = "import sys\nRESULT = [p for p in sys.path if 'generator-runs' in p or p in ('', '.')]\n"
    root = make_project(tmp_path, {"path": {"pytorch": code, "tensorflow": code, "keras": code}})
    result = run_build(mini_settings(root))
    assert all(o.passed and o.result == [] for o in result.outcomes)


def test_the_next_build_removes_what_a_killed_build_left(tmp_path):
    import tempfile
    from generator.runs.workers import TMP_PREFIX
    dead = Path(tempfile.mkdtemp(prefix=TMP_PREFIX))
    proc = subprocess.Popen(["true"])
    proc.wait()
    (dead / "owner").write_text(str(proc.pid))  # a build that no longer exists
    old = time.time() - 3600
    os.utime(dead, (old, old))
    root = make_project(tmp_path, {"demo": {}})
    partial = root / ".cache" / "runs" / "ab" / ".tmp-x.partial"
    partial.parent.mkdir(parents=True)
    partial.write_text("half")
    run_build(mini_settings(root))
    assert not dead.exists() and not partial.exists()
