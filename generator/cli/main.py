"""The command line: python -m generator check | run TASK | watch | list | new TASK | render | schema | options |
merge | record | build | bench | outdated | range."""
from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from ..app.build import run_build
from ..app.report import problem_lines, summary
from ..core.runners import FRAMEWORKS, RUNNERS
from ..core.settings import OPTIONS, Settings, SettingsError
from ..inputs.load import CONTENT_FILES
from ..inputs.models import Task
from ..runs.shard import parse_shard
from ..runs.workers import WorkerStartError
from .common import _load, _report, add_setting_flags, settings_from
from .currency import NO_SETTINGS, add_parsers
from .scaffold import cmd_new

# ----------------------------------------------------------------------------- settings: mkdocs.yml, then flags


# ----------------------------------------------------------------------------- commands
def cmd_check(args, settings: Settings) -> int:
    """Validate everything, execute what is not cached, report failures as file:line lines; non-zero on failure."""
    project = _load(settings, args.format)
    if project is None:
        return 2
    from ..app.report import frozen_lines, not_executed_lines, strict_failure
    from ..runs.shard import export, shard_tasks
    export_dir = Path(args.export) if args.export else None
    if export_dir is not None and export_dir.exists():
        print(f"check: --export {export_dir}: already exists; --export writes a new folder", file=sys.stderr)
        return 2
    if export_dir is not None and _not_empty(settings.cache_path):
        print(f"check: --export needs an empty run store, and {settings.cache_path} is not empty: give a new "
              "--cache-dir (what a shard exports must all be made by its own build)", file=sys.stderr)
        return 2
    tasks = shard_tasks(project.tasks, *args.shard) if args.shard else None
    if tasks == []:  # more shards than tasks: this one has nothing to do (an empty filter would mean every task)
        print(f"generator: shard {args.shard[0]}/{args.shard[1]}: 0 of {len(project.tasks)} tasks")
        if export_dir is not None:
            (export_dir / "runs").mkdir(parents=True)
        return 0
    for w in project.warnings:  # worth fixing, but no failure
        print(f"::warning file={w.file},line={w.line or 1}::{w.key}: {w.message}" if args.format == "github"
              else f"warning: {w}")
    result = run_build(settings, project, tasks=tasks)
    fresh = {o.run.task for o in result.outcomes if o.record is not None and not o.cached and o.frozen is None}
    for w in project.long_lines:  # for the tasks this check ran (what changed), not every cached one
        if w.file.split("/")[-2] in fresh:
            print(f"::warning file={w.file},line={w.line or 1}::{w.message}" if args.format == "github"
                  else f"warning: {w}")
    for w in project.long_answers:  # every task's: editing the explanation runs nothing again
        print(f"::warning file={w.file},line={w.line or 1}::{w.key}: {w.message}" if args.format == "github"
              else f"warning: {w}")
    from ..inputs.facts import review_lines
    for line in review_lines(project):
        print(f"::warning::{line}" if args.format == "github" else f"review: {line}")
    for line in frozen_lines(result, args.format, settings.strict):
        print(line)
    if args.shard:
        print(f"generator: shard {args.shard[0]}/{args.shard[1]}: {len(tasks)} of {len(project.tasks)} tasks")
    status = _report(result, args.format, settings.root)
    if not settings.execute:  # nothing was executed: every run must have come from the store (or a frozen record)
        missing = not_executed_lines(result, settings.root, args.format, settings.cache_path)
        for line in missing:
            print(line)
        if missing:
            print(f"generator: {len(missing)} run(s) not executed and not in the run store (execution is off)")
            status = max(status, 1)
    if project.unfinished:  # a task that would publish the scaffold's sum of three numbers
        print("\n".join(problem_lines(project.unfinished, args.format)))
        print(f"generator: {len(project.unfinished)} problem(s): a task still holds the text `generator new` wrote")
        status = max(status, 1)
    if export_dir is not None:
        written, error = export(result, export_dir, existed=False)
        if error:
            print(f"check: --export {export_dir}: {error}", file=sys.stderr)
            return 2
        print(f"generator: exported {written} record(s) to {export_dir}")
    if settings.strict and strict_failure(result):
        print("generator: stale, unattested or refused frozen records (--strict)")
        return 1
    return status


