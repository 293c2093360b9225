"""`python -m generator range`: run every task's CPU runs in this environment (the previous releases, `make range`)
and write what each gave to records/range.json, which the build of the pins shows on every task page."""
from __future__ import annotations

import platform
import sys
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

from pydantic import ValidationError

from ..core.files import atomic_write, read_bytes
from ..core.settings import Settings
from ..inputs.load import Project
from ..runs.machine import cpu_name, env_versions
from ..runs.shard import shard_tasks
from ..runs.versionrange import FORMAT, KEY_PACKAGE, RANGE_FILE, RangeFile, RangeRun, merge_files
from .build import run_build

MESSAGE_LINE = 300


def make_range(settings: Settings, project: Project, shard: tuple[int, int] | None, made_by: str) -> RangeFile:
    tasks = shard_tasks(project.tasks, *shard) if shard else None
    if tasks == []:
        runs: list[RangeRun] = []
    else:
        result = run_build(settings, project, tasks=tasks, devices=["cpu"])
        runs = []
        for o in result.outcomes:
            if o.record is None or o.run.device != "cpu":
                continue  # declared skips and what this machine cannot run are not part of the range
            sha = project.tasks[o.run.task].sha256(o.run.runner.framework)
            message = (o.message or "").strip().splitlines()
            runs.append(RangeRun(task=o.run.task, runner=o.run.runner.key, script_sha256=sha,
                                 status=o.status.value, message=message[0][:MESSAGE_LINE] if message else "",
                                 versions=env_versions(o.run.runner.env, local=False)))
    return RangeFile(format=FORMAT, made=datetime.now(timezone.utc).date(), made_by=made_by,
                     python=platform.python_version(), machine=cpu_name(), runs=runs)


def summary_lines(f: RangeFile) -> list[str]:
    lines = []
    by_script: dict[str, Counter] = {}
    versions: dict[str, str] = {}
    for run in f.runs:
        fw = run.runner.split("/")[0]
        by_script.setdefault(fw, Counter())[run.status] += 1
        versions[fw] = run.versions.get(KEY_PACKAGE.get(fw, ""), "?")
    for fw, counts in sorted(by_script.items()):
        lines.append(f"range: {fw}.py on {KEY_PACKAGE.get(fw, fw)} {versions[fw]}: "
                     + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())))
    for run in f.runs:
        if run.status != "passed":
            lines.append(f"range: {run.task} {run.runner}: {run.status}: {run.message}")
    return lines


def command(settings: Settings, project: Project, shard, out: str | None, merge: list[str], made_by: str) -> int:
    target = Path(out) if out else settings.records_path / RANGE_FILE
    if merge:
        try:
            files = [RangeFile.model_validate_json(read_bytes(Path(p), Path(p).resolve().parent)) for p in merge]
            merged = merge_files(files)
        except (OSError, ValidationError, ValueError) as exc:
            print(f"range: --merge: {str(exc).splitlines()[0][:300]}", file=sys.stderr)
            return 2
        atomic_write(target, (merged.model_dump_json(indent=1) + "\n").encode())
        print(f"range: {len(merged.runs)} runs from {len(files)} files -> {target}")
        return 0
    f = make_range(settings, project, shard, made_by)
    atomic_write(target, (f.model_dump_json(indent=1) + "\n").encode())
    for line in summary_lines(f):
        print(line)
    print(f"range: {len(f.runs)} runs on Python {f.python} -> {target}")
    return 0
