"""The whole build, independent of MkDocs: load -> plan -> execute -> verify (render is separate)."""
from __future__ import annotations

import contextlib
import signal
import sys
import threading
import time

from ..core.record import RunRecord
from ..core.settings import Settings
from ..inputs.load import Project, load_project
from ..runs.executor import Executor
from ..runs.plan import Run, make_plan
from ..runs.result import BuildResult
from ..runs.store import Store
from ..runs.versionrange import read_range
from ..runs.verify import verify
from ..runs.workers import Stats
from .apinames import check_prose


def run_build(settings: Settings, project: Project | None = None, tasks: list[str] | None = None,
              runners: list[str] | None = None, devices: list[str] | None = None,
              memo: dict[str, RunRecord] | None = None, pool=None, wait: float | None = None) -> BuildResult:
    """One build. `memo` (the live preview keeps one across rebuilds) holds records that are not cached (timeouts,
    crashes) by key: a run whose inputs did not change is not repeated on every rebuild, so a snippet that writes
    files while it times out cannot make the preview rebuild without end.

    `pool` (a `live.LivePool`: warm workers that outlive builds) runs the misses instead of a fresh Executor; it keeps
    its own memo. With `wait` the build waits at most that long for them: runs still going are published as running
    (SkipKind.RUNNING), and the pool asks for a rebuild when they end."""
    t0 = time.monotonic()
    project = project or load_project(settings.root, settings.content_dir, settings.snippets_dir)
    store = Store(settings.cache_path)
    if pool is not None:
        pool.refresh(settings)  # replaced workers and fresh versions before any key is made
    plan = make_plan(project, settings, store, tasks, runners, devices)
    records: dict[str, RunRecord] = {}
    if pool is not None:
        memo = pool.done  # what the pool made and the store does not keep (timeouts, crashes)
    if memo is not None:
        for run in plan.misses:
            if (record := memo.get(run.key)) is not None:
                records[run.id] = record
    misses = [r for r in plan.misses if r.id not in records] if settings.execute else []
    stats = Stats()
    running: set[str] = set()
    if misses and pool is not None:
        store.clean_partials()
        done, pending, stats = pool.execute(settings, misses, wait=wait)
        records.update(done)
        running = {r.id for r in pending}
    elif misses:
        store.clean_partials()

        def on_record(run: Run, record: RunRecord) -> None:
            records[run.id] = record
            if record.finished:  # timeouts, crashes and stops repeat next build
                store.put(run.key, record)
            elif memo is not None:
                memo[run.key] = record

        with _progress(settings, len(misses)) as progress, _term_as_interrupt():
            stats = Executor(settings, on_record, progress).run_all(misses)
    outcomes = verify(project, plan, records, running)
    api = versions = None
    warnings = list(store.warnings) + plan.warnings
    if tasks is None and runners is None and devices is None:  # a whole build: the prose's API names, the range
        api = check_prose(settings, project)
        versions = read_range(settings.records_path, project)
        warnings += [versions.warning] if versions.warning else []
    executed = sum(1 for r in misses if r.id in records)
    return BuildResult(project, plan, outcomes, stats, executed, time.monotonic() - t0, warnings, api, versions)


@contextlib.contextmanager
def _term_as_interrupt():
    """SIGTERM stops a build the way Ctrl-C does: workers are stopped and temporary files removed."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def raise_interrupt(signum, frame):
        raise KeyboardInterrupt(f"stopped by signal {signum}")

    previous = signal.signal(signal.SIGTERM, raise_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class _progress:
    """A live progress display (runs done, running, failed, elapsed) on a terminal; silent elsewhere."""

    def __init__(self, settings: Settings, total: int):
        self.enabled = settings.progress and sys.stderr.isatty()
        self.total, self.done, self.running = total, 0, 0
        self.live = None

    def __enter__(self):
        if self.enabled:
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
            self.live = Progress(TextColumn("[bold]running snippets"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                                 TextColumn("{task.fields[info]}"), TimeElapsedColumn(), transient=True)
            self.live.start()
            self.task = self.live.add_task("runs", total=self.total, info="")
        return self

    def __call__(self, event: str, run: Run | None) -> None:
        if event == "start":
            self.running += 1
        elif event == "done":
            self.running -= 1
            self.done += 1
        if self.live:
            self.live.update(self.task, completed=self.done, info=f"{self.running} running · {run.id if run else ''}")

    def __exit__(self, *exc):
        if self.live:
            self.live.stop()
        return False
