"""What every command shares: settings from mkdocs.yml, then flags; loading the project with its problems reported."""
from __future__ import annotations

import argparse
import sys
import typing
from pathlib import Path
from ..app.report import failure_lines, gate_failed, problem_lines, summary
from ..core.errors import DataError
from ..core.settings import OPTIONS, Settings, SettingsError, make_settings
from ..inputs.load import load_project
from ..runs.result import BuildResult


def plugin_options(root: Path) -> dict:
    """The generator plugin's options in ROOT/mkdocs.yml, so the CLI judges runs exactly as the site build does."""
    from ..site.export import load_config
    path = root / "mkdocs.yml"
    if not path.is_file():
        return {}
    try:
        config = load_config(path)
    except Exception as exc:  # noqa: BLE001 - any YAML error is one line
        raise SettingsError([f"mkdocs.yml: cannot be read: {str(exc).splitlines()[0]}"]) from None
    for plugin in (config or {}).get("plugins") or []:
        if isinstance(plugin, dict) and "generator" in plugin:
            return plugin["generator"] or {}
    return {}


def settings_from(args) -> Settings:
    root = Path(args.root)
    settings = make_settings(plugin_options(root), root)
    flags = {name: getattr(args, name) for name in OPTIONS if getattr(args, name, None) is not None}
    return make_settings({**settings.model_dump(exclude_defaults=True), **flags}, root,
                         source="command line" if flags else "mkdocs.yml") if flags else settings


def add_setting_flags(p: argparse.ArgumentParser) -> None:
    """One flag per setting marked `cli` in Settings: its type, choices and help come from the declaration."""
    for name, info in Settings.model_fields.items():
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        if not extra.get("cli"):
            continue
        kind = info.annotation
        choices = typing.get_args(kind) if typing.get_origin(kind) is typing.Literal else None
        helptext = f"{info.description} (default from mkdocs.yml, else {info.default})"
        if kind is bool and extra.get("negate"):  # a switch that turns it off: --no-execute
            p.add_argument(f"--no-{name.replace('_', '-')}", dest=name, action="store_const", const=False,
                           help=f"turn `{name}` off. {info.description} (default from mkdocs.yml, else "
                                f"{'on' if info.default else 'off'})")
            continue
        if kind is bool:  # a switch: --strict turns it on; absent, mkdocs.yml decides
            p.add_argument(f"--{name.replace('_', '-')}", dest=name, action="store_const", const=True, help=helptext)
            continue
        conv = {int: int, float: float}.get(kind, str)
        p.add_argument(f"--{name.replace('_', '-')}", dest=name, type=conv, choices=choices, help=helptext)


def _load(settings: Settings, fmt: str = "text"):
    try:
        return load_project(settings.root, settings.content_dir, settings.snippets_dir)
    except DataError as exc:
        print("\n".join(problem_lines(exc.problems, fmt)))
        print(f"{len(exc.problems)} problem(s) in the data", file=sys.stderr)
        return None


def _report(result: BuildResult, fmt: str, root: Path) -> int:
    for line in failure_lines(result, root, fmt):
        print(line)
    print(f"generator: {summary(result)}")
    if result.api is not None and result.api.outcomes:
        print(f"generator: {result.api.summary()}")
    return 1 if gate_failed(result) else 0
