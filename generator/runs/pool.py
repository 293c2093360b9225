"""Warm workers that outlive builds, for the live preview (`plugin/preview.py`) and `generator watch` (`app/watch.py`).

`LivePool`: one long-lived thread owns an `Executor(keep=True)`. Builds hand it their cache misses; a warm worker that
has already imported its frameworks forks each run, exactly as in a build (same code path: per-run deadline, socket
channel, event checks, limits). Workers start lazily (on a run's first need), the idle ones are stopped after
`IDLE_S`, all of them when the server stops (on_shutdown and atexit), and they are replaced when what they run with
changes (requirements.txt, the installed packages, the worker's code). A run whose script changes again while it runs
is cancelled (its process killed; the worker stays warm). A build waits for its runs at most `PREVIEW_WAIT_S`: a run
that takes longer is published as "running…" and the pool asks the server for a rebuild when it ends, so a hanging
snippet never holds up the preview of any page.
"""
from __future__ import annotations

import atexit
import hashlib
import json
import logging
import os
import sys
import threading
import time
from collections import Counter, OrderedDict, deque
from pathlib import Path
from typing import Callable

from ..core.record import RunRecord
from ..core.settings import Settings
from .executor import Executor
from .keys import WORKER_SOURCES, forget_versions
from .plan import Run
from .store import Store
from .workers import Stats, WorkerStartError

log = logging.getLogger("mkdocs.plugins.generator")

IDLE_S = 600.0          # a warm worker that served nothing for this long is stopped
IDLE_CHECK_S = 5.0
PREVIEW_WAIT_S = 1.0    # a preview rebuild waits this long for its runs, then shows the rest as running
DONE_LIMIT = 5000       # records the pool remembers (its memo of uncached outcomes included)
PROJECT_ROOT = Path(__file__).resolve().parents[2]  # where the generator's own requirements.txt is


def fingerprint(settings: Settings) -> str:
    """What a warm worker was started with: the interpreter, the pins, the installed packages (site-packages changes
    when anything is installed or removed), the worker's own code, and the settings that shape a worker."""
    h = hashlib.sha256(sys.executable.encode())
    for path in (*WORKER_SOURCES, *dict.fromkeys([settings.root.resolve() / "requirements.txt",
                                                             PROJECT_ROOT / "requirements.txt"])):
        try:
            h.update(path.read_bytes())
        except OSError:
            h.update(b"-")
    for entry in sys.path:
        if entry.endswith("site-packages"):
            try:
                h.update(str(os.stat(entry).st_mtime_ns).encode())
            except OSError:
                pass
    h.update(json.dumps([settings.preload, settings.workers, str(settings.root.resolve())]).encode())
    return h.hexdigest()


