"""Stage 4, verify: each run's status from its record and its task's settings, and agreement across frameworks.

Agreement is voted per framework *script*, not per runner: the Keras backends of one `keras.py` first agree among
themselves, then each script has one vote. One wrong script can never make the others look wrong, and when no
script's result has a majority the page says so instead of picking one.
"""
from __future__ import annotations

import math
import re
from fractions import Fraction
from functools import lru_cache

from ..core.record import Checked, CrossCheck, ExitKind, RunRecord, SkipKind, Status
from ..inputs.load import Project
from .plan import Plan, Run
from .terminal import Line, Span, line_text, plain, screen

# Framework start-up chatter that says nothing about the snippet (kept in the raw record, not published).
NOISE = [re.compile(p) for p in (
    r"^[IWEF]\d{4} \d\d:\d\d:\d\d\.\d+\s+\d+ \S+:\d+\] ",  # absl / glog lines (TensorFlow, XLA)
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+: [IWE] ",  # TensorFlow C++ logging
    r"^WARNING: All log messages before absl::InitializeLog\(\) is called",
    r"^To enable the following instructions: .* rebuild TensorFlow",
    r"^This TensorFlow binary is optimized to use available CPU instructions",
    r"oneDNN custom operations are on",
)]
MAX_DETAILS = 10


def published(text: str) -> list[Line]:
    """The output as a terminal shows it at the end (a progress bar in its final state, colours as styled spans,
    other control sequences dropped), less framework log noise and leading or trailing blank lines."""
    return [list(line) for line in _published(text)]


@lru_cache(maxsize=1024)
def _published(text: str) -> tuple[tuple[Span, ...], ...]:
    """`published`, kept per output text (the same outputs are read by every page, notebook and rebuild)."""
    lines = []
    for line in screen(text):
        plain_line = line_text(line)
        if plain_line.strip() and any(p.search(plain_line) for p in NOISE):
            continue
        lines.append(tuple(line))
    while lines and not line_text(lines[0]).strip():
        lines.pop(0)
    while lines and not line_text(lines[-1]).strip():
        lines.pop()
    return tuple(lines)


@lru_cache(maxsize=1024)
def clean(text: str) -> str:
    """The published output as plain text: what search, `expected_output` and verification.json see."""
    return plain(_published(text))


class Diff:
    """The differences between two RESULT values, and the largest numeric distance seen."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        self.count = 0
        self.max_abs = 0.0
        self.max_rel = 0.0

    def add(self, text: str) -> None:
        self.count += 1
        if len(self.paths) < MAX_DETAILS:
            self.paths.append(text)

    def details(self) -> list[str]:
        more = self.count - len(self.paths)
        return self.paths + ([f"... and {more} more"] if more > 0 else [])


def _is_number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _close(a, b, rtol: float, atol: float, diff: Diff) -> bool:
    """NumPy's allclose rule |a - b| <= atol + rtol * |b|, exact for integers of any size."""
    try:
        d, ref = abs(a - b), abs(b)
        ok = d <= atol + rtol * ref
        dist = float(d)
    except OverflowError:  # an int beyond float range: compare exactly as fractions
        d, ref = abs(Fraction(a) - Fraction(b)), abs(Fraction(b))
        ok = d <= Fraction(atol) + Fraction(rtol) * ref
        dist = math.inf
    diff.max_abs = max(diff.max_abs, dist)
    if ref:
        try:
            diff.max_rel = max(diff.max_rel, float(Fraction(d) / Fraction(ref)) if not isinstance(d, float) else d / ref)
        except (OverflowError, ZeroDivisionError):
            diff.max_rel = math.inf
    return ok


def compare(a, b, rtol: float, atol: float, path: str = "RESULT", diff: Diff | None = None) -> Diff:
    """Where `a` differs from the reference `b`, each difference named by its path (iterative: any depth)."""
    diff = diff if diff is not None else Diff()
    stack = [(a, b, path)]
    while stack:
        x, y, where = stack.pop()
        if isinstance(x, dict) and "__float__" in x or isinstance(y, dict) and "__float__" in y:
            if x != y:  # nan, inf, -inf: equal only to themselves (NaN equals NaN, as allclose(equal_nan=True))
                diff.add(f"{where}: {_short(x)} != {_short(y)}")
        elif _is_number(x) and _is_number(y):
            if not _close(x, y, rtol, atol, diff):
                diff.add(f"{where}: {x!r:.60} != {y!r:.60}")
        elif isinstance(x, list) and isinstance(y, list):
            if len(x) != len(y):
                diff.add(f"{where}: length {len(x)} != {len(y)}")
            else:
                stack += [(u, v, f"{where}[{i}]") for i, (u, v) in reversed(list(enumerate(zip(x, y))))]
        elif isinstance(x, dict) and isinstance(y, dict):
            if set(x) != set(y):
                diff.add(f"{where}: keys {_short(sorted(x))} != {_short(sorted(y))}")
            else:
                stack += [(x[k], y[k], f"{where}[{k!r}]") for k in sorted(x, reverse=True)]
        elif type(x) is not type(y) or x != y:
            diff.add(f"{where}: {_short(x)} != {_short(y)}")
    return diff


