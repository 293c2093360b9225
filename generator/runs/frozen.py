"""Frozen records: runs made on a machine the build lacks (a GPU), committed under `records/` and published with where,
when and with which versions they were made, like Quarto's `_freeze`.

A frozen record is keyed by what determines its run, not by the machine that made it: the task, the runner, the
device, the sha256 of the script's bytes, the timeout and the limits (the *freeze key*). Framework and Python versions
are data it carries, never part of its key, so a GPU machine with other versions than the pins can still record; the
page then shows those versions, never the pins. The verdict is not frozen: every build judges the frozen `RunRecord`
again with the task's current expectations and tolerances. When the inputs change (the script is edited) the record is
**stale**: shown as such, never as passed, until it is recorded again.

One file per record, `records/<task>/<runner with / as _>-<device>.json`, sorted JSON, so a review sees every change.
A file is refused (with a warning, and treated as absent) unless it is the shape written here, names the run its path
names, and was made on a GPU by name: a CPU run cannot be published as a GPU run through this folder.
"""
from __future__ import annotations

import hashlib
import json
import platform
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Callable, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError

from .cache import atomic_write
from .files import UnsafeFile, read_bytes
from .load import Project, TaskSpec
from .machine import cpu_name, env_versions, gpu_name, python_version
from .record import MESSAGE_CAP, Frozen, RunRecord, SkipKind, _cap
from .runners import RUNNERS, Runner
from .settings import Settings

FORMAT = 1
FROZEN_DEVICES = ("gpu",)        # the devices a record may be frozen for; a CPU run is always made by the build
NOT_A_GPU_NAME = {"", "gpu", "cpu", "none", "unknown"}
STDERR_KEPT = 4000               # a frozen record keeps the end of stderr only (the page shows its last 2000)
RECORD_HINT = "python -m generator record --devices gpu --out records/"


# ----------------------------------------------------------------------------- the key and the file
def run_inputs(spec: TaskSpec, runner: Runner, device: str, timeout: float, settings: Settings) -> dict:
    """What determines a run, independent of the machine: the freeze key is the hash of this, and the file carries it
    as data so that a stale record can say what changed."""
    from .plan import RUNNER_VERSION
    return {
        "task": spec.id, "runner": runner.key, "device": device, "script": f"{runner.framework}.py",
        "script_sha256": hashlib.sha256(spec.code[runner.framework]).hexdigest(),
        "timeout": float(timeout), "memory_limit_mb": settings.memory_limit_mb,
        "output_limit_kb": settings.output_limit_kb, "record_version": RUNNER_VERSION,
    }


def freeze_key(inputs: dict) -> str:
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def file_name(runner_key: str, device: str) -> str:
    return f"{runner_key.replace('/', '_')}-{device}.json"


def record_path(records: Path, task: str, runner_key: str, device: str) -> Path:
    return records / task / file_name(runner_key, device)


Short = Annotated[str, AfterValidator(lambda text: _cap(text, 300))]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Inputs(_Model):
    task: str
    runner: str
    device: str
    script: str
    script_sha256: str
    timeout: float
    memory_limit_mb: int
    output_limit_kb: int
    record_version: str


class Machine(_Model):
    gpu: Short
    cpu: Short
    python: Short
    platform: Short
    date: Short


class FrozenFile(_Model):
    """The file: the key, the inputs it was made from, the machine, and the record (or why there is none)."""

    format: Literal[1]
    freeze_key: str
    inputs: Inputs
    machine: Machine
    record: RunRecord | None = None
    unavailable: Annotated[str, AfterValidator(lambda text: _cap(text, MESSAGE_CAP))] | None = None

    def dumps(self) -> str:
        return json.dumps(self.model_dump(mode="json"), sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def refusal(f: FrozenFile, task: str, runner_key: str, device: str) -> str | None:
    """Why this file cannot stand for the run (task, runner, device), or None. The rules that keep a CPU run from
    ever being published as a GPU run live here."""
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
    return None


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
               settings: Settings) -> FrozenRun:
    current = run_inputs(spec, runner, device, timeout, settings)
    rec = f.record
    info = Frozen(path=rel, device_name=f.machine.gpu, python=rec.python if rec else f.machine.python,
                  versions=rec.versions if rec else {}, date=rec.date if rec else f.machine.date,
                  pins=_pins(rec.versions, runner.env) if rec else {})
    where = f"{info.device_name}" + (f", {info.date}" if info.date else "")
    if f.freeze_key != freeze_key(current):
        why = _changes(f.inputs, current)
        info = info.model_copy(update={"stale": why})
        return FrozenRun(info, None, SkipKind.STALE, f"stale frozen record: {why} since it was recorded on {where}; "
                                                     f"not shown as passed until it is recorded again ({RECORD_HINT})")
    if rec is None:
        info = info.model_copy(update={"unavailable": f.unavailable or ""})
        return FrozenRun(info, None, SkipKind.UNAVAILABLE,
                         f"not available on the recording machine ({f.machine.gpu}): {f.unavailable}")
    return FrozenRun(info, rec)


