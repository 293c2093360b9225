"""Stage 5, render: Markdown pages for mkdocs-material, through one Jinja2 environment.

Render takes data: the project (with its link index), the build's checked runs, the machine's description and the
benchmark figures; it reads no file and probes nothing. Content text is Markdown that the loader has checked (no raw
HTML, no attribute lists, only web links); every other text (titles, table cells, messages, captured output, code) is
escaped or fenced here so that no input can create markup or an attribute on the page.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
)
from markupsafe import Markup

from ..core.record import Checked, SkipKind, Status
from ..core.runners import FRAMEWORK_LABELS, FRAMEWORKS, RUNNERS
from ..inputs.load import Project
from ..runs.result import BuildResult
from ..runs.verify import clean
from ..site import charts
from .markup import fence, indent, inline, mark_deprecated, md, text
from .verification import cell_counts, report_markdown

TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class Page:
    path: str          # e.g. "tasks/basics/index.md", "tasks/basics/scalar-gradient.md"
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


def environment(overrides: Path | None = None, bytecode_cache=None) -> Environment:
    """`bytecode_cache` (the live preview's) keeps compiled templates across rebuilds; Jinja checks each against its
    source, so an edited template is compiled again."""
    loaders = [FileSystemLoader(str(overrides))] if overrides and overrides.is_dir() else []
    env = Environment(loader=ChoiceLoader(loaders + [FileSystemLoader(str(TEMPLATES))]), autoescape=True,
                      auto_reload=False, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True, bytecode_cache=bytecode_cache)
    env.filters.update(fence=fence, indent4=indent, cell=text, text=text, md=md, inline=inline)
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
        deprecated = frozenset(o.span.text for o in build.api.outcomes if o.status == "deprecated") if build.api else frozenset()
        if deprecated:  # a deprecated API the prose names is marked where it stands (the verification page lists them)
            self.env.filters.update(md=lambda v: mark_deprecated(md(v), deprecated),
                                    inline=lambda v: mark_deprecated(inline(v), deprecated))
        self.links = project.links
        self.by_task: dict[str, list[Checked]] = {}
        for o in build.outcomes:
            self.by_task.setdefault(o.run.task, []).append(o)

    # -- links between pages (relative to the page that links)
    def task_link(self, tid: str, from_page: str) -> Markup:
        spec = self.p.tasks[tid]
        return Markup(f"[{text(spec.task.title)}]({self._rel(from_page, f'tasks/{spec.task.group}/{tid}.md')})")

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
        from .taskpage import TaskPage
        for g, tasks in self.groups_with_tasks():
            if tasks:
                # the group's page is its folder's index (same address as before, /tasks/<group>/), one line a task
                pages.append(self._render("group.md.j2", f"tasks/{g.id}/index.md", f"{content}/groups.yml",
                                          group=g, tasks=tasks, tp=TaskPage(self, f"tasks/{g.id}/index.md")))
                for spec in tasks:  # a page per task, under its group's address: /tasks/<group>/<task>/
                    path = f"tasks/{g.id}/{spec.id}.md"
                    pages.append(self._render("task.md.j2", path, f"snippets/{spec.id}/task.yml", group=g, spec=spec,
                                              tp=TaskPage(self, path)))
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
            m = bench.get("machine") or {}
            title = f"Building this site: measured {bench.get('date', '')} on {m.get('cpu', '?')}, {m.get('cores', '?')} cores"
            out["assets/charts/build-times.svg"] = charts.cached(cache, "build-times", {"bars": bars, "title": title},
                                                                 charts.build_times)
        for spec, machine, rows in self.benchmark_groups():
            where = f"{machine['device'].upper()}: {machine['name']}" if machine["name"] else machine["device"].upper()
            data = {"title": f"{spec.task.title}, measured on {where}", "rows": [(o.run.runner.key, m) for o, m in rows]}
            if any(isinstance(v, (int, float)) and not isinstance(v, bool) for _, m in data["rows"] for v in m.values()):
                out[f"assets/charts/{machine['slug']}.svg"] = charts.cached(cache, "benchmark", data, charts.benchmark)
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
        state = {"stale": "stale frozen record", "unattested": "contributed, unattested"}.get(o.category, str(o.status))
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
        """The runs whose verdict comes from this build, an attested frozen record, a contributed one ("unattested"),
        a stale one, or none ("not-run")."""
        return [o for o in self.b.outcomes if o.category == category]

    def fact(self, fid: str):
        """A fact of content/facts.yml by id (declared once; the home page shows the versions fact), or None."""
        facts = getattr(self.p, "facts", None)
        return next((f for f in (facts.facts if facts else []) if f.id == fid), None)

    def sources_report(self) -> Markup:
        return Markup(report_markdown(self.p, self.data.sources))

    # -- the verification page
    @staticmethod
    def status_label(status: Status) -> str:
        """What readers see for a status: its own `label` where the enum declares one, else its value
        ("skipped" reads "not run": such a run was not made)."""
        label = getattr(status, "label", None)
        return label if isinstance(label, str) and label else {"skipped": "not run"}.get(status.value, status.value)

    def summary_rows(self) -> tuple[list[Status], list[tuple[str, str, dict]]]:
        """(the statuses that occur, plus passed and failed; [(runner label, device, {status: count})]) per runner and
        device, every Status member generically: a status added to the enum gets its column."""
        statuses = [s for s in Status if s in (Status.PASSED, Status.FAILED) or self.b.count(s)]
        rows = []
        for key, runner in RUNNERS.items():
            for device in sorted({o.run.device for o in self.b.outcomes}):
                outs = [o for o in self.b.outcomes if o.run.runner.key == key and o.run.device == device]
                if outs:
                    rows.append((runner.label, device, {s: sum(o.status is s for o in outs) for s in statuses}))
        return statuses, rows

    def environments(self) -> list[tuple[str, str, str, int]]:
        """(id, machine, versions, runs) for every distinct machine and version set the made runs ran with."""
        envs: dict[tuple[str, str], int] = {}
        for o in self.b.outcomes:
            if o.record is not None:
                env = (o.device_name, o.versions_text)
                envs[env] = envs.get(env, 0) + 1
        return [(f"E{i}", machine, versions, n) for i, ((machine, versions), n) in enumerate(sorted(envs.items()), 1)]

    def env_of(self, o: Checked) -> str:
        if o.record is None:
            return ""
        if not hasattr(self, "_env_ids"):
            self._env_ids = {(m, v): eid for eid, m, v, _ in self.environments()}
        return self._env_ids[(o.device_name, o.versions_text)]

    def not_made(self) -> list[tuple[str, list[Checked]]]:
        """Runs that were not made, grouped by their reason (most first): one line for 165 GPU runs, not 165 rows."""
        groups: dict[str, list[Checked]] = {}
        for o in self.b.outcomes:
            if o.record is None and o.skipped:
                groups.setdefault(o.message, []).append(o)
        return sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))

    def runs_by_task(self, outs: list[Checked]) -> list[tuple[str, list[str]]]:
        """(task title, ["PyTorch on GPU", ...]) for a group of runs, one entry per task."""
        by: dict[str, list[str]] = {}
        for o in outs:
            by.setdefault(self.task_title(o.run.task), []).append(f"{o.run.runner.label} on {o.run.device.upper()}")
        return sorted(by.items())

    def made(self) -> list[Checked]:
        return [o for o in self.b.outcomes if not (o.record is None and o.skipped)]

    def task_title(self, tid: str) -> str:
        spec = self.p.tasks.get(tid)
        return spec.task.title if spec else tid

    def cell_counts(self) -> dict[str, int]:
        return cell_counts(self.p)

    def task_url(self, tid: str, from_page: str) -> str:
        """A task's link target as Markdown link syntax sees it (MkDocs turns it into the page's URL)."""
        return self._rel(from_page, f"tasks/{self.p.tasks[tid].task.group}/{tid}.md")

    # -- the performance page
    metric_label = staticmethod(charts.metric_label)

    def benchmark_groups(self) -> list[tuple]:
        """(task, machine, [(checked run, metrics)]) for every benchmark task, one entry per machine it was measured
        on (device and device name), so no table or chart mixes figures from two machines."""
        out = []
        for spec, rows in self.benchmarks():
            machines: dict[tuple[str, str], list] = {}
            for o, m in rows:
                machines.setdefault((o.run.device, o.device_name), []).append((o, m))
            for (device, name), group in sorted(machines.items()):
                dates = sorted({o.record.date for o, _ in group})
                out.append((spec, {"device": device, "name": name, "dates": dates,
                                   "slug": charts.slug(f"{spec.id}-{device}-{name}")}, group))
        return out

    def passed_of(self, tid: str) -> tuple[int, int]:
        outs = self.by_task.get(tid, [])
        return sum(o.passed for o in outs), sum(not o.skipped for o in outs)


def render_site(project: Project, build: BuildResult, data: SiteData | None = None,
                overrides: Path | None = None, bytecode_cache=None) -> tuple[list[Page], dict[str, bytes]]:
    """Every page, and every generated asset (charts, reused from the chart cache when their data is unchanged).
    Without a bytecode cache of the caller's (the preview keeps one in memory), compiled templates are kept in the
    run store: Jinja checks each against its template's source, so an edited template is compiled again."""
    if bytecode_cache is None and data is not None and data.chart_cache is not None:
        try:
            folder = Path(data.chart_cache) / "jinja"
            folder.mkdir(parents=True, exist_ok=True)
            bytecode_cache = FileSystemBytecodeCache(str(folder))
        except OSError:
            bytecode_cache = None  # an unwritable store only costs compiling again
    renderer = Renderer(project, build, data, overrides, bytecode_cache)
    return renderer.pages(), renderer.assets()
