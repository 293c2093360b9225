"""The version range: every task run again on the previous minor release of each framework, in a second environment
(`make range`, requirements-range.txt), and published beside the runs on the pins.

`records/range.json` holds one entry per run: the task, the runner, the sha256 of the script it ran, the status that
environment's build gave it, the first line of its error, and the versions it ran on. The build that publishes the
site does not run the range itself (`make site` stays one environment); it reads the file, and an entry whose script
has changed since is **stale**: said so, never shown as verified. A file of another shape is refused with one
warning and the pages say that no range was recorded.

Who made the file is said with it: locally it is `make range` on a date; on the published site the deploy workflow
makes it in its own shard jobs (`range --shard K/N`, merged with `range --merge`), so no committed file reaches Pages.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, ValidationError

from ..core.files import UnsafeFile, read_bytes
from ..core.record import StrictModel, capped
from ..inputs.load import Project

RANGE_FILE = "range.json"
FORMAT = 1
# the package whose version a script is verified on (the others of its environment are listed in the file)
KEY_PACKAGE = {"pytorch": "torch", "tensorflow": "tensorflow-cpu", "keras": "keras"}

Short, Name = capped(300), capped(80)


class RangeRun(StrictModel):
    task: Name
    runner: Name
    script_sha256: Annotated[str, AfterValidator(lambda t: t if len(t) == 64 and t.isalnum() else _bad_sha(t))]
    status: Name
    message: Short = ""
    versions: dict[Name, Name]


def _bad_sha(text: str) -> str:
    raise ValueError(f"not a sha256: {text[:70]!r}")


class RangeFile(StrictModel):
    format: Literal[1]
    made: date
    made_by: Short          # "make range" or the workflow run that made it
    python: Name
    machine: Short
    runs: list[RangeRun]


@dataclass(frozen=True)
class RangeEntry:
    run: RangeRun
    stale: bool             # the script changed since this run: never shown as verified

    @property
    def passed(self) -> bool:
        return self.run.status == "passed" and not self.stale


@dataclass
class VersionRange:
    file: RangeFile | None
    entries: dict[tuple[str, str], RangeEntry]
    warning: str | None = None

    def for_task(self, task: str) -> list[RangeEntry]:
        return [e for (t, _), e in sorted(self.entries.items()) if t == task]

    def to_json(self) -> dict:
        if self.file is None:
            return {"recorded": False, "warning": self.warning}
        return {"recorded": True, "made": self.file.made.isoformat(), "made_by": self.file.made_by,
                "python": self.file.python, "machine": self.file.machine,
                "runs": [dict(e.run.model_dump(), stale=e.stale) for _, e in sorted(self.entries.items())]}


def script_sha(project: Project, task: str, framework: str) -> str | None:
    spec = project.tasks.get(task)
    return spec.sha256(framework) if spec is not None and framework in spec.code else None


def read_range(records: Path, project: Project) -> VersionRange:
    """The range recorded under records/, matched against today's scripts; absent or refused: no entries."""
    path = records / RANGE_FILE
    if not path.is_file():
        return VersionRange(None, {})
    try:
        data = RangeFile.model_validate_json(read_bytes(path, records.parent, 50_000_000))
    except (UnsafeFile, OSError) as exc:
        return VersionRange(None, {}, f"{path.name}: cannot be read: {str(exc)[:200]}")
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        return VersionRange(None, {}, f"{path.name}: {where}: {first.get('msg', 'invalid')[:200]} (refused: no "
                                      "version range is shown)")
    entries = {}
    for run in data.runs:
        framework = run.runner.split("/")[0]
        sha = script_sha(project, run.task, framework)
        if sha is None:
            continue  # a task or script that no longer exists
        entries[(run.task, run.runner)] = RangeEntry(run, stale=sha != run.script_sha256)
    return VersionRange(data, entries)


def merge_files(files: list[RangeFile]) -> RangeFile:
    """One file from shards: every run once (a run in two shards is refused)."""
    seen: dict[tuple[str, str], RangeRun] = {}
    for f in files:
        for run in f.runs:
            key = (run.task, run.runner)
            if key in seen:
                raise ValueError(f"{run.task} {run.runner}: in two shards")
            seen[key] = run
    first = files[0]
    return RangeFile(format=FORMAT, made=max(f.made for f in files), made_by=first.made_by, python=first.python,
                     machine=first.machine, runs=[seen[k] for k in sorted(seen)])
