"""The live preview: warm workers that outlive builds, rebuilds that redo only what changed, and `generator watch`.

- `LivePool`: one long-lived thread owns an `Executor(keep=True)`. Builds hand it their cache misses; a warm worker
  that has already imported its frameworks forks each run, exactly as in a build (same code path: per-run deadline,
  socket channel, event checks, limits). Workers start lazily (on a run's first need), the idle ones are stopped
  after `IDLE_S`, all of them when the server stops (on_shutdown and atexit), and they are replaced when what they
  run with changes (requirements.txt, the installed packages, generator/worker.py). A run whose script changes again
  while it runs is cancelled (its process killed; the worker stays warm).
- A build waits for its runs at most `PREVIEW_WAIT_S`: a run that takes longer is published as "running…" and the
  pool asks the server for a rebuild when it ends, so a hanging snippet never holds up the preview of any page.
- `PageCache`: MkDocs converts every page's Markdown to HTML on every rebuild; the cache reuses the HTML of a page whose
  Markdown, the site's set of files (what links resolve against) and the Markdown settings are unchanged. Theme
  templates are compiled once (a Jinja bytecode cache) instead of on every rebuild. Navigation, search and every
  page's template are still rebuilt each time, so they cannot go stale.
- `Watcher`: file changes through inotify (watchdog's native observer) instead of MkDocs' 0.5 s polling.
"""
from __future__ import annotations

import atexit
import hashlib
import json
import logging
import os
import shutil
import sys
import threading
import time
from collections import Counter, OrderedDict, deque
from pathlib import Path
from typing import Callable

import jinja2

from .cache import Store, digest
from .execute import Executor, Stats, WorkerStartError
from .plan import Run
from .record import RunRecord
from .settings import Settings

log = logging.getLogger("mkdocs.plugins.generator")

IDLE_S = 600.0          # a warm worker that served nothing for this long is stopped
IDLE_CHECK_S = 5.0
PREVIEW_WAIT_S = 1.0    # a preview rebuild waits this long for its runs, then shows the rest as running
DONE_LIMIT = 5000       # records the pool remembers (its memo of uncached outcomes included)
PACKAGE_ROOT = Path(__file__).resolve().parent


def fingerprint(settings: Settings) -> str:
    """What a warm worker was started with: the interpreter, the pins, the installed packages (site-packages changes
    when anything is installed or removed), the worker's own code, and the settings that shape a worker."""
    h = hashlib.sha256(sys.executable.encode())
    for path in (PACKAGE_ROOT / "worker.py", *dict.fromkeys([settings.root.resolve() / "requirements.txt",
                                                             PACKAGE_ROOT.parent / "requirements.txt"])):
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
                from . import machine, plan
                machine.package_version.cache_clear()
                plan._runner_source_hash.cache_clear()
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
class _MemoryBytecode(jinja2.BytecodeCache):
    """Compiled Jinja templates kept in memory across rebuilds (Jinja checks each one against its source)."""

    def __init__(self):
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket):
        self.store[bucket.key] = bucket.bytecode_to_string()


class PageCache:
    """Markdown -> HTML of each page, reused while its inputs are unchanged: the page's Markdown and URL, the site's
    files (links resolve against them) and the Markdown extensions. Everything `Page.render` sets is restored."""

    def __init__(self):
        self.entries: dict[str, tuple[str, dict]] = {}
        self.hits = self.misses = 0
        self._context: tuple[int, str] | None = None

    def _site_context(self, files, config) -> str:
        if self._context is None or self._context[0] != id(files):
            h = hashlib.sha256()
            h.update(json.dumps([config["markdown_extensions"], config["mdx_configs"], config["use_directory_urls"],
                                 str(config["docs_dir"])], default=repr, sort_keys=True).encode())
            for f in files:
                h.update(f"{f.src_uri}\0{f.url}\0{f.inclusion}\n".encode())
            self._context = (id(files), h.hexdigest())
        return self._context[1]

    def wrap(self, page, config, files) -> None:
        """Give this page a `render` that consults the cache (MkDocs calls it right after reading the source)."""
        original = page.render

        def render(config, files):
            key = hashlib.sha256(f"{self._site_context(files, config)}\0{page.file.url}\0{page.markdown}".encode()).hexdigest()
            entry = self.entries.get(page.file.src_uri)
            if entry is not None and entry[0] == key:
                state = entry[1]
                page.content, page.toc, page._title_from_render = state["content"], state["toc"], state["title"]
                page.present_anchor_ids = set(state["anchors"])
                if state["links"] is not None:  # link targets are this build's File objects
                    page.links_to_anchors = {files.get_file_from_path(f) or f: links for f, links in state["links"].items()}
                self.hits += 1
                return
            original(config, files)
            links = getattr(page, "links_to_anchors", None)
            self.entries[page.file.src_uri] = (key, {
                "content": page.content, "toc": page.toc, "title": page._title_from_render,
                "anchors": set(page.present_anchor_ids or ()),
                "links": {f.src_uri: dict(v) for f, v in links.items()} if links is not None else None})
            self.misses += 1

        page.render = render


