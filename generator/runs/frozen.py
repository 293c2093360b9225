"""Frozen records: runs made on a machine the build lacks (a GPU), committed under `records/` and published with where,
when and with which versions they were made, like Quarto's `_freeze`.

A frozen record is keyed by what determines its run, not by the machine that made it: the task, the runner, the
device, the sha256 of the script's bytes, the timeout and the limits (the *freeze key*). Framework and Python versions
are data it carries, never part of its key, so a GPU machine with other versions than the pins can still record; the
page then shows those versions, never the pins. The verdict is not frozen: every build judges the frozen `RunRecord`
again with the task's current expectations and tolerances. When the inputs change (the script is edited) the record is
**stale**: shown as such, never as passed, until it is recorded again.

One file per record, `<task>/<runner with / as _>-<device>.json`, sorted JSON, so a review sees every change.
A file is refused (with a warning, and treated as absent) unless it is the shape written here, names the run its path
names, was made on a GPU by name, and is not dated after this build: a CPU run cannot be published as a GPU run.

**Provenance decides, never a date the file states.** The freeze key is a hash anyone can compute, so a file proves
nothing by itself. A record is *attested* only when it reached this build through `merge --attested DIR`, which the
deploy job runs on gpu.yml's artifact after `gh attestation verify`; attested records live in the run store
(`<cache_dir>/attested/`), outside the repository, where no pull request can add one. A record in the repository's
`records/` is *contributed*: shown as "contributed, not reproduced by the project", never counted as passed, and
`check --strict` fails on it. An attested record stands for its run whatever a contributed one says or is dated.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Literal

from pydantic import ValidationError

from ..core.files import UnsafeFile, atomic_write, read_bytes
from ..core.record import ATTESTED, CONTRIBUTED, MESSAGE_CAP, Frozen, RunRecord, SkipKind, StrictModel, capped
from ..core.runners import RUNNERS, Runner
from ..core.settings import Settings
from ..inputs.load import Project, TaskSpec
from .keys import freeze_key, run_inputs
from .machine import cpu_name, env_versions

FORMAT = 1
FROZEN_DEVICES = ("gpu",)        # the devices a record may be frozen for; a CPU run is always made by the build
NOT_A_GPU_NAME = {"", "gpu", "cpu", "none", "unknown"}
STDERR_KEPT = 4000               # a frozen record keeps the end of stderr only (the page shows its last 2000)
RECORD_HINT = "python -m generator record --devices gpu --out records/"
UNATTESTED_MESSAGE = ("contributed, not reproduced by the project (unattested): a GPU record committed under records/; "
                      "never counted as passed (only records of the project's own attested GPU workflow are)")


def build_date() -> date:
    """This build's date (UTC, as records are dated): a record dated after it is refused."""
    return datetime.now(timezone.utc).date()


# ----------------------------------------------------------------------------- the key and the file


def file_name(runner_key: str, device: str) -> str:
    return f"{runner_key.replace('/', '_')}-{device}.json"


def record_path(records: Path, task: str, runner_key: str, device: str) -> Path:
    return records / task / file_name(runner_key, device)


Short = capped(300)


class Inputs(StrictModel):
    task: str
    runner: str
    device: str
    script: str
    script_sha256: str
    timeout: float
    memory_limit_mb: int
    output_limit_kb: int
    record_version: str


class Machine(StrictModel):
    gpu: Short
    cpu: Short
    python: Short
    platform: Short
    date: Short


