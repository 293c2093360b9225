"""The command line: python -m generator build | check | run TASK | list | render | schema | merge | bench."""
from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from .errors import DataError
from .load import CONTENT_FILES, load_project
from .models import Task
from .pipeline import BuildResult, failure_line, run_build
from .runners import RUNNERS
from .settings import Settings


def _mkdocs_options(root: Path) -> dict:
    """The generator plugin's options in mkdocs.yml, so the CLI judges runs exactly as the site build does."""
    path = root / "mkdocs.yml"
    if not path.exists():
        return {}
    import yaml

    class _Tolerant(yaml.SafeLoader):
        pass

    _Tolerant.add_multi_constructor("!", lambda loader, suffix, node: None)  # !ENV, !!python/name: not ours
    _Tolerant.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
    config = yaml.load(path.read_text("utf-8"), Loader=_Tolerant) or {}
    for plugin in config.get("plugins") or []:
        if isinstance(plugin, dict) and "generator" in plugin:
            options = plugin["generator"] or {}
            return {k: v for k, v in options.items() if k in Settings.model_fields}
    return {}


def _settings(args) -> Settings:
    opts = {"root": Path(args.root), **_mkdocs_options(Path(args.root))}
    for name in ("devices", "timeout", "parallel", "cache_dir"):
        value = getattr(args, name, None)
        if value is not None:
            opts[name] = value
    return Settings(**opts)


def _print_problems(exc: DataError, fmt: str) -> None:
    for p in exc.problems:
        if fmt == "github":
            line = f",line={p.line}" if p.line else ""
            print(f"::error file={p.file.split(':')[0]}{line}::{p.key + ': ' if p.key else ''}{p.message}")
        else:
            print(p)
    print(f"{len(exc.problems)} problem(s) in the data", file=sys.stderr)


def _load(settings: Settings):
    """The validated project, or None after printing every problem."""
    try:
        return load_project(settings.root, settings.content_dir, settings.snippets_dir)
    except DataError as exc:
        _print_problems(exc, "text")
        return None


def _report(result: BuildResult, fmt: str, root: Path) -> int:
    for o in result.failures:
        if fmt == "github":
            rel = o.run.script.resolve().relative_to(root.resolve()).as_posix()
            line = f",line={o.line}" if o.line else ""
            msg = failure_line(o, root).split(": ", 1)[1].replace("\n", "%0A")
            print(f"::error file={rel}{line},title={o.status}::{msg}")
        else:
            print(failure_line(o, root))
    print(f"generator: {result.summary()}")
    return 1 if result.failures else 0


def cmd_check(args) -> int:
    """Validate everything, execute what is not cached, report failures as file:line lines; non-zero on failure."""
    settings = _settings(args)
    try:
        result = run_build(settings)
    except DataError as exc:
        _print_problems(exc, args.format)
        return 2
    from .facts import review_lines
    for line in review_lines(result.project if hasattr(result, "project") else load_project(settings.root, settings.content_dir, settings.snippets_dir)):
        print(f"::warning::{line}" if args.format == "github" else f"review: {line}")
    return _report(result, args.format, settings.root)


def cmd_run(args) -> int:
    settings = _settings(args)
    project = _load(settings)
    if project is None:
        return 2
    if args.task not in project.tasks:
        print(f"unknown task {args.task!r}; `python -m generator list` lists them", file=sys.stderr)
        return 2
    runners = [args.framework] if args.framework else None
    devices = [args.device] if args.device else None
    result = run_build(settings, project, tasks=[args.task], runners=runners, devices=devices)
    for o in result.outcomes:
        wall = (o.record.get("outcome") or {}).get("wall_s")
        print(f"{o.run.id:50} {o.status:10} {'' if wall is None else f'{wall:6.2f} s'}  {o.message}")
        if args.verbose and o.record.get("stdout"):
            from .verify import clean
            print("    " + clean(o.record["stdout"]).replace("\n", "\n    "))
    return _report(result, "text", settings.root)


