"""A run's record: the one typed shape a run has, from the worker's event to the cache, the page and the JSON.

`RunRecord` is what executing a run produced (cached and merged as it is); `Checked` is a planned run with its
verified status, which every page, chart, CLI line and `verification.json` reads. Both are validated: a cached or
merged record of the wrong shape is a damaged entry, never a crash later.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass, field
from enum import Enum
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

# Every text field a record carries is capped, so no snippet can make a page, an index or a JSON file huge.
TEXT_CAP = 64 * 1024
MESSAGE_CAP = 4000


class Status(str, Enum):
    PASSED = "passed"
    FAILED = "failed"
    TIMED_OUT = "timed out"
    CRASHED = "crashed"
    MISMATCHED = "mismatched"
    SKIPPED = "skipped"

    def __str__(self) -> str:
        return self.value

    @property
    def icon(self) -> str:
        return {"passed": "✔", "failed": "✘", "timed out": "⏱", "crashed": "☠", "mismatched": "≠", "skipped": "–"}[self.value]

    @property
    def ok(self) -> bool:
        return self in (Status.PASSED, Status.SKIPPED)


class SkipKind(str, Enum):
    DECLARED = "declared"          # task.yml says this run cannot be made, with a reason
    NO_DEVICE = "no-device"        # the build machine lacks the device (e.g. no GPU)
    NOT_EXECUTED = "not-executed"  # execution is turned off and nothing is cached
    STALE = "stale"                # a frozen record exists (records/), but what determines the run changed since
    UNAVAILABLE = "unavailable"    # the machine that made the frozen records lacked this runner's framework
    RUNNING = "running"            # live preview: the run is still going; the page reloads when it ends
    UNATTESTED = "unattested"      # a frozen record committed to records/ (contributed), not from the attested workflow

    def __str__(self) -> str:
        return self.value


class ExitKind(str, Enum):
    EXIT = "exit"                # the process ended on its own (cleanly or with an error)
    TIMEOUT = "timeout"
    SIGNAL = "signal"            # killed by a signal it did not ask for
    MEMORY = "memory"            # stopped above the memory limit
    OUTPUT = "output"            # stopped above the output limit
    WORKER_DIED = "worker-died"  # the worker serving it died or stopped answering


def _cap(text: str, limit: int = TEXT_CAP) -> str:
    if len(text) <= limit:
        return text
    half = limit // 2
    return f"{text[:half]}\n[... {len(text) - limit} characters cut ...]\n{text[-half:]}"


def capped(limit: int):
    """A text field cut to `limit` characters (the middle goes, saying how much): every file a run or a build writes
    holds capped text only."""
    return Annotated[str, AfterValidator(lambda text: _cap(text, limit))]


Text = Annotated[str, AfterValidator(_cap)]
Message = capped(MESSAGE_CAP)


class StrictModel(BaseModel):
    """A record read from or written to a file: unknown keys refused, immutable."""
    model_config = ConfigDict(extra="forbid", frozen=True)


_Model = StrictModel


class ErrorInfo(_Model):
    type: Annotated[str, AfterValidator(lambda text: _cap(text, 200))]
    message: Message
    line: int | None = None
    traceback: Text = ""


MAX_FIGURES = 4                 # figures kept from one run
MAX_FIGURE_BYTES = 1024 * 1024  # bytes of one figure (PNG)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class Figure(_Model):
    """A matplotlib figure the script left open, as the PNG the worker saved (fixed metadata: deterministic bytes).

    PNG, not SVG: the script controls these bytes, and an SVG could carry script that runs when the file is opened
    from the site's own origin; a PNG is only ever an image. The bytes are checked here: a PNG of at most
    MAX_FIGURE_BYTES whose SHA-256 is `sha256`."""

    name: Annotated[str, AfterValidator(lambda text: _cap(text, 100))]
    alt: Annotated[str, AfterValidator(lambda text: _cap(text, 300))] = ""
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    data: str  # base64 of the PNG

    @model_validator(mode="after")
    def _check(self) -> "Figure":
        if len(self.data) > MAX_FIGURE_BYTES * 4 // 3 + 4:
            raise ValueError("figure larger than the limit")
        raw = self.png
        if not raw.startswith(PNG_SIGNATURE) or hashlib.sha256(raw).hexdigest() != self.sha256:
            raise ValueError("not the PNG its sha256 names")
        return self

    @property
    def png(self) -> bytes:
        return base64.b64decode(self.data, validate=True)

    @property
    def path(self) -> str:
        """Where the site publishes it (content-addressed: one file however many runs drew it)."""
        return f"assets/figures/{self.sha256}.png"


class ScriptOutcome(_Model):
    """What the script itself did, reported from inside the forked process."""

    error: ErrorInfo | None = None
    exit_code: int = 0
    sys_exit: bool = False
    exit_line: int | None = None
    wall_s: float | None = None
    has_result: bool = False
    result: Any = None
    metrics: dict[str, Any] | None = None
    result_error: Message | None = None
    metrics_error: Message | None = None
    figures: list[Figure] = Field(default_factory=list, max_length=MAX_FIGURES)
    figures_note: Message | None = None  # figures left out (over the limits) or that could not be saved


class Exit(_Model):
    kind: ExitKind
    message: Message
    code: int | None = None
    signal: int | None = None
    line: int | None = None      # a timeout: the script's line it was on when stopped (a traceback dumped then)


class RunRecord(_Model):
    """One executed run, as cached. Only the executor builds it, from a worker event it has checked."""

    id: str
    key: str
    task: str
    runner: str
    device: str
    script: str
    python: str
    versions: dict[str, str]
    device_name: str
    date: str
    exit: Exit
    outcome: ScriptOutcome | None = None
    stdout: Text = ""
    stderr: Text = ""
    stdout_bytes: int = 0
    stderr_bytes: int = 0
    total_s: float = 0.0
    peak_rss_mb: float | None = None
    import_s: float | None = None

    @property
    def finished(self) -> bool:
        """The run ended on its own and reported its outcome: worth caching. Timeouts, crashes, stops and runs that
        ended without an outcome (killed from outside, or `os._exit`) repeat next build."""
        return self.exit.kind is ExitKind.EXIT and self.outcome is not None

    @classmethod
    def parse(cls, data: object) -> "RunRecord | None":
        try:
            return cls.model_validate(data)
        except (ValidationError, TypeError, ValueError, RecursionError, binascii.Error):
            return None


class CrossCheck(_Model):
    """How a run's RESULT was compared: against what, with which tolerance, and how far off it was."""

    reference: str                 # the runner (or script) whose result is the reference
    why: str                       # why that one is the reference
    rtol: float
    atol: float
    max_abs_diff: float | None = None
    max_rel_diff: float | None = None
    paths: list[str] = Field(default_factory=list)  # where it differs (mismatches only)
    device: str = "cpu"            # the device of the runs compared; it decides the tolerance
    reason: str = ""               # why this tolerance applies (the task's, or its GPU tolerance and its reason)


