"""The fact registry (content/facts.yml): facts that appear in more than one place, declared once.

A fact has an id, a subject, a short plain-text value, sources (each may carry the quote that supports it) and
an `as_of`. Prose anywhere in content/*.yml or snippets/*/task.yml refers to a fact as `[[fact:<id>]]`; the
loader replaces the reference with the fact's value before validation, so every consumer (pages, verification
records, the CLI) sees the same text and a correction is one edit in facts.yml.

Why expand at load rather than in a Jinja filter: the expanded text is what gets validated (a verdict's
140-character limit, raw-HTML checks), task.yml text such as skip reasons reaches records and the CLI without
going through a template, and the templates need no change.

The reference syntax `[[fact:id]]` is left alone by Markdown (no link definition matches it) and uses no braces.
Values are plain text: characters that Markdown or HTML would interpret are refused in facts.yml, and the
expansion escapes them anyway, so a value can never inject markup. A reference inside a code span would not
read as prose and is refused.

Two facts with one id, or two facts about one subject, are refused: a contradiction cannot be written.
"""
from __future__ import annotations

import difflib
import re
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import AfterValidator, Field, model_validator

from .asof import AsOf, parse_as_of, review_reasons
from .models import AsOfText, Id, Model, Source

REF = re.compile(r"\[\[fact:([a-z0-9][a-z0-9-]*)\]\]")
_ANY_REF = re.compile(r"\[\[\s*fact\b[^\]]*\]\]?")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1", re.S)
_UNSAFE = re.compile(r"[`*\[\]<>#|\\{}&]|(?<!\w)_|_(?!\w)")
DEFAULT_REVIEW_DAYS = 365


def _plain_text(value: str) -> str:
    bad = sorted(set(m.group() for m in _UNSAFE.finditer(value)))
    if bad:
        raise ValueError(f"a fact value is plain text; remove {' '.join(repr(b) for b in bad)}")
    if "\n" in value.strip():
        raise ValueError("a fact value is one line")
    return value.strip()


class Fact(Model):
    """One statement that several places repeat, with its evidence."""

    id: Id
    subject: str = Field(min_length=3, description="What the fact is about; two facts cannot share a subject.")
    value: Annotated[str, AfterValidator(_plain_text)] = Field(
        min_length=1, max_length=400, description="The statement, plain text, as it reads when a page refers to it.")
    sources: list[Source] = Field(min_length=1)
    as_of: AsOfText


class HistoricalApi(Model):
    """An API name the prose presents as removed or deprecated: the build checks it really is gone or deprecated."""

    name: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$",
                      description="The dotted name as the prose writes it, e.g. 'tf.compat.v1.Session'.")
    status: Literal["removed", "deprecated"]
    since: str = Field(min_length=2, description="The release that removed or deprecated it, e.g. 'TensorFlow 2.0'.")


class FactsFile(Model):
    review_after_days: int = Field(default=DEFAULT_REVIEW_DAYS, ge=1,
                                   description="A dated fact older than this many days is due for review.")
    facts: list[Fact] = Field(min_length=1)
    historical_apis: list[HistoricalApi] = Field(default_factory=list, description="API names the prose presents "
                                                 "as removed or deprecated; the build checks each.")

    @model_validator(mode="after")
    def _no_references_in_facts(self) -> "FactsFile":
        for f in self.facts:
            if _ANY_REF.search(f.value):
                raise ValueError(f"fact {f.id!r}: a fact's value cannot refer to another fact")
        return self


