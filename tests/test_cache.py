"""The run store: rebuilds execute nothing, edits re-run exactly what changed, damage and interruptions lose nothing."""
from __future__ import annotations

import pytest

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from support import ROOT, leftover_processes, make_project, mini_settings, process_tag
from generator.runs.store import Store
from generator.app.build import run_build

SLOW = "import time\ntime.sleep(1.5)\nRESULT = [1.0, 2.0]\n"


def test_rebuild_executes_nothing_and_edit_reruns_exactly_one(tmp_path):
    root = make_project(tmp_path, {"a": {}, "b": {}})
    s = mini_settings(root)
    first = run_build(s)
    assert (first.executed, len(first.plan.cached), first.count("passed")) == (10, 0, 10)
    second = run_build(s)
    assert (second.executed, len(second.plan.cached), second.stats.workers_started) == (0, 10, 0)
    assert [o.record for o in second.outcomes] == [o.record for o in first.outcomes]
    (root / "snippets/a/keras.py").write_text("RESULT = [1.0, 2.0]  # edited\n")
    third = run_build(s)
    # one script, three Keras backends: exactly those three runs, and task a's agreement is checked again
    assert sorted(third.plan.misses and [r.id for r in third.plan.misses]) == ["a/keras/jax/cpu", "a/keras/tensorflow/cpu", "a/keras/torch/cpu"]
    assert third.executed == 3 and third.count("passed") == 10
    (root / "snippets/a/tensorflow.py").write_text("RESULT = [1.0, 9.0]\n")
    fourth = run_build(s)
    assert fourth.executed == 1
    assert {o.run.id for o in fourth.outcomes if o.status == "mismatched"} == {"a/tensorflow/cpu"}


def test_damaged_entries_are_ignored_with_a_warning(tmp_path):
    root = make_project(tmp_path, {"a": {}})
    s = mini_settings(root)
    run_build(s)
    files = sorted((root / ".cache/runs").glob("*/*.json"))
    assert len(files) == 5
    files[0].write_text(files[0].read_text()[:40])                      # truncated
    files[1].write_text("not json at all")                               # malformed
    data = json.loads(files[2].read_text()); data["format"] = 99         # wrong version
    files[2].write_text(json.dumps(data))
    files[3].write_bytes(b"\xff\xfe\x00garbage")                         # not text
    result = run_build(s)
    assert result.executed == 4 and result.count("passed") == 5
    assert len(result.warnings) == 4 and all("ignoring it and running again" in w for w in result.warnings)
    assert run_build(s).executed == 0  # repaired


def test_unreadable_entry_is_ignored(tmp_path):
    if os.geteuid() == 0:
        # root reads anything: make the entry a folder instead, which no one can read as a file
        root = make_project(tmp_path, {"a": {}})
        s = mini_settings(root)
        run_build(s)
        f = sorted((root / ".cache/runs").glob("*/*.json"))[0]
        f.unlink(); f.mkdir()
    else:
        root = make_project(tmp_path, {"a": {}})
        s = mini_settings(root)
        run_build(s)
        f = sorted((root / ".cache/runs").glob("*/*.json"))[0]
        f.chmod(0)
    result = run_build(s)
    assert result.count("passed") == 5 and any("unreadable" in w for w in result.warnings)


def _check(root: Path, env_extra: dict | None = None, **kw) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT), **(env_extra or {}))
    return subprocess.Popen([sys.executable, "-c", (
        "import sys; from pathlib import Path; sys.path.insert(0, %r)\n"
        "from support import mini_settings\nfrom generator.app.build import run_build\n"
        "r = run_build(mini_settings(Path(%r)))\nfrom generator.app.report import summary\nprint(summary(r))\nsys.exit(1 if r.failures else 0)\n") % (str(ROOT / "tests"), str(root))],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


@pytest.mark.slow
def test_interrupted_build_leaves_nothing_behind_and_keeps_complete_entries(tmp_path):
    for sig in (signal.SIGINT, signal.SIGTERM):
        root = make_project(tmp_path / sig.name, {f"t{i}": {"pytorch": SLOW, "tensorflow": SLOW} for i in range(4)})
        tmpdir = tmp_path / f"tmp-{sig.name}"
        tmpdir.mkdir()
        tag = process_tag()
        proc = _check(root, {"TMPDIR": str(tmpdir), "GENERATOR_TEST_TAG": tag})
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(Store(root / ".cache").keys()) < 3:
            time.sleep(0.05)
        proc.send_signal(sig)
        proc.communicate(timeout=30)
        assert proc.returncode != 0
        complete = len(Store(root / ".cache").keys())
        assert 3 <= complete < 20
        assert not list((root / ".cache").rglob(".tmp-*")), "half-written cache entry"
        assert list(tmpdir.iterdir()) == [], "temporary run folders left behind"
        deadline = time.monotonic() + 10  # under load, the last killed processes may take a moment to be reaped
        while leftover_processes(tag) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert leftover_processes(tag) == []
        again = run_build(mini_settings(root))
        assert len(again.plan.cached) == complete and again.executed == 20 - complete
        assert again.count("passed") == 20


def test_concurrent_builds_share_one_cache(tmp_path):
    root = make_project(tmp_path, {f"t{i}": {} for i in range(6)})
    procs = [_check(root) for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    store = Store(root / ".cache")
    keys = store.keys()
    assert len(keys) == 30 and all(store.get(k) for k in keys) and not store.warnings
    assert not list((root / ".cache").rglob(".tmp-*"))
    assert run_build(mini_settings(root)).executed == 0


def test_merged_gpu_store_records_are_not_published_as_this_builds(tmp_path):
    """A run store made on a GPU machine cannot make a machine without a GPU publish GPU runs as its own: a run whose
    device is missing here is looked up in records/ only (tests/test_freeze.py), never in the store."""
    from generator.cli.main import main
    from generator.core.record import RunRecord, SkipKind
    root = make_project(tmp_path / "a", {"demo": {"task": {"devices": ["cpu", "gpu"]}}})
    s = mini_settings(root, devices="auto")
    plan_result = run_build(s)
    gpu_runs = [o.run for o in plan_result.outcomes if o.run.device == "gpu"]
    if not gpu_runs or plan_result.plan.gpu:
        return  # this machine has a GPU: nothing to merge
    other = Store(tmp_path / "gpu-store")
    for run in gpu_runs:
        other.put(run.key, RunRecord.model_validate({
            "id": run.id, "key": run.key, "task": run.task, "runner": run.runner.key, "device": "gpu",
            "script": run.script.name, "python": "CPython 3.12.3", "versions": {"torch": "2.13.0+cu130"},
            "device_name": "NVIDIA H100", "date": "2026-11-20", "exit": {"kind": "exit", "message": "exited with code 0", "code": 0},
            "outcome": {"result": [1.0, 2.0], "has_result": True, "wall_s": 0.01}}))
    (tmp_path / "gpu-store" / "runs" / "zz").mkdir()
    (tmp_path / "gpu-store" / "runs" / "zz" / "bad.json").write_text("{")
    assert main(["--root", str(root), "merge", str(tmp_path / "gpu-store"), "--cache-dir", str(root / ".cache")]) == 0
    assert len(Store(root / ".cache").keys()) == 5 + len(gpu_runs)  # merged, yet not published as run here
    result = run_build(s)
    gpu = [o for o in result.outcomes if o.run.device == "gpu"]
    assert gpu and all(o.skip is SkipKind.NO_DEVICE and o.record is None and o.category == "not-run" for o in gpu)
