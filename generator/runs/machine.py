"""Facts about the machine a build runs on: CPU and GPU names, package and Python versions. Nothing here imports a
framework: versions come from package metadata, the GPU's name from `nvidia-smi`."""
from __future__ import annotations

import platform
import shutil
import subprocess
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from ..core.runners import WORKER_ENVS


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


def python_version() -> str:
    return f"{platform.python_implementation()} {platform.python_version()}"


def describe() -> str:
    """One line for pages: the CPU, and the GPU or the lack of one."""
    gpu = gpu_name()
    return cpu_name() + (f" + {gpu}" if gpu else " (no GPU on this build machine)")
