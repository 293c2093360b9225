"""The MkDocs adapter: a thin plugin over load -> plan -> execute -> verify -> render.

Pages are added to the build in memory; nothing generated is written into the repository.
"""
from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from .errors import DataError
from .load import load_project
from .pipeline import failure_line, run_build
from .render import Page, render_site, verification_json
from .settings import Settings

log = logging.getLogger("mkdocs.plugins.generator")


class GeneratorConfig(Config):
    content_dir = c.Type(str, default="content")
    """Folder of the content YAML files, relative to mkdocs.yml."""
    snippets_dir = c.Type(str, default="snippets")
    """Folder of the task folders, relative to mkdocs.yml."""
    templates_dir = c.Optional(c.Type(str))
    """Folder of template overrides, searched before the generator's own templates."""
    cache_dir = c.Type(str, default=".cache")
    """Run store, relative to mkdocs.yml or absolute; the GENERATOR_CACHE environment variable overrides it."""
    devices = c.Choice(("auto", "cpu", "gpu"), default="auto")
    """auto: the CPU always, and the GPU where one is present."""
    timeout = c.Type((int, float), default=120)
    """Default timeout of one run, in seconds; a task.yml may set its own."""
    parallel = c.Type(int, default=0)
    """Runs at once; 0 means the number of CPU cores."""
    memory_limit_mb = c.Type(int, default=6144)
    """A run whose processes together use more resident memory than this is stopped."""
    output_limit_kb = c.Type(int, default=4096)
    """A run that prints more than this is stopped."""
    failure_policy = c.Choice(("strict", "warn"), default="warn")
    """strict: a failed run fails the build. warn: it is shown on its page and logged as a warning
    (so `mkdocs build --strict` still fails)."""
    execute = c.Type(bool, default=True)
    """False publishes cached records only."""
    edit_url = c.Optional(c.Type(str))
    """Base of "edit this page" links, e.g. https://github.com/OWNER/REPO/edit/main/; each generated page links the
    file it comes from. (Set this instead of `repo_url`: with `repo_url` Material fetches repository statistics from
    a third-party API on every page load.)"""
    preload = c.Type(bool, default=True)
    """Warm workers import their frameworks once, before the first run. Turn off only for framework-free snippets."""


class GeneratorPlugin(BasePlugin[GeneratorConfig]):
    supports_multiple_instances = False

    def __init__(self):
        self.serving = False
        self.pages: dict[str, Page] = {}
        self.error: DataError | None = None

    def on_startup(self, *, command, dirty):
        self.serving = command == "serve"

    def _settings(self, config) -> Settings:
        root = Path(config.config_file_path).parent if config.config_file_path else Path.cwd()
        opts = {k: self.config[k] for k in ("content_dir", "snippets_dir", "cache_dir", "devices", "timeout",
                                            "parallel", "memory_limit_mb", "output_limit_kb", "failure_policy", "execute", "preload")}
        return Settings(root=root, **opts)

    def on_config(self, config):
        self.settings = self._settings(config)
        self.error = None
        try:
            self.project = load_project(self.settings.root, self.settings.content_dir, self.settings.snippets_dir)
        except DataError as exc:
            if not self.serving:
                raise PluginError(str(exc)) from exc
            for problem in exc.problems:
                log.error(str(problem))
            self.error, self.project = exc, None
        if config.nav is None and self.project is not None:
            config.nav = self._nav()
        return config

    def _nav(self) -> list:
        groups = [{g.title: f"tasks/{g.id}.md"} for g in self.project.groups.groups
                  if any(t.task.group == g.id for t in self.project.tasks.values())]
        return [{"Home": "index.md"}, {"Comparison": "comparison.md"}, {"Side by side": ["tasks/index.md", *groups]},
                {"Claims checked": "claims.md"}, {"Choosing": "choosing.md"}, {"FAQ": "faq.md"},
                {"Performance": "performance.md"}, {"Verification": "verification.md"}]

    def on_files(self, files: Files, config) -> Files:
        if self.error is not None:  # serving with invalid data: show the problems instead of the site
            body = "\n".join(f"    {p}" for p in self.error.problems)
            md = f"# The data has problems\n\n!!! failure \"{len(self.error.problems)} problem(s); fix them and save\"\n\n{body}\n"
            files.append(File.generated(config, "index.md", content=md))
            return files
        build = run_build(self.settings, self.project)
        for outcome in build.failures:
            log.warning(failure_line(outcome, self.settings.root))
        log.info(f"generator: {build.summary()}")
        if build.failures and self.settings.failure_policy == "strict" and not self.serving:
            raise PluginError(f"{len(build.failures)} run(s) failed (failure_policy: strict)")
        pages, assets = render_site(self.project, build, self._overrides(config), self.settings.cache_path)
        self.pages = {page.path: page for page in pages}
        for path, content in assets.items():
            files.append(File.generated(config, path, content=content))
        for page in self.pages.values():
            files.append(File.generated(config, page.path, content=page.markdown))
        for tid, spec in self.project.tasks.items():
            for fw, path in spec.scripts.items():
                files.append(File.generated(config, f"downloads/{tid}/{tid}_{fw}.py", content=path.read_bytes()))
        files.append(File.generated(config, "verification.json", content=verification_json(build)))
        return files

    def _overrides(self, config) -> Path | None:
        rel = self.config.templates_dir
        return self.settings.root / rel if rel else None

    def on_page_context(self, context, page, config, nav):
        source = self.pages.get(page.file.src_uri)
        if source and self.config.edit_url:
            page.edit_url = self.config.edit_url.rstrip("/") + "/" + source.source
        return context

    def on_serve(self, server, config, builder):
        root = self.settings.root
        for rel in (self.settings.content_dir, self.settings.snippets_dir):
            server.watch(str(root / rel))
        server.watch(str(Path(__file__).parent / "templates"))
        if self.config.templates_dir:
            server.watch(str(root / self.config.templates_dir))
        return server