def _not_empty(path: Path) -> bool:
    if not path.exists():
        return False
    try:
        return not path.is_dir() or any(path.iterdir())
    except OSError:
        return True


def cmd_run(args, settings: Settings) -> int:
    project = _load(settings)
    if project is None:
        return 2
    if args.task not in project.tasks:
        print(f"unknown task {args.task!r}; `python -m generator list` lists them", file=sys.stderr)
        return 2
    runners = [args.framework] if args.framework else None
    devices = [args.device] if args.device else None
    result = run_build(settings, project, tasks=[args.task], runners=runners, devices=devices)
    from ..runs.verify import clean
    for o in result.outcomes:
        wall = "" if o.wall_s is None else f"{o.wall_s:6.2f} s"
        print(f"{o.run.id:50} {o.status!s:10} {wall}  {o.message}")
        if args.verbose and o.record and o.record.stdout:
            print("    " + clean(o.record.stdout).replace("\n", "\n    "))
    return _report(result, "text", settings.root)


def cmd_list(args, settings: Settings) -> int:
    project = _load(settings)
    if project is None:
        return 2
    for tid, spec in sorted(project.tasks.items(), key=lambda kv: (kv[1].task.group, kv[1].task.order, kv[0])):
        print(f"{spec.task.group:14} {tid:28} {spec.task.title}")
    print(f"{len(project.tasks)} tasks; runners: {', '.join(RUNNERS)}")
    return 0


def cmd_render(args, settings: Settings) -> int:
    """Write the site as a folder that builds on its own (OUT/mkdocs.yml, OUT/docs/); executes what is not cached."""
    from ..inputs.bench import read_results
    from ..inputs.sources import load_results
    from ..runs.machine import describe
    from ..site.export import export_site
    from ..site.render import SiteData, render_site
    project = _load(settings)
    if project is None:
        return 2
    result = run_build(settings, project)
    data = SiteData(machine=describe(), bench=read_results(settings.root),
                    sources=load_results(project), chart_cache=settings.cache_path)
    pages, assets = render_site(project, result, data, settings.templates_path)
    try:
        export_site(Path(args.out), settings.root, project, result, pages, assets, store=settings.cache_path)
    except ValueError as exc:
        print(f"render: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {args.out} (build it with `zensical build` or `mkdocs build` there); generator: {summary(result)}")
    return 0


def cmd_schema(args, settings: Settings | None) -> int:
    """Write the JSON Schema of every content file, of task.yml and of the plugin's options, for editors."""
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name, model in {**CONTENT_FILES, "task.yml": Task, "mkdocs-plugin.yml": Settings}.items():
        path = out / (name.removesuffix(".yml") + ".schema.json")
        path.write_text(json.dumps(model.model_json_schema(), indent=2) + "\n", "utf-8")
        print(path)
    return 0


def cmd_options(args, settings: Settings | None) -> int:
    """The plugin's options as a Markdown table (what the README shows)."""
    print("| option | default | what it does |\n|---|---|---|")
    for name in OPTIONS:
        info = Settings.model_fields[name]
        print(f"| `{name}` | `{info.default}` | {info.description} |")
    return 0


