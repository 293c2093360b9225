"""A build's result: the plan, every verified run, and the counts the reporter and the pages read."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..core.record import Checked, SkipKind, Status
from ..inputs.apinames import ApiReport
from ..inputs.load import Project
from .plan import Plan
from .versionrange import VersionRange
from .workers import Stats


@dataclass
class BuildResult:
    project: Project
    plan: Plan
    outcomes: list[Checked]
    stats: Stats
    executed: int
    seconds: float
    warnings: list[str] = field(default_factory=list)
    api: ApiReport | None = None  # the prose's API names, resolved (a whole build only)
    range: VersionRange | None = None  # records/range.json: the runs on the previous releases (a whole build only)

    def count(self, *statuses: Status) -> int:
        return sum(o.status in statuses for o in self.outcomes)

    @property
    def failures(self) -> list[Checked]:
        return [o for o in self.outcomes if not o.ok]

    @property
    def unverified_tasks(self) -> list[str]:
        """Tasks of which no run was made or found at all (e.g. GPU-only tasks on a machine without a GPU): the gate
        must not pass them silently."""
        made: dict[str, bool] = {}
        for o in self.outcomes:
            made[o.run.task] = (made.get(o.run.task, False) or o.record is not None or o.run.declared_skip
                                or o.skip is SkipKind.RUNNING)
        return sorted(t for t, ok in made.items() if not ok)
