"""Reporting, in one place: the summary line, `file:line` failure lines, GitHub annotations, problems, and
`verification.json`. The CLI and the MkDocs plugin print what this module formats."""
from __future__ import annotations

from pathlib import Path

from ..core.errors import Problem
from ..core.record import Checked, SkipKind, Status
from ..runs.result import BuildResult


def summary(result: BuildResult) -> str:
    n = len(result.outcomes)
    not_here = sum(o.skip is SkipKind.NO_DEVICE for o in result.outcomes)
    frozen = sum(o.category == "frozen" for o in result.outcomes)
    stale = sum(o.category == "stale" for o in result.outcomes)
    unattested = sum(o.category == "unattested" for o in result.outcomes)
    running = sum(o.skip is SkipKind.RUNNING for o in result.outcomes)
    return (f"{n} runs planned, {result.executed} executed, {len(result.plan.cached)} from cache, "
            + (f"{frozen} frozen, {stale} stale, " if frozen or stale else "")
            + (f"{unattested} unattested, " if unattested else "") +
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


def _located(o: Checked, root: Path) -> tuple[str, int | None]:
    """Where a failed run's message points: the script's line, or the task.yml line it is about."""
    if o.task_line and not o.line:
        return _script_path(o, root).rsplit("/", 1)[0] + "/task.yml", o.task_line
    return _script_path(o, root), o.line


def failure_line(o: Checked, root: Path) -> str:
    """`file:line: status: [runner, device] message`, the form editors and CI logs understand."""
    file, line = _located(o, root)
    where = f"{file}:{line}" if line else file
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


def api_lines(result: BuildResult, fmt: str = "text") -> list[str]:
    """Every API name in the prose that does not exist as the prose states it: `file:line: key: message`."""
    problems = result.api.problems if result.api else []
    if fmt != "github":
        return [o.line() for o in problems]
    return [annotation(o.span.file, o.span.line, "API name", f"{o.span.key}: {o.message}") for o in problems]


def failure_lines(result: BuildResult, root: Path, fmt: str) -> list[str]:
    """Every failed run, then every task that nothing verified, then every API name in the prose that does not
    exist on the pinned versions."""
    unverified = [unverified_line(t, result) for t in result.unverified_tasks]
    if fmt != "github":
        return ([failure_line(o, root) for o in result.failures] + [f"{f}: {m}" for f, m in unverified]
                + api_lines(result))
    return ([annotation(*_located(o, root), str(o.status), failure_line(o, root).split(": ", 1)[1])
             for o in result.failures] + [annotation(f, None, "unverified", m) for f, m in unverified]
            + api_lines(result, fmt))


def gate_failed(result: BuildResult) -> bool:
    return bool(result.failures or result.unverified_tasks or (result.api and result.api.problems))


def not_executed_lines(result: BuildResult, root: Path, fmt: str, store: Path) -> list[str]:
    """With execution off: one line per run that would be published as "not executed" (not in the run store)."""
    missing = [o for o in result.outcomes if o.skip is SkipKind.NOT_EXECUTED]
    why = f"not in the run store {store}, and execution is off (--no-execute, GENERATOR_EXECUTE=0 or execute: false)"
    if fmt != "github":
        return [f"{_script_path(o, root)}: not executed: [{o.run.runner.label}, {o.run.device}] {why}" for o in missing]
    return [annotation(_script_path(o, root), None, "not executed", f"[{o.run.runner.label}, {o.run.device}] {why}")
            for o in missing]


def frozen_lines(result, fmt: str = "text", strict: bool = False) -> list[str]:
    """`check`'s lines about frozen records: each stale or unattested one, and each file refused. Errors under
    --strict."""
    lines = []
    for o in result.outcomes:
        if o.category == "stale":
            lines.append((o.frozen.path, f"stale: [{o.run.runner.label}, {o.run.device}] {o.message}"))
        elif o.category == "unattested":
            lines.append((o.frozen.path, f"unattested: [{o.run.runner.label}, {o.run.device}] {o.message}; "
                                         f"{o.frozen.label}"))
    for w in result.warnings:
        if ": refused: " in w:
            lines.append(tuple(w.split(": ", 1)))
    if fmt != "github":
        return [f"{path}: {msg}" for path, msg in lines]
    kind = "error" if strict else "warning"
    return [annotation(path, None, "frozen record", msg).replace("::error ", f"::{kind} ", 1) for path, msg in lines]


def strict_failure(result) -> bool:
    """Under --strict: a stale or unattested (contributed) frozen record, or a refused one, fails the build."""
    return (any(o.category in ("stale", "unattested") for o in result.outcomes)
            or any(": refused: " in w for w in result.warnings))
