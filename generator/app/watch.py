"""python -m generator watch: re-run what is saved in content/ or snippets/ on warm workers and print the results."""
from __future__ import annotations

import sys
import threading
import time
from pathlib import Path
from typing import Callable

from ..core.settings import Settings
from ..runs.pool import LivePool

IGNORED_PARTS = ("__pycache__", ".git")


class Watcher:
    """Calls `callback` on any change of a file under `paths` (inotify; no polling delay)."""

    def __init__(self, paths: list[Path], callback: Callable[[], None]):
        from watchdog.events import FileSystemEventHandler
        from watchdog.observers import Observer

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event):
                if event.is_directory or event.event_type in ("opened", "closed_no_write"):
                    return
                names = [str(event.src_path), str(getattr(event, "dest_path", "") or "")]
                if any(part in IGNORED_PARTS for n in names if n for part in Path(n).parts):
                    return
                callback()

        self.observer = Observer()
        for path in paths:
            self.observer.schedule(Handler(), str(path), recursive=True)
        self.observer.start()

    def stop(self) -> None:
        self.observer.stop()
        self.observer.join(10)


def watch_command(settings: Settings, out=None, rounds: int | None = None) -> int:
    """Watch content/ and snippets/; on every change re-run what changed (on warm workers) and print the results of
    the runs that changed, their task's other runs (agreement is re-checked), and every failure with its traceback.
    `rounds` (tests) stops after that many rounds after the first."""
    import signal

    from ..core.errors import DataError
    from ..core.record import SkipKind
    from ..inputs.load import load_project
    from ..runs.verify import clean
    from .build import run_build
    from .report import failure_line, problem_lines, summary

    out = out or sys.stdout

    def say(text: str = "") -> None:
        print(text, file=out, flush=True)

    pool = LivePool()
    changed = threading.Event()
    root = settings.root
    paths = [p for p in (root / settings.content_dir, root / settings.snippets_dir) if p.is_dir()]
    seen: dict[str, str] = {}  # run id -> key of the record last printed

    def one_round(first: bool, t0: float) -> None:
        try:
            project = load_project(root, settings.content_dir, settings.snippets_dir)
        except DataError as exc:
            say("\n".join(problem_lines(exc.problems, "text")))
            say(f"{len(exc.problems)} problem(s) in the data; fix them and save")
            return
        result = run_build(settings, project, pool=pool)
        fresh = [o for o in result.outcomes if seen.get(o.run.id) != o.run.key and o.skip is not SkipKind.NO_DEVICE]
        for o in result.outcomes:
            seen[o.run.id] = o.run.key
        if not first:
            tasks = sorted({o.run.task for o in fresh})
            for o in fresh:
                wall = "" if o.wall_s is None else f" {o.wall_s:.2f} s"
                say(f"{o.status.icon} {o.run.id}: {o.status}{wall}{' · ' + o.message if o.message else ''}")
                text = clean(o.record.stdout) if o.record else ""
                if text:
                    lines = text.splitlines()
                    say("    " + "\n    ".join(lines[:40]) + (f"\n    [... {len(lines) - 40} more lines]" if len(lines) > 40 else ""))
                if o.error and o.error.traceback:
                    say("    " + o.error.traceback.rstrip().replace("\n", "\n    "))
            for tid in tasks:
                runs = [o for o in result.outcomes if o.run.task == tid and o.skip is not SkipKind.NO_DEVICE]
                say(f"  {tid}: " + ", ".join(f"{o.run.runner.key}/{o.run.device} {o.status}" for o in runs))
        for o in result.failures:
            if first or o in fresh:
                say(failure_line(o, root))
        say(f"generator: {summary(result)}" + ("" if first else f"; {time.monotonic() - t0:.2f} s after the change"))

    previous = signal.getsignal(signal.SIGTERM)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda signum, frame: (_ for _ in ()).throw(KeyboardInterrupt()))
    watcher = Watcher(paths, changed.set)
    say(f"watching {', '.join(str(p.relative_to(root)) for p in paths)} (Ctrl-C stops)")
    done = 0
    try:
        one_round(True, time.monotonic())
        while rounds is None or done < rounds:
            changed.wait()
            t0 = time.monotonic()
            while True:  # let a save finish (editors write in steps)
                changed.clear()
                if not changed.wait(0.1):
                    break
            one_round(False, t0)
            done += 1
    except KeyboardInterrupt:
        say("stopped")
    finally:
        watcher.stop()
        pool.close()
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, previous)
    return 0
