"""Stage 4, verify: each run's status from its record and its task's settings, and agreement across frameworks."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .load import Project
from .plan import Plan, Run

PASSED, FAILED, TIMED_OUT, CRASHED, MISMATCHED, SKIPPED = "passed", "failed", "timed out", "crashed", "mismatched", "skipped"
STATUSES = (PASSED, FAILED, TIMED_OUT, CRASHED, MISMATCHED, SKIPPED)

# Framework start-up chatter that says nothing about the snippet (kept in the raw record, not published).
NOISE = [re.compile(p) for p in (
    r"^[IWEF]\d{4} \d\d:\d\d:\d\d\.\d+\s+\d+ \S+:\d+\] ",  # absl / glog lines (TensorFlow, XLA)
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+: [IWE] ",  # TensorFlow C++ logging
    r"^WARNING: All log messages before absl::InitializeLog\(\) is called",
    r"^To enable the following instructions: .* rebuild TensorFlow",
    r"^This TensorFlow binary is optimized to use available CPU instructions",
    r"oneDNN custom operations are on",
    r"^\d+/\d+ \S*━",  # Keras progress bars
)]


def clean(text: str) -> str:
    """Drop framework log noise and progress bars; keep everything the snippet itself printed."""
    lines = []
    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.rsplit("\r", 1)[-1]  # a progress bar redrawn with \r keeps only its last state
        if line.strip() and any(p.search(line) for p in NOISE):
            continue
        lines.append(line)
    return "\n".join(lines).strip("\n")


@dataclass
class Outcome:
    """A run's published record: the raw execution record plus its verified status."""

    run: Run
    record: dict
    status: str
    message: str = ""
    line: int | None = None
    cached: bool = False
    details: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status in (PASSED, SKIPPED)

    @property
    def result(self):
        return (self.record.get("outcome") or {}).get("result")


def skipped_record(run: Run) -> dict:
    return {"id": run.id, "task": run.task, "runner": run.runner.key, "framework": run.runner.framework,
            "backend": run.runner.backend, "device": run.device, "key": run.key, "skipped": run.skip}


def compare(a, b, rtol: float, atol: float, path: str = "RESULT") -> list[str]:
    """Differences between two RESULT values, each named by its path; empty when they agree."""
    if isinstance(a, dict) and "__float__" in a or isinstance(b, dict) and "__float__" in b:
        return [] if a == b else [f"{path}: {_short(a)} != {_short(b)}"]
    if isinstance(a, bool) or isinstance(b, bool) or a is None or b is None or isinstance(a, str) or isinstance(b, str):
        return [] if a == b and type(a) is type(b) else [f"{path}: {_short(a)} != {_short(b)}"]
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        # NumPy's allclose rule, relative to the reference value b
        return [] if abs(a - b) <= atol + rtol * abs(b) else [f"{path}: {a!r} != {b!r}"]
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{path}: length {len(a)} != {len(b)}"]
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in compare(x, y, rtol, atol, f"{path}[{i}]")]
    if isinstance(a, dict) and isinstance(b, dict):
        if set(a) != set(b):
            return [f"{path}: keys {sorted(a)} != {sorted(b)}"]
        return [d for k in sorted(a) for d in compare(a[k], b[k], rtol, atol, f"{path}[{k!r}]")]
    return [f"{path}: {type(a).__name__} != {type(b).__name__}"]


def _short(value, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


def run_status(run: Run, rec: dict, project: Project) -> tuple[str, str, int | None]:
    """Status of one run on its own (agreement is checked afterwards)."""
    if rec.get("skipped"):
        return SKIPPED, rec["skipped"], None
    task = project.tasks[run.task].task
    exit_ = rec.get("exit") or {}
    outcome = rec.get("outcome")
    kind = exit_.get("kind")
    if kind == "timeout":
        return TIMED_OUT, exit_["message"], None
    if kind in ("signal", "worker-died"):
        return CRASHED, exit_["message"], None
    if kind in ("memory", "output"):
        return FAILED, exit_["message"], None
    if outcome is None:
        return FAILED, f"the process ended before the script finished ({exit_.get('message', 'unknown')})", None
    expected = task.expected_failure.get(run.runner.key) or task.expected_failure.get(run.runner.framework)
    error = outcome.get("error")
    if expected:
        if not error:
            return FAILED, f"expected {expected.error} to be raised, but the script finished without it", None
        if error["type"] != expected.error:
            return FAILED, f"expected {expected.error}, but {error['type']} was raised: {error['message']}", error["line"]
        if expected.match and not re.search(expected.match, error["message"]):
            return FAILED, f"{error['type']} was raised, but its message does not match {expected.match!r}: " \
                           f"{error['message']}", error["line"]
        return PASSED, f"raised {error['type']} as expected", error["line"]
    if error:
        return FAILED, f"{error['type']}: {error['message']}", error["line"]
    if outcome.get("sys_exit") and outcome.get("exit_code"):
        return FAILED, f"sys.exit({outcome['exit_code']}) at line {outcome.get('exit_line')}", outcome.get("exit_line")
    for name in ("result", "metrics"):
        if outcome.get(f"{name}_error"):
            return FAILED, outcome[f"{name}_error"], None
    if task.compare.tolerance is not None and "result" not in outcome:
        if outcome.get("sys_exit"):
            return FAILED, f"the script called sys.exit(0) at line {outcome.get('exit_line')} before setting RESULT", \
                outcome.get("exit_line")
        return FAILED, "the script did not set RESULT, which this task compares across frameworks", None
    stdout = clean(rec.get("stdout") or "")
    for key in dict.fromkeys(("all", run.runner.framework, run.runner.key)):
        for needle in task.expected_output.get(key, []):
            if needle not in stdout:
                return FAILED, f"expected output {needle!r} was not printed", None
    return PASSED, "", None


def verify(project: Project, plan: Plan, records: dict[str, dict]) -> list[Outcome]:
    outcomes: list[Outcome] = []
    for run in plan.runs:
        if run.id in records:
            rec, cached = records[run.id], False
        elif run.id in plan.cached:
            rec, cached = plan.cached[run.id], True
        elif run.skip:
            rec, cached = skipped_record(run), False
        else:
            rec, cached = {"id": run.id, "skipped": "not executed in this build (execution is turned off)"}, False
        status, message, line = run_status(run, rec, project)
        outcomes.append(Outcome(run, rec, status, message, line, cached))
    by_task: dict[str, list[Outcome]] = {}
    for o in outcomes:
        by_task.setdefault(o.run.task, []).append(o)
    for tid, group in by_task.items():
        tol = project.tasks[tid].task.compare.tolerance
        if tol is not None:
            agree(group, tol.rtol, tol.atol)
    return outcomes


def agree(group: list[Outcome], rtol: float, atol: float) -> None:
    """Mark as mismatched every passed run whose RESULT disagrees with the reference.

    The reference is the result that agrees with the most other runs (ties: the first in run order), so one wrong
    framework cannot make the others look wrong.
    """
    ok = [o for o in group if o.status == PASSED and o.record.get("outcome") and "result" in o.record["outcome"]]
    if len(ok) < 2:
        return
    votes = [sum(not compare(a.result, b.result, rtol, atol) for b in ok) for a in ok]
    ref = ok[votes.index(max(votes))]
    for o in ok:
        diffs = compare(o.result, ref.result, rtol, atol)
        if diffs:
            o.status = MISMATCHED
            o.message = f"RESULT disagrees with {ref.run.runner.label} ({ref.run.device})"
            o.details = diffs[:10] + ([f"... and {len(diffs) - 10} more"] if len(diffs) > 10 else [])
