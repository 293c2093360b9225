"""What determines a run, in one place: the freeze key (machine-independent inputs) and the cache key (those inputs
plus the framework versions, Python and the worker's own code). Both the plan and frozen records read it."""
from __future__ import annotations

import hashlib
import json
import platform
from functools import lru_cache
from pathlib import Path

from ..core.runners import Runner
from ..core.settings import Settings
from ..inputs.load import TaskSpec
from .machine import env_versions, package_version

RUNNER_VERSION = "2"  # bump when the meaning of a record changes

WORKER_SOURCES = tuple(Path(__file__).resolve().parent / name for name in ("worker.py", "sandbox.py", "isolate.py"))


@lru_cache(maxsize=1)
def _runner_source_hash() -> str:
    """The worker's own code (the loop and the forked child): editing it makes every record new."""
    h = hashlib.sha256()
    for path in WORKER_SOURCES:
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def cache_key(spec: TaskSpec, runner: Runner, device: str, timeout: float, settings: Settings) -> str:
    """What determines a run's record: the script's bytes, the runner, the device kind, the task settings that change
    how it runs or is judged, the limits, the framework versions (local build label dropped), Python, the worker."""
    parts = {
        "task": spec.id,
        "script": spec.sha256(runner.framework),
        "runner": runner.key,
        "device": device,
        "timeout": timeout,
        "limits": [settings.memory_limit_mb, settings.output_limit_kb],
        "versions": env_versions(runner.env, local=False),
        "python": platform.python_version(),
        "runner_version": [RUNNER_VERSION, _runner_source_hash()],
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def run_inputs(spec: TaskSpec, runner: Runner, device: str, timeout: float, settings: Settings) -> dict:
    """What determines a run, independent of the machine: the freeze key is the hash of this, and the file carries it
    as data so that a stale record can say what changed."""
    return {
        "task": spec.id, "runner": runner.key, "device": device, "script": f"{runner.framework}.py",
        "script_sha256": spec.sha256(runner.framework),
        "timeout": float(timeout), "memory_limit_mb": settings.memory_limit_mb,
        "output_limit_kb": settings.output_limit_kb, "record_version": RUNNER_VERSION,
    }


def freeze_key(inputs: dict) -> str:
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def forget_versions() -> None:
    """Forget the package versions and the worker's hash read so far (the installed packages or the worker changed)."""
    package_version.cache_clear()
    _runner_source_hash.cache_clear()
