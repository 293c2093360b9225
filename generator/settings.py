"""Build settings: one typed model shared by the MkDocs plugin (mkdocs.yml) and the CLI."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Settings(BaseModel):
    """Every option of a build. The plugin's options in mkdocs.yml have the same names."""

    model_config = ConfigDict(extra="forbid")

    root: Path = Field(default=Path("."), description="Project root; content/ and snippets/ are relative to it.")
    content_dir: str = Field(default="content", description="Folder of the content YAML files.")
    snippets_dir: str = Field(default="snippets", description="Folder of the task folders.")
    cache_dir: str = Field(default=".cache", description="Run store; relative to the root, or absolute (GENERATOR_CACHE overrides).")
    devices: Literal["auto", "cpu", "gpu"] = Field(default="auto", description="auto: CPU always, and the GPU where one is present.")
    timeout: float = Field(default=120.0, gt=0, description="Default per-run timeout in seconds (task.yml may override).")
    parallel: int = Field(default=0, ge=0, description="Runs at once; 0 means the number of CPU cores.")
    memory_limit_mb: int = Field(default=6144, gt=0, description="A run whose processes together exceed this resident memory is stopped.")
    output_limit_kb: int = Field(default=4096, gt=0, description="A run printing more than this (stdout + stderr) is stopped.")
    failure_policy: Literal["strict", "warn"] = Field(
        default="warn", description="strict: any failed run fails the build; warn: failures are shown on the page and logged.")
    execute: bool = Field(default=True, description="False publishes cached records only and marks the rest as not run.")
    preload: bool = Field(default=True, description="Warm workers import their frameworks before the first run (turn off only for framework-free test snippets).")
    progress: bool = Field(default=True, description="Show a live progress display on a terminal.")

    @property
    def workers(self) -> int:
        return self.parallel or os.cpu_count() or 1

    @property
    def cache_path(self) -> Path:
        env = os.environ.get("GENERATOR_CACHE")
        path = Path(env) if env else Path(self.cache_dir)
        return path if path.is_absolute() else (self.root / path)
