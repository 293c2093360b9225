"""The pins: `requirements.txt` (the lock `make` installs) and the files that derive from it.

A lock line is `name==version`; comments and blank lines are kept as they are. A line of another shape is a located
problem (`requirements.txt:12: pins: ...`), never a traceback. Names compare canonically (PEP 503): `tensorflow_cpu`,
`tensorflow-cpu` and `TensorFlow.CPU` are one package.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import Problem

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([A-Za-z0-9.+!_-]+)$")
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class Pin:
    name: str       # as written
    version: str
    line: int


@dataclass(frozen=True)
class Lock:
    path: Path
    header: tuple[str, ...]      # the comment lines before the first pin, kept when the lock is rewritten
    pins: dict[str, Pin]         # canonical name -> pin

    def version(self, name: str) -> str | None:
        pin = self.pins.get(canonical(name))
        return pin.version if pin else None


def read_lock(path: Path, text: str | None = None) -> tuple[Lock, list[Problem]]:
    """Read a lock; every line that is not a comment, blank or `name==version` is a problem at its line."""
    text = path.read_text(encoding="utf-8") if text is None else text
    header: list[str] = []
    pins: dict[str, Pin] = {}
    problems: list[Problem] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            if not pins:
                header.append(raw)
            continue
        match = PIN.match(line.split("#", 1)[0].strip())
        if not match:
            problems.append(Problem(path.name, number, "pins", f"expected name==version, got {line[:80]!r}"))
            continue
        name, version = match.groups()
        key = canonical(name)
        if key in pins:
            problems.append(Problem(path.name, number, "pins",
                                    f"{name} is pinned twice (also at line {pins[key].line})"))
            continue
        pins[key] = Pin(name, version, number)
    return Lock(path, tuple(header), pins), problems


def requested_names(path: Path) -> list[str]:
    """The names `requirements.in` asks for (a bound or marker after the name is pip's to read)."""
    names = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line and (match := NAME.match(line)):
            names.append(match.group(0))
    return names


def lock_text(header: tuple[str, ...], versions: dict[str, str]) -> str:
    """A lock: the header as it was, then one `name==version` a line, sorted by canonical name."""
    body = [f"{name}=={versions[name]}" for name in sorted(versions, key=canonical)]
    return "\n".join([*header, *body]) + "\n"


def with_overrides(lock: Lock, overrides: Lock) -> dict[str, str]:
    """The lock with some pins replaced (the previous-release environment): name -> version."""
    versions = {pin.name: pin.version for pin in lock.pins.values()}
    for key, pin in overrides.pins.items():
        if key in lock.pins:
            versions.pop(lock.pins[key].name)
        versions[pin.name] = pin.version
    return versions