class SearchCache:
    """The search index entries of each page (Material's search plugin parses every page's HTML on every build),
    reused while the page's HTML, table of contents, title, URL and metadata are unchanged."""

    def __init__(self):
        self.entries: dict[str, tuple[str, list[dict]]] = {}
        self.hits = 0

    def wrap(self, config) -> None:
        plugin = config.plugins.get("material/search") or config.plugins.get("search")
        index = getattr(plugin, "search_index", None)
        if index is None or not hasattr(index, "add_entry_from_context") or not isinstance(getattr(index, "entries", None), list):
            return
        original = index.add_entry_from_context

        def add_entry_from_context(page):
            toc = [(a.id, a.url, a.level) for a in _walk_toc(page.toc)]
            key = hashlib.sha256(json.dumps([page.url, str(page.title), page.meta, toc, page.content or ""],
                                            default=repr, sort_keys=True).encode()).hexdigest()
            entry = self.entries.get(page.file.src_uri)
            if entry is not None and entry[0] == key:
                index.entries.extend(dict(e) for e in entry[1])
                self.hits += 1
                return
            before = len(index.entries)
            original(page)
            self.entries[page.file.src_uri] = (key, [dict(e) for e in index.entries[before:]])

        index.add_entry_from_context = add_entry_from_context


class CopyCache:
    """MkDocs empties the site folder and copies every static file (the theme's assets, every download) into it on
    every build. While serving, the last build's folder is set aside instead (`before`), a file it holds with the same
    bytes (a generated file whose bytes are unchanged; a copy not older than its source, of the same size) is moved
    back rather than copied again, and what is left of it is removed after the build (`after`): nothing stale stays.
    Pages are always written."""

    def __init__(self, enabled: bool = True):
        self.enabled = enabled
        self.written: dict[str, str] = {}  # site path -> digest of the generated bytes last written there
        self.site: Path | None = None
        self.previous: Path | None = None
        self.moved = self.copied = 0

    def before(self, site_dir) -> None:
        site = Path(site_dir)
        previous = site.with_name(site.name + ".previous-build")
        shutil.rmtree(previous, ignore_errors=True)
        self.site, self.previous, self.moved, self.copied = site, None, 0, 0
        if not self.enabled:
            return
        try:
            if site.is_dir() and not site.is_symlink():
                os.rename(site, previous)
                site.mkdir()
                self.previous = previous
        except OSError as exc:  # a folder that cannot be moved is emptied by MkDocs as usual
            log.debug(f"generator: site folder not kept between builds ({exc})")

    def after(self) -> None:
        if self.previous is not None:
            shutil.rmtree(self.previous, ignore_errors=True)
            self.previous = None

    def _previous(self, dest: str) -> str | None:
        """Where the last build left `dest`, when that folder was kept."""
        if self.previous is None or self.site is None:
            return None
        try:
            return str(self.previous / Path(dest).relative_to(self.site))
        except ValueError:
            return None

    def _reuse(self, old: str, dest: str) -> bool:
        """Move the last build's copy of `dest` back into the site."""
        try:
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            os.rename(old, dest)
        except OSError:
            return False
        self.moved += 1
        return True

    def wrap(self, files) -> None:
        for file in files:
            if file.is_documentation_page() or getattr(file, "_generator_copy", False):
                continue
            original = file.copy_file

            def copy_file(dirty: bool = False, file=file, original=original) -> None:
                dest = file.abs_dest_path
                content = getattr(file, "_content", None)
                old = self._previous(dest)
                if content is None:
                    if old and file.abs_src_path and _same_copy(file.abs_src_path, old) and self._reuse(old, dest):
                        return
                    original(dirty)
                    self.copied += 1
                    return
                hashed = digest(content)
                if old and self.written.get(dest) == hashed and self._reuse(old, dest):
                    return
                self.written.pop(dest, None)
                original(dirty)
                self.copied += 1
                self.written[dest] = hashed

            file.copy_file = copy_file
            file._generator_copy = True


