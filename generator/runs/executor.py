"""Stage 3, execute: cache misses run in warm workers, in parallel, each in a fresh forked process.

One thread, one event loop: workers report on Unix sockets watched by a selector. A worker serves one run at a time
and lives while its environment has runs left. A worker that dies (a snippet may kill it) or stops answering (a
snippet may stop it) is killed and replaced; only the run it was serving is affected. Every event is checked against
the run it claims before it becomes a record.

With `keep=True` (the live preview, `generator/runs/pool.py`) the executor outlives one batch of runs: an idle warm worker
is kept (one per environment and device) for the next batch, `step()` is called by a long-lived thread, and a run can
be cancelled when its script changed again. Each run goes through the same code path either way.
"""
from __future__ import annotations

import json
import os
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import deque
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from ..core.record import Exit, ExitKind, RunRecord
from ..core.runners import WORKER_ENVS
from ..core.settings import Settings
from .machine import cpu_name, env_versions, gpu_name, python_version
from .plan import Run
from .workers import (
    KILL_GRACE_S,
    TMP_PREFIX,
    IsolationRefused,
    Stats,
    Worker,
    WorkerStartError,
    _alive,
    _tail,
    clean_stale_tmp,
    isolation_line,
    protected_paths,
    worker_environment,
)

ANSWER_GRACE_S = 15.0   # a worker must report a run this long after the run's own timeout (at most), or it is replaced
START_LIMIT_S = 300.0   # a worker must be ready (frameworks imported) within this
MAX_EVENT_BYTES = 16 * 2**20  # capped output (2 x 256 KiB, JSON-escaped) and up to 4 figures of 1 MiB in base64