def attach_frozen(plan, project: Project, settings: Settings) -> None:
    """For every run this machine cannot make for lack of its device, the frozen record that stands for it."""
    records = settings.records_path
    wanted = [r for r in plan.runs if r.skip_kind is SkipKind.NO_DEVICE and r.device in FROZEN_DEVICES]
    if not wanted or not records.is_dir() or records.is_symlink():
        return
    for run in wanted:
        path = record_path(records, run.task, run.runner.key, run.device)
        rel = path.relative_to(settings.root).as_posix() if path.is_relative_to(settings.root) else str(path)
        f, why = read_file(path, settings.root)
        if f is None:
            if why:
                plan.warnings.append(f"{rel}: refused: {why}")
            continue
        problem = refusal(f, run.task, run.runner.key, run.device)
        if problem:
            plan.warnings.append(f"{rel}: refused: {problem}")
            continue
        plan.frozen[run.id] = judge_file(f, rel, project.tasks[run.task], run.runner, run.device, run.timeout, settings)


def frozen_lines(result, fmt: str = "text", strict: bool = False) -> list[str]:
    """`check`'s lines about frozen records: each stale one, and each file refused. Errors under --strict."""
    lines = []
    for o in result.outcomes:
        if o.category == "stale":
            lines.append((o.frozen.path, f"stale: [{o.run.runner.label}, {o.run.device}] {o.message}"))
    for w in result.warnings:
        if ": refused: " in w:
            lines.append(tuple(w.split(": ", 1)))
    if fmt != "github":
        return [f"{path}: {msg}" for path, msg in lines]
    from .report import annotation
    kind = "error" if strict else "warning"
    return [annotation(path, None, "frozen record", msg).replace("::error ", f"::{kind} ", 1) for path, msg in lines]


def strict_failure(result) -> bool:
    return any(o.category == "stale" for o in result.outcomes) or any(": refused: " in w for w in result.warnings)


# ----------------------------------------------------------------------------- recording, on the machine with the GPU
# A runner is recorded only where its frameworks are installed *and see the GPU*: a CPU build of torch on a GPU machine
# would otherwise make CPU runs under a GPU name.
GPU_PROBES = {
    "torch": "import torch\nok = torch.cuda.is_available()\nwhat = f'torch.cuda.is_available() is {ok}'",
    "tensorflow": "import tensorflow as tf\ngpus = tf.config.list_physical_devices('GPU')\nok = bool(gpus)\n"
                  "what = f'tf.config.list_physical_devices(\"GPU\") lists {len(gpus)}'",
    "jax": "import jax\nkinds = sorted({d.platform for d in jax.devices()})\nok = 'gpu' in kinds or 'cuda' in kinds\n"
           "what = f'jax.devices() lists {kinds}'",
}
_PROBE = """import importlib.util, json, sys
name = sys.argv[1]
if importlib.util.find_spec(name) is None:
    print(json.dumps({"ok": False, "why": f"{name} is not installed on the recording machine "
                                         f"(importlib.util.find_spec({name!r}) is None)"}))
    raise SystemExit
try:
    exec(sys.argv[2])
except Exception as exc:
    print(json.dumps({"ok": False, "why": f"import {name} failed on the recording machine: {type(exc).__name__}: {exc}"[:500]}))
    raise SystemExit
version = getattr(sys.modules.get(name), "__version__", "?")
print(json.dumps({"ok": bool(ok), "why": "" if ok else f"{name} {version} is installed but sees no GPU ({what})"}))
"""


def probe_package(name: str) -> str | None:
    """None when `name` is installed here and sees the GPU; otherwise the reason, for the record."""
    # Keras is only looked for: importing it loads its default backend, which the recording machine may lack.
    code = GPU_PROBES.get(name, "ok = True\nwhat = ''")
    try:  # in the environment the GPU workers get (a CUDA_VISIBLE_DEVICES set here hides the GPU from both)
        out = subprocess.run([sys.executable, "-P", "-c", _PROBE, name, code], capture_output=True, text=True,
                             timeout=600, check=False)
        answer = json.loads(out.stdout.strip().splitlines()[-1])
    except (OSError, subprocess.SubprocessError, ValueError, IndexError):
        return f"{name} could not be probed on the recording machine"
    return None if answer.get("ok") else str(answer.get("why") or f"{name} is not usable here")


def runner_packages(runner: Runner) -> list[str]:
    """The importable packages a runner needs: its framework, and for Keras the backend's framework too."""
    if runner.framework == "keras":
        return ["keras", {"tensorflow": "tensorflow", "torch": "torch", "jax": "jax"}[runner.backend]]
    return [{"pytorch": "torch", "tensorflow": "tensorflow"}[runner.framework]]


