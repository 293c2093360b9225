"""Staying current: `generator outdated` against a fake index (a folder of tiny wheels), the pins written only when
they install together, the version range's file read, judged stale and shown on the page."""
from __future__ import annotations

import hashlib
import html
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from support import ROOT, make_project, mini_settings

from generator.app.outdated import LOCK, RANGE_LOCK, RANGE_REQUEST, REQUEST, previous_minor, verification_diff
from generator.inputs.pins import read_lock


def wheel(folder: Path, name: str, version: str, requires: tuple[str, ...] = ()) -> None:
    """A wheel pip can resolve: metadata only, no code."""
    dist = f"{name}-{version}.dist-info"
    meta = "Metadata-Version: 2.1\nName: {}\nVersion: {}\n{}".format(
        name, version, "".join(f"Requires-Dist: {r}\n" for r in requires))
    files = {f"{dist}/METADATA": meta, f"{dist}/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n"
             "Tag: py3-none-any\n"}
    files[f"{dist}/RECORD"] = "".join(f"{p},,\n" for p in files) + f"{dist}/RECORD,,\n"
    with zipfile.ZipFile(folder / f"{name}-{version}-py3-none-any.whl", "w") as z:
        for path, text in files.items():
            z.writestr(path, text)


@pytest.fixture
def index(tmp_path) -> Path:
    folder = tmp_path / "index"
    folder.mkdir()
    for v in ("2.13.0", "2.14.0", "2.14.1", "2.15.0", "2.16.0rc1"):
        wheel(folder, "torch", v)
    for v in ("3.14.0", "3.14.1", "3.15.0"):
        wheel(folder, "keras", v, ("torch>=2.14",))  # a fake dependency, so that the range must resolve together
    wheel(folder, "helper", "1.0")
    return folder


@pytest.fixture
def pinned(tmp_path) -> Path:
    root = tmp_path / "proj"
    root.mkdir()
    (root / REQUEST).write_text("# what we ask for\ntorch\nkeras\nhelper\n")
    (root / LOCK).write_text("# the lock\nhelper==1.0\nkeras==3.14.0\ntorch==2.14.0\n")
    return root


def outdated(root: Path, index: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", "--root", str(root), "outdated", "--index", str(index),
                           *args], capture_output=True, text=True, timeout=600, cwd=ROOT)


def test_previous_minor_is_the_newest_release_of_the_minor_before():
    available = ["2.16.0rc1", "2.15.0", "2.14.1", "2.14.0", "2.13.0"]
    assert previous_minor("2.15.0", available) == "2.14.1"
    assert previous_minor("2.14.1", available) == "2.13.0"
    assert previous_minor("2.13.0", available) is None
    assert previous_minor("0.12.0.1", ["0.12.0.1", "0.11.2", "0.11.1", "0.10.2"]) == "0.11.2"
    assert previous_minor("2.15.0+cpu", available) == "2.14.1"


def test_outdated_prints_the_newest_releases_that_install_together_and_writes_nothing(pinned, index):
    before = {p.name: p.read_text() for p in pinned.iterdir()}
    out = outdated(pinned, index)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert any(l.split() == ["torch", "2.14.0", "2.15.0"] for l in lines), out.stdout  # not the 2.16.0rc1
    assert any(l.split() == ["keras", "3.14.0", "3.15.0"] for l in lines), out.stdout
    assert "2 of 3 pins would change" in out.stdout
    assert "version range (previous minor releases): torch 2.14.1, keras 3.14.1" in out.stdout
    assert {p.name: p.read_text() for p in pinned.iterdir()} == before  # without --write nothing changes