class LivePool:
    """Warm workers shared by every build of one process (`mkdocs serve`, `generator watch`)."""

    def __init__(self, idle_s: float = IDLE_S, on_change: Callable[[], None] | None = None):
        self.idle_s = idle_s
        self.on_change = on_change          # called (from the pool's thread) when runs end that no build waits for
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._executor: Executor | None = None  # touched by the pool's thread only (wake() excepted)
        self._settings: Settings | None = None
        self._fingerprint: str | None = None
        self._restart = False
        self._closing = False
        self._incoming: list[Run] = []
        self._cancel: list[str] = []         # keys of superseded runs to take out of the queues or kill
        self._superseded: set[str] = set()   # their records (a killed run) are dropped
        self._active: dict[str, Run] = {}    # run id -> the run queued or running for it
        self._waiting: Counter[str] = Counter()  # keys that a build is waiting for
        self._stats = Stats()
        self.done: OrderedDict[str, RunRecord] = OrderedDict()  # key -> record (finished ones are in the store too)
        self.restarts = 0
        atexit.register(self.close)

    # -- called by builds
    def refresh(self, settings: Settings) -> None:
        """Before planning: when what workers run with changed, stop them and forget what they made (and the
        versions and worker hash that enter cache keys, so the plan sees the change)."""
        fp = fingerprint(settings)
        with self._cond:
            if self._fingerprint is not None and fp != self._fingerprint:
                forget_versions()
                self.done.clear()
                self._restart = True
                self.restarts += 1
                self._cond.notify_all()
                log.info("generator: dependencies or the worker changed; warm workers will be replaced")
            self._fingerprint = fp

    def execute(self, settings: Settings, runs: list[Run], wait: float | None = None
                ) -> tuple[dict[str, RunRecord], list[Run], Stats]:
        """Run `runs` on warm workers. Returns (records by run id, runs still going after `wait` seconds, stats of the
        workers started since the last call). `wait=None` waits for all of them."""
        with self._cond:
            if self._closing:
                raise RuntimeError("the live pool is closed")
            self._settings = settings
            for run in runs:
                if run.key in self.done:
                    continue
                current = self._active.get(run.id)
                if current is not None and current.key == run.key:
                    continue  # already queued or running (an earlier rebuild asked for it)
                if current is not None:  # the script changed again: the older run is of no use
                    if current in self._incoming:
                        self._incoming.remove(current)
                    else:
                        self._superseded.add(current.key)
                        self._cancel.append(current.key)
                self._active[run.id] = run
                self._incoming.append(run)
            self._waiting.update(r.key for r in runs)
            self._ensure_thread()
            self._cond.notify_all()
            executor = self._executor
        if executor is not None:
            executor.wake()
        with self._cond:
            try:
                deadline = None if wait is None else time.monotonic() + wait
                while any(r.key not in self.done for r in runs) and not self._closing and self._thread.is_alive():
                    remaining = 1.0 if deadline is None else deadline - time.monotonic()
                    if remaining <= 0:
                        break
                    self._cond.wait(remaining)
            finally:
                self._waiting.subtract(r.key for r in runs)
                self._waiting = +self._waiting
            done = {r.id: self.done[r.key] for r in runs if r.key in self.done}
            pending = [r for r in runs if r.key not in self.done]
            stats, self._stats = self._stats, Stats()
        return done, pending, stats

    def running(self) -> list[str]:
        with self._cond:
            return sorted(self._active)

    def workers(self) -> list[tuple[str, str, bool]]:
        """(environment, device, busy) of each live worker (for tests and the status line)."""
        ex = self._executor
        return [(w.env, w.device, w.run is not None) for w in list(ex.workers)] if ex is not None else []

    def close(self) -> None:
        with self._cond:
            self._closing = True
            self._cond.notify_all()
            executor, thread = self._executor, self._thread
        if executor is not None:
            executor.wake()
        if thread is not None and thread is not threading.current_thread():
            thread.join(60)

    # -- the pool's thread
    def _ensure_thread(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            # workers are started from this thread and die with it (PR_SET_PDEATHSIG follows the starting thread),
            # so it lives as long as the pool
            self._thread = threading.Thread(target=self._loop, name="generator-live-pool", daemon=True)
            self._thread.start()

    def _loop(self) -> None:
        queues: dict[tuple[str, str], deque[Run]] = {}
        executor: Executor | None = None
        try:
            while True:
                with self._cond:
                    while True:
                        if self._closing:
                            return
                        if self._restart and executor is not None:  # what runs goes back to the queue for new workers
                            for worker in executor.workers:
                                if worker.run is not None:
                                    queues.setdefault((worker.env, worker.device), deque()).appendleft(worker.run)
                                    worker.run = None
                            executor.close()
                            executor = self._executor = None
                        self._restart = False
                        if self._incoming or self._cancel or any(queues.values()) or \
                                (executor is not None and executor.pending(queues)):
                            break
                        if executor is not None:
                            executor.stop_idle(self.idle_s)
                            if not executor.workers:
                                executor.close()  # nothing warm left: its temporary folder goes too
                                executor = self._executor = None
                        self._cond.wait(IDLE_CHECK_S)
                    incoming, self._incoming = self._incoming, []
                    cancels, self._cancel = self._cancel, []
                    settings = self._settings
                    if executor is None:
                        executor = self._executor = Executor(settings, self._on_record, keep=True)
                executor.settings = settings
                for key in cancels:
                    for env, queue in list(queues.items()):
                        queues[env] = deque(r for r in queue if r.key != key)
                    for worker in executor.workers:
                        if worker.run is not None and worker.run.key == key:
                            executor.cancel(worker.run.id)
                    with self._cond:  # taken out of a queue before it started: no record will come
                        if not any(w.run is not None and w.run.key == key for w in executor.workers):
                            self._superseded.discard(key)
                for run in incoming:
                    queues.setdefault((run.runner.env, run.device), deque()).append(run)
                try:
                    executor.step(queues, timeout=0.5)
                except WorkerStartError as exc:  # those runs get the reason on their page; other workers go on
                    for run in queues.pop((exc.env, exc.device), deque()):
                        self._on_record(run, executor.failed_record(run, str(exc)))
                self._take_stats(executor)
        except BaseException as exc:  # noqa: BLE001 - never leave a build waiting on a dead thread
            log.error(f"generator: the live pool stopped: {exc!r}")
            if executor is not None:
                self._fail_queued(queues, executor, f"crashed: the live pool stopped ({exc!r})")
        finally:
            if executor is not None:
                executor.close()
            with self._cond:
                self._executor = None
                self._active.clear()
                self._cond.notify_all()

    def _fail_queued(self, queues, executor: Executor, message: str) -> None:
        """Records for every run queued or running (before the executor is closed), so that no build waits for them."""
        for queue in queues.values():
            for run in queue:
                self._on_record(run, executor.failed_record(run, message))
        queues.clear()
        for worker in list(executor.workers):
            if worker.run is not None:
                run, worker.run = worker.run, None
                self._on_record(run, executor.failed_record(run, message))

    def _take_stats(self, executor: Executor) -> None:
        with self._cond:
            for k, v in executor.stats.imports.items():
                self._stats.imports.setdefault(k, []).extend(v)
            self._stats.workers_started += executor.stats.workers_started
        executor.stats = Stats()

    def _on_record(self, run: Run, record: RunRecord) -> None:
        with self._cond:  # re-entrant: also called with it held
            wanted = self._keep(run, record)
        if wanted is False and self.on_change is not None:
            self.on_change()

    def _keep(self, run: Run, record: RunRecord) -> bool | None:
        """Keep a record (the store for finished runs, the pool's memo for all). Returns whether a build waits for
        it, or None when it is dropped (a superseded run killed on purpose)."""
        if self._active.get(run.id) is not None and self._active[run.id].key == run.key:
            del self._active[run.id]
        self._cond.notify_all()
        if run.key in self._superseded:
            self._superseded.discard(run.key)
            if not record.finished:
                return None
        if record.finished and self._settings is not None:  # timeouts and crashes repeat next time, as in a build
            Store(self._settings.cache_path).put(run.key, record)
        self.done[run.key] = record
        while len(self.done) > DONE_LIMIT:
            self.done.popitem(last=False)
        return self._waiting[run.key] > 0


# ----------------------------------------------------------------------------- MkDocs: only redo what changed


# ----------------------------------------------------------------------------- python -m generator watch
