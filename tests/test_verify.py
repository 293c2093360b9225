"""The rules with many cases, table-driven: comparing RESULT values, the vote, the output cleaner and the cache key."""
from __future__ import annotations

import math

import pytest

from generator.runs.plan import Run
from generator.core.record import Checked, ExitKind, RunRecord, ScriptOutcome, Status
from generator.core.runners import RUNNERS
from generator.runs.verify import agree, clean, compare

R, A = 1e-5, 1e-8


@pytest.mark.parametrize("a, b, rtol, atol, paths", [
    (1.0, 1.0, R, A, []),
    (1.0 + 1e-7, 1.0, R, A, []),                                   # within rtol
    (1.001, 1.0, R, A, ["RESULT: 1.001 != 1.0"]),
    (0.0, 1e-9, 0.0, 1e-8, []),                                    # within atol
    (0.0, 1e-7, 0.0, 1e-8, ["RESULT: 0.0 != 1e-07"]),
    (2**1100, 2**1100, R, A, []),                                  # ints beyond float range, exact
    (2**1100 + 1, 2**1100, 0.0, 0.0, ["RESULT: " + repr(2**1100 + 1)[:60] + " != " + repr(2**1100)[:60]]),
    (2**1100 + 1, 2**1100, R, A, []),                              # relative to a huge value, within tolerance
    ({"__float__": "nan"}, {"__float__": "nan"}, R, A, []),        # NaN equals NaN (allclose with equal_nan)
    ({"__float__": "nan"}, 1.0, R, A, ["RESULT: {'__float__': 'nan'} != 1.0"]),
    ({"__float__": "inf"}, {"__float__": "-inf"}, R, A, ["RESULT: {'__float__': 'inf'} != {'__float__': '-inf'}"]),
    (True, 1, R, A, ["RESULT: True != 1"]),                        # a bool is not a number here
    ("a", "a", R, A, []),
    (None, 0, R, A, ["RESULT: None != 0"]),
    ([1.0, [2.0, 3.0]], [1.0, [2.0, 3.5]], R, A, ["RESULT[1][1]: 3.0 != 3.5"]),
    ([1.0], [1.0, 2.0], R, A, ["RESULT: length 1 != 2"]),
    ({"a": 1, "b": [1, 2]}, {"a": 1, "b": [1, 3]}, R, A, ["RESULT['b'][1]: 2 != 3"]),
    ({"a": 1}, {"b": 1}, R, A, ["RESULT: keys ['a'] != ['b']"]),
    ([1.0] * 20, [2.0] * 20, R, A, [f"RESULT[{i}]: 1.0 != 2.0" for i in range(10)] + ["... and 10 more"]),
])
def test_compare(a, b, rtol, atol, paths):
    assert compare(a, b, rtol, atol).details() == paths


def test_compare_reports_the_largest_distance():
    diff = compare([1.0, 2.5, 3.0], [1.0, 2.0, 3.0], R, A)
    assert diff.max_abs == 0.5 and diff.max_rel == 0.25


def test_compare_handles_any_depth():
    deep_a, deep_b = [1.0], [2.0]
    for _ in range(5000):
        deep_a, deep_b = [deep_a], [deep_b]
    assert compare(deep_a, deep_b, R, A).count == 1


# ----------------------------------------------------------------------------- the vote
def checked(runner: str, result, status: Status = Status.PASSED) -> Checked:
    run = Run("t", RUNNERS[runner], "cpu", None, 10.0, "k" * 64)
    rec = RunRecord(id=run.id, key=run.key, task="t", runner=runner, device="cpu", script="x.py", python="CPython 3.11",
                    versions={}, device_name="cpu", date="2026-11-22",
                    exit={"kind": ExitKind.EXIT, "message": "exited with code 0", "code": 0},
                    outcome=ScriptOutcome(has_result=True, result=result, wall_s=0.1))
    return Checked(run, rec, status)


ALL = ("pytorch", "tensorflow", "keras/tensorflow", "keras/torch", "keras/jax")