def test_outdated_write_makes_the_lock_and_the_range_and_then_is_up_to_date(pinned, index):
    out = outdated(pinned, index, "--write")
    assert out.returncode == 0, out.stderr
    lock, problems = read_lock(pinned / LOCK)
    assert problems == [] and {k: p.version for k, p in lock.pins.items()} == {
        "torch": "2.15.0", "keras": "3.15.0", "helper": "1.0"}
    holds, _ = read_lock(pinned / RANGE_REQUEST)
    assert {k: p.version for k, p in holds.pins.items()} == {"torch": "2.14.1", "keras": "3.14.1"}
    rng, _ = read_lock(pinned / RANGE_LOCK)
    assert {k: p.version for k, p in rng.pins.items()} == {"torch": "2.14.1", "keras": "3.14.1", "helper": "1.0"}
    again = outdated(pinned, index)
    assert "up to date: the 3 pins are the newest releases that install together" in again.stdout


@pytest.mark.parametrize("request_text, says", [
    ("torch\nnosuchpackage\n", "nosuchpackage"),               # a name the index does not serve
    ("torch<2\nkeras\n", "torch"),                              # two requests that conflict (keras needs torch>=2.14)
])
def test_a_refused_upgrade_is_one_line_and_never_replaces_the_pins(pinned, index, request_text, says):
    (pinned / REQUEST).write_text(request_text)
    before = {p.name: p.read_text() for p in pinned.iterdir()}
    out = outdated(pinned, index, "--write")
    assert out.returncode == 2
    assert "Traceback" not in out.stderr and out.stdout == ""
    first = out.stderr.splitlines()[0]
    assert first.startswith("outdated: requirements.in: pip cannot install this set: ") and says in first, out.stderr
    assert out.stderr.splitlines()[1] == "outdated: nothing written; the current pins stay"
    assert {p.name: p.read_text() for p in pinned.iterdir()} == before


def test_a_lock_line_of_another_shape_is_a_located_problem(pinned, index):
    (pinned / LOCK).write_text("torch==2.14.0\nkeras>=3\n")
    out = outdated(pinned, index)
    assert out.returncode == 2 and out.stderr.splitlines()[0] == \
        "outdated: requirements.txt:2: pins: expected name==version, got 'keras>=3'"


def test_the_projects_pins_are_one_lock_made_from_requirements_in():
    lock, problems = read_lock(ROOT / LOCK)
    assert problems == []
    asked = [l.split("#")[0].strip() for l in (ROOT / REQUEST).read_text().splitlines()]
    from generator.inputs.pins import canonical, requested_names
    assert all(canonical(n) in lock.pins for n in requested_names(ROOT / REQUEST)), asked
    rng, problems = read_lock(ROOT / RANGE_LOCK)
    holds, _ = read_lock(ROOT / RANGE_REQUEST)
    assert problems == [] and holds.pins
    for key, pin in holds.pins.items():  # the range holds each framework one minor release behind the pins
        assert rng.pins[key].version == pin.version
        assert pin.version.split(".")[:2] != lock.pins[key].version.split("+")[0].split(".")[:2]


def test_verification_diff_lists_the_runs_that_changed_status():
    old = {"runs": [{"task": "a", "runner": "pytorch", "device": "cpu", "status": "passed"},
                    {"task": "b", "runner": "keras/jax", "device": "cpu", "status": "passed"}]}
    new = {"totals": {"passed": 1, "failed": 1},
           "runs": [{"task": "a", "runner": "pytorch", "device": "cpu", "status": "passed"},
                    {"task": "b", "runner": "keras/jax", "device": "cpu", "status": "failed",
                     "message": "AttributeError: module 'jax' has no attribute 'x'\nmore"}]}
    lines = verification_diff(old, new)
    assert lines[0] == "1 run(s) changed status; now 1 failed, 1 passed"
    assert lines[1] == "- `b/keras/jax/cpu`: passed → **failed**: AttributeError: module 'jax' has no attribute 'x'"
    assert verification_diff(old, old)[1:] == ["- no run changed status"]


# ----------------------------------------------------------------------------- the range on the page


def _range_file(root: Path, runs: list[dict]) -> None:
    data = {"format": 1, "made": "2026-12-05", "made_by": "make range", "python": "3.12.1", "machine": "test cpu",
            "runs": runs}
    (root / "records").mkdir(exist_ok=True)
    (root / "records" / "range.json").write_text(json.dumps(data))


