"""Worker processes as the executor sees them: start (environment, descriptors), stop, kill the group, and the
temporary folders they own."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..core.runners import PASSED_VARIABLES, WorkerEnv
from .plan import Run

KILL_GRACE_S = 2.0


TMP_PREFIX = "generator-runs-"


@dataclass
class Worker:
    env: str
    device: str
    proc: subprocess.Popen
    channel: socket.socket
    log: Path
    started: float
    buffer: bytes = b""
    ready: bool = False
    run: Run | None = None
    run_started: float = 0.0
    child_pid: int | None = None
    import_s: float | None = None
    rundir: Path | None = None
    idle_since: float = 0.0   # when it last became free (kept workers are stopped after a while idle)
    cancelled: bool = False   # the run it serves was superseded: its process is killed as soon as it is known


@dataclass
class Stats:
    imports: dict[str, list[float]] = field(default_factory=dict)  # env/device -> import seconds of each worker
    workers_started: int = 0
    wall_s: float = 0.0

    @property
    def framework_imports(self) -> int:
        return sum(len(v) for v in self.imports.values())


class WorkerStartError(RuntimeError):
    """A worker could not start (its frameworks failed to import); the message carries its log's last lines."""

    def __init__(self, message: str, env: str = "", device: str = ""):
        super().__init__(message)
        self.env, self.device = env, device


class IsolationRefused(WorkerStartError):
    """The kernel refused a mechanism of isolation that the build requires: one line, naming what and why."""


def isolation_line(refused: str, mode: str) -> str:
    if mode == "required":
        return (f"isolation: the kernel refused it, so no snippet is run: {refused}. Set `isolation: best-effort` "
                "to run snippets without it on this machine (never in CI: CI is set there); README, trust model")
    return f"isolation: best-effort: snippets run with this not isolated: {refused}"


def worker_environment(spec: WorkerEnv, device_env: dict[str, str], home: Path, threads: str,
                       source: dict[str, str] | None = None) -> dict[str, str]:
    """A worker's environment, built from the allowlist (PASSED_VARIABLES, `*` a prefix), never a copy of the
    build's: its own HOME and TMPDIR, the environment's framework variables, the device's."""
    source = os.environ if source is None else source
    env = {k: v for k, v in source.items()
           if any(k == p or (p.endswith("*") and k.startswith(p[:-1])) for p in PASSED_VARIABLES)}
    env.setdefault("PATH", os.defpath)
    env.update(spec.variables)
    env.update(device_env)
    env.setdefault("OMP_NUM_THREADS", threads)
    env.update(HOME=str(home), TMPDIR=str(home.parent), PYTHONHASHSEED="0")  # hash seed: read at interpreter start
    return env


def protected_paths(root: Path, cache: Path) -> list[str]:
    """What a run may never read: the project (its .git, store, records, site, snippets), the run store wherever it
    is, and the home of the build's user (~/.ssh, ~/.netrc)."""
    import pwd
    homes = {Path.home(), Path(pwd.getpwuid(os.getuid()).pw_dir)}
    return sorted({str(p.resolve()) for p in (root, cache, *homes)})


def clean_stale_tmp(unowned_after_s: float = 6 * 3600.0) -> int:
    """Remove the temporary folders of builds that died (SIGKILL leaves them). A folder is removed only when the
    build that wrote its `owner` file is gone, or, with no owner file (another version's build), when nothing in it
    changed for `unowned_after_s`. A live build's folder is never touched. Returns how many were removed."""
    removed = 0
    for path in Path(tempfile.gettempdir()).glob(f"{TMP_PREFIX}*"):
        try:
            owner = path / "owner"
            if owner.exists():
                pid = int(owner.read_text() or "0")
                if pid <= 0 or _alive(pid):
                    continue
            elif time.time() - max((p.stat().st_mtime for p in (path, *path.iterdir())), default=0) < unowned_after_s:
                continue
        except (OSError, ValueError):
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed += 1
    return removed


def _alive(pid: int) -> bool:
    """Whether a process still exists (the worker reaps its run before it reports it done)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _tail(path: Path, lines: int = 15) -> str:
    try:
        text = path.read_text("utf-8", "replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.rstrip().splitlines()[-lines:]) or "(empty log)"
