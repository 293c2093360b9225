"""What a contributor is told about a task that builds but is not finished: the scaffold's text left in place
(`python -m generator new` writes it; `check` refuses to publish it), lines too long for a code column and an answer
too long for a phone's first screen."""
from __future__ import annotations

import re

from ..core.errors import Problem

# The scaffold's own words (cli/scaffold.py writes them; here they are recognised). Changing them changes both.
SCAFFOLD_SUMMARY = "The sum of three numbers in PyTorch, TensorFlow and Keras."
SCAFFOLD_EXPLANATION = (
    "The same sum of three numbers in each framework, a starting point written by `python -m generator new`: replace "
    "it with the task's code and say here what differs between the three versions, and why it matters.")
SCAFFOLD_CODE = {  # each script's code below its leading comment lines (which name the task, so differ)
    "pytorch": "import numpy as np\nimport torch\n\nx = np.arange(1, 4, dtype=np.float32)  # the same input everywhere"
               "\ntotal = torch.tensor(x).sum()\nprint(\"sum:\", total.item())\n\nRESULT = {\"sum\": total.item()}\n",
    "tensorflow": "import numpy as np\nimport tensorflow as tf\n\nx = np.arange(1, 4, dtype=np.float32)  # the same input "
                  "everywhere\ntotal = tf.reduce_sum(tf.constant(x))\nprint(\"sum:\", float(total.numpy()))\n\n"
                  "RESULT = {\"sum\": float(total.numpy())}\n",
    "keras": "import keras\nimport numpy as np\n\nx = np.arange(1, 4, dtype=np.float32)  # the same input everywhere"
             "\ntotal = keras.ops.sum(keras.ops.convert_to_tensor(x))\nprint(\"sum:\", "
             "float(keras.ops.convert_to_numpy(total)))\n\nRESULT = {\"sum\": float(keras.ops.convert_to_numpy(total))}\n",
}

# The longest code line a side-by-side column shows without scrolling at 1280 px (measured in the browser suite,
# tests/test_browser_output.py::test_code_columns_never_break_a_token); README "Adding a task" states it.
MAX_LINE = 52

# The longest first paragraph of an explanation (the answer on the task page's first screen, in characters of its
# Markdown after [[fact:]] expansion) that a phone (390 x 844) shows with the question and the run summary. Measured
# in the browser suite (tests/test_browser.py::test_a_task_page_first_screen_holds_the_question_the_answer_and_the_run_
# summary, which fails when a page has room for fewer): the page with the longest question holds about 900, so 600
# leaves about six lines for a longer question or another line of run summary. README "Adding a task" and
# CONTRIBUTING.md state it.
MAX_ANSWER = 600

_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def split_answer(explanation: str) -> tuple[str, str]:
    """(the first paragraph, the rest): the task page shows the first as the answer on its first screen and the rest
    after the code ("More on what differs"); the rest is "" when the explanation is one paragraph."""
    first, *rest = _BLANK_LINE.split(explanation.strip(), maxsplit=1)
    return first.strip(), "".join(rest).strip()


def _words(text: str) -> str:
    return " ".join(text.split())


def scaffold_problems(tasks: dict) -> list[Problem]:
    """Each key of each task that still holds the scaffold's text, as an error of `check`."""
    out = []
    for tid, spec in sorted(tasks.items()):
        task = spec.task
        for key, value, scaffold in (("summary", task.summary, SCAFFOLD_SUMMARY),
                                     ("explanation", task.explanation, SCAFFOLD_EXPLANATION)):
            if _words(value) == _words(scaffold):
                out.append(Problem(spec.yml, spec.line(key), key, "still the scaffold's text (written by `python -m "
                                   "generator new`): say what this task shows before it is published"))
        for fw, body in SCAFFOLD_CODE.items():
            lines = spec.source(fw).replace("\r\n", "\n").splitlines(True)
            while lines and lines[0].startswith("#"):
                lines.pop(0)
            if "".join(lines) == body:
                out.append(Problem(f"{spec.yml.rsplit('/', 1)[0]}/{fw}.py", 1, "", "still the scaffold's text (the "
                                   "sum of three numbers): replace it with the task's code before it is published"))
    return out


def line_warnings(tasks: dict) -> list[Problem]:
    """The first line of each script longer than a code column shows (it scrolls sideways on the page)."""
    out = []
    for tid, spec in sorted(tasks.items()):
        folder = spec.yml.rsplit("/", 1)[0]
        for fw in spec.code:
            lines = spec.source(fw).splitlines()
            long = [i for i, text in enumerate(lines, 1) if len(text.rstrip()) > MAX_LINE]
            if long:
                more = f" (and {len(long) - 1} more)" if len(long) > 1 else ""
                out.append(Problem(f"{folder}/{fw}.py", long[0], "", f"line of {len(lines[long[0] - 1].rstrip())} "
                                   f"characters{more}: a code column shows {MAX_LINE} at 1280 px, longer lines scroll "
                                   "sideways"))
    return out


def answer_warnings(tasks: dict) -> list[Problem]:
    """Each explanation whose first paragraph (the answer) is longer than a phone's first screen shows with the
    question and the run summary: the run summary is pushed below it."""
    out = []
    for tid, spec in sorted(tasks.items()):
        size = len(" ".join(split_answer(spec.task.explanation)[0].split()))
        if size > MAX_ANSWER:
            out.append(Problem(spec.yml, spec.line("explanation"), "explanation", f"first paragraph of {size} "
                               f"characters; a phone's first screen shows about {MAX_ANSWER} with the question and the "
                               "run summary (end the answer with a blank line: the paragraphs after it appear below "
                               "the code)"))
    return out
