"""Stage 2, plan: every run the site needs, each with its cache key, and what the cache already holds."""
from __future__ import annotations

import hashlib
import json
import platform
import shutil
import subprocess
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from .load import Project, TaskSpec
from .runners import RUNNERS, WORKER_ENVS, Runner
from .settings import Settings

RUNNER_VERSION = "1"  # bump when the meaning of a record changes


@dataclass(frozen=True)
class Run:
    task: str
    runner: Runner
    device: str
    script: Path
    timeout: float
    key: str
    skip: str | None = None  # reason this run is not made
    declared_skip: bool = False  # skipped by task.yml (a cached record does not override it)

    @property
    def id(self) -> str:
        return f"{self.task}/{self.runner.key}/{self.device}"


@dataclass
class Plan:
    runs: list[Run]
    cached: dict[str, dict] = field(default_factory=dict)  # run id -> record
    gpu: str | None = None

    @property
    def misses(self) -> list[Run]:
        return [r for r in self.runs if r.id not in self.cached and not r.skip]


@lru_cache(maxsize=None)
def package_version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def env_versions(env: str, local: bool = True) -> dict[str, str]:
    """Versions of an environment's packages. Without `local`, the build label is dropped (2.13.0+cpu -> 2.13.0):
    the device kind is part of the cache key already, so a GPU machine's records match a CPU machine's keys."""
    versions = {p: v for p in WORKER_ENVS[env].packages if (v := package_version(p))}
    return versions if local else {p: v.split("+")[0] for p, v in versions.items()}


@lru_cache(maxsize=1)
def gpu_name() -> str | None:
    """The first NVIDIA GPU's name, found without importing any framework."""
    exe = shutil.which("nvidia-smi")
    if not exe:
        return None
    try:
        out = subprocess.run([exe, "--query-gpu=name", "--format=csv,noheader"], capture_output=True, text=True,
                             timeout=20, check=False).stdout.strip().splitlines()
    except (OSError, subprocess.SubprocessError):
        return None
    return out[0].strip() if out else None


@lru_cache(maxsize=1)
def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


@lru_cache(maxsize=1)
def _runner_source_hash() -> str:
    return hashlib.sha256((Path(__file__).parent / "worker.py").read_bytes()).hexdigest()[:16]


def cache_key(spec: TaskSpec, runner: Runner, device: str, timeout: float, settings: Settings) -> str:
    parts = {
        "task": spec.id,
        "script": hashlib.sha256(spec.scripts[runner.framework].read_bytes()).hexdigest(),
        "runner": runner.key,
        "device": device,
        "timeout": timeout,
        "limits": [settings.memory_limit_mb, settings.output_limit_kb],
        "versions": env_versions(runner.env, local=False),
        "python": platform.python_version(),
        "runner_version": [RUNNER_VERSION, _runner_source_hash()],
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def devices_here(settings: Settings) -> list[str]:
    if settings.devices == "cpu":
        return ["cpu"]
    if settings.devices == "gpu":
        return ["gpu"]
    return ["cpu", "gpu"]


def make_plan(project: Project, settings: Settings, store, tasks: list[str] | None = None,
              runners: list[str] | None = None, devices: list[str] | None = None) -> Plan:
    gpu = gpu_name()
    wanted = devices or devices_here(settings)
    runs: list[Run] = []
    for tid, spec in sorted(project.tasks.items()):
        if tasks and tid not in tasks:
            continue
        timeout = spec.task.timeout or settings.timeout
        for runner in RUNNERS.values():
            if runners and runner.key not in runners and runner.framework not in runners:
                continue
            for device in spec.task.devices:
                if device not in wanted:
                    continue
                skip = spec.task.skip.get(runner.key) or spec.task.skip.get(runner.framework)
                declared = bool(skip)
                if device == "gpu" and not gpu and not skip:
                    skip = "not run on GPU here: this build machine has no GPU"
                key = cache_key(spec, runner, device, timeout, settings)
                runs.append(Run(tid, runner, device, spec.scripts[runner.framework], timeout, key, skip, declared))
    plan = Plan(runs, gpu=gpu)
    for run in runs:
        if run.declared_skip:
            continue
        record = store.get(run.key)
        if record is not None and record.get("id") == run.id:
            plan.cached[run.id] = record
    return plan


def python_version() -> str:
    return f"{platform.python_implementation()} {platform.python_version()}"

