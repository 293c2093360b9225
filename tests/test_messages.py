"""The contributor's messages, from `python -m generator check`: each says where (file:line, the key of task.yml)
and what to change. Framework-free snippets: no framework is imported."""
from __future__ import annotations

import yaml

from support import make_project
from test_cli import cli
from generator.inputs.contributor import MAX_ANSWER, MAX_LINE
from generator.inputs.load import load_project


def _line(root, task: str, needle: str) -> int:
    lines = (root / "snippets" / task / "task.yml").read_text().splitlines()
    return next(i for i, text in enumerate(lines, 1) if needle in text)


def test_an_unedited_scaffold_fails_check_naming_each_key(tmp_path):
    root = make_project(tmp_path, {"demo": {}})
    assert cli(root, "new", "fresh").returncode == 0
    unfinished = [str(p) for p in load_project(root).unfinished]
    assert [p.split(":")[0] for p in unfinished] == ["snippets/fresh/task.yml"] * 2 + [
        f"snippets/fresh/{fw}.py" for fw in ("pytorch", "tensorflow", "keras")]
    assert unfinished[2] == ("snippets/fresh/pytorch.py:1: still the scaffold's text (the sum of three numbers): "
                             "replace it with the task's code before it is published")
    for fw in ("pytorch", "tensorflow", "keras"):  # the scripts are the task's own now (and framework-free)
        (root / f"snippets/fresh/{fw}.py").write_text("RESULT = {'sum': 6.0}\nprint('sum: 6.0')\n")
    out = cli(root, "check")
    assert out.returncode == 1, out.stdout
    lines = out.stdout.splitlines()
    assert f"snippets/fresh/task.yml:{_line(root, 'fresh', 'summary:')}: summary: still the scaffold's text " \
           "(written by `python -m generator new`): say what this task shows before it is published" in lines
    assert any(x.startswith(f"snippets/fresh/task.yml:{_line(root, 'fresh', 'explanation:')}: explanation: still the "
                            "scaffold's text") for x in lines)
    assert lines[-1] == "generator: 2 problem(s): a task still holds the text `generator new` wrote"
    # edited, it passes the gate
    task = root / "snippets/fresh/task.yml"
    task.write_text(task.read_text().replace("The sum of three numbers in", "Adding up in")
                    .replace("The same sum of three numbers in each framework", "Each framework adds three numbers"))
    out = cli(root, "check")
    assert out.returncode == 0, out.stdout
    assert "scaffold" not in out.stdout


def test_timeout_mismatch_and_expected_output_name_the_line_and_the_key(tmp_path):
    sleeper = "import time\nx = 1\ntime.sleep(600)\nRESULT = [1.0, 2.0]\n"
    root = make_project(tmp_path, {
        "hangs": {"pytorch": sleeper, "task": {"timeout": 2}},
        "hangs-default": {"tensorflow": sleeper},
        "near": {"keras": "RESULT = [1.0, 2.001]\n", "task": {"compare": {"tolerance": {"rtol": 1e-4, "atol": 1e-6}}}},
        "typo": {"task": {"expected_output": {"all": ["helo from"]}}},
    }, timeout=3)
    out = cli(root, "check")
    assert out.returncode == 1
    lines = out.stdout.splitlines()
    timeout_line = _line(root, "hangs", "timeout:")
    assert ("snippets/hangs/pytorch.py:3: timed out: [PyTorch, cpu] timed out after 2 s on line 3 (where the script "
            f"was when it was stopped); its limit is `timeout: 2` (snippets/hangs/task.yml:{timeout_line} timeout)") in lines
    assert ("snippets/hangs-default/tensorflow.py:3: timed out: [TensorFlow, cpu] timed out after 3 s on line 3 (where "
            "the script was when it was stopped); its limit is the default timeout (3 s, `timeout` of the plugin in "
            "mkdocs.yml); set `timeout:` in snippets/hangs-default/task.yml (at most 3600) if the task needs longer") in lines
    tol_line = _line(root, "near", "tolerance:")
    near = [x for x in lines if x.startswith("snippets/near/keras.py: mismatched: [Keras (TensorFlow backend), cpu]")]
    assert near == [f"snippets/near/keras.py: mismatched: [Keras (TensorFlow backend), cpu] RESULT disagrees with "
                    f"PyTorch (cpu), the majority: largest difference 0.001 absolute, 0.0005 relative; tolerance rtol "
                    f"0.0001, atol 1e-06 (snippets/near/task.yml:{tol_line} compare.tolerance) [RESULT[1]: 2.001 != 2.0]"]
    needle_line = _line(root, "typo", "helo from")
    typo = [x for x in lines if x.startswith("snippets/typo/")]
    assert len(typo) == 5 and all(x.startswith(f"snippets/typo/task.yml:{needle_line}: failed: ") for x in typo), typo
    assert typo[0].endswith("expected output 'helo from' was not printed (a typo in task.yml, or the script's output "
                            "changed)")


def test_check_warns_about_lines_longer_than_a_column_of_the_tasks_it_ran(tmp_path):
    long = "x = 1  # " + "y" * MAX_LINE + "\nRESULT = [1.0, 2.0]\n"
    root = make_project(tmp_path, {"wide": {"keras": long}, "narrow": {}})
    out = cli(root, "check")
    assert out.returncode == 0, out.stdout
    warning = (f"warning: snippets/wide/keras.py:1: line of {MAX_LINE + 9} characters: a code column shows {MAX_LINE} "
               "at 1280 px, longer lines scroll sideways")
    assert [x for x in out.stdout.splitlines() if x.startswith("warning:")] == [warning]
    out = cli(root, "check")  # everything cached: nothing of this check's own, no warning
    assert "warning:" not in out.stdout
    (root / "snippets/wide/keras.py").write_text(long + "# edited\n")
    assert warning in cli(root, "check").stdout
    assert yaml.safe_load((root / "snippets/wide/task.yml").read_text())["title"]


def test_check_warns_about_an_answer_longer_than_a_phones_first_screen(tmp_path):
    """The explanation's first paragraph is the answer on the task page's first screen; a longer one pushes the run
    summary off a phone's screen. The paragraphs after the first blank line are not counted (they follow the code)."""
    words = "A sentence of words about what differs. " * (MAX_ANSWER // 40 + 1)
    size = len(words.strip())
    root = make_project(tmp_path, {
        "long": {"task": {"explanation": words + "[[fact:demo-fact]]"}},
        "split": {"task": {"explanation": "A short answer.\n\n" + words * 3}}})
    out = cli(root, "check")
    assert out.returncode == 0, out.stdout
    warning = (f"warning: snippets/long/task.yml:{_line(root, 'long', 'explanation:')}: explanation: first paragraph "
               f"of {size + len(' a demo value')} characters; a phone's first screen shows about {MAX_ANSWER} with "
               "the question and the run summary (end the answer with a blank line: the paragraphs after it appear "
               "below the code)")
    assert [x for x in out.stdout.splitlines() if x.startswith("warning:")] == [warning]
    # editing the explanation runs nothing again: the warning stays until the answer is short
    assert warning in cli(root, "check").stdout
    task = root / "snippets/long/task.yml"
    task.write_text(yaml.safe_dump({**yaml.safe_load(task.read_text()), "explanation": "A short answer.\n\n" + words},
                                   sort_keys=False))
    assert "warning:" not in cli(root, "check").stdout