def _short(value, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


# ----------------------------------------------------------------------------- one run on its own
def timeout_message(run: Run, rec: RunRecord, project: Project) -> str:
    """What stopped the run, where the script was then, and which setting to change."""
    spec = project.tasks[run.task]
    where = f" on line {rec.exit.line} (where the script was when it was stopped)" if rec.exit.line else ""
    if spec.task.timeout is not None:
        limit = f"its limit is `timeout: {spec.task.timeout:g}` ({spec.where('timeout')})"
    else:
        limit = (f"its limit is the default timeout ({run.timeout:g} s, `timeout` of the plugin in mkdocs.yml); set "
                 f"`timeout:` in {spec.yml} (at most 3600) if the task needs longer")
    return f"{rec.exit.message}{where}; {limit}"


def run_status(run: Run, rec: RunRecord, project: Project) -> tuple[Status, str, int | None, int | None]:
    """Status of one run on its own (agreement is checked afterwards): status, message, the script's line, and the
    line of task.yml the message is about."""
    status, message, line = _run_status(run, rec, project)
    if status is Status.FAILED and message.startswith("expected output "):
        return status, message, line, project.tasks[run.task].line(*_needle_key(run, project, message))
    return status, message, line, None


def _needle_key(run: Run, project: Project, message: str) -> tuple:
    task = project.tasks[run.task].task
    for key in dict.fromkeys(("all", run.runner.framework, run.runner.key)):
        for i, needle in enumerate(task.expected_output.get(key, [])):
            if message.startswith(f"expected output {needle!r} "):
                return ("expected_output", key, i)
    return ("expected_output",)


def _run_status(run: Run, rec: RunRecord, project: Project) -> tuple[Status, str, int | None]:
    task = project.tasks[run.task].task
    kind, outcome = rec.exit.kind, rec.outcome
    if kind is ExitKind.TIMEOUT:
        return Status.TIMED_OUT, timeout_message(run, rec, project), rec.exit.line
    if kind in (ExitKind.SIGNAL, ExitKind.WORKER_DIED):
        return Status.CRASHED, rec.exit.message, None
    if kind in (ExitKind.MEMORY, ExitKind.OUTPUT):
        return Status.FAILED, rec.exit.message, None
    if outcome is None:
        return Status.FAILED, f"the process ended before the script finished ({rec.exit.message})", None
    expected = task.expected_failure.get(run.runner.key) or task.expected_failure.get(run.runner.framework)
    error = outcome.error
    if expected:
        if not error:
            return Status.FAILED, f"expected {expected.error} to be raised, but the script finished without it", None
        if error.type != expected.error:
            return Status.FAILED, f"expected {expected.error}, but {error.type} was raised: {error.message}", error.line
        if expected.match and not re.search(expected.match, error.message[:10_000]):
            return Status.FAILED, f"{error.type} was raised, but its message does not match {expected.match!r}: " \
                                  f"{error.message}", error.line
        return Status.PASSED, f"raised {error.type} as expected", error.line
    if error:
        return Status.FAILED, f"{error.type}: {error.message}", error.line
    if outcome.sys_exit and outcome.exit_code:
        return Status.FAILED, f"sys.exit({outcome.exit_code}) at line {outcome.exit_line}", outcome.exit_line
    for problem in (outcome.result_error, outcome.metrics_error):
        if problem:
            return Status.FAILED, problem, None
    if task.compare.tolerance is not None and not outcome.has_result:
        if outcome.sys_exit:
            return Status.FAILED, f"the script called sys.exit(0) at line {outcome.exit_line} before setting RESULT", \
                outcome.exit_line
        return Status.FAILED, "the script did not set RESULT, which this task compares across frameworks", None
    stdout = clean(rec.stdout)
    for key in dict.fromkeys(("all", run.runner.framework, run.runner.key)):
        for needle in task.expected_output.get(key, []):
            if needle not in stdout:
                return Status.FAILED, f"expected output {needle!r} was not printed (a typo in task.yml, or the " \
                                      "script's output changed)", None
    return Status.PASSED, "", None


RUNNING_MESSAGE = "running… this page reloads by itself when the run ends (at the latest after its timeout, {timeout:g} s)"


def verify(project: Project, plan: Plan, records: dict[str, RunRecord], running: set[str] = frozenset()) -> list[Checked]:
    """Every planned run's status; `running` (live preview only) names runs whose record is still being made."""
    checked: list[Checked] = []
    for run in plan.runs:
        if run.id in running:
            checked.append(Checked(run, None, Status.SKIPPED, SkipKind.RUNNING, RUNNING_MESSAGE.format(timeout=run.timeout)))
            continue
        if run.id in records:
            rec, cached = records[run.id], False
        elif run.id in plan.cached:
            rec, cached = plan.cached[run.id], True
        elif run.id in plan.frozen:  # a record made on another machine (records/); its verdict is judged here
            frozen = plan.frozen[run.id]
            if frozen.record is None:  # stale, or the recording machine could not make it
                checked.append(Checked(run, None, Status.SKIPPED, frozen.skip, frozen.message, frozen=frozen.info))
                continue
            status, message, line, task_line = run_status(run, frozen.record, project)
            checked.append(Checked(run, frozen.record, status, None, message, line, frozen=frozen.info,
                                   task_line=task_line))
            continue
        elif run.skip:
            checked.append(Checked(run, None, Status.SKIPPED, run.skip_kind, run.skip))
            continue
        else:
            checked.append(Checked(run, None, Status.SKIPPED, SkipKind.NOT_EXECUTED,
                                   "not executed in this build (execution is turned off and nothing is cached)"))
            continue
        status, message, line, task_line = run_status(run, rec, project)
        checked.append(Checked(run, rec, status, None, message, line, cached, task_line=task_line))
    by_task: dict[tuple[str, str], list[Checked]] = {}
    for c in checked:
        by_task.setdefault((c.run.task, c.run.device), []).append(c)
    for (tid, device), group in by_task.items():
        spec = project.tasks[tid]
        tol = spec.task.compare.tolerance_for(device)
        if tol is not None:
            gpu = device == "gpu" and spec.task.compare.gpu_tolerance is not None
            agree(group, tol[0], tol[1], spec.where("compare", "gpu_tolerance" if gpu else "tolerance"))
            for c in group:  # which tolerance applied, and why, is part of the published check
                if c.check is not None:
                    c.check = c.check.model_copy(update={"device": device, "reason": tol[2]})
    compare_devices(project, checked)
    return checked


def compare_devices(project: Project, checked: list[Checked]) -> None:
    """A GPU result against the same runner's CPU result, within the GPU tolerance: a GPU run that agrees with the
    other frameworks on the GPU but not with its own script on the CPU is a finding of its own."""
    cpu = {(c.run.task, c.run.runner.key): c for c in checked if c.run.device == "cpu" and c.passed and c.has_result}
    for c in checked:
        ref = cpu.get((c.run.task, c.run.runner.key))
        if c.run.device != "gpu" or ref is None or not (c.passed and c.has_result):
            continue
        tol = project.tasks[c.run.task].task.compare.tolerance_for("gpu")
        if tol is None:
            continue
        diff = compare(c.result, ref.result, tol[0], tol[1])
        c.device_check = CrossCheck(reference=f"{ref.run.runner.label} on CPU", why="the same script's CPU result",
                                    rtol=tol[0], atol=tol[1], max_abs_diff=diff.max_abs, max_rel_diff=diff.max_rel,
                                    paths=diff.details() if diff.count else [], device="gpu", reason=tol[2])
        if diff.count:
            c.status, c.details = Status.MISMATCHED, diff.details()
            spec = project.tasks[c.run.task]
            key = "gpu_tolerance" if spec.task.compare.gpu_tolerance is not None else "tolerance"
            c.message = (f"GPU and CPU results of the same script disagree beyond the GPU tolerance ({tol[2]}): "
                         f"{distance(diff, tol[0], tol[1], spec.where('compare', key))}")


# ----------------------------------------------------------------------------- the vote
def _agrees(a, b, rtol: float, atol: float) -> bool:
    return compare(a, b, rtol, atol).count == 0


def _majority(members: list[Checked], rtol: float, atol: float) -> Checked | None:
    """The member whose result agrees with more than half of the members (itself included), first in run order."""
    for m in members:
        if sum(_agrees(o.result, m.result, rtol, atol) for o in members) * 2 > len(members):
            return m
    return None


def distance(diff: Diff, rtol: float, atol: float, source: str = "") -> str:
    """The largest differences against the tolerance that applied and where it is set: what tuning it needs."""
    where = f" ({source})" if source else ""
    return (f"largest difference {diff.max_abs:.3g} absolute, {diff.max_rel:.3g} relative; tolerance rtol {rtol:g}, "
            f"atol {atol:g}{where}")


def _mark(c: Checked, ref: Checked, reference: str, why: str, message: str, rtol: float, atol: float,
          source: str = "") -> None:
    diff = compare(c.result, ref.result, rtol, atol)
    c.check = CrossCheck(reference=reference, why=why, rtol=rtol, atol=atol, max_abs_diff=diff.max_abs,
                         max_rel_diff=diff.max_rel, paths=diff.details() if diff.count else [])
    if diff.count:
        c.status, c.details = Status.MISMATCHED, diff.details()
        c.message = f"{message}: {distance(diff, rtol, atol, source)}"


def agree(group: list[Checked], rtol: float, atol: float, source: str = "") -> None:
    """Mark as mismatched every passed run whose RESULT disagrees, voting once per script.

    1. The runs of one script (Keras on each backend) agree among themselves: a backend outside their majority is a
       finding of its own ("disagrees with the other Keras backends"); with no majority among them, the script
       has no vote and all its runs say so.
    2. Each script with a result votes once. The reference is the script result that agrees with a majority of
       the scripts; a script that disagrees with it is mismatched. With no majority, every run says so.
    """
    ok = [c for c in group if c.status is Status.PASSED and c.has_result]
    scripts: dict[str, list[Checked]] = {}
    for c in ok:
        scripts.setdefault(c.run.runner.framework, []).append(c)
    voters: dict[str, Checked] = {}
    for fw, members in scripts.items():
        if len(members) == 1:
            voters[fw] = members[0]
            continue
        rep = _majority(members, rtol, atol)
        names = ", ".join(m.run.runner.label for m in members)
        if rep is None:
            for m in members:
                m.status = Status.MISMATCHED
                m.message = f"the runs of the same {fw}.py disagree among themselves ({names}); none has a majority"
                m.check = CrossCheck(reference="", why="no majority among the runs of one script", rtol=rtol, atol=atol)
            continue
        voters[fw] = rep
        for m in members:
            if m is not rep:
                _mark(m, rep, rep.run.runner.label, f"the result most runs of {fw}.py agree on",
                      f"disagrees with the other runs of the same {fw}.py ({rep.run.runner.label})", rtol, atol, source)
    if len(voters) < 2:
        for c in ok:
            if c.check is None and c.status is Status.PASSED:
                c.check = CrossCheck(reference="", why="no other framework's result to compare with", rtol=rtol, atol=atol)
        return
    ref_fw = None
    for fw, rep in voters.items():
        if sum(_agrees(other.result, rep.result, rtol, atol) for other in voters.values()) * 2 > len(voters):
            ref_fw = fw
            break
    if ref_fw is None:
        listed = ", ".join(f"{fw}.py" for fw in voters)
        for fw in voters:
            for m in scripts[fw]:
                if m.status is Status.PASSED:
                    m.status = Status.MISMATCHED
                    m.message = f"no majority: the results of {listed} disagree, and none agrees with more than half"
                    m.check = CrossCheck(reference="", why="no majority", rtol=rtol, atol=atol)
        return
    ref = voters[ref_fw]
    why = f"{ref_fw}.py's result agrees with a majority of the {len(voters)} scripts (one vote per script)"
    for fw, rep in voters.items():
        for m in scripts[fw]:
            if m.status is not Status.PASSED:
                continue
            if fw == ref_fw:
                _mark(m, ref, ref.run.runner.label, why, "", rtol, atol, source)
            else:
                _mark(m, ref, ref.run.runner.label, why,
                      f"RESULT disagrees with {ref.run.runner.label} ({ref.run.device}), the majority", rtol, atol, source)
