"""Stage 3, execute: cache misses run in warm workers, in parallel, each in a fresh forked process.

One thread, one event loop: workers report on pipes watched by a selector. A worker serves one run at a time and
lives while its environment has runs left; a worker that dies (a snippet may kill it) is replaced, and only the run it
was serving is affected.
"""
from __future__ import annotations

import json
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from .plan import Run, cpu_name, env_versions, gpu_name, python_version
from .runners import WORKER_ENVS
from .settings import Settings

KILL_GRACE_S = 2.0


@dataclass
class Worker:
    env: str
    device: str
    proc: subprocess.Popen
    channel: object
    buffer: bytes = b""
    ready: bool = False
    run: Run | None = None
    run_started: float = 0.0
    child_pid: int | None = None
    import_s: float | None = None
    rundir: Path | None = None


@dataclass
class Stats:
    imports: dict[str, list[float]] = field(default_factory=dict)  # env/device -> import seconds of each worker
    workers_started: int = 0
    worker_deaths: int = 0
    wall_s: float = 0.0

    @property
    def framework_imports(self) -> int:
        return sum(len(v) for v in self.imports.values())


def _base_record(run: Run) -> dict:
    return {
        "id": run.id, "task": run.task, "runner": run.runner.key, "framework": run.runner.framework,
        "backend": run.runner.backend, "device": run.device, "key": run.key, "script": run.script.name,
        "python": python_version(), "versions": env_versions(run.runner.env),
        "device_name": (gpu_name() or "GPU") if run.device == "gpu" else cpu_name(),
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
    }