CATEGORIES = ("this-build", "frozen", "unattested", "stale", "not-run")  # where a verdict comes from (Checked.category)
ATTESTED = "attested"         # came through `merge --attested`: the project's GPU workflow, attestation verified
CONTRIBUTED = "contributed"   # committed under records/: anyone can write one, so it is never published as passed


class Frozen(_Model):
    """Where and how a frozen record was made, and how it reached this build: shown beside the run it stands for."""

    path: str                      # records/<task>/<runner>-<device>.json, or attested/<task>/... (the run store's)
    provenance: str = CONTRIBUTED  # ATTESTED or CONTRIBUTED; only an attested record can pass
    device_name: str               # the recording machine's GPU
    python: str
    versions: dict[str, str]       # the recording machine's versions, never presented as the pins
    date: str
    pins: dict[str, str] = Field(default_factory=dict)  # this build's versions of the packages that differ
    stale: str = ""                # what changed since it was recorded (empty: it is current)
    unavailable: str = ""          # why the recording machine could not make this run

    @property
    def label(self) -> str:
        """E.g. "recorded on NVIDIA H100, torch 2.11.0+cu130, 2026-11-25; not re-run in this build"."""
        versions = ", ".join(f"{k} {v}" for k, v in sorted(self.versions.items()) if k != "numpy")
        text = f"recorded on {self.device_name}" + (f", {versions}" if versions else "") + f", {self.python}, {self.date}"
        if self.pins:
            text += " (not the pinned versions: " + ", ".join(f"{k} {v}" for k, v in sorted(self.pins.items())) + " here)"
        if self.provenance == ATTESTED:
            return text + "; attested: made by the project's GPU workflow; not re-run in this build"
        return text + "; contributed, not reproduced by the project"