def _same_copy(src: str, dest: str) -> bool:
    """MkDocs' own --dirty test (the copy is not older than its source), and the same size."""
    try:
        a, b = os.stat(src), os.stat(dest)
    except OSError:
        return False
    return a.st_size == b.st_size and b.st_mtime_ns >= a.st_mtime_ns


def _walk_toc(toc):
    for item in toc or ():
        yield item
        yield from _walk_toc(item.children)


def _cache_theme_listing(theme, listings: dict) -> None:
    """The theme's static files are listed (a walk of some 14,000 files for Material) on every build; a theme that is
    only installed packages (no custom_dir, which an author may edit) cannot change while serving: list it once."""
    if getattr(theme, "custom_dir", None) or getattr(theme, "_generator_cached", False):
        return
    original = theme.get_env

    def get_env():
        env = original()
        real = env.list_templates

        def list_templates(extensions=None, filter_func=None):
            name = getattr(filter_func, "__qualname__", "")
            if extensions is not None or not name.startswith("Files.add_files_from_theme"):
                return real(extensions, filter_func)
            key = (tuple(theme.dirs), tuple(theme.static_templates), name)
            if key not in listings:
                listings[key] = real(extensions, filter_func)
            return list(listings[key])

        env.list_templates = list_templates
        return env

    theme.get_env = get_env
    theme._generator_cached = True


class Live:
    """What the plugin keeps for the whole of `mkdocs serve`: the pool, the page cache, compiled theme templates, the
    file watcher."""

    def __init__(self, dirty: bool = False):
        self.pool = LivePool(on_change=self.rebuild)
        self.pages = PageCache()
        self.search = SearchCache()
        self.copies = CopyCache(enabled=not dirty)  # `serve --dirty` keeps the folder and skips unchanged pages
        self.bytecode = _MemoryBytecode()
        self._listings: dict = {}
        self.watcher: Watcher | None = None
        self.server = None
        self._missed = False  # runs ended before the server existed (the first build's): rebuild once it does

    def before_build(self, config) -> None:
        """After every plugin's on_config, before MkDocs reads files and the theme: install the caches."""
        self.copies.before(config.site_dir)
        self.search.wrap(config)
        _cache_theme_listing(config.theme, self._listings)

    def build_options(self) -> dict:
        """run_build's arguments in the preview: the warm pool, and how long a rebuild waits for its runs."""
        return {"pool": self.pool, "wait": PREVIEW_WAIT_S}

    def serve(self, server, paths: list[Path]) -> None:
        """Watch `paths` with inotify and ask the server for a rebuild directly; without either, MkDocs' own watch."""
        self.server = server
        if self._missed:
            self.rebuild()
        if _can_request(server):
            try:
                self.watcher = Watcher([p for p in paths if p.is_dir()], self.rebuild)
                return
            except OSError as exc:  # no inotify here: MkDocs polls
                log.info(f"generator: inotify unavailable ({exc}); using MkDocs' polling")
        for path in paths:
            server.watch(str(path))

    def rebuild(self) -> None:
        if self.server is None:
            self._missed = True
        elif not request_rebuild(self.server):
            log.warning("generator: this MkDocs server cannot be asked for a rebuild; save a file to see finished runs")

    def after_build(self) -> None:
        self.copies.after()

    def close(self) -> None:
        self.copies.after()
        if self.watcher is not None:
            self.watcher.stop()
            self.watcher = None
        self.pool.close()


def _can_request(server) -> bool:
    return hasattr(server, "_rebuild_cond") and hasattr(server, "_want_rebuild")


def request_rebuild(server) -> bool:
    """Ask MkDocs' LiveReloadServer (1.6) for a rebuild, as its own file watcher does."""
    if not _can_request(server):
        return False
    with server._rebuild_cond:
        server._want_rebuild = True
        server._rebuild_cond.notify_all()
    return True


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


# ----------------------------------------------------------------------------- python -m generator watch
def watch_command(settings: Settings, out=None, rounds: int | None = None) -> int:
    """Watch content/ and snippets/; on every change re-run what changed (on warm workers) and print the results of
    the runs that changed, their task's other runs (agreement is re-checked), and every failure with its traceback.
    `rounds` (tests) stops after that many rounds after the first."""
    import signal

    from .errors import DataError
    from .load import load_project
    from .pipeline import run_build
    from .record import SkipKind
    from .report import failure_line, problem_lines, summary
    from .verify import clean

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
