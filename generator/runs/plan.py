"""Stage 2, plan: every run the site needs, each with its cache key, and what the cache already holds."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..core.record import RunRecord, SkipKind
from ..core.runners import RUNNERS, Runner
from ..core.settings import Settings
from ..inputs.load import Project
from .keys import cache_key
from .machine import gpu_name


@dataclass(frozen=True)
class Run:
    task: str
    runner: Runner
    device: str
    script: Path
    timeout: float
    key: str
    skip: str | None = None            # why this run is not made
    skip_kind: SkipKind | None = None  # declared in task.yml, or the device is missing here

    @property
    def id(self) -> str:
        return f"{self.task}/{self.runner.key}/{self.device}"

    @property
    def declared_skip(self) -> bool:
        return self.skip_kind is SkipKind.DECLARED


@dataclass
class Plan:
    runs: list[Run]
    cached: dict[str, RunRecord] = field(default_factory=dict)  # run id -> record
    gpu: str | None = None
    frozen: dict = field(default_factory=dict)  # run id -> freeze.FrozenRun, for runs this machine cannot make
    warnings: list[str] = field(default_factory=list)

    @property
    def misses(self) -> list[Run]:
        return [r for r in self.runs if r.id not in self.cached and not r.skip]


def devices_here(settings: Settings) -> list[str]:
    return ["cpu", "gpu"] if settings.devices == "auto" else [settings.devices]


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
                kind = SkipKind.DECLARED if skip else None
                if device == "gpu" and not gpu and not skip:
                    skip, kind = "not run on GPU here: this build machine has no GPU", SkipKind.NO_DEVICE
                key = cache_key(spec, runner, device, timeout, settings)
                runs.append(Run(tid, runner, device, spec.scripts[runner.framework], timeout, key, skip, kind))
    plan = Plan(runs, gpu=gpu)
    for run in runs:
        if run.skip:  # declared, or a device this machine lacks: only a frozen record (records/) stands for it
            continue
        record = store.get(run.key)
        if record is not None and record.id == run.id and record.device == run.device:
            plan.cached[run.id] = record
    from .frozen import attach_frozen
    attach_frozen(plan, project, settings)  # read before anything runs, like the store
    return plan
