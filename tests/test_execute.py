"""The engine against faulty and hostile snippets: every fault gets its own status, and nothing else is affected.

All faults run in ONE build (parallel 2, framework-free snippets), so the test also shows that the good runs of every
task pass next to them, and that no process a snippet started survives the build.
"""
from __future__ import annotations

import sys
import signal
import subprocess
import time

import pytest

import os

from support import WORKER_VICTIM, WorkerSignaller, leftover_processes, make_project, mini_settings, process_tag
from generator.app.build import run_build
from generator.app.report import failure_line

MARK = "4242.4242"  # an argument no other process on the machine uses: marks processes the snippets started
TIMEOUT = 3.0

FAULTS = {
    "raises": ("x = 1\nraise ValueError('boom on purpose')\n", "failed", "ValueError: boom on purpose"),
    "exit-nonzero": ("import sys\nprint('bye')\nsys.exit(3)\n", "failed", "sys.exit(3) at line 3"),
    "exit-early": ("import sys\nsys.exit(0)\nRESULT = [1.0, 2.0]\n", "failed",
                   "the script called sys.exit(0) at line 2 before setting RESULT"),
    "os-exit": ("import os\nos._exit(5)\n", "failed", "the process ended before the script finished (exited with code 5)"),
    "sleeps": ("import time\ntime.sleep(600)\n", "timed out", f"timed out after {TIMEOUT:g} s on line 2 (where the "
               "script was when it was stopped); its limit is the default timeout (3 s, `timeout` of the plugin in "
               "mkdocs.yml); set `timeout:` in snippets/sleeps/task.yml (at most 3600) if the task needs longer"),
    "reads-stdin": ("x = input()\nRESULT = [1.0, 2.0]\n", "failed", "EOFError: EOF when reading a line"),
    "busy-loop": ("x = 0\nwhile True:\n    x += 1\n", "timed out", f"timed out after {TIMEOUT:g} s on line 3 (where "
                  "the script was when it was stopped); its limit is the default timeout (3 s, `timeout` of the "
                  "plugin in mkdocs.yml); set `timeout:` in snippets/busy-loop/task.yml (at most 3600) if the task "
                  "needs longer"),
    "segfault": ("import ctypes\nctypes.string_at(0)\n", "crashed", "crashed: killed by SIGSEGV"),
    "aborts": ("import os\nos.abort()\n", "crashed", "crashed: killed by SIGABRT"),
    "prints-forever": ("while True:\n    print('x' * 1000)\n", "failed", "stopped: printed more than the limit of 256 KiB"),
    "eats-memory": ("chunks = []\nwhile True:\n    chunks.append(bytearray(64 * 2**20))\n", "failed",
                    "stopped: memory above the limit of 400 MiB"),
    "leaves-children": (
        "import os, subprocess\n"
        f"subprocess.Popen(['sleep', '{MARK}'], start_new_session=True)\n"
        "if os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
        f"        os.execvp('sleep', ['sleep', '{MARK}'])\n    os._exit(0)\n"
        "RESULT = [1.0, 2.0]\n", "passed", ""),
    "kills-worker": (WORKER_VICTIM, "crashed",
                     "crashed: the worker running this snippet died (killed by SIGKILL); a snippet that kills or stops "
                     "its parent process does this"),
    "unserialisable": ("RESULT = object()\n", "failed", "RESULT cannot be serialised: a value of type builtins.object cannot be serialised"),
    "mismatch": ("RESULT = [1.0, 2.5]\n", "mismatched", "RESULT disagrees with TensorFlow (cpu), the majority: largest "
                 "difference 0.5 absolute, 0.25 relative; tolerance rtol 1e-06, atol 1e-09 "
                 "(snippets/mismatch/task.yml:10 compare.tolerance)"),
    "writes-files": ("import os\nopen('out.txt', 'w').write('x')\nopen(os.path.expanduser('~/home.txt'), 'w').write('x')\n"
                     "RESULT = [1.0, 2.0]\n", "passed", ""),
}
EXPECTED_FAILURES = {
    "expected-raised": ("raise KeyError('missing key')\n", {"pytorch": {"error": "KeyError", "match": "missing"}}, "passed",
                        "raised KeyError as expected"),
    "expected-not-raised": ("RESULT = [1.0, 2.0]\n", {"pytorch": {"error": "KeyError"}}, "failed",
                            "expected KeyError to be raised, but the script finished without it"),
    "expected-wrong-type": ("raise ValueError('v')\n", {"pytorch": {"error": "KeyError"}}, "failed",
                            "expected KeyError, but ValueError was raised: v"),
}


@pytest.fixture(scope="module")
def faulty_build(tmp_path_factory):
    root = tmp_path_factory.mktemp("faults")
    tasks = {tid: {"pytorch": code} for tid, (code, _, _) in FAULTS.items()}
    for tid, (code, expected, _, _) in EXPECTED_FAILURES.items():
        tasks[tid] = {"pytorch": code, "task": {"expected_failure": expected, "compare": {"not_comparable": "shows an error"}}}
    tasks["expected-output"] = {"task": {"expected_output": {"all": ["hello from"], "keras": ["not printed"]}}}
    make_project(root, tasks)
    (root / ".gitignore").write_text(".cache/\n")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "init.defaultBranch=main"]
    subprocess.run([*git, "init", "-q"], cwd=root, check=True)
    subprocess.run([*git, "add", "-A"], cwd=root, check=True)
    subprocess.run([*git, "commit", "-qm", "snippets"], cwd=root, check=True)
    settings = mini_settings(root, timeout=TIMEOUT)
    tag = process_tag()
    os.environ["GENERATOR_TEST_TAG"] = tag
    try:
        t0 = time.monotonic()
        with WorkerSignaller(signal.SIGKILL):  # the worker of kills-worker dies while it runs
            result = run_build(settings)
        seconds = time.monotonic() - t0
    finally:
        del os.environ["GENERATOR_TEST_TAG"]
    return root, result, seconds, tag


