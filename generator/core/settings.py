"""Build settings, declared once. The MkDocs plugin's options (mkdocs.yml), their defaults and documentation, the CLI
flags and the JSON Schema all come from `Settings`; a mistake in any of them is one line naming the option and the rule.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic.json_schema import SkipJsonSchema


def cli(**extra: Any) -> dict:
    """Marks a setting that is also a command-line flag."""
    return {"cli": True, **extra}


class Settings(BaseModel):
    """Every option of a build. In mkdocs.yml they sit under `plugins: - generator:`, with these names."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    content_dir: str = Field(default="content", description="Folder of the content YAML files, relative to mkdocs.yml.")
    snippets_dir: str = Field(default="snippets", description="Folder of the task folders, relative to mkdocs.yml.")
    templates_dir: str | None = Field(default=None, description="Folder of template overrides, searched before the "
                                      "generator's own templates.")
    cache_dir: str = Field(default=".cache", json_schema_extra=cli(),
                           description="Run store, relative to mkdocs.yml or absolute (GENERATOR_CACHE overrides).")
    devices: Literal["auto", "cpu", "gpu"] = Field(default="auto", json_schema_extra=cli(),
                                                   description="auto: the CPU always, and the GPU where one is present.")
    timeout: float = Field(default=120.0, gt=0, le=3600, allow_inf_nan=False, json_schema_extra=cli(),
                           description="Default timeout of one run in seconds (a task.yml may set its own).")
    parallel: int = Field(default=0, ge=0, le=256, json_schema_extra=cli(),
                          description="Runs at once; 0 means the number of CPU cores.")
    memory_limit_mb: int = Field(default=6144, gt=0, description="A run whose processes together use more resident "
                                 "memory than this is stopped.")
    output_limit_kb: int = Field(default=4096, gt=0, description="A run that prints more than this is stopped.")
    records_dir: str = Field(default="records", description="Folder of frozen records: runs made on machines this "
                             "build lacks (a GPU), committed and published with where, when and with which versions "
                             "they were made. Relative to mkdocs.yml.")
    strict: bool = Field(default=False, json_schema_extra=cli(),
                         description="Stale, contributed (unattested) or refused frozen records fail `check` and the "
                                     "build (otherwise they are listed and shown as such, never as passed).")
    failure_policy: Literal["strict", "warn"] = Field(
        default="warn", description="strict: a failed run fails the build. warn: it is shown on its page and logged "
                                    "as a warning (so `mkdocs build --strict` still fails).")
    execute: bool = Field(default=True, json_schema_extra=cli(negate=True),
                          description="Run the snippets the run store lacks. Off (false, `--no-execute`, or the "
                                      "environment's GENERATOR_EXECUTE=0, which wins over both) executes nothing: "
                                      "stored records are published and the rest marked as not executed.")
    preload: bool = Field(default=True, description="Warm workers import their frameworks once, before the first run "
                          "(turn off only for framework-free test snippets).")
    progress: bool = Field(default=True, description="Show a live progress display on a terminal.")
    isolation: Literal["required", "best-effort"] = Field(
        default="required", json_schema_extra=cli(),
        description="required: every run in its own network namespace, under Landlock and without privileges; where "
                    "the kernel refuses one of them the build stops and says what. best-effort: run anyway, with what "
                    "is not isolated named once (for a local machine with an older kernel; refused when CI is set).")
    edit_url: str | None = Field(default=None, pattern=r"^https?://[^\s<>\"'`{}]+$",
                                 description="Base of 'edit this page' links, e.g. "
                                 "https://github.com/OWNER/REPO/edit/main/; no edit links when unset. (Set this instead "
                                 "of `repo_url`: with `repo_url` Material calls a third-party API on every page load.)")

    # not options: where the project is (the folder of mkdocs.yml, or --root)
    root: SkipJsonSchema[Path] = Field(default=Path("."), exclude=True, description="Project root (not an option: the folder of mkdocs.yml).")

    @field_validator("content_dir", "snippets_dir", "templates_dir", "records_dir")
    @classmethod
    def _relative(cls, value: str | None) -> str | None:
        if value is not None and (os.path.isabs(value) or ".." in Path(value).parts):
            raise ValueError("must be a folder inside the project (relative, without '..')")
        return value

    @property
    def workers(self) -> int:
        return self.parallel or os.cpu_count() or 1

    @property
    def isolation_mode(self) -> str:
        """The isolation a build applies: always `required` in CI (the CI variable set, as GitHub Actions does)."""
        return "required" if os.environ.get("CI", "").lower() not in ("", "0", "false") else self.isolation

    @property
    def cache_path(self) -> Path:
        env = os.environ.get("GENERATOR_CACHE")
        path = Path(env) if env else Path(self.cache_dir)
        return path if path.is_absolute() else (self.root / path)

    @property
    def records_path(self) -> Path:
        """Frozen records committed to the repository: *contributed*, never published as passed."""
        return self.root / self.records_dir

    @property
    def attested_path(self) -> Path:
        """Frozen records that came through `merge --attested` (the deploy job, after `gh attestation verify`): in
        the run store, outside the repository, so that no pull request can add one."""
        return self.cache_path / "attested"

    @property
    def templates_path(self) -> Path | None:
        return self.root / self.templates_dir if self.templates_dir else None


OPTIONS = tuple(name for name in Settings.model_fields if name != "root")
EXECUTE_ENV = "GENERATOR_EXECUTE"  # "0": execute nothing (the job that builds the Pages artifact sets it)


class SettingsError(ValueError):
    """Invalid settings; str() is one line per problem: `mkdocs.yml: plugins.generator.OPTION: rule`."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        super().__init__("\n".join(lines))


def make_settings(options: dict, root: Path, source: str = "mkdocs.yml") -> Settings:
    """Validate options as given in mkdocs.yml (or on the command line); raise SettingsError, never a traceback."""
    prefix = f"{source}: plugins.generator." if source == "mkdocs.yml" else f"{source}: "
    if not isinstance(options, dict):
        raise SettingsError([f"{source}: plugins.generator: must be a mapping of options"])
    lines = []
    try:
        settings = Settings(root=root, **{k: v for k, v in options.items()})
    except ValidationError as exc:
        for err in exc.errors():
            key = ".".join(str(p) for p in err["loc"]) or "?"
            if err["type"] == "extra_forbidden":
                import difflib
                guess = difflib.get_close_matches(key, OPTIONS, n=1)
                lines.append(f"{prefix}{key}: unknown option" + (f" (did you mean {guess[0]!r}?)" if guess else
                                                                f"; options: {', '.join(OPTIONS)}"))
            else:
                lines.append(f"{prefix}{key}: {err['msg'].removeprefix('Value error, ')} (got {err.get('input')!r:.60})")
        raise SettingsError(lines) from None
    if settings.templates_dir and not (root / settings.templates_dir).is_dir():
        raise SettingsError([f"{prefix}templates_dir: folder {settings.templates_dir!r} does not exist"])
    env = os.environ.get(EXECUTE_ENV, "")
    if env not in ("", "0", "1"):
        raise SettingsError([f"environment: {EXECUTE_ENV}: must be 0 (execute nothing) or 1 (got {env!r:.60})"])
    if env == "0":  # can only turn execution off: a build told not to execute never does
        settings.execute = False
    return settings