def vote(results: dict[str, object]) -> dict[str, tuple[str, str]]:
    group = [checked(r, v) for r, v in results.items()]
    agree(group, R, A)
    return {c.run.runner.key: (c.status.value, c.message) for c in group}


def test_all_agree():
    out = vote({r: [1.0] for r in ALL})
    assert all(s == "passed" for s, _ in out.values())


def test_one_wrong_keras_script_marks_only_the_keras_runs():
    out = vote({"pytorch": [1.0], "tensorflow": [1.0], "keras/tensorflow": [9.0], "keras/torch": [9.0], "keras/jax": [9.0]})
    assert out["pytorch"][0] == out["tensorflow"][0] == "passed"
    for r in ("keras/tensorflow", "keras/torch", "keras/jax"):
        assert out[r] == ("mismatched", "RESULT disagrees with PyTorch (cpu), the majority: largest difference 8 "
                                        f"absolute, 8 relative; tolerance rtol {R:g}, atol {A:g}")


def test_one_keras_backend_disagrees_with_the_others():
    out = vote({"pytorch": [1.0], "tensorflow": [1.0], "keras/tensorflow": [1.0], "keras/torch": [1.0], "keras/jax": [7.0]})
    assert out["keras/jax"] == ("mismatched", "disagrees with the other runs of the same keras.py "
                                              "(Keras (TensorFlow backend)): largest difference 6 absolute, 6 "
                                              f"relative; tolerance rtol {R:g}, atol {A:g}")
    assert all(out[r][0] == "passed" for r in ALL if r != "keras/jax")


def test_keras_backends_without_a_majority_lose_their_vote():
    out = vote({"pytorch": [1.0], "tensorflow": [1.0], "keras/tensorflow": [1.0], "keras/torch": [2.0], "keras/jax": [3.0]})
    for r in ("keras/tensorflow", "keras/torch", "keras/jax"):
        assert out[r][0] == "mismatched" and "disagree among themselves" in out[r][1]
    assert out["pytorch"][0] == out["tensorflow"][0] == "passed"


def test_no_majority_among_the_scripts_is_said_not_picked():
    out = vote({"pytorch": [1.0], "tensorflow": [2.0], "keras/tensorflow": [3.0], "keras/torch": [3.0], "keras/jax": [3.0]})
    assert all(s == "mismatched" and m.startswith("no majority") for s, m in out.values())


def test_two_scripts_that_disagree_have_no_majority():
    out = vote({"pytorch": [1.0], "tensorflow": [2.0]})
    assert all(s == "mismatched" and m.startswith("no majority") for s, m in out.values())


def test_failed_runs_do_not_vote_and_the_check_is_recorded():
    group = [checked("pytorch", [1.0]), checked("tensorflow", [5.0], Status.FAILED), checked("keras/jax", [1.0 + 1e-9])]
    agree(group, R, A)
    assert [c.status for c in group] == [Status.PASSED, Status.FAILED, Status.PASSED]
    check = group[2].check
    assert check.reference == "PyTorch" and check.rtol == R and 0 < check.max_abs_diff < 1e-8


# ----------------------------------------------------------------------------- the output cleaner
@pytest.mark.parametrize("raw, shown", [
    ("hello\nworld\n", "hello\nworld"),
    ("epoch 1\r\nepoch 2\r\n", "epoch 1\nepoch 2"),
    ("10%\r50%\r100%\n", "100%"),                                            # a redrawn line keeps its last state
    ("I0000 00:00:00.000000  123 cpu_feature_guard.cc:210] This TensorFlow binary\nmine\n", "mine"),
    ("2026-11-22 10:00:00.000000: I tensorflow/core/x.cc:1] noise\nmine\n", "mine"),
    ("1/1 ━━━━━━━━━━━━━━━━━━━━ 0s 10ms/step\nresult 3\n", "1/1 ━━━━━━━━━━━━━━━━━━━━ 0s 10ms/step\nresult 3"),
    # Keras' progress bar: frames drawn over each other with backspaces and \r, coloured: its final state, plain
    ("\x1b[1m1/2\x1b[0m \x1b[32m━━\x1b[0m\x1b[37m━━\x1b[0m\b\b\b\b\b\b\b\b\r\x1b[1m2/2\x1b[0m \x1b[32m━━━━\x1b[0m\n",
     "2/2 ━━━━"),
    ("a\bb\x1b]0;title\x07\x1b[?25l\x02c\x1b[2K\rdone\n", "done"),
    ("  indented stays\n", "  indented stays"),
])
def test_clean(raw, shown):
    assert clean(raw) == shown


