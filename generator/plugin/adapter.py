"""The MkDocs adapter: a thin plugin over load -> plan -> execute -> verify -> render.

Its options are `Settings` (declared once, in settings.py); pages are added to the build in memory and nothing
generated is written into the repository.
"""
from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files

from ..app.build import run_build
from ..app.report import api_lines, failure_line, summary, unverified_line
from ..core.errors import DataError
from ..core.settings import Settings, SettingsError, make_settings
from ..inputs.bench import read_results
from ..inputs.load import load_project
from ..inputs.sources import load_results
from ..runs.machine import describe
from ..runs.workers import WorkerStartError
from ..site.export import generated_files, site_nav
from ..site.render import TEMPLATES, Page, SiteData, render_site

log = logging.getLogger("mkdocs.plugins.generator")


class _Options(Config):
    """The raw options; `Settings` validates them (one line per mistake, never a traceback)."""


class GeneratorPlugin(BasePlugin[_Options]):
    supports_multiple_instances = False
    settings: Settings

    def __init__(self):
        self.serving = False
        self.pages: dict[str, Page] = {}
        self.error: DataError | None = None
        self.project = None
        self.memo: dict = {}  # records of runs that are not cached (timeouts, crashes), kept across preview rebuilds
        self.live = None  # serving: warm workers, page cache and file watcher that outlive rebuilds (preview.py)

    def load_config(self, options, config_file_path=None):
        self.config = _Options(config_file_path=config_file_path)
        self.config.load_dict(options)
        root = Path(config_file_path).parent if config_file_path else Path.cwd()
        try:
            self.settings = make_settings(dict(options), root)
        except SettingsError as exc:
            return [(line.split(": ", 2)[1].removeprefix("plugins.generator."),
                     f"{line.split(': ', 2)[2]} ({line.split(': ', 1)[0]})") for line in exc.lines], []
        return [], []

    def on_startup(self, *, command, dirty):
        self.serving = command == "serve"
        if self.serving:
            from .preview import Live
            self.live = Live(dirty=dirty)

    def on_shutdown(self):
        if self.live is not None:
            self.live.close()

    def on_config(self, config):
        self.error = None
        try:
            self.project = load_project(self.settings.root, self.settings.content_dir, self.settings.snippets_dir)
        except DataError as exc:
            if not self.serving:
                raise PluginError(str(exc)) from exc
            for problem in exc.problems:
                log.error(str(problem))
            self.error = exc  # self.project stays the last good one: its navigation is kept while serving
        else:
            for problem in self.project.warnings + self.project.unfinished:  # --strict fails on a scaffold left as is
                log.warning(str(problem))
        if config.nav is None and self.project is not None:
            config.nav = site_nav(self.project)
        return config

    def on_files(self, files: Files, config) -> Files:
        if self.error is not None:  # serving with invalid data: every page of the last good site shows the problems
            from ..site.markup import fence
            body = fence("\n".join(str(p) for p in self.error.problems), "text").replace("\n", "\n    ")
            md = (f"# The data has problems\n\n!!! failure \"{len(self.error.problems)} problem(s); fix them and save: "
                  f"this page comes back as it was\"\n\n    {body}\n")
            for path in sorted({"index.md", *self.pages}):
                files.append(File.generated(config, path, content=md))
            return files
        try:
            build = run_build(self.settings, self.project, memo=self.memo if self.serving else None,
                              **(self.live.build_options() if self.live else {}))
        except WorkerStartError as exc:  # a worker that cannot start, or a kernel that refuses isolation: one line
            raise PluginError(f"generator: {exc}") from None
        for outcome in build.failures:
            log.warning(failure_line(outcome, self.settings.root))
        for task in build.unverified_tasks:
            log.warning("%s: %s", *unverified_line(task, build))
        log.info(f"generator: {summary(build)}")
        if build.api is not None and build.api.outcomes:
            log.info(f"generator: {build.api.summary()}")
            for line in api_lines(build):  # a name that does not exist fails `mkdocs build --strict`
                log.warning(line)
        from ..app.report import frozen_lines, strict_failure
        for line in frozen_lines(build):  # stale records are shown as stale; only `strict` makes them fail the build
            log.info(line)
        if self.settings.strict and strict_failure(build) and not self.serving:
            raise PluginError("stale, unattested or refused frozen records (strict: true); only records of the "
                              "project's attested GPU workflow count")
        if build.failures and self.settings.failure_policy == "strict" and not self.serving:
            raise PluginError(f"{len(build.failures)} run(s) failed (failure_policy: strict)")
        data = SiteData(machine=describe(), bench=read_results(self.settings.root),
                        sources=load_results(self.project), chart_cache=self.settings.cache_path)
        pages, assets = render_site(self.project, build, data, self.settings.templates_path,
                                    self.live.bytecode if self.live else None)
        self.pages = {page.path: page for page in pages}
        for path, content in generated_files(self.project, build, assets, self.settings.cache_path).items():
            files.append(File.generated(config, path, content=content))
        for page in self.pages.values():
            files.append(File.generated(config, page.path, content=page.markdown))
        return files

    def on_pre_build(self, config):
        if self.live is not None:  # the preview reuses what does not change between rebuilds (preview.py)
            self.live.before_build(config)

    @event_priority(-100)  # after every other plugin has written its files
    def on_post_build(self, config):
        if self.live is not None:  # the preview removes what is left of the last build's folder
            self.live.after_build()

    def on_pre_page(self, page, config, files):
        if self.live is not None:  # the preview reuses the HTML of pages whose Markdown did not change
            self.live.pages.wrap(page, config, files)
        return page

    def on_env(self, env, config, files):
        if self.live is not None:  # the preview compiles the theme's templates once, not on every rebuild
            env.bytecode_cache = self.live.bytecode
            self.live.copies.wrap(files)  # and writes only the static files that changed
        return env

    def on_page_context(self, context, page, config, nav):
        source = self.pages.get(page.file.src_uri)
        if source and self.settings.edit_url:
            page.edit_url = self.settings.edit_url.rstrip("/") + "/" + source.source
        return context

    def on_serve(self, server, config, builder):
        root = self.settings.root
        paths = [root / self.settings.content_dir, root / self.settings.snippets_dir, TEMPLATES]
        if self.settings.templates_path:
            paths.append(self.settings.templates_path)
        if self.live is not None:
            self.live.serve(server, paths)
        else:
            for path in paths:
                server.watch(str(path))
        return server