def record(settings: Settings, project: Project, out: Path, tasks: list[str] | None = None,
           probe: Callable[[str], str | None] = probe_package, log: Callable[[str], None] = print) -> int:
    """Make the GPU runs here and write them as frozen records under `out`. Returns the exit status."""
    from .pipeline import run_build
    name = gpu_name()
    if settings.devices == "cpu":
        log("record: records are made for the GPU only (--devices gpu); a CPU run is made by every build")
        return 2
    if not name or name.strip().lower() in NOT_A_GPU_NAME or name == cpu_name():
        log("record: no GPU on this machine (nvidia-smi lists none); a GPU record can only be made on a GPU")
        return 2
    existed = out.exists()
    probed = {p: probe(p) for p in sorted({p for r in RUNNERS.values() for p in runner_packages(r)})}
    unavailable = {key: next(why for p in runner_packages(r) if (why := probed[p])) for key, r in RUNNERS.items()
                   if any(probed[p] for p in runner_packages(r))}
    for key, why in unavailable.items():
        log(f"record: {key}: {why}")
    available = [k for k in RUNNERS if k not in unavailable]
    machine = Machine(gpu=name, cpu=cpu_name(), python=python_version(), platform=platform.platform(),
                      date=datetime.now(timezone.utc).strftime("%Y-%m-%d"))
    gpu_settings = settings.model_copy(update={"devices": "gpu", "progress": settings.progress and _has("rich")})
    result = run_build(gpu_settings, project, tasks=tasks, runners=available, devices=["gpu"]) if available else None
    if not existed and out.exists():  # only a snippet could have made it while it ran
        log(f"record: refused: {out} appeared while the snippets ran; nothing written")
        return 2
    written: list[str] = []
    outcomes = result.outcomes if result else []
    for o in outcomes:
        if o.record is None or o.run.device != "gpu":
            continue
        spec = project.tasks[o.run.task]
        rec = o.record.model_copy(update={"stderr": o.record.stderr[-STDERR_KEPT:]})
        inputs = run_inputs(spec, o.run.runner, "gpu", o.run.timeout, settings)
        written.append(_write(out, FrozenFile(format=FORMAT, freeze_key=freeze_key(inputs), inputs=Inputs(**inputs),
                                              machine=machine, record=rec)))
    for tid, spec in sorted(project.tasks.items()):
        if (tasks and tid not in tasks) or "gpu" not in spec.task.devices:
            continue
        for key in unavailable:
            runner = RUNNERS[key]
            if spec.task.skip.get(key) or spec.task.skip.get(runner.framework):
                continue
            inputs = run_inputs(spec, runner, "gpu", spec.task.timeout or settings.timeout, settings)
            written.append(_write(out, FrozenFile(format=FORMAT, freeze_key=freeze_key(inputs), inputs=Inputs(**inputs),
                                                  machine=machine, unavailable=unavailable[key])))
    failed = [o for o in outcomes if o.record is not None and not o.ok]
    log(f"record: wrote {len(written)} frozen record(s) to {out} on {name} ({len(unavailable)} runner(s) not available "
        f"here, {len(failed)} run(s) not passing: they are published as they are)")
    for o in failed:
        log(f"record: {o.run.id}: {o.status}: {o.message}")
    return 0


def _has(module: str) -> bool:
    """The progress display needs rich, which the recording machine may lack."""
    from importlib.util import find_spec
    try:
        return find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def _write(out: Path, f: FrozenFile) -> str:
    path = record_path(out, f.inputs.task, f.inputs.runner, f.inputs.device)
    atomic_write(path, f.dumps().encode("utf-8"))
    return str(path)


# ----------------------------------------------------------------------------- merging records made elsewhere
def is_records_dir(path: Path) -> bool:
    return any(p.is_file() for p in path.glob("*/*-gpu.json"))


def merge_records(src: Path, project: Project, settings: Settings) -> tuple[int, int, list[str]]:
    """Copy the frozen records of `src` (e.g. the GPU job's artifact) into the project's records folder. Of two records
    of one run, the current one wins over a stale one, then the later date. Returns (merged, refused, messages)."""
    dst = settings.records_path
    merged, refused, messages = 0, 0, []
    for path in sorted(src.glob("*/*.json")):
        f, why = read_file(path, src)
        task = path.parent.name
        runner = next((k for k in RUNNERS if path.name == file_name(k, "gpu")), None)
        if f is not None and runner is None:
            why = "its name is not <runner>-gpu.json"
        problem = why or (refusal(f, task, runner, "gpu") if f is not None else "empty")
        if problem:
            refused += 1
            messages.append(f"{path}: refused: {problem}")
            continue
        target = record_path(dst, task, runner, "gpu")
        old, _ = read_file(target, settings.root) if target.exists() else (None, "")
        if old is not None and task in project.tasks and _rank(old, project, settings) > _rank(f, project, settings):
            messages.append(f"{path}: kept {target.relative_to(settings.root)}, which is current or newer")
            continue
        atomic_write(target, f.dumps().encode("utf-8"))
        merged += 1
    return merged, refused, messages


def _rank(f: FrozenFile, project: Project, settings: Settings) -> tuple[bool, str]:
    spec = project.tasks.get(f.inputs.task)
    runner = RUNNERS.get(f.inputs.runner)
    current = False
    if spec is not None and runner is not None:
        inputs = run_inputs(spec, runner, "gpu", spec.task.timeout or settings.timeout, settings)
        current = freeze_key(inputs) == f.freeze_key
    return current, f.record.date if f.record else f.machine.date
