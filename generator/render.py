"""Stage 5, render: Markdown pages for mkdocs-material, through one Jinja2 environment.

Content text is Markdown that the loader has already checked for raw HTML; everything else (titles, table cells,
captured output, code) is escaped or fenced here, so no input can inject markup into the site.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from .load import Project
from .models import FRAMEWORKS
from .pipeline import BuildResult
from .plan import cpu_name, gpu_name
from .runners import RUNNERS
from .sources import report_markdown as sources_report
from .verify import PASSED, SKIPPED, STATUSES, Outcome, clean

TEMPLATES = Path(__file__).parent / "templates"
LABELS = {"pytorch": "PyTorch", "tensorflow": "TensorFlow", "keras": "Keras"}
ICONS = {"passed": "✔", "failed": "✘", "timed out": "⏱", "crashed": "☠", "mismatched": "≠", "skipped": "–"}


@dataclass(frozen=True)
class Page:
    path: str          # e.g. "tasks/basics.md"
    markdown: str
    source: str        # repository path an "edit" link points at


def fence(text: str, lang: str = "") -> Markup:
    """A fenced code block that no backtick run inside `text` can close early."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    ticks = "`" * max(3, longest + 1)
    return Markup(f"{ticks}{lang}\n{text.rstrip()}\n{ticks}")


def indent(text: str, width: int = 4) -> Markup:
    pad = " " * width
    return Markup("\n".join(pad + line if line.strip() else "" for line in str(text).split("\n")))


def cell(text) -> Markup:
    """Plain text for a Markdown table cell: HTML escaped, pipes and line breaks neutralised."""
    return Markup(str(escape(str(text))).replace("|", "&#124;").replace("\n", " "))


def md(text: str) -> Markup:
    """Markdown from content/ (checked for raw HTML by the loader)."""
    return Markup(text.strip())


def environment(overrides: Path | None = None) -> Environment:
    loaders = [FileSystemLoader(str(overrides))] if overrides and overrides.is_dir() else []
    env = Environment(loader=ChoiceLoader(loaders + [FileSystemLoader(str(TEMPLATES))]), autoescape=True,
                      auto_reload=False, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    env.filters.update(fence=fence, indent4=indent, cell=cell, md=md)
    env.globals.update(LABELS=LABELS, ICONS=ICONS, FRAMEWORKS=FRAMEWORKS, STATUSES=STATUSES)
    env.globals["sources_report"] = lambda project: Markup(sources_report(project))  # verification page: cited URLs
    return env


class Renderer:
    def __init__(self, project: Project, build: BuildResult, overrides: Path | None = None, chart_cache: Path | None = None):
        self.chart_cache = chart_cache
        self.p = project
        self.b = build
        self.env = environment(overrides)
        self.by_task: dict[str, list[Outcome]] = {}
        for o in build.outcomes:
            self.by_task.setdefault(o.run.task, []).append(o)
        self.task_group = {tid: spec.task.group for tid, spec in project.tasks.items()}
        self.criterion_tasks: dict[str, list[str]] = {c.id: list(c.tasks) for c in project.criteria.criteria}
        for tid, spec in sorted(project.tasks.items()):
            for cid in spec.task.criteria:
                if tid not in self.criterion_tasks.setdefault(cid, []):
                    self.criterion_tasks[cid].append(tid)
        # the reverse links: a task page lists every criterion and claim that names it, and those it names
        self.task_criteria = {tid: list(spec.task.criteria) for tid, spec in project.tasks.items()}
        for cid, tids in self.criterion_tasks.items():
            for tid in tids:
                if cid not in self.task_criteria[tid]:
                    self.task_criteria[tid].append(cid)
        self.task_claims = {tid: list(spec.task.claims) for tid, spec in project.tasks.items()}
        self.claim_tasks = {c.id: list(c.tasks) for c in project.claims.claims}
        for c in project.claims.claims:
            for tid in c.tasks:
                if c.id not in self.task_claims[tid]:
                    self.task_claims[tid].append(c.id)
        for tid, spec in project.tasks.items():
            for cid in spec.task.claims:
                if tid not in self.claim_tasks[cid]:
                    self.claim_tasks[cid].append(tid)

    # -- links between pages (relative to the page that links)
    def task_link(self, tid: str, from_page: str) -> Markup:
        spec = self.p.tasks[tid]
        return Markup(f"[{escape(spec.task.title)}]({self._rel(from_page, f'tasks/{spec.task.group}.md')}#{tid})")

    def criterion_link(self, cid: str, from_page: str) -> Markup:
        c = next(c for c in self.p.criteria.criteria if c.id == cid)
        return Markup(f"[{escape(c.title)}]({self._rel(from_page, 'comparison.md')}#{cid})")

    def claim_link(self, cid: str, from_page: str) -> Markup:
        c = next(c for c in self.p.claims.claims if c.id == cid)
        return Markup(f"[{escape(c.claim)}]({self._rel(from_page, 'claims.md')}#{cid})")

    @staticmethod
    def _rel(src: str, dst: str) -> str:
        depth = src.count("/")
        return "../" * depth + dst

    def _render(self, template: str, path: str, source: str, **ctx) -> Page:
        ctx.update(r=self, p=self.p, b=self.b, page=path)
        return Page(path, self.env.get_template(template).render(**ctx), source)

    # -- pages
    def pages(self) -> list[Page]:
        p, content = self.p, "content"
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
        for g in p.groups.groups:
            tasks = sorted((s for s in p.tasks.values() if s.task.group == g.id), key=lambda s: (s.task.order, s.id))
            if tasks:
                pages.append(self._render("group.md.j2", f"tasks/{g.id}.md", f"snippets/{tasks[0].id}/task.yml",
                                          group=g, tasks=tasks))
        return pages

    def criteria_groups(self) -> list[tuple[str, list]]:
        groups: dict[str, list] = {}
        for c in self.p.criteria.criteria:
            groups.setdefault(c.group, []).append(c)
        return list(groups.items())

    def assets(self) -> dict[str, bytes]:
        """Charts for the verification and performance pages, as SVG files."""
        from . import charts
        titles = {tid: spec.task.title for tid, spec in self.p.tasks.items()}
        out = {}
        data = charts.run_times_data(self.b.outcomes, titles)
        if data:
            out["assets/charts/run-times.svg"] = charts.cached(self.chart_cache, "run-times", data, charts.run_times)
        bench = self.bench()
        if bench:
            bars = [("naive way (python per snippet)", bench["naive"]["seconds"]), ("cold build", bench["cold"]["seconds"]),
                    ("floor", bench["cold"]["floor_seconds"]), ("incremental (1 snippet)", bench["incremental"]["seconds"]),
                    ("warm build", bench["warm"]["seconds"]), ("plain mkdocs, same pages", bench["warm"]["plain_mkdocs_seconds"])]
            out["assets/charts/build-times.svg"] = charts.cached(self.chart_cache, "build-times", {"bars": bars}, charts.build_times)
        for spec, rows in self.benchmarks():
            data = {"title": spec.task.title, "rows": [(o.run.runner.key, m) for o, m in rows]}
            if any(isinstance(v, (int, float)) for _, m in data["rows"] for v in m.values()):
                out[f"assets/charts/{spec.id}.svg"] = charts.cached(self.chart_cache, "benchmark", data, charts.benchmark)
        return out

    def bench(self) -> dict | None:
        """The latest `python -m generator bench` figures (bench/results.json), if the project has them."""
        path = self.p.root / "bench" / "results.json"
        try:
            data = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            return None
        return None if data.get("quick") else data

    def benchmarks(self):
        """(task, [(outcome, metrics)]) for every benchmark task with passed CPU runs."""
        out = []
        for tid, spec in sorted(self.p.tasks.items()):
            if spec.task.benchmark:
                rows = [(o, o.record["outcome"]["metrics"]) for o in self.by_task.get(tid, [])
                        if o.status == PASSED and (o.record.get("outcome") or {}).get("metrics")]
                if rows:
                    out.append((spec, rows))
        return out

    def groups_with_tasks(self):
        return [(g, sorted((s for s in self.p.tasks.values() if s.task.group == g.id), key=lambda s: (s.task.order, s.id)))
                for g in self.p.groups.groups]

    # -- helpers the templates call
    def outcomes(self, tid: str, framework: str) -> list[Outcome]:
        return [o for o in self.by_task.get(tid, []) if o.run.runner.framework == framework]

    def code(self, tid: str, framework: str) -> str:
        return self.p.tasks[tid].scripts[framework].read_text("utf-8")

    def stdout(self, o: Outcome) -> str:
        return clean(o.record.get("stdout") or "")

    def badge(self, o: Outcome) -> Markup:
        status = o.status
        label = RUNNERS[o.run.runner.key].label
        text = f"{ICONS[status]} {label} · {o.run.device.upper()} · {status}"
        wall = (o.record.get("outcome") or {}).get("wall_s")
        if status == PASSED and wall is not None:
            text += f" · {wall:.2f} s"
        cls = "passed" if status == PASSED else ("skipped" if status == SKIPPED else "failed")
        title = o.message or (o.record.get("device_name") or "")
        return Markup(f'<span class="run-badge run-{cls}" title="{escape(title)}">{escape(text)}</span>')

    def versions(self, o: Outcome) -> str:
        v = o.record.get("versions") or {}
        return ", ".join(f"{k} {val}" for k, val in sorted(v.items())) + (f", {o.record['python']}" if o.record.get("python") else "")

    def machine(self) -> str:
        gpu = gpu_name()
        return f"{cpu_name()}" + (f" + {gpu}" if gpu else " (no GPU on this build machine)")

    def benchmark_rows(self):
        rows = []
        for tid, spec in sorted(self.p.tasks.items()):
            if not spec.task.benchmark:
                continue
            for o in self.by_task.get(tid, []):
                metrics = (o.record.get("outcome") or {}).get("metrics")
                if o.status == PASSED and metrics:
                    rows.append((spec, o, metrics))
        return rows


def render_pages(project: Project, build: BuildResult, overrides: Path | None = None) -> list[Page]:
    return Renderer(project, build, overrides).pages()


def render_site(project: Project, build: BuildResult, overrides: Path | None = None,
                chart_cache: Path | None = None) -> tuple[list[Page], dict[str, bytes]]:
    """Every page, and every generated asset (charts, reused from `chart_cache` when their data is unchanged)."""
    renderer = Renderer(project, build, overrides, chart_cache)
    return renderer.pages(), renderer.assets()


def verification_json(build: BuildResult) -> str:
    """Every run's published record, machine-readable, in a stable order."""
    runs = []
    for o in build.outcomes:
        rec = dict(o.record)
        rec.pop("stdout", None)
        rec["stdout"] = clean(o.record.get("stdout") or "")
        rec["stderr_tail"] = (o.record.get("stderr") or "")[-2000:]
        rec.pop("stderr", None)
        rec.update(status=o.status, message=o.message, details=o.details, line=o.line)
        runs.append(rec)
    totals = {s: sum(o.status == s for o in build.outcomes) for s in STATUSES}
    return json.dumps({"format": 1, "totals": totals, "runs": runs}, indent=1, sort_keys=True)
