"""python -m generator new: a task scaffold (three scripts and a task.yml) that passes as it is."""
from __future__ import annotations

import json
import sys
from ..core.settings import Settings
from ..inputs.contributor import SCAFFOLD_CODE, SCAFFOLD_EXPLANATION, SCAFFOLD_SUMMARY
from .common import _load


_HEADER = "# {title}: the {name} version{also}.\n# Replace the computation with the task's own; keep RESULT comparable\n" \
          "# with the other two scripts (numbers, bools, strings, lists, dicts).\n"
_NAMES = {"pytorch": ("PyTorch", ""), "tensorflow": ("TensorFlow", ""), "keras": ("Keras", ", run on every backend")}


TASK_YML = """# Written by `python -m generator new`; the README's "Adding a task" lists every key.
title: {title}
summary: {summary}
group: {group}
order: {order}
devices: [cpu, gpu]
explanation: {explanation}
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
        summary=json.dumps(SCAFFOLD_SUMMARY), explanation=json.dumps(SCAFFOLD_EXPLANATION)), "utf-8")
    for fw, code in SCAFFOLD_CODE.items():
        (folder / f"{fw}.py").write_text(_HEADER.format(title=title.replace("\n", " "), name=_NAMES[fw][0],
                                                                  also=_NAMES[fw][1]) + code, "utf-8")
    rel = folder.relative_to(settings.root)
    print(f"wrote {rel}/task.yml, pytorch.py, tensorflow.py, keras.py (group {group}, order {order}); "
          f"run it: python -m generator run {tid} -v; `check` refuses it until summary, explanation and the three "
          "scripts are the task's own")
    return 0