class FrozenFile(StrictModel):
    """The file: the key, the inputs it was made from, the machine, and the record (or why there is none)."""

    format: Literal[1]
    freeze_key: str
    inputs: Inputs
    machine: Machine
    record: RunRecord | None = None
    unavailable: capped(MESSAGE_CAP) | None = None

    def dumps(self) -> str:
        return json.dumps(self.model_dump(mode="json"), sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def _date_refusal(f: FrozenFile, today: date) -> str | None:
    for stated in dict.fromkeys([f.machine.date, *([f.record.date] if f.record else [])]):
        try:
            day = date.fromisoformat(stated[:10])
        except ValueError:
            return f"its date {stated[:40]!r} is not a date (YYYY-MM-DD)"
        if day > today:
            return f"it is dated {day.isoformat()}, after this build's date {today.isoformat()}"
    return None


def refusal(f: FrozenFile, task: str, runner_key: str, device: str, today: date | None = None) -> str | None:
    """Why this file cannot stand for the run (task, runner, device), or None. The rules that keep a CPU run from
    ever being published as a GPU run live here, and a date after `today` (the build's) is refused."""
    i, rec = f.inputs, f.record
    if (i.task, i.runner, i.device) != (task, runner_key, device):
        return f"it is the record of {i.task}/{i.runner}/{i.device}, not of {task}/{runner_key}/{device}"
    if device not in FROZEN_DEVICES:
        return f"records are frozen for {', '.join(FROZEN_DEVICES)} only; a {device} run is made by the build"
    if freeze_key(i.model_dump()) != f.freeze_key:
        return "its freeze key does not match its inputs"
    if (rec is None) == (f.unavailable is None):
        return "it must hold either a record or the reason the run was not available"
    name = f.machine.gpu.strip()
    if name.lower() in NOT_A_GPU_NAME or name in (f.machine.cpu.strip(), cpu_name()):
        return f"its machine names no GPU ({name!r}); a GPU record is made on a GPU"
    if rec is not None:
        if (rec.id, rec.task, rec.runner, rec.device) != (f"{task}/{runner_key}/{device}", task, runner_key, device):
            return f"its record is of {rec.id} on {rec.device}, not of {task}/{runner_key}/{device}"
        if rec.device_name != name:
            return f"its record was made on {rec.device_name!r}, not on the machine's GPU {name!r}"
    return _date_refusal(f, today or build_date())


def read_file(path: Path, root: Path) -> tuple[FrozenFile | None, str]:
    """The file at `path` (inside `root`), or None and why not."""
    try:
        data = json.loads(read_bytes(path, root).decode("utf-8"))
    except FileNotFoundError:
        return None, ""
    except (UnsafeFile, OSError, ValueError, UnicodeDecodeError) as exc:
        return None, f"unreadable ({exc})"
    try:
        return FrozenFile.model_validate(data), ""
    except (ValidationError, TypeError, ValueError, RecursionError) as exc:
        first = exc.errors()[0] if isinstance(exc, ValidationError) else {"loc": (), "msg": str(exc)}
        where = ".".join(str(p) for p in first["loc"])
        return None, f"not a frozen record of format {FORMAT} ({where + ': ' if where else ''}{first['msg']})"


# ----------------------------------------------------------------------------- the build: frozen records in the plan
@dataclass(frozen=True)
class FrozenRun:
    """A frozen record as a planned run sees it: the record to judge, or (stale, unavailable) why there is none."""

    info: Frozen
    record: RunRecord | None
    skip: SkipKind | None = None
    message: str = ""


def _changes(old: Inputs, new: dict) -> str:
    names = {"script_sha256": "the script changed", "timeout": "the timeout changed", "memory_limit_mb":
             "the memory limit changed", "output_limit_kb": "the output limit changed", "record_version":
             "the record format changed", "script": "the script's name changed"}
    changed = [names.get(k, f"{k} changed") for k, v in old.model_dump().items() if new.get(k) != v]
    return ", ".join(changed) or "its inputs changed"


def _pins(versions: dict[str, str], env: str) -> dict[str, str]:
    """This build's versions of the packages whose version differs from the recording machine's."""
    here = env_versions(env)
    return {p: here[p] for p, v in versions.items() if p in here and here[p] != v}


def judge_file(f: FrozenFile, rel: str, spec: TaskSpec, runner: Runner, device: str, timeout: float,
               settings: Settings, provenance: str = CONTRIBUTED) -> FrozenRun:
    current = run_inputs(spec, runner, device, timeout, settings)
    rec = f.record
    info = Frozen(path=rel, provenance=provenance, device_name=f.machine.gpu,
                  python=rec.python if rec else f.machine.python,
                  versions=rec.versions if rec else {}, date=rec.date if rec else f.machine.date,
                  pins=_pins(rec.versions, runner.env) if rec else {})
    where = f"{info.device_name}" + (f", {info.date}" if info.date else "")
    if f.freeze_key != freeze_key(current):
        why = _changes(f.inputs, current)
        info = info.model_copy(update={"stale": why})
        return FrozenRun(info, None, SkipKind.STALE, f"stale frozen record: {why} since it was recorded on {where}; "
                                                     f"not shown as passed until it is recorded again ({RECORD_HINT})")
    if provenance != ATTESTED:  # current, but anyone can write this file: shown, never judged or counted as passed
        return FrozenRun(info, None, SkipKind.UNATTESTED, UNATTESTED_MESSAGE)
    if rec is None:
        info = info.model_copy(update={"unavailable": f.unavailable or ""})
        return FrozenRun(info, None, SkipKind.UNAVAILABLE,
                         f"not available on the recording machine ({f.machine.gpu}): {f.unavailable}")
    return FrozenRun(info, rec)


def attach_frozen(plan, project: Project, settings: Settings) -> None:
    """For every run this machine cannot make for lack of its device, the frozen record that stands for it: the
    attested one where there is one (whatever a contributed one says or is dated), else the contributed one."""
    wanted = [r for r in plan.runs if r.skip_kind is SkipKind.NO_DEVICE and r.device in FROZEN_DEVICES]
    folders = [(folder, provenance) for folder, provenance in ((settings.attested_path, ATTESTED),
                                                               (settings.records_path, CONTRIBUTED))
               if folder.is_dir() and not folder.is_symlink()]
    if not wanted or not folders:
        return
    today = build_date()
    for run in wanted:
        for folder, provenance in folders:
            path = record_path(folder, run.task, run.runner.key, run.device)
            if provenance == ATTESTED:  # published as where it came from, not as a path of the build machine
                rel = f"attested/{path.relative_to(folder).as_posix()}"
            else:
                rel = path.relative_to(settings.root).as_posix() if path.is_relative_to(settings.root) else str(path)
            f, why = read_file(path, folder)
            problem = why or (refusal(f, run.task, run.runner.key, run.device, today) if f is not None else "")
            if problem:
                plan.warnings.append(f"{rel if provenance == CONTRIBUTED else path}: refused: {problem}")
            if f is None or problem:
                continue
            plan.frozen[run.id] = judge_file(f, rel, project.tasks[run.task], run.runner, run.device, run.timeout,
                                             settings, provenance)
            break


# ----------------------------------------------------------------------------- recording, on the machine with the GPU


def _write(out: Path, f: FrozenFile) -> str:
    path = record_path(out, f.inputs.task, f.inputs.runner, f.inputs.device)
    atomic_write(path, f.dumps().encode("utf-8"))
    return str(path)


# ----------------------------------------------------------------------------- attested records, from the deploy job
def is_records_dir(path: Path) -> bool:
    return any(p.is_file() for p in path.glob("*/*-gpu.json"))


def merge_attested(src: Path, settings: Settings) -> tuple[int, int, list[str]]:
    """Put the frozen records of `src` (gpu.yml's artifact, whose attestation the deploy job has verified) into the run
    store's attested folder, where the build takes them as attested. Each file is checked as a build checks it (shape,
    the run its path names, a GPU by name, the key, no date after today); the newest artifact merged replaces what was
    there (which record is newer is the workflow's choice of run, never a date a file states).
    Returns (merged, refused, messages)."""
    dst, today = settings.attested_path, build_date()
    merged, refused, messages = 0, 0, []
    for path in sorted(src.glob("*/*.json")):
        f, why = read_file(path, src)
        task = path.parent.name
        runner = next((k for k in RUNNERS if path.name == file_name(k, "gpu")), None)
        if f is not None and runner is None:
            why = "its name is not <runner>-gpu.json"
        problem = why or (refusal(f, task, runner, "gpu", today) if f is not None else "empty")
        if problem:
            refused += 1
            messages.append(f"{path}: refused: {problem}")
            continue
        atomic_write(record_path(dst, task, runner, "gpu"), f.dumps().encode("utf-8"))
        merged += 1
    return merged, refused, messages