# ----------------------------------------------------------------------------- the cache key
def test_cache_key_changes_with_exactly_what_determines_a_run(tmp_path):
    from support import make_project, mini_settings
    from generator.inputs.load import load_project
    from generator.runs.keys import cache_key
    root = make_project(tmp_path, {"demo": {}})
    spec = load_project(root).tasks["demo"]
    s = mini_settings(root)
    base = cache_key(spec, RUNNERS["pytorch"], "cpu", 10.0, s)
    assert base == cache_key(spec, RUNNERS["pytorch"], "cpu", 10.0, s)                       # stable
    others = {
        "runner": cache_key(spec, RUNNERS["keras/jax"], "cpu", 10.0, s),
        "device": cache_key(spec, RUNNERS["pytorch"], "gpu", 10.0, s),
        "timeout": cache_key(spec, RUNNERS["pytorch"], "cpu", 11.0, s),
        "memory": cache_key(spec, RUNNERS["pytorch"], "cpu", 10.0, mini_settings(root, memory_limit_mb=401)),
        "output": cache_key(spec, RUNNERS["pytorch"], "cpu", 10.0, mini_settings(root, output_limit_kb=257)),
    }
    (root / "snippets/demo/pytorch.py").write_text("RESULT = [1.0, 2.0]  # edited\n")
    others["script"] = cache_key(load_project(root).tasks["demo"], RUNNERS["pytorch"], "cpu", 10.0, s)
    assert len({base, *others.values()}) == 1 + len(others)
    # what does not determine the run does not change the key: another task's script, the parallelism
    (root / "snippets/demo/keras.py").write_text("RESULT = [1.0, 2.0]  # keras edited\n")
    spec2 = load_project(root).tasks["demo"]
    assert cache_key(spec2, RUNNERS["pytorch"], "cpu", 10.0, mini_settings(root, parallel=1)) == others["script"]
    assert math.isfinite(len(base)) and len(base) == 64


def test_a_new_runner_is_one_registry_entry(tmp_path, monkeypatch):
    """A Keras backend added to the registry shows up in the plan, the CLI choices, the charts and the pages."""
    from support import make_project, mini_settings
    from generator.site import charts
    from generator.core import runners
    from generator.cli.main import parser
    from generator.app.build import run_build
    from generator.site.render import SiteData, render_site
    new = runners.Runner("keras/numpy", "keras", "numpy", "jax", "Keras (NumPy backend)", "#013243")
    monkeypatch.setitem(runners.RUNNERS, new.key, new)
    root = make_project(tmp_path, {"demo": {}})
    build = run_build(mini_settings(root))
    assert "demo/keras/numpy/cpu" in {o.run.id for o in build.outcomes} and build.count(Status.PASSED) == 6
    run = next(a for a in parser()._actions if a.dest == "cmd").choices["run"]
    assert "keras/numpy" in next(a for a in run._actions if a.dest == "framework").choices
    assert charts.colours()["keras/numpy"] == "#013243"
    from generator.inputs.load import load_project
    pages, _ = render_site(load_project(root), build, SiteData(machine="m"))
    task_page = next(p for p in pages if p.path == "tasks/basics/demo.md").markdown
    assert "Keras &#40;NumPy backend&#41; · CPU · passed" in task_page