@dataclass
class Checked:
    """A planned run and its verified status: what pages, charts, the CLI and verification.json read."""

    run: Any                        # plan.Run (not a model: it holds paths and the runner)
    record: RunRecord | None        # None for a run that was not made
    status: Status
    skip: SkipKind | None = None
    message: str = ""
    line: int | None = None
    cached: bool = False
    details: list[str] = field(default_factory=list)
    check: CrossCheck | None = None
    frozen: Frozen | None = None        # the run stands for a frozen record (records/), made on another machine
    device_check: CrossCheck | None = None  # a GPU result against the same runner's CPU result
    task_line: int | None = None        # the message is about this line of task.yml (e.g. an expected output)

    @property
    def category(self) -> str:
        """Where the verdict comes from: "this-build" (run here, or cached from an identical run), "frozen" (an
        attested record made on another machine), "unattested" (a contributed record: shown, never passed), "stale"
        (a frozen record whose script changed) or "not-run"."""
        if self.skip is SkipKind.STALE:
            return "stale"
        if self.skip is SkipKind.UNATTESTED:
            return "unattested"
        if self.record is None:
            return "not-run"
        return "frozen" if self.frozen is not None else "this-build"

    @property
    def ok(self) -> bool:
        return self.status.ok

    @property
    def passed(self) -> bool:
        return self.status is Status.PASSED

    @property
    def skipped(self) -> bool:
        return self.status is Status.SKIPPED

    @property
    def outcome(self) -> ScriptOutcome | None:
        return self.record.outcome if self.record else None

    @property
    def result(self) -> Any:
        return self.outcome.result if self.outcome else None

    @property
    def has_result(self) -> bool:
        return bool(self.outcome and self.outcome.has_result)

    @property
    def metrics(self) -> dict[str, Any]:
        return (self.outcome.metrics or {}) if self.outcome else {}

    @property
    def wall_s(self) -> float | None:
        return self.outcome.wall_s if self.outcome else None

    @property
    def error(self) -> ErrorInfo | None:
        return self.outcome.error if self.outcome else None

    @property
    def device_name(self) -> str:
        return self.record.device_name if self.record else ""

    @property
    def versions_text(self) -> str:
        if not self.record:
            return ""
        text = ", ".join(f"{k} {v}" for k, v in sorted(self.record.versions.items()))
        return f"{text}, {self.record.python}" if text else self.record.python

    def to_json(self, clean) -> dict:
        """The published form of this run (verification.json): plain text output, capped error tail."""
        rec = self.record
        out: dict[str, Any] = {
            "id": self.run.id, "task": self.run.task, "runner": self.run.runner.key, "framework": self.run.runner.framework,
            "backend": self.run.runner.backend, "device": self.run.device, "key": self.run.key,
            "status": self.status.value, "skip": self.skip.value if self.skip else None, "message": self.message,
            "line": self.line, "details": self.details,
            "check": self.check.model_dump() if self.check else None, "category": self.category,
            "frozen": self.frozen.model_dump() if self.frozen else None,
            "device_check": self.device_check.model_dump() if self.device_check else None,
        }
        if rec is not None:
            dropped = dict.fromkeys(("stdout", "stderr", "id", "key", "task", "runner", "device"), True)
            out.update(rec.model_dump(mode="json", exclude={**dropped, "outcome": {"figures": {"__all__": {"data"}}}}))
            if rec.outcome is not None:  # figures by their published file, not their bytes
                for fig, dumped in zip(rec.outcome.figures, (out.get("outcome") or {}).get("figures", [])):
                    dumped["file"] = fig.path
            out["stdout"] = clean(rec.stdout)
            out["stderr_tail"] = rec.stderr[-2000:]
        return out