def subject_key(subject: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", subject.lower()).strip()


def registry_problems(ff: FactsFile) -> list[tuple[tuple, str]]:
    """Two facts with one id, or about one subject: (key path, message) pairs."""
    out: list[tuple[tuple, str]] = []
    ids: dict[str, int] = {}
    subjects: dict[str, int] = {}
    for i, f in enumerate(ff.facts):
        if f.id in ids:
            out.append((("facts", i, "id"), f"duplicate fact id {f.id!r} (first is facts[{ids[f.id]}])"))
        else:
            ids[f.id] = i
        key = subject_key(f.subject)
        if key in subjects:
            first = ff.facts[subjects[key]]
            if first.value == f.value:
                msg = f"fact {f.id!r} repeats fact {first.id!r} (same subject {f.subject!r}); declare it once"
            else:
                msg = (f"fact {f.id!r} contradicts fact {first.id!r}: same subject {f.subject!r} with a different "
                       f"value ({f.value!r} vs {first.value!r})")
            out.append((("facts", i, "subject"), msg))
        else:
            subjects[key] = i
    return out


# ---------------------------------------------------------------------------- staleness
def pins(root: Path, content_dir: str = "content") -> dict[str, str]:
    """The versions this build verifies, by package: requirements.txt, then frameworks.yml's pinned versions."""
    out: dict[str, str] = {}
    req = Path(root) / "requirements.txt"
    if req.is_file():
        for line in req.read_text("utf-8").splitlines():
            if "==" in line and not line.lstrip().startswith("#"):
                name, version = line.split("==", 1)
                name = name.strip().lower().replace("_", "-")
                out[{"tensorflow-cpu": "tensorflow"}.get(name, name)] = version.strip().split("+")[0]
    fw = Path(root) / content_dir / "frameworks.yml"
    try:
        data = yaml.safe_load(fw.read_text("utf-8")) if fw.is_file() else None
        for f in (data or {}).get("frameworks", []):
            package = {"tensorflow-cpu": "tensorflow"}.get(str(f.get("package")), str(f.get("package")))
            out.setdefault(package, str(f.get("version")))
    except (yaml.YAMLError, AttributeError, TypeError):
        pass  # frameworks.yml reports its own problems
    return out


def today() -> date:
    return date.today()


def due(as_of: str | AsOf, pinned: dict[str, str], max_age_days: int = DEFAULT_REVIEW_DAYS,
        on: date | None = None) -> list[str]:
    parsed = as_of if isinstance(as_of, AsOf) else parse_as_of(as_of)
    return review_reasons(parsed, pinned, on or today(), max_age_days)


# ---------------------------------------------------------------------------- references
def escape(value: str) -> str:
    """Markdown- and HTML-inert text. Values are validated plain already (an underscore only inside a word, which
    Markdown leaves alone), so on a valid value this changes nothing; it is the second line of defence."""
    return re.sub(r"([\\`*\[\]<>#|{}])", r"\\\1", value).replace("&", "&amp;")


def rendered_value(fact: Fact, stale: list[str]) -> str:
    text = escape(fact.value)
    return f"{text} (last checked for {escape(fact.as_of)})" if stale else text


def expand(data, values: dict[str, str], known: list[str], loc: tuple = ()) -> tuple[object, list[tuple[tuple, str]]]:
    """`data` with every `[[fact:id]]` in its strings replaced; (key path, message) for each bad reference."""
    problems: list[tuple[tuple, str]] = []
    if isinstance(data, dict):
        out = {}
        for k, v in data.items():
            out[k], errs = expand(v, values, known, loc + (k,))
            problems += errs
        return out, problems
    if isinstance(data, list):
        out_l = []
        for i, v in enumerate(data):
            item, errs = expand(v, values, known, loc + (i,))
            out_l.append(item)
            problems += errs
        return out_l, problems
    if not isinstance(data, str) or "[[" not in data:
        return data, problems
    spans = [m.span() for m in _CODE_SPAN.finditer(data)]
    for m in _ANY_REF.finditer(data):
        ref = REF.fullmatch(m.group())
        if not ref:
            problems.append((loc, f"malformed fact reference {m.group()!r}; write [[fact:<id>]]"))
        elif ref[1] not in values:
            guess = difflib.get_close_matches(ref[1], known, n=1)
            problems.append((loc, f"unknown fact {ref[1]!r}" + (f" (did you mean {guess[0]!r}?)" if guess else "")))
        elif any(a <= m.start() < b for a, b in spans):
            problems.append((loc, f"fact reference {m.group()!r} inside a code span is not expanded; move it out"))
    return REF.sub(lambda m: values.get(m[1], m.group()), data), problems


def references(data) -> set[str]:
    """Every fact id referred to in `data`."""
    if isinstance(data, dict):
        return set().union(*(references(v) for v in data.values())) if data else set()
    if isinstance(data, list):
        return set().union(*(references(v) for v in data)) if data else set()
    return set(REF.findall(data)) if isinstance(data, str) else set()


def review_lines(project, on: date | None = None) -> list[str]:
    """`check`'s list of what is due for review: facts and sourced statements whose as_of is stale."""
    ff = getattr(project, "facts", None)
    max_age = ff.review_after_days if ff else DEFAULT_REVIEW_DAYS
    pinned = pins(project.root)
    lines = []
    for f in (ff.facts if ff else []):
        reasons = due(f.as_of, pinned, max_age, on)
        if reasons:
            lines.append(f"content/facts.yml: fact {f.id}: due for review, last checked for {f.as_of} ({'; '.join(reasons)})")
    seen: dict[str, int] = {}
    for name, item in _sourced(project):
        reasons = due(item.as_of, pinned, max_age, on)
        if reasons:
            seen[f"content/{name}: as_of {item.as_of!r} ({'; '.join(reasons)})"] = seen.get(
                f"content/{name}: as_of {item.as_of!r} ({'; '.join(reasons)})", 0) + 1
    lines += [f"{k}: {n} statement(s) due for review" for k, n in sorted(seen.items())]
    return lines


def _sourced(project):
    for f in project.frameworks.frameworks:
        yield "frameworks.yml", f
    for c in project.criteria.criteria:
        for cell in c.cells.values():
            yield "criteria.yml", cell
    for c in project.claims.claims:
        yield "claims.yml", c
    for q in project.faq.questions:
        yield "faq.yml", q
    for pc in project.choosing.pros_cons.values():
        for x in pc.pros + pc.cons:
            yield "choosing.yml", x
    for u in project.choosing.use_cases:
        yield "choosing.yml", u