def cmd_list(args) -> int:
    settings = _settings(args)
    project = _load(settings)
    if project is None:
        return 2
    for tid, spec in sorted(project.tasks.items(), key=lambda kv: (kv[1].task.group, kv[1].task.order, kv[0])):
        print(f"{spec.task.group:14} {tid:28} {spec.task.title}")
    print(f"{len(project.tasks)} tasks; runners: {', '.join(RUNNERS)}")
    return 0


def cmd_render(args) -> int:
    """Render every page to Markdown in a folder, for inspection (executes what is not cached)."""
    from .render import render_site, verification_json
    settings = _settings(args)
    project = _load(settings)
    if project is None:
        return 2
    result = run_build(settings, project)
    out = Path(args.out)
    pages, assets = render_site(project, result, chart_cache=settings.cache_path)
    for page in pages:
        path = out / page.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page.markdown, "utf-8")
    for rel, content in assets.items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    (out / "verification.json").write_text(verification_json(result), "utf-8")
    print(f"wrote {out}; generator: {result.summary()}")
    return 0


def cmd_schema(args) -> int:
    """Write the JSON Schema of every content file and of task.yml, for editors."""
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name, model in {**CONTENT_FILES, "task.yml": Task}.items():
        path = out / (name.removesuffix(".yml") + ".schema.json")
        path.write_text(json.dumps(model.model_json_schema(), indent=2) + "\n", "utf-8")
        print(path)
    return 0


def cmd_merge(args) -> int:
    from .cache import Store
    settings = _settings(args)
    merged, skipped = Store(settings.cache_path).merge_from(Path(args.dir))
    print(f"merged {merged} record(s) into {settings.cache_path}; skipped {skipped} damaged")
    return 0


def cmd_build(args) -> int:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, MkDocsException
    logging.basicConfig(level=logging.INFO, format="%(levelname)-7s - %(message)s")
    try:
        cfg = load_config(str(Path(args.root) / "mkdocs.yml"), strict=args.strict)
        build(cfg)
    except (MkDocsException, Abort) as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


def cmd_bench(args) -> int:
    from .bench import main as bench_main
    return bench_main(args)


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m generator", description=__doc__)
    ap.add_argument("--root", default=".", help="project root (where mkdocs.yml, content/ and snippets/ are)")
    sub = ap.add_subparsers(dest="cmd", required=True)

    def common(p):
        p.add_argument("--devices", choices=("auto", "cpu", "gpu"))
        p.add_argument("--timeout", type=float)
        p.add_argument("--parallel", type=int)
        p.add_argument("--cache-dir")

    p = sub.add_parser("check", help="the pull-request gate")
    p.add_argument("--format", choices=("text", "github"), default="text")
    common(p)
    p.set_defaults(func=cmd_check)
    p = sub.add_parser("run", help="run one task")
    p.add_argument("task")
    p.add_argument("--framework", help="pytorch, tensorflow, keras or keras/<backend>")
    p.add_argument("--device", choices=("cpu", "gpu"))
    p.add_argument("-v", "--verbose", action="store_true", help="print each run's output")
    common(p)
    p.set_defaults(func=cmd_run)
    p = sub.add_parser("list", help="list the tasks")
    p.set_defaults(func=cmd_list)
    p = sub.add_parser("render", help="render the pages as Markdown into a folder")
    p.add_argument("--out", required=True)
    common(p)
    p.set_defaults(func=cmd_render)
    p = sub.add_parser("schema", help="export the JSON Schemas of the content files")
    p.add_argument("--out", default="schemas")
    p.set_defaults(func=cmd_schema)
    p = sub.add_parser("merge", help="merge another run store (e.g. from a GPU machine) into this one")
    p.add_argument("dir")
    p.add_argument("--cache-dir")
    p.set_defaults(func=cmd_merge)
    p = sub.add_parser("build", help="build the site (mkdocs build)")
    p.add_argument("--strict", action="store_true")
    p.set_defaults(func=cmd_build)
    p = sub.add_parser("bench", help="measure build performance; writes bench/results.json")
    p.add_argument("--quick", action="store_true", help="a small configuration (what the test suite runs)")
    p.add_argument("--out", default="bench/results.json")
    p.set_defaults(func=cmd_bench)
    from .sources import add_cli
    add_cli(sub)   # check-sources
    return ap


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.func(args)