def cmd_merge(args, settings: Settings) -> int:
    """Each DIR is a run store or a folder of run stores (shard artifacts): into this run store. With --shards N, store
    K counts only for shard K's tasks. --attested DIR: frozen GPU records whose attestation the deploy job verified,
    into the run store's attested folder (the only way a record is published as attested)."""
    from ..runs.frozen import is_records_dir, merge_attested
    from ..runs.shard import merge_shards, store_dirs
    from ..runs.store import Store
    if not args.dir and not args.attested:
        print("merge: nothing to merge: give run stores (DIR...) or --attested DIR", file=sys.stderr)
        return 2
    status = 0
    if args.shards:
        project = _load(settings)
        if project is None:
            return 2
        done = merge_shards([Path(d) for d in args.dir], args.shards, project, settings, Store(settings.cache_path))
        if done.error:
            print(f"merge: {done.error}", file=sys.stderr)
            return 2
        for line in done.lines:
            print(line)
        print(f"merge --shards {args.shards}: merged {done.merged} record(s), refused {done.refused}")
        if done.refused:
            print(f"merge: refused {done.refused} record(s): a shard's store counts only for its own tasks",
                  file=sys.stderr)
            status = 1
    for d in ([] if args.shards else map(Path, args.dir)):
        stores = store_dirs(d)
        if is_records_dir(d):
            print(f"merge: {d}: frozen GPU records are taken only with `merge --attested DIR` (the deploy job's, "
                  "after `gh attestation verify`); contributed ones are committed under records/", file=sys.stderr)
            return 2
        if not stores:
            print(f"merge: {d}: neither a run store nor a folder of run stores", file=sys.stderr)
            return 2
        for store in stores:
            merged, skipped = Store(settings.cache_path).merge_from(store)
            print(f"merged {merged} record(s) from {store} into {settings.cache_path}; skipped {skipped} damaged")
    for d in map(Path, args.attested or []):
        if not is_records_dir(d):
            print(f"merge: --attested {d}: not a folder of frozen records (<task>/<runner>-gpu.json)", file=sys.stderr)
            return 2
        merged, refused, messages = merge_attested(d, settings)
        for line in messages:
            print(line)
        print(f"merged {merged} attested frozen record(s) from {d} into {settings.attested_path}; refused {refused}")
    return status


def cmd_record(args, settings: Settings) -> int:
    """Make the GPU runs on this machine and write them as frozen records (see README, Contributing GPU records)."""
    from ..app.record import record
    project = _load(settings)
    if project is None:
        return 2
    unknown = [t for t in args.tasks if t not in project.tasks]
    if unknown:
        print(f"unknown task(s): {', '.join(unknown)}", file=sys.stderr)
        return 2
    return record(settings, project, Path(args.out), tasks=args.tasks or None)


def cmd_build(args, settings: Settings) -> int:
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


def cmd_bench(args, settings: Settings) -> int:
    from ..tools.bench import main as bench_main
    return bench_main(args)


def cmd_watch(args, settings: Settings) -> int:
    """Re-run what changes in content/ and snippets/ on warm workers and print the results, until Ctrl-C."""
    from ..app.watch import watch_command
    return watch_command(settings)


def cmd_check_sources(args, settings: Settings) -> int:
    from ..app.check_sources import check_command
    return check_command(args, settings)


