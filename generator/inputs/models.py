"""Typed models of everything the generator reads: content files and task settings.

Every model forbids unknown keys, so a typo is an error with a "did you mean"
suggestion instead of a silently ignored setting.
"""
from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from ..core.runners import FRAMEWORKS, RUN_KEYS
from .asof import FORMAT_HELP, validate_as_of

ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,63}$"
MAX_TIMEOUT_S = 3600.0  # a task may ask for at most an hour

Id = Annotated[str, Field(pattern=ID_PATTERN)]
FrameworkId = Literal[FRAMEWORKS]  # type: ignore[valid-type]
Verdict = Literal["true", "outdated", "false", "misleading"]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _http_url(value: str) -> str:
    if not re.match(r"^https?://[A-Za-z0-9.-]+(:\d+)?(/[^\s<>\"'`{}()\[\]|\\^]*)?$", value) or len(value) > 2000:
        raise ValueError("must be an http:// or https:// URL without spaces, quotes, brackets, parentheses or braces "
                         "(percent-encode them: ( as %28, ) as %29)")
    return value


HttpUrl = Annotated[str, AfterValidator(_http_url)]
AsOfText = Annotated[str, AfterValidator(validate_as_of), Field(min_length=2, description=f"Version(s) or date the statement holds for: {FORMAT_HELP}.")]


class Source(Model):
    """A primary source backing a claim: official docs, release notes, a repository."""

    url: HttpUrl
    title: str = Field(min_length=3)
    quote: str | None = Field(default=None, min_length=8, max_length=400,
                              description="Words on the page that support the statement; `check-sources` looks for them.")


class Sourced(Model):
    """Anything stated as fact: it carries sources and the version or date it holds for."""

    sources: list[Source] = Field(min_length=1)
    as_of: AsOfText


# --------------------------------------------------------------------------- frameworks.yml
class Framework(Sourced):
    id: FrameworkId
    name: str
    maintainer: str
    governance: str
    first_release: str = Field(description="Year-month of the first public release, e.g. '2016-09'.")
    licence: str
    languages: list[str] = Field(min_length=1)
    version: str = Field(description="The pinned version this site verifies.")
    package: str = Field(description="The PyPI distribution whose version is verified.")
    home: HttpUrl
    docs: HttpUrl
    summary: str


class FrameworksFile(Model):
    frameworks: list[Framework]

    @model_validator(mode="after")
    def _all_three(self) -> "FrameworksFile":
        ids = [f.id for f in self.frameworks]
        missing = [f for f in FRAMEWORKS if f not in ids]
        if missing:
            raise ValueError(f"missing framework(s): {', '.join(missing)}")
        return self


# --------------------------------------------------------------------------- criteria.yml
class Cell(Sourced):
    verdict: str = Field(min_length=2, max_length=140, description="One short line shown in the comparison table.")
    detail: str = Field(min_length=10, description="A longer explanation (Markdown).")
    tasks: list[Id] = Field(default_factory=list, description="Tasks whose runs execute what this cell asserts; a cell "
                            "without one is shown as cited, not executed here.")


class Criterion(Model):
    id: Id
    title: str
    group: str = Field(description="Section of the comparison page, e.g. 'Design' or 'Ecosystem'.")
    question: str = Field(description="What this criterion asks, in one sentence.")
    cells: dict[FrameworkId, Cell]
    tasks: list[Id] = Field(default_factory=list, description="Tasks that demonstrate this criterion (also derived from task.yml).")

    @model_validator(mode="after")
    def _every_framework(self) -> "Criterion":
        missing = [f for f in FRAMEWORKS if f not in self.cells]
        if missing:
            raise ValueError(f"cells: missing framework(s): {', '.join(missing)}")
        return self


class CriteriaFile(Model):
    criteria: list[Criterion] = Field(min_length=1)


# --------------------------------------------------------------------------- claims.yml
class Claim(Sourced):
    id: Id
    claim: str = Field(description="The claim as such articles commonly make it (paraphrased, never copied).")
    verdict: Verdict
    statement: str = Field(description="What is true as of the pinned versions (Markdown).")
    criteria: list[Id] = Field(default_factory=list)
    tasks: list[Id] = Field(default_factory=list)


class ClaimsFile(Model):
    claims: list[Claim] = Field(min_length=1)


# --------------------------------------------------------------------------- faq.yml
class Question(Sourced):
    id: Id
    question: str
    answer: str = Field(description="Markdown answer.")
    criteria: list[Id] = Field(default_factory=list)
    tasks: list[Id] = Field(default_factory=list)


class FaqFile(Model):
    questions: list[Question] = Field(min_length=1)


# --------------------------------------------------------------------------- choosing.yml
class Point(Sourced):
    text: str


class ProsCons(Model):
    pros: list[Point] = Field(min_length=1)
    cons: list[Point] = Field(min_length=1)