def outcome(result, run_id):
    return next(o for o in result.outcomes if o.run.id == run_id)


@pytest.mark.parametrize("tid", sorted(FAULTS))
def test_each_fault_gets_its_own_status(faulty_build, tid):
    _, result, *_ = faulty_build
    code, status, message = FAULTS[tid]
    o = outcome(result, f"{tid}/pytorch/cpu")
    assert (o.status, o.message) == (status, message)
    for other in ("tensorflow", "keras/tensorflow", "keras/torch", "keras/jax"):
        assert outcome(result, f"{tid}/{other}/cpu").status == "passed", other


@pytest.mark.parametrize("tid", sorted(EXPECTED_FAILURES))
def test_expected_failures(faulty_build, tid):
    _, result, *_ = faulty_build
    _, _, status, message = EXPECTED_FAILURES[tid]
    o = outcome(result, f"{tid}/pytorch/cpu")
    assert (o.status, o.message) == (status, message)


def test_expected_output(faulty_build):
    _, result, *_ = faulty_build
    assert outcome(result, "expected-output/pytorch/cpu").status == "passed"
    o = outcome(result, "expected-output/keras/jax/cpu")
    assert (o.status, o.message) == ("failed", "expected output 'not printed' was not printed (a typo in task.yml, or "
                                     "the script's output changed)")
    root = faulty_build[0]
    yml = (root / "snippets/expected-output/task.yml").read_text().splitlines()
    line = next(i for i, text in enumerate(yml, 1) if "not printed" in text)
    assert failure_line(o, root).startswith(f"snippets/expected-output/task.yml:{line}: failed: [Keras (JAX backend), cpu] ")


def test_failure_names_file_line_framework_and_traceback(faulty_build):
    root, result, *_ = faulty_build
    o = outcome(result, "raises/pytorch/cpu")
    assert failure_line(o, root) == "snippets/raises/pytorch.py:2: failed: [PyTorch, cpu] ValueError: boom on purpose"
    tb = o.error.traceback
    assert tb.startswith('  File "snippets/raises/pytorch.py", line 2, in <module>\n')  # the project path, no machine path
    assert "generator" not in tb and "worker.py" not in tb  # none of the worker's own frames


def test_mismatch_shows_both_values(faulty_build):
    _, result, *_ = faulty_build
    o = outcome(result, "mismatch/pytorch/cpu")
    assert o.details == ["RESULT[1]: 2.5 != 2.0"]


def test_faults_stop_within_their_limits(faulty_build):
    _, result, seconds, _ = faulty_build
    for tid in ("sleeps", "busy-loop", "kills-worker"):
        o = outcome(result, f"{tid}/pytorch/cpu")
        assert o.record.total_s < TIMEOUT + 3, (tid, o.record.total_s)
    # 3 runs hang until their timeout; everything else is quick, two at a time
    assert seconds < 4 * TIMEOUT + 30


def test_no_process_outlives_the_build(faulty_build):
    *_, tag = faulty_build
    assert leftover_processes(tag) == []


def test_snippets_write_only_in_their_own_folders(faulty_build):
    root, result, *_ = faulty_build
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=root, capture_output=True, text=True)
    assert status.stdout == ""  # the repository is untouched by snippets that write files
    assert not (root / "snippets" / "writes-files" / "out.txt").exists()
    assert not list(root.rglob("home.txt")) and not list(root.rglob("out.txt"))


def test_peak_memory_and_times_are_recorded(faulty_build):
    _, result, *_ = faulty_build
    o = outcome(result, "writes-files/tensorflow/cpu")
    assert o.record.peak_rss_mb > 1 and 0 <= o.wall_s < o.record.total_s
    assert o.record.device_name and o.record.python.startswith("CPython %d.%d" % sys.version_info[:2])


def test_gpu_runs_without_a_gpu_are_skipped_not_passed(tmp_path):
    root = make_project(tmp_path, {"demo": {"task": {"devices": ["cpu", "gpu"]}}})
    result = run_build(mini_settings(root, devices="auto"))
    gpu = [o for o in result.outcomes if o.run.device == "gpu"]
    from generator.runs.machine import gpu_name
    if gpu_name() is None:
        assert gpu and all(o.status == "skipped" and o.message.startswith("not run on GPU here") for o in gpu)
    else:
        assert all(o.status == "passed" for o in gpu)


def test_declared_skip(tmp_path):
    root = make_project(tmp_path, {"demo": {"task": {"skip": {"keras/jax": "not supported on JAX, see the docs"}}}})
    result = run_build(mini_settings(root))
    o = outcome(result, "demo/keras/jax/cpu")
    assert (o.status, o.message) == ("skipped", "not supported on JAX, see the docs")
    assert result.executed == 4
