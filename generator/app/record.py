"""python -m generator record: on a GPU machine, make the GPU runs and write them as frozen records (records/)."""
from __future__ import annotations

import json
import platform
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from ..core.runners import RUNNERS, Runner
from ..core.settings import Settings
from ..inputs.load import Project
from ..runs.frozen import (
    FORMAT,
    NOT_A_GPU_NAME,
    STDERR_KEPT,
    FrozenFile,
    Inputs,
    Machine,
    _write,
)
from ..runs.keys import freeze_key, run_inputs
from ..runs.machine import cpu_name, gpu_name, python_version

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
    from .build import run_build
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
