"""Stage 5, render: Markdown pages for mkdocs-material, through one Jinja2 environment.

Render takes data: the project (with its link index), the build's checked runs, the machine's description and the
benchmark figures; it reads no file and probes nothing. Content text is Markdown that the loader has checked (no raw
HTML, no attribute lists, only web links); every other text (titles, table cells, messages, captured output, code) is
escaped or fenced here so that no input can create markup or an attribute on the page.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from . import charts
from .load import Project
from .pipeline import BuildResult
from .record import Checked, SkipKind, Status
from .runners import FRAMEWORK_LABELS, FRAMEWORKS, RUNNERS
from .verify import clean
from .sources import report_markdown

TEMPLATES = Path(__file__).parent / "templates"
# every character Markdown or HTML could read as syntax becomes a numeric character reference
_SPECIAL = re.compile(r"[&<>\"'`*_{}\[\]()#+!|~:\\=$^]")


@dataclass(frozen=True)
class Page:
    path: str          # e.g. "tasks/basics.md"
    markdown: str
    source: str        # repository path an "edit" link points at


@dataclass
class SiteData:
    """Everything a render needs besides the project and the build."""

    machine: str = ""
    bench: dict | None = None          # the latest `make bench` figures
    sources: dict = field(default_factory=dict)  # the latest `check-sources` results, by URL
    chart_cache: Path | None = None
    extra: dict = field(default_factory=dict)


def text(value) -> Markup:
    """Plain text, safe anywhere in Markdown: a table cell, a heading, an admonition title, an attribute value.
    Markdown and HTML syntax characters become character references, line breaks spaces."""
    s = str(value).replace("\r", " ").replace("\n", " ")
    return Markup(_SPECIAL.sub(lambda m: f"&#{ord(m.group())};", s))


def fence(value: str, lang: str = "") -> Markup:
    """A fenced code block that no backtick run inside the text can close early."""
    longest = max((len(m) for m in re.findall(r"`+", value)), default=0)
    ticks = "`" * max(3, longest + 1)
    return Markup(f"{ticks}{lang}\n{value.rstrip()}\n{ticks}")


def indent(value: str, width: int = 4) -> Markup:
    pad = " " * width
    return Markup("\n".join(pad + line if line.strip() else "" for line in str(value).split("\n")))


def md(value: str) -> Markup:
    """Markdown from content/ (checked by the loader: no raw HTML, no attribute lists, only web links)."""
    return Markup(value.strip())


def environment(overrides: Path | None = None, bytecode_cache=None) -> Environment:
    """`bytecode_cache` (the live preview's) keeps compiled templates across rebuilds; Jinja checks each against its
    source, so an edited template is compiled again."""
    loaders = [FileSystemLoader(str(overrides))] if overrides and overrides.is_dir() else []
    env = Environment(loader=ChoiceLoader(loaders + [FileSystemLoader(str(TEMPLATES))]), autoescape=True,
                      auto_reload=False, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True, bytecode_cache=bytecode_cache)
    env.filters.update(fence=fence, indent4=indent, cell=text, text=text, md=md)
    env.globals.update(LABELS=FRAMEWORK_LABELS, FRAMEWORKS=FRAMEWORKS, RUNNERS=RUNNERS, Status=Status,
                       SkipKind=SkipKind, STATUSES=list(Status))
    return env


class Renderer:
    def __init__(self, project: Project, build: BuildResult, data: SiteData | None = None, overrides: Path | None = None,
                 bytecode_cache=None):
        self.p = project
        self.b = build
        self.data = data or SiteData()
        self.env = environment(overrides, bytecode_cache)
        self.links = project.links
        self.by_task: dict[str, list[Checked]] = {}
        for o in build.outcomes:
            self.by_task.setdefault(o.run.task, []).append(o)

    # -- links between pages (relative to the page that links)
    def task_link(self, tid: str, from_page: str) -> Markup:
        spec = self.p.tasks[tid]
        return Markup(f"[{text(spec.task.title)}]({self._rel(from_page, f'tasks/{spec.task.group}.md')}#{tid})")

    def criterion_link(self, cid: str, from_page: str) -> Markup:
        c = next(c for c in self.p.criteria.criteria if c.id == cid)
        return Markup(f"[{text(c.title)}]({self._rel(from_page, 'comparison.md')}#{cid})")

    def claim_link(self, cid: str, from_page: str) -> Markup:
        c = next(c for c in self.p.claims.claims if c.id == cid)
        return Markup(f"[{text(c.claim)}]({self._rel(from_page, 'claims.md')}#{cid})")

    @staticmethod
    def _rel(src: str, dst: str) -> str:
        return "../" * src.count("/") + dst

    def _render(self, template: str, path: str, source: str, **ctx) -> Page:
        ctx.update(r=self, p=self.p, b=self.b, page=path, machine=self.data.machine, bench=self.data.bench)
        return Page(path, self.env.get_template(template).render(**ctx), source)

    # -- pages
    def pages(self) -> list[Page]:
        content = "content"
        pages = [
            self._render("home.md.j2", "index.md", f"{content}/frameworks.yml"),
            self._render("comparison.md.j2", "comparison.md", f"{content}/criteria.yml"),
            self._render("claims.md.j2", "claims.md", f"{content}/claims.yml"),
            self._render("choosing.md.j2", "choosing.md", f"{content}/choosing.yml"),
            self._render("faq.md.j2", "faq.md", f"{content}/faq.yml"),
            self._render("performance.md.j2", "performance.md", "snippets"),
            self._render("verification.md.j2", "verification.md", "generator/verify.py"),
            self._render("tasks_index.md.j2", "tasks/index.md", f"{content}/groups.yml"),
        ]
        from .taskpage import TaskPage  # imports this module
        for g, tasks in self.groups_with_tasks():
            if tasks:
                pages.append(self._render("group.md.j2", f"tasks/{g.id}.md", f"snippets/{tasks[0].id}/task.yml",
                                          group=g, tasks=tasks, tp=TaskPage(self)))
        return pages

    def criteria_groups(self) -> list[tuple[str, list]]:
        groups: dict[str, list] = {}
        for c in self.p.criteria.criteria:
            groups.setdefault(c.group, []).append(c)
        return list(groups.items())

    def assets(self) -> dict[str, bytes]:
        """Charts for the verification and performance pages, as SVG files; the figures runs drew, as PNG files."""
        titles = {tid: spec.task.title for tid, spec in self.p.tasks.items()}
        cache, out = self.data.chart_cache, {}
        for o in self.b.outcomes:
            for fig in (o.outcome.figures if o.outcome else []):
                out[fig.path] = fig.png
        data = charts.run_times_data(self.b.outcomes, titles)
        if data:
            out["assets/charts/run-times.svg"] = charts.cached(cache, "run-times", data, charts.run_times)
        bench = self.data.bench
        if bench:
            bars = [("naive way (python per snippet)", bench["naive"]["seconds"]), ("cold build", bench["cold"]["seconds"]),
                    ("floor", bench["cold"]["floor_seconds"]), ("incremental (1 snippet)", bench["incremental"]["seconds"]),
                    ("warm build", bench["warm"]["seconds"]), ("plain mkdocs, same pages", bench["warm"]["plain_mkdocs_seconds"])]
            out["assets/charts/build-times.svg"] = charts.cached(cache, "build-times", {"bars": bars}, charts.build_times)
        for spec, rows in self.benchmarks():
            data = {"title": spec.task.title, "rows": [(o.run.runner.key, m) for o, m in rows]}
            if any(isinstance(v, (int, float)) and not isinstance(v, bool) for _, m in data["rows"] for v in m.values()):
                out[f"assets/charts/{spec.id}.svg"] = charts.cached(cache, "benchmark", data, charts.benchmark)
        return out

    def benchmarks(self) -> list[tuple]:
        """(task, [(checked run, metrics)]) for every benchmark task with passed runs that published METRICS."""
        out = []
        for tid, spec in sorted(self.p.tasks.items()):
            if spec.task.benchmark:
                rows = [(o, o.metrics) for o in self.by_task.get(tid, []) if o.passed and o.metrics]
                if rows:
                    out.append((spec, rows))
        return out

    def groups_with_tasks(self):
        return [(g, sorted((s for s in self.p.tasks.values() if s.task.group == g.id), key=lambda s: (s.task.order, s.id)))
                for g in self.p.groups.groups]

    # -- helpers the templates call
    def outcomes(self, tid: str, framework: str) -> list[Checked]:
        return [o for o in self.by_task.get(tid, []) if o.run.runner.framework == framework]

    def code(self, tid: str, framework: str) -> str:
        return self.p.tasks[tid].source(framework)

    def stdout(self, o: Checked) -> str:
        return clean(o.record.stdout) if o.record else ""

    def badge(self, o: Checked) -> Markup:
        label = o.run.runner.label
        state = "stale frozen record" if o.category == "stale" else str(o.status)
        words = f"{o.status.icon} {label} · {o.run.device.upper()} · {state}"
        if o.skip is SkipKind.RUNNING:  # live preview: its record is still being made
            words = f"⏳ {label} · {o.run.device.upper()} · running…"
        if o.passed and o.wall_s is not None:
            words += f" · {o.wall_s:.2f} s"
        if o.category == "frozen":
            words += " · frozen"
        cls = "passed" if o.passed else ("skipped" if o.skipped else "failed")
        title = o.message or (o.frozen.label if o.frozen else o.device_name)
        return Markup(f'<span class="run-badge run-{cls}" title="{text(title)}">{text(words)}</span>')

    def by_category(self, category: str) -> list[Checked]:
        """The runs whose verdict comes from this build, a frozen record, a stale one, or none ("not-run")."""
        return [o for o in self.b.outcomes if o.category == category]

    def sources_report(self) -> Markup:
        return Markup(report_markdown(self.p, self.data.sources))

    def passed_of(self, tid: str) -> tuple[int, int]:
        outs = self.by_task.get(tid, [])
        return sum(o.passed for o in outs), sum(not o.skipped for o in outs)


def render_site(project: Project, build: BuildResult, data: SiteData | None = None,
                overrides: Path | None = None, bytecode_cache=None) -> tuple[list[Page], dict[str, bytes]]:
    """Every page, and every generated asset (charts, reused from the chart cache when their data is unchanged)."""
    renderer = Renderer(project, build, data, overrides, bytecode_cache)
    return renderer.pages(), renderer.assets()
