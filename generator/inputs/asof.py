"""`as_of`: the version(s) or date a statement holds for, parsed so that staleness can be computed.

Kept apart from facts.py so that models.py can validate every `as_of` without importing the fact registry
(facts.py builds on models.py).

Grammar, by example:
    "Keras 3.15.1"                                    a named version
    "2026-11" or "2026-11-20"                         a date (month or day)
    "PyTorch 2.13.0, TensorFlow 2.21.0, Keras 3.15.1" several, comma-separated
    "PyTorch 2.13.0 (2026-11)"                        versions checked on a date
    "Transformers v5 (2026-11)"                       a package without a pin, dated
Anything else (a bare "2.21", "recent", "Nov 2026") is refused.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

_DATE = r"\d{4}-\d{2}(?:-\d{2})?"
_NAME = r"[A-Za-z][\w.+-]*(?: [A-Za-z][\w.+-]*)*"
_VERSION = r"(?:v\d+(?:\.\d+)*|\d+(?:\.\d+)+)"  # "v5" or "2.13.0": a bare "2026" is not a version
_ITEM = re.compile(rf"^(?:(?P<date>{_DATE})|(?P<name>{_NAME}) (?P<version>{_VERSION}))$")
_TRAILING_DATE = re.compile(rf"^(?P<body>.+?) \((?P<date>{_DATE})\)$")

# names used in as_of -> the package whose pin they follow (requirements.txt / frameworks.yml)
ALIASES = {"pytorch": "torch", "torch": "torch", "tensorflow": "tensorflow", "tensorflow-cpu": "tensorflow",
           "keras": "keras", "jax": "jax"}

FORMAT_HELP = ("give a version ('Keras 3.15.1'), a date ('2026-11' or '2026-11-20'), several comma-separated, "
               "optionally followed by a date in parentheses ('PyTorch 2.13.0 (2026-11)')")


@dataclass(frozen=True)
class AsOf:
    text: str
    versions: tuple[tuple[str, str], ...]   # (name as written, version without a leading "v")
    dates: tuple[date, ...]                 # a month stands for its last day


def _parse_date(text: str) -> date:
    parts = [int(p) for p in text.split("-")]
    year, month = parts[0], parts[1]
    if not 1 <= month <= 12:
        raise ValueError(f"{text!r} is not a valid date")
    day = parts[2] if len(parts) == 3 else calendar.monthrange(year, month)[1]
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"{text!r} is not a valid date") from None


def parse_as_of(text: str) -> AsOf:
    """Parse an `as_of`; raise ValueError with a one-line reason."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"as_of is empty; {FORMAT_HELP}")
    body, dates = text.strip(), []
    trailing = _TRAILING_DATE.match(body)
    if trailing:
        body = trailing["body"]
        dates.append(_parse_date(trailing["date"]))
    versions = []
    for item in body.split(", "):
        m = _ITEM.match(item)
        if not m:
            raise ValueError(f"cannot read as_of {text!r}: {item!r} is neither a named version nor a date; {FORMAT_HELP}")
        if m["date"]:
            dates.append(_parse_date(m["date"]))
        else:
            versions.append((m["name"], m["version"].lstrip("v")))
    return AsOf(text, tuple(versions), tuple(dates))


def validate_as_of(text: str) -> str:
    """Pydantic validator: keep the text, refuse what does not parse."""
    parse_as_of(text)
    return text


def _vtuple(version: str) -> tuple[int, ...]:
    nums = [int(x) for x in re.findall(r"\d+", version.split("+")[0])]
    return tuple(nums + [0] * (4 - len(nums)))


def review_reasons(as_of: AsOf, pins: dict[str, str], today: date, max_age_days: int) -> list[str]:
    """Why a statement is due for review: a pin moved past its version, or its date is too old. Empty: current."""
    reasons = []
    for name, version in as_of.versions:
        package = ALIASES.get(name.lower())
        pin = pins.get(package) if package else None
        if pin and _vtuple(pin) > _vtuple(version):
            reasons.append(f"the pin moved to {name} {pin}")
    if as_of.dates:
        newest = max(as_of.dates)
        if (today - newest).days > max_age_days:
            reasons.append(f"checked {(today - newest).days} days ago (limit {max_age_days})")
    return reasons