NEEDS_NO_SETTINGS = {cmd_schema, cmd_options, *NO_SETTINGS}


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m generator", description=__doc__)
    ap.add_argument("--root", default=".", help="project root (where mkdocs.yml, content/ and snippets/ are)")
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("check", help="the pull-request gate")
    p.add_argument("--format", choices=("text", "github"), default="text")
    p.add_argument("--shard", type=parse_shard, metavar="K/N",
                   help="make only shard K of N (whole tasks, round-robin over the sorted task ids)")
    p.add_argument("--export", metavar="DIR", help="after the build, write its records as a new run store DIR "
                                                   "(for `merge`); DIR must not exist")
    add_setting_flags(p)
    p.set_defaults(func=cmd_check)
    p = sub.add_parser("run", help="run one task")
    p.add_argument("task")
    p.add_argument("--framework", choices=[*RUNNERS, *(f for f in FRAMEWORKS if f not in RUNNERS)],
                   help="a runner or a framework script")
    p.add_argument("--device", choices=("cpu", "gpu"))
    p.add_argument("-v", "--verbose", action="store_true", help="print each run's output")
    add_setting_flags(p)
    p.set_defaults(func=cmd_run)
    p = sub.add_parser("list", help="list the tasks")
    p.set_defaults(func=cmd_list)
    p = sub.add_parser("new", help="scaffold a task: snippets/TASK/ with three scripts and a task.yml that pass as is")
    p.add_argument("task", help="the task id (lowercase letters, digits and '-')")
    p.add_argument("--group", help="an id from content/groups.yml (default: the first group)")
    p.add_argument("--title", help="the task's title (default: from the id)")
    p.add_argument("--order", type=int, help="position on the group's page (default: after the group's last task)")
    p.set_defaults(func=cmd_new)
    p = sub.add_parser("render", help="write the site as a folder another engine (Zensical, MkDocs) can build")
    p.add_argument("--out", required=True)
    add_setting_flags(p)
    p.set_defaults(func=cmd_render)
    p = sub.add_parser("schema", help="export the JSON Schemas of the content files, task.yml and the plugin options")
    p.add_argument("--out", default="schemas")
    p.set_defaults(func=cmd_schema)
    p = sub.add_parser("options", help="the plugin's options, as a Markdown table")
    p.set_defaults(func=cmd_options)
    p = sub.add_parser("merge", help="merge run stores (e.g. shards) into this one; attested GPU records into it")
    p.add_argument("dir", nargs="*", help="a run store, or a folder of run stores (shard artifacts runs-K)")
    p.add_argument("--shards", type=_shard_count, metavar="N",
                   help="the DIRs are shards 1..N (a store named runs-K is shard K, else its position): each counts "
                        "only for its own shard's tasks; other keys are refused")
    p.add_argument("--attested", action="append", metavar="DIR",
                   help="frozen GPU records whose attestation was verified (gpu.yml's artifact): published as "
                        "attested; records committed under records/ are contributed, never passed")
    add_setting_flags(p)
    p.set_defaults(func=cmd_merge)
    p = sub.add_parser("record", help="on a GPU machine: make the GPU runs and write them as frozen records")
    p.add_argument("tasks", nargs="*", help="only these tasks (default: all)")
    p.add_argument("--out", default="records", help="the records folder (default: records)")
    add_setting_flags(p)
    p.set_defaults(func=cmd_record)
    p = sub.add_parser("build", help="build the site (mkdocs build)")
    p.add_argument("--strict", action="store_true")
    p.set_defaults(func=cmd_build)
    p = sub.add_parser("bench", help="measure build performance; writes bench/results.json")
    p.add_argument("--quick", action="store_true", help="a small configuration (what the test suite runs)")
    p.add_argument("--out", default="bench/results.json")
    p.set_defaults(func=cmd_bench)
    p = sub.add_parser("watch", help="watch content/ and snippets/: re-run what changed on warm workers, print results")
    add_setting_flags(p)
    p.set_defaults(func=cmd_watch)
    p = sub.add_parser("check-sources", help="fetch every cited URL and check its quotes (needs a network)")
    p.add_argument("--timeout", dest="fetch_timeout", type=float, default=15.0, help="seconds per URL")
    p.add_argument("--url", action="append", help="check only this URL (repeatable)")
    p.set_defaults(func=cmd_check_sources)
    add_parsers(sub)
    return ap


def _shard_count(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of shards (got {text!r})") from None
    if not 1 <= n <= 256:
        raise argparse.ArgumentTypeError(f"expected 1 <= N <= 256 (got {text!r})")
    return n


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.func in NEEDS_NO_SETTINGS:
        return args.func(args, None)
    try:
        settings = settings_from(args)
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    try:
        return args.func(args, settings)
    except WorkerStartError as exc:  # a worker that cannot start, or a kernel that refuses isolation: one line
        print(f"generator: {exc}", file=sys.stderr)
        return 2
