"""python -m generator new: a task scaffold (three scripts and a task.yml) that passes as it is."""
from __future__ import annotations

import json
import sys
from ..core.settings import Settings
from .common import _load


SCAFFOLD = {
    "pytorch": """# {title}: the PyTorch version. Replace the computation with the task's own and keep RESULT comparable
# with the other two scripts (numbers, bools, strings, lists and dicts of them).
import numpy as np
import torch

x = np.arange(1, 4, dtype=np.float32)  # the same input in every framework
total = torch.tensor(x).sum()
print("sum:", total.item())

RESULT = {{"sum": total.item()}}
""",
    "tensorflow": """# {title}: the TensorFlow version. Replace the computation with the task's own and keep RESULT comparable
# with the other two scripts (numbers, bools, strings, lists and dicts of them).
import numpy as np
import tensorflow as tf

x = np.arange(1, 4, dtype=np.float32)  # the same input in every framework
total = tf.reduce_sum(tf.constant(x))
print("sum:", float(total.numpy()))

RESULT = {{"sum": float(total.numpy())}}
""",
    "keras": """# {title}: the Keras version, run on every Keras backend. Replace the computation with the task's own and
# keep RESULT comparable with the other two scripts (numbers, bools, strings, lists and dicts of them).
import keras
import numpy as np

x = np.arange(1, 4, dtype=np.float32)  # the same input in every framework
total = keras.ops.sum(keras.ops.convert_to_tensor(x))
print("sum:", float(keras.ops.convert_to_numpy(total)))

RESULT = {{"sum": float(keras.ops.convert_to_numpy(total))}}
""",
}


TASK_YML = """# Written by `python -m generator new`; the README's "Adding a task" lists every key.
title: {title}
summary: {summary}
group: {group}
order: {order}
devices: [cpu, gpu]
explanation: >
  The same sum of three numbers in each framework, a starting point written by `python -m generator new`: replace
  it with the task's code and say here what differs between the three versions, and why it matters.
compare:
  tolerance: {{rtol: 1.0e-6, atol: 1.0e-6}}
expected_output:
  all: ["sum: 6.0"]
"""


def cmd_new(args, settings: Settings) -> int:
    """Scaffold snippets/TASK/: three scripts that publish a RESULT and a minimal task.yml, valid and passing as is."""
    import re

    from ..inputs.models import ID_PATTERN
    tid = args.task
    if not re.fullmatch(ID_PATTERN.strip("^$"), tid):
        print(f"new: {tid!r} is not a task id (lowercase letters, digits and '-', at most 64)", file=sys.stderr)
        return 2
    folder = settings.root / settings.snippets_dir / tid
    if folder.exists() or folder.is_symlink():
        print(f"new: {folder.relative_to(settings.root)} exists already; nothing written", file=sys.stderr)
        return 2
    project = _load(settings)
    if project is None:
        return 2
    groups = [g.id for g in project.groups.groups]
    group = args.group or groups[0]
    if group not in groups:
        print(f"new: unknown group {group!r}; groups: {', '.join(groups)}", file=sys.stderr)
        return 2
    orders = [s.task.order for s in project.tasks.values() if s.task.group == group]
    order = args.order if args.order is not None else (max(orders, default=0) // 10 + 1) * 10
    title = args.title or tid.replace("-", " ").capitalize()
    folder.mkdir(parents=True)
    (folder / "task.yml").write_text(TASK_YML.format(
        title=json.dumps(title, ensure_ascii=False), group=group, order=order,
        summary=json.dumps("The sum of three numbers in PyTorch, TensorFlow and Keras.")), "utf-8")
    for fw, code in SCAFFOLD.items():
        (folder / f"{fw}.py").write_text(code.format(title=title.replace("\n", " ")), "utf-8")
    rel = folder.relative_to(settings.root)
    print(f"wrote {rel}/task.yml, pytorch.py, tensorflow.py, keras.py (group {group}, order {order}); "
          f"run it: python -m generator run {tid} -v")
    return 0