class UseCase(Sourced):
    use_case: str
    recommend: list[FrameworkId] = Field(min_length=1)
    reason: str


class Option(Model):
    answer: str
    next: Id | None = Field(default=None, description="Id of the next question, or leave out and give 'recommend'.")
    recommend: list[FrameworkId] = Field(default_factory=list)
    reason: str = ""
    sources: list[Source] = Field(default_factory=list)

    @model_validator(mode="after")
    def _next_or_recommend(self) -> "Option":
        if bool(self.next) == bool(self.recommend):
            raise ValueError("give exactly one of 'next' or 'recommend'")
        if self.recommend and not (self.reason and self.sources):
            raise ValueError("a recommendation needs a 'reason' and at least one source")
        return self


class DecisionNode(Model):
    id: Id
    question: str
    options: list[Option] = Field(min_length=2)


class ChoosingFile(Model):
    pros_cons: dict[FrameworkId, ProsCons]
    use_cases: list[UseCase] = Field(min_length=1)
    decision: list[DecisionNode] = Field(min_length=1, description="The first node is where the guide starts.")


# --------------------------------------------------------------------------- tasks.yml (groups)
class Group(Model):
    id: Id
    title: str
    intro: str


class GroupsFile(Model):
    groups: list[Group] = Field(min_length=1)


# --------------------------------------------------------------------------- snippets/<task>/task.yml
class Tolerance(Model):
    rtol: float = Field(default=1e-5, ge=0)
    atol: float = Field(default=1e-6, ge=0)


class GpuTolerance(Tolerance):
    """The tolerance of GPU runs, when it must differ from the CPU's (TF32 matmuls, non-deterministic kernels)."""

    reason: str = Field(min_length=10, max_length=300, description="Why GPU results differ more, e.g. 'TensorFlow and "
                        "JAX use TF32 for float32 matmuls on Ampere and later GPUs'.")


class Compare(Model):
    """How RESULT values compare across frameworks: a tolerance, or not comparable with a reason."""

    tolerance: Tolerance | None = None
    gpu_tolerance: GpuTolerance | None = Field(
        default=None, description="Tolerance of the GPU runs (among themselves and against the same script's CPU "
                                  "result), with its reason; without it GPU runs use `tolerance`.")
    not_comparable: str | None = Field(default=None, min_length=10)

    @model_validator(mode="after")
    def _one(self) -> "Compare":
        if (self.tolerance is None) == (self.not_comparable is None):
            raise ValueError("give exactly one of 'tolerance' or 'not_comparable'")
        if self.gpu_tolerance is not None and self.tolerance is None:
            raise ValueError("'gpu_tolerance' needs a 'tolerance' (a task that is not comparable has neither)")
        return self

    def tolerance_for(self, device: str) -> tuple[float, float, str] | None:
        """(rtol, atol, why this one) for the runs on `device`; None when results are not compared."""
        if self.tolerance is None:
            return None
        if device == "gpu" and self.gpu_tolerance is not None:
            g = self.gpu_tolerance
            return g.rtol, g.atol, f"the task's GPU tolerance: {g.reason}"
        if device == "gpu":
            return self.tolerance.rtol, self.tolerance.atol, "the task's tolerance (it declares no GPU tolerance)"
        return self.tolerance.rtol, self.tolerance.atol, "the task's tolerance"


class ExpectedFailure(Model):
    error: str = Field(description="Exception class name the snippet must raise, e.g. 'RuntimeError'.")
    match: Annotated[str, AfterValidator(_regex)] = Field(
        default="", max_length=500, description="Regular expression the error message must match.")


RunKey = Literal[RUN_KEYS]  # type: ignore[valid-type]


def _regex(value: str) -> str:
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"not a valid regular expression: {exc}") from None
    return value


class Task(Model):
    title: str
    summary: str
    group: Id
    order: int = 100
    criteria: list[Id] = Field(default_factory=list)
    claims: list[Id] = Field(default_factory=list)
    devices: list[Literal["cpu", "gpu"]] = Field(default_factory=lambda: ["cpu", "gpu"], min_length=1)
    timeout: float | None = Field(default=None, gt=0, le=MAX_TIMEOUT_S, strict=True, allow_inf_nan=False,
                                  description="Seconds (at most 3600); default from mkdocs.yml.")
    explanation: str = Field(min_length=20, description="What differs between the three versions and why it matters (Markdown).")
    compare: Compare
    expected_output: dict[RunKey | Literal["all"], list[str]] = Field(
        default_factory=dict, description="Substrings the captured stdout must contain, per framework or 'all'.")
    expected_failure: dict[RunKey, ExpectedFailure] = Field(default_factory=dict)
    skip: dict[RunKey, str] = Field(default_factory=dict, description="Runs not made, each with its reason.")
    benchmark: bool = Field(default=False, description="METRICS of this task are published on the performance page.")