class Executor:
    def __init__(self, settings: Settings, on_record: Callable[[Run, RunRecord], None],
                 progress: Callable[[str, Run | None], None] | None = None, keep: bool = False):
        self.settings = settings
        self.on_record = on_record
        self.progress = progress or (lambda event, run: None)
        self.keep = keep
        self.closed = False
        self.stats = Stats()
        self.started_total = 0
        self.selector = selectors.DefaultSelector()
        self.workers: list[Worker] = []
        self._wake_r, self._wake_w = socket.socketpair()  # another thread's wake() ends a select() at once
        self._wake_r.setblocking(False)
        self._wake_w.setblocking(False)
        self.selector.register(self._wake_r, selectors.EVENT_READ, None)
        clean_stale_tmp()
        self.tmp = Path(tempfile.mkdtemp(prefix=TMP_PREFIX))
        (self.tmp / "owner").write_text(str(os.getpid()))
        (self.tmp / "home").mkdir()
        os.chmod(self.tmp, 0o755)
        self.counter = 0
        self.isolation_said = False  # best-effort: what is not isolated is said once

    # -- workers
    def _start_worker(self, env: str, device: str) -> Worker:
        spec = WORKER_ENVS[env]
        ours, theirs = socket.socketpair()
        threads = str(max(1, (os.cpu_count() or 1) // self.settings.workers))
        env_vars = worker_environment(spec, self._device_env(device), self.tmp / "home", threads)
        env_vars["PYTHONPATH"] = os.pathsep.join(filter(None, [str(Path(__file__).resolve().parents[2]), env_vars.get("PYTHONPATH")]))
        log_path = self.tmp / f"worker-{env}-{device}-{self.started_total}.log"
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(
                [sys.executable, "-P", "-m", "generator.runs.worker", env, str(theirs.fileno()),
                 ",".join(spec.preload if self.settings.preload else ())],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, pass_fds=(theirs.fileno(),),
                env=env_vars, cwd=self.tmp, start_new_session=True)
        theirs.close()
        ours.setblocking(False)
        worker = Worker(env, device, proc, ours, log_path, time.monotonic())
        self.selector.register(ours, selectors.EVENT_READ, worker)
        self.workers.append(worker)
        self.stats.workers_started += 1
        self.started_total += 1
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
        worker.channel.close()  # a healthy worker reads end-of-file and exits
        if kill:
            self._signal_group(worker.proc.pid, signal.SIGKILL)  # SIGKILL: a stopped worker cannot ignore it
        try:
            worker.proc.wait(KILL_GRACE_S)
        except subprocess.TimeoutExpired:
            self._signal_group(worker.proc.pid, signal.SIGKILL)
            worker.proc.wait()
        if worker.child_pid:  # the snippet's own group, in case it outlived its worker
            self._signal_group(worker.child_pid, signal.SIGKILL)

    @staticmethod
    def _signal_group(pgid: int, sig: int) -> None:
        try:
            os.killpg(pgid, sig)
        except (ProcessLookupError, PermissionError):
            pass

    def _send(self, worker: Worker, run: Run) -> None:
        self.counter += 1
        rundir = self.tmp / f"run-{self.counter}"
        for sub in ("work", "home", "tmp"):
            (rundir / sub).mkdir(parents=True)
        env = {"HOME": str(rundir / "home"), "TMPDIR": str(rundir / "tmp"), "MPLBACKEND": "Agg",  # the worker's own
               "TORCHINDUCTOR_CACHE_DIR": str(rundir / "tmp" / "torchinductor")}  # cache (set at import) is not writable
        req = {"id": run.id, "script": str(run.script.absolute()), "rundir": str(rundir), "timeout": run.timeout,
               "memory_limit_mb": self.settings.memory_limit_mb, "output_limit_kb": self.settings.output_limit_kb,
               "env": env, "isolation": {"mode": self.settings.isolation_mode,
                                         "protected": protected_paths(self.settings.root, self.settings.cache_path)}}
        worker.run, worker.run_started, worker.child_pid, worker.rundir = run, time.monotonic(), None, rundir
        try:
            worker.channel.setblocking(True)
            worker.channel.sendall((json.dumps(req) + "\n").encode())
        except OSError:
            pass  # the worker died; its end-of-file arrives next and finishes the run
        finally:
            worker.channel.setblocking(False)
        self.progress("start", run)

    # -- records
    def _base(self, run: Run) -> dict:
        return {
            "id": run.id, "task": run.task, "runner": run.runner.key, "device": run.device, "key": run.key,
            "script": run.script.name, "python": python_version(), "versions": env_versions(run.runner.env),
            "device_name": (gpu_name() or "GPU") if run.device == "gpu" else cpu_name(),
            "date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
        }

    def failed_record(self, run: Run, message: str) -> RunRecord:
        """The record of a run that no worker could take (its worker failed to start, or was replaced)."""
        return RunRecord.model_validate({**self._base(run), "exit": Exit(kind=ExitKind.WORKER_DIED, message=message)})

    def _finish(self, worker: Worker, event: dict | None, exit_: Exit | None = None) -> None:
        run = worker.run
        worker.run, worker.cancelled, worker.idle_since = None, False, time.monotonic()
        data = self._base(run)
        data["import_s"] = worker.import_s
        record = None
        if event is not None:
            fields = {k: event.get(k) for k in ("exit", "outcome", "stdout", "stderr", "stdout_bytes", "stderr_bytes",
                                                 "total_s", "peak_rss_mb") if event.get(k) is not None}
            record = RunRecord.parse(self._relative_paths({**data, **fields}))
            if record is None:
                exit_ = Exit(kind=ExitKind.WORKER_DIED, message="crashed: the worker reported a malformed record")
        if record is None:
            record = RunRecord.model_validate({**data, "exit": exit_ or Exit(kind=ExitKind.WORKER_DIED, message="crashed"),
                                               "total_s": time.monotonic() - worker.run_started})
        if worker.rundir:
            shutil.rmtree(worker.rundir, ignore_errors=True)
        self.on_record(run, record)
        self.progress("done", run)

    def _relative_paths(self, data: dict) -> dict:
        """Tracebacks name snippets by their path in the project, not on this machine."""
        prefix = str(self.settings.root.absolute()) + os.sep
        real = str(self.settings.root.resolve()) + os.sep

        def rel(text):
            return text.replace(prefix, "").replace(real, "") if isinstance(text, str) else text
        error = (data.get("outcome") or {}).get("error") if isinstance(data.get("outcome"), dict) else None
        if isinstance(error, dict):
            error["traceback"], error["message"] = rel(error.get("traceback")), rel(error.get("message"))
        for k in ("stdout", "stderr"):
            data[k] = rel(data.get(k))
        return data

    def _handle(self, worker: Worker) -> None:
        try:
            chunk = worker.channel.recv(65536)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        if not chunk:
            self._worker_died(worker)
            return
        worker.buffer += chunk
        if len(worker.buffer) > MAX_EVENT_BYTES:
            self._violation(worker, "an event larger than the limit")
            return
        while b"\n" in worker.buffer and worker in self.workers:
            line, worker.buffer = worker.buffer.split(b"\n", 1)
            try:
                event = json.loads(line)
                kind = event["event"]
            except (ValueError, TypeError, KeyError):
                self._violation(worker, "a malformed event")
                return
            if kind == "ready" and not worker.ready and worker.run is None:
                self._check_isolation(worker, event.get("isolation_refused"))
                worker.ready, worker.idle_since = True, time.monotonic()
                worker.import_s = event.get("import_s") if isinstance(event.get("import_s"), (int, float)) else None
                if event.get("versions"):  # framework-free workers (preload off) import nothing
                    self.stats.imports.setdefault(f"{worker.env}/{worker.device}", []).append(worker.import_s or 0.0)
            elif kind == "started" and worker.run and event.get("id") == worker.run.id and worker.child_pid is None \
                    and isinstance(event.get("pid"), int):
                worker.child_pid = event["pid"]
                if worker.cancelled:
                    self._signal_group(worker.child_pid, signal.SIGKILL)
            elif kind == "done" and worker.run and event.get("id") == worker.run.id and worker.child_pid \
                    and not _alive(worker.child_pid):
                self._finish(worker, event)
            else:
                self._violation(worker, f"an unexpected {str(kind)[:20]!r} event")
                return

    def _check_isolation(self, worker: Worker, refused) -> None:
        """A worker whose kernel refuses isolation: required, the build stops (one line); best-effort, said once."""
        if not refused:
            return
        line = isolation_line(str(refused)[:500], self.settings.isolation_mode)
        if self.settings.isolation_mode == "required":
            self._stop_worker(worker, kill=True)
            raise IsolationRefused(line, worker.env, worker.device)
        if not self.isolation_said:
            self.isolation_said = True
            print(f"generator: {line}", file=sys.stderr)

    def _violation(self, worker: Worker, what: str) -> None:
        """The channel carried something the worker never sends: the snippet reached it. Kill, replace, report."""
        run = worker.run
        self._stop_worker(worker, kill=True)
        if run is not None:
            worker.run = run
            self._finish(worker, None, Exit(kind=ExitKind.WORKER_DIED,
                                            message=f"crashed: the worker's channel carried {what}; "
                                                    "the worker was replaced and this run is not trusted"))

    def _worker_died(self, worker: Worker, how: str | None = None) -> None:
        if how is None:
            code = worker.proc.poll()
            if code is None:
                try:
                    code = worker.proc.wait(KILL_GRACE_S)
                except subprocess.TimeoutExpired:
                    code = None
            how = f"killed by {signal.Signals(-code).name}" if code and code < 0 else f"exit code {code}"
        run = worker.run
        self._stop_worker(worker, kill=True)
        if run is not None:
            self._finish(worker, None, Exit(kind=ExitKind.WORKER_DIED,
                                            message=f"crashed: the worker running this snippet died ({how}); "
                                                    "a snippet that kills or stops its parent process does this"))
        elif not worker.ready:
            raise WorkerStartError(f"the {worker.env} worker failed to start ({how}); its last output:\n"
                                   + _tail(worker.log), worker.env, worker.device)

    def _check_deadlines(self) -> None:
        """The executor's own clock: a worker that does not answer in time is killed and replaced."""
        now = time.monotonic()
        for worker in list(self.workers):
            grace = max(2.0, min(ANSWER_GRACE_S, worker.run.timeout)) if worker.run is not None else 0
            if worker.run is not None and now - worker.run_started > worker.run.timeout + grace:
                self._worker_died(worker, f"it stopped answering: no report {worker.run.timeout + grace:g} s after "
                                          "the run started")
            elif not worker.ready and now - worker.started > START_LIMIT_S:
                self._stop_worker(worker, kill=True)
                raise WorkerStartError(f"the {worker.env} worker was not ready after {START_LIMIT_S:g} s; its last "
                                       "output:\n" + _tail(worker.log), worker.env, worker.device)

    # -- the loop
    def run_all(self, runs: list[Run]) -> Stats:
        """Run every run to its record. Without `keep` the workers are stopped at the end; with it, idle warm workers
        stay for the next call (but an interruption or an error still stops them all)."""
        t0 = time.monotonic()
        self.stats = Stats()
        queues: dict[tuple[str, str], deque[Run]] = {}
        for run in runs:
            queues.setdefault((run.runner.env, run.device), deque()).append(run)
        finished = False
        try:
            while self.pending(queues):
                self.step(queues)
            finished = True
        finally:
            if not (self.keep and finished):
                self.close()
        self.stats.wall_s = time.monotonic() - t0
        return self.stats

    def pending(self, queues: dict[tuple[str, str], deque[Run]]) -> bool:
        return any(queues.values()) or any(w.run for w in self.workers)

    def step(self, queues: dict[tuple[str, str], deque[Run]], timeout: float = 0.5) -> None:
        """One turn of the loop: start and feed workers, read their events (at most `timeout` s), check deadlines."""
        self._schedule(queues)
        for key, _ in self.selector.select(timeout=timeout):
            if key.data in self.workers:
                self._handle(key.data)
            elif key.fileobj is self._wake_r:
                try:
                    while self._wake_r.recv(4096):
                        pass
                except OSError:
                    pass
        self._check_deadlines()

    def wake(self) -> None:
        """Make a `step()` waiting in another thread return now (new runs arrived)."""
        try:
            self._wake_w.send(b"x")
        except OSError:
            pass

    def cancel(self, run_id: str) -> bool:
        """Kill the process of the run with this id, if a worker is serving it (the worker stays warm and reports the
        run as killed). Returns whether one was."""
        for worker in self.workers:
            if worker.run is not None and worker.run.id == run_id:
                worker.cancelled = True
                if worker.child_pid:
                    self._signal_group(worker.child_pid, signal.SIGKILL)
                return True
        return False

    def stop_idle(self, idle_s: float) -> int:
        """Stop the warm workers that have served nothing for `idle_s` seconds. Returns how many."""
        now, stopped = time.monotonic(), 0
        for worker in list(self.workers):
            if worker.ready and worker.run is None and now - worker.idle_since > idle_s:
                self._stop_worker(worker)
                stopped += 1
        return stopped

    def _schedule(self, queues: dict[tuple[str, str], deque[Run]]) -> None:
        kept: set[tuple[str, str]] = set()
        busy = sum(1 for w in self.workers if w.run is not None)
        for worker in list(self.workers):
            if worker.ready and worker.run is None:
                queue = queues.get((worker.env, worker.device))
                if queue and (not self.keep or busy < self.settings.workers):
                    self._send(worker, queue.popleft())
                    busy += 1
                elif queue:
                    kept.add((worker.env, worker.device))  # kept warm workers: still at most `workers` runs at once
                elif self.keep and (worker.env, worker.device) not in kept:
                    kept.add((worker.env, worker.device))  # one idle warm worker per environment waits for the next run
                else:
                    self._stop_worker(worker)
        while len([w for w in self.workers if not self.keep or w.run is not None or not w.ready]) < self.settings.workers:
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
        if self.closed:
            return
        self.closed = True
        for worker in list(self.workers):
            self._stop_worker(worker, kill=True)
        self.selector.close()
        self._wake_r.close()
        self._wake_w.close()
        # a run forked just before its worker was killed may still create its capture files for a moment
        deadline = time.monotonic() + 5
        while True:
            shutil.rmtree(self.tmp, ignore_errors=True)
            if not self.tmp.exists() or time.monotonic() > deadline:
                break
            time.sleep(0.05)