class Executor:
    def __init__(self, settings: Settings, on_record: Callable[[Run, dict], None],
                 progress: Callable[[str, Run | None], None] | None = None):
        self.settings = settings
        self.on_record = on_record
        self.progress = progress or (lambda event, run: None)
        self.stats = Stats()
        self.selector = selectors.DefaultSelector()
        self.workers: list[Worker] = []
        self.tmp = Path(tempfile.mkdtemp(prefix="generator-runs-"))
        self.counter = 0

    # -- workers
    def _start_worker(self, env: str, device: str) -> Worker:
        spec = WORKER_ENVS[env]
        read_fd, write_fd = os.pipe()
        env_vars = dict(os.environ)
        env_vars.update(spec.variables)
        env_vars.update(self._device_env(device))
        threads = str(max(1, (os.cpu_count() or 1) // self.settings.workers))
        env_vars.setdefault("OMP_NUM_THREADS", threads)
        env_vars["PYTHONPATH"] = os.pathsep.join(filter(None, [str(Path(__file__).parent.parent), env_vars.get("PYTHONPATH")]))
        log = open(self.tmp / f"worker-{env}-{device}-{self.stats.workers_started}.log", "wb")
        proc = subprocess.Popen(
            [sys.executable, "-m", "generator.worker", env, str(write_fd), ",".join(spec.preload if self.settings.preload else ())],
            stdin=subprocess.PIPE, stdout=log, stderr=subprocess.STDOUT, pass_fds=(write_fd,), env=env_vars,
            cwd=self.tmp, start_new_session=True)
        log.close()
        os.close(write_fd)
        channel = os.fdopen(read_fd, "rb", buffering=0)
        worker = Worker(env, device, proc, channel)
        self.selector.register(channel, selectors.EVENT_READ, worker)
        self.workers.append(worker)
        self.stats.workers_started += 1
        return worker

    @staticmethod
    def _device_env(device: str) -> dict[str, str]:
        if device == "cpu":  # hide any GPU from the frameworks
            return {"CUDA_VISIBLE_DEVICES": "", "JAX_PLATFORMS": "cpu"}
        return {}

    def _stop_worker(self, worker: Worker, kill: bool = False) -> None:
        if worker in self.workers:
            self.workers.remove(worker)
        try:
            self.selector.unregister(worker.channel)
        except (KeyError, ValueError):
            pass
        worker.channel.close()
        try:
            if kill:
                os.killpg(worker.proc.pid, signal.SIGTERM)
            else:
                worker.proc.stdin.close()
        except (OSError, ProcessLookupError):
            pass
        try:
            worker.proc.wait(KILL_GRACE_S)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(worker.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            worker.proc.wait()
        if worker.child_pid:  # the snippet's own group, in case it outlived its worker
            try:
                os.killpg(worker.child_pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass

    def _send(self, worker: Worker, run: Run) -> None:
        self.counter += 1
        rundir = self.tmp / f"run-{self.counter}"
        for sub in ("work", "home", "tmp"):
            (rundir / sub).mkdir(parents=True)
        env = {"HOME": str(rundir / "home"), "TMPDIR": str(rundir / "tmp"), "MPLBACKEND": "Agg",
               "PYTHONHASHSEED": "0"}
        req = {"id": run.id, "script": str(run.script.resolve()), "rundir": str(rundir), "timeout": run.timeout,
               "memory_limit_mb": self.settings.memory_limit_mb, "output_limit_kb": self.settings.output_limit_kb,
               "env": env}
        worker.run, worker.run_started, worker.child_pid, worker.rundir = run, time.monotonic(), None, rundir
        worker.proc.stdin.write((json.dumps(req) + "\n").encode())
        worker.proc.stdin.flush()
        self.progress("start", run)

    # -- records
    def _finish(self, worker: Worker, event: dict | None, died: str | None = None) -> None:
        run = worker.run
        worker.run = None
        rec = _base_record(run)
        if event is None:
            rec.update(exit={"kind": "worker-died", "message": died}, outcome=None, stdout="", stderr="",
                       total_s=time.monotonic() - worker.run_started, peak_rss_mb=None)
        else:
            for k in ("exit", "outcome", "stdout", "stderr", "stdout_bytes", "stderr_bytes", "total_s", "peak_rss_mb"):
                rec[k] = event.get(k)
        rec["import_s"] = worker.import_s
        self._relative_paths(rec)
        shutil.rmtree(worker.rundir, ignore_errors=True)
        self.on_record(run, rec)
        self.progress("done", run)

    def _relative_paths(self, rec: dict) -> None:
        """Tracebacks name snippets by their path in the project, not on this machine."""
        prefix = str(self.settings.root.resolve()) + os.sep
        error = (rec.get("outcome") or {}).get("error")
        if error:
            error["traceback"] = error["traceback"].replace(prefix, "")
            error["message"] = error["message"].replace(prefix, "")
        for k in ("stdout", "stderr"):
            if rec.get(k):
                rec[k] = rec[k].replace(prefix, "")

    def _handle(self, worker: Worker) -> None:
        try:
            chunk = worker.channel.read(65536)
        except OSError:
            chunk = b""
        if not chunk:
            self._worker_died(worker)
            return
        worker.buffer += chunk
        while b"\n" in worker.buffer:
            line, worker.buffer = worker.buffer.split(b"\n", 1)
            event = json.loads(line)
            if event["event"] == "ready":
                worker.ready = True
                worker.import_s = event["import_s"]
                if event["versions"]:  # framework-free workers (preload off) import nothing
                    self.stats.imports.setdefault(f"{worker.env}/{worker.device}", []).append(event["import_s"])
            elif event["event"] == "started":
                worker.child_pid = event["pid"]
            elif event["event"] == "done":
                self._finish(worker, event)

    def _worker_died(self, worker: Worker) -> None:
        code = worker.proc.poll()
        if code is None:
            try:
                code = worker.proc.wait(KILL_GRACE_S)
            except subprocess.TimeoutExpired:
                code = None
        how = f"killed by {signal.Signals(-code).name}" if code and code < 0 else f"exit code {code}"
        self.stats.worker_deaths += 1
        run = worker.run
        self._stop_worker(worker, kill=True)
        if run is not None:
            self._finish(worker, None, died=f"crashed: the worker running this snippet died ({how}); "
                                            "a snippet that kills its parent process does this")
        elif not worker.ready:
            raise RuntimeError(f"the {worker.env} worker failed to start ({how}); see {self.tmp}")

    # -- the loop
    def run_all(self, runs: list[Run]) -> Stats:
        t0 = time.monotonic()
        queues: dict[tuple[str, str], deque[Run]] = {}
        for run in runs:
            queues.setdefault((run.runner.env, run.device), deque()).append(run)
        try:
            while any(queues.values()) or any(w.run for w in self.workers):
                self._schedule(queues)
                for key, _ in self.selector.select(timeout=0.5):
                    self._handle(key.data)
        finally:
            self.close()
        self.stats.wall_s = time.monotonic() - t0
        return self.stats

    def _schedule(self, queues: dict[tuple[str, str], deque[Run]]) -> None:
        for worker in list(self.workers):
            if worker.ready and worker.run is None:
                queue = queues.get((worker.env, worker.device))
                if queue:
                    self._send(worker, queue.popleft())
                else:
                    self._stop_worker(worker)
        while len(self.workers) < self.settings.workers:
            alive: dict[tuple[str, str], int] = {}
            for w in self.workers:
                alive[(w.env, w.device)] = alive.get((w.env, w.device), 0) + 1
            # the environment with the most runs left per worker it already has
            candidates = [(len(q) / (alive.get(k, 0) + 1), k) for k, q in queues.items() if len(q) > alive.get(k, 0)]
            if not candidates:
                return
            _, (env, device) = max(candidates)
            self._start_worker(env, device)

    def close(self) -> None:
        for worker in list(self.workers):
            self._stop_worker(worker, kill=True)
        self.selector.close()
        shutil.rmtree(self.tmp, ignore_errors=True)