def _sha(root: Path, task: str, framework: str) -> str:
    return hashlib.sha256((root / "snippets" / task / f"{framework}.py").read_bytes()).hexdigest()


def test_the_range_is_read_judged_stale_when_a_script_changed_and_shown(tmp_path):
    from generator.app.build import run_build
    from generator.site.taskpage import TaskPage
    root = make_project(tmp_path / "proj")
    task = sorted(p.name for p in (root / "snippets").iterdir() if p.is_dir())[0]
    runs = [{"task": task, "runner": "pytorch", "script_sha256": _sha(root, task, "pytorch"), "status": "passed",
             "versions": {"torch": "2.14.1"}},
            {"task": task, "runner": "tensorflow", "script_sha256": "0" * 64, "status": "passed",
             "versions": {"tensorflow-cpu": "2.20.0"}},
            {"task": task, "runner": "keras/jax", "script_sha256": _sha(root, task, "keras"), "status": "failed",
             "message": "TypeError: <b>boom</b>", "versions": {"keras": "3.14.1"}}]
    _range_file(root, runs)
    result = run_build(mini_settings(root))
    entries = {r: e for (t, r), e in result.range.entries.items()}
    assert entries["pytorch"].passed and entries["tensorflow"].stale and not entries["keras/jax"].passed
    data = result.range.to_json()
    assert data["recorded"] and [r["stale"] for r in data["runs"]] == [False, False, True]

    class R:  # what TaskPage reads of the renderer
        b = result
        by_task = {}
    for o in result.outcomes:
        R.by_task.setdefault(o.run.task, []).append(o)
    raw = str(TaskPage(R).version_range(task))
    assert "<b>" not in raw  # escaped: no markup from a run's message
    text = html.unescape(raw)
    assert "keras.py fails on keras 3.14.1 (keras/jax: failed: TypeError: <b>boom</b>)" in text
    assert "tensorflow.py changed since the range was recorded: not yet run on tensorflow-cpu 2.20.0" in text
    assert "previous releases run by make range on 2026-12-05" in text

    runs[2]["message"] = "ValueError: " + "x" * 300 + " (snippets/t/task.yml:3)"  # a long error: cut, never unbalanced
    _range_file(root, runs)
    R.b = run_build(mini_settings(root))
    text = html.unescape(str(TaskPage(R).version_range(task)))
    assert "(keras/jax: failed: ValueError: xxx" in text and "…) (previous releases run by" in text
    assert "task.yml:3" not in text


def test_a_range_file_of_another_shape_is_refused_with_one_warning(tmp_path):
    from generator.app.build import run_build
    root = make_project(tmp_path / "proj")
    _range_file(root, [{"task": "x", "runner": "pytorch", "script_sha256": "not a sha", "status": "passed",
                        "versions": {}}])
    result = run_build(mini_settings(root))
    assert result.range.file is None and result.range.entries == {}
    assert any(w.startswith("range.json: runs.0.script_sha256: ") and "refused" in w for w in result.warnings)


def test_the_versions_the_site_states_are_the_pins_and_the_range():
    """The fact the pages print ("This site verifies torch 2.15.0 ...") names exactly the locked versions."""
    import yaml
    facts = {f["id"]: f for f in yaml.safe_load((ROOT / "content" / "facts.yml").read_text())["facts"]}
    text = " ".join(facts["versions-verified"]["value"].split())
    lock, _ = read_lock(ROOT / LOCK)
    rng, _ = read_lock(ROOT / RANGE_LOCK)
    for name in ("torch", "tensorflow-cpu", "keras", "jax"):
        assert f"{name} {lock.version(name).split('+')[0]}" in text, name
        assert f"{name} {rng.version(name).split('+')[0]}" in text, name
    import platform
    assert f"Python {'.'.join(platform.python_version_tuple()[:2])}" in text
