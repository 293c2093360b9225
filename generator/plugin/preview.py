"""The live preview under `mkdocs serve`: rebuilds that redo only what changed.

- `PageCache`: MkDocs converts every page's Markdown to HTML on every rebuild; the cache reuses the HTML of a page whose
  Markdown, the site's set of files (what links resolve against) and the Markdown settings are unchanged. Theme
  templates are compiled once (a Jinja bytecode cache) instead of on every rebuild. Navigation, search and every
  page's template are still rebuilt each time, so they cannot go stale.
- `SearchCache`, `CopyCache`: the search index and static files are written again only where they changed.
- `Live`: what the plugin keeps for the whole of `mkdocs serve` (the pool of warm workers, these caches, the watcher).
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from pathlib import Path

import jinja2

from ..app.watch import Watcher
from ..core.files import digest
from ..runs.pool import PREVIEW_WAIT_S, LivePool

log = logging.getLogger("mkdocs.plugins.generator")


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
