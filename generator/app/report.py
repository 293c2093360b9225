"""Reporting, in one place: the summary line, `file:line` failure lines, GitHub annotations, problems, and
`verification.json`. The CLI and the MkDocs plugin print what this module formats."""
from __future__ import annotations

import json
from pathlib import Path

from .errors import Problem
from .pipeline import BuildResult
from .record import Checked, SkipKind, Status
from .verify import clean


def summary(result: BuildResult) -> str:
    n = len(result.outcomes)
    not_here = sum(o.skip is SkipKind.NO_DEVICE for o in result.outcomes)
    frozen = sum(o.category == "frozen" for o in result.outcomes)
    stale = sum(o.category == "stale" for o in result.outcomes)
    running = sum(o.skip is SkipKind.RUNNING for o in result.outcomes)
    return (f"{n} runs planned, {result.executed} executed, {len(result.plan.cached)} from cache, "
            + (f"{frozen} frozen, {stale} stale, " if frozen or stale else "") +
            f"{result.count(Status.PASSED)} passed, {len(result.failures)} failed, "
            f"{result.count(Status.SKIPPED)} skipped ({not_here} for a missing device) "
            f"in {result.seconds:.1f} s ({result.stats.framework_imports} framework imports)"
            + (f"; {running} still running" if running else ""))


def _script_path(o: Checked, root: Path) -> str:
    path = o.run.script.absolute()
    try:
        return path.relative_to(root.absolute()).as_posix()
    except ValueError:
        return path.as_posix()


def failure_line(o: Checked, root: Path) -> str:
    """`file:line: status: [runner, device] message`, the form editors and CI logs understand."""
    rel = _script_path(o, root)
    where = f"{rel}:{o.line}" if o.line else rel
    detail = f" [{'; '.join(o.details[:3])}]" if o.details else ""
    return f"{where}: {o.status}: [{o.run.runner.label}, {o.run.device}] {o.message}{detail}"


def _escape_data(text: str) -> str:
    """A workflow command's message (GitHub's rules): %, CR and LF escaped, so no message can start a command."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(file: str, line: int | None, title: str, message: str) -> str:
    props = [f"file={_escape_property(file)}"] + ([f"line={int(line)}"] if line else []) + [f"title={_escape_property(title)}"]
    return f"::error {','.join(props)}::{_escape_data(message)}"


def problem_lines(problems: list[Problem], fmt: str) -> list[str]:
    if fmt != "github":
        return [str(p) for p in problems]
    return [annotation(p.file, p.line, "invalid data", f"{p.key + ': ' if p.key else ''}{p.message}") for p in problems]


def unverified_line(task: str, result: BuildResult) -> tuple[str, str]:
    spec = result.project.tasks[task]
    devices = ", ".join(spec.task.devices)
    return (f"snippets/{task}/task.yml", f"unverified: no run of this task was made or found here (devices: {devices}); "
                                         "nothing verified it in this build")


def failure_lines(result: BuildResult, root: Path, fmt: str) -> list[str]:
    """Every failed run, then every task that nothing verified."""
    unverified = [unverified_line(t, result) for t in result.unverified_tasks]
    if fmt != "github":
        return [failure_line(o, root) for o in result.failures] + [f"{f}: {m}" for f, m in unverified]
    return [annotation(_script_path(o, root), o.line, str(o.status), failure_line(o, root).split(": ", 1)[1])
            for o in result.failures] + [annotation(f, None, "unverified", m) for f, m in unverified]


def gate_failed(result: BuildResult) -> bool:
    return bool(result.failures or result.unverified_tasks)


def verification_json(result: BuildResult) -> str:
    """Every run's published record, machine-readable, in a stable order."""
    runs = [o.to_json(clean) for o in result.outcomes]
    totals = {s.value: result.count(s) for s in Status}
    categories = {c: sum(o.category == c for o in result.outcomes) for c in ("this-build", "frozen", "stale", "not-run")}
    return json.dumps({"format": 2, "totals": totals, "categories": categories, "runs": runs}, indent=1, sort_keys=True)
