"""`python -m generator outdated`: what the package index serves now against the pins, and the new pins written only
when they install together.

The pins are made, not typed: `requirements.in` names what the project asks for, pip's resolver (the project's own
Python, `--dry-run --report`) picks the newest releases the index serves that install together, and that set becomes
`requirements.txt`. The version range's environment is the same request with the previous minor release of each
framework held (`requirements-range.in`, written here too) and becomes `requirements-range.txt`.

A failed resolution (a pin the index does not serve, two requests that conflict, no network) is one line naming what
pip refused, and nothing is written: a failed upgrade never replaces the current pins.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..inputs.pins import Lock, canonical, lock_text, read_lock

REQUEST = "requirements.in"
LOCK = "requirements.txt"
RANGE_REQUEST = "requirements-range.in"
RANGE_LOCK = "requirements-range.txt"
RANGE_HEADER = ("# The previous minor release of each framework, held while everything else resolves as in "
                "requirements.in:", "# the version range's environment (`make range`). Written by "
                "`python -m generator outdated --write`.")
LOCK_NOTE = ("# The lock `make` installs, written by `python -m generator outdated --write` from requirements.in "
             "(edit that file, not this one).")
FRAMEWORK_PACKAGES = ("torch", "tensorflow-cpu", "keras", "jax", "jaxlib")  # the range holds these one minor back
MESSAGE_CAP = 300


class PinError(Exception):
    """The index, pip or the files refused: one line, said as it is."""


@dataclass(frozen=True)
class Index:
    """Where to look: the machine's pip configuration (None), a folder of wheels, or an index URL."""
    location: str | None = None

    def pip_args(self) -> list[str]:
        if self.location is None:
            return []
        if "://" in self.location:
            return ["--index-url", self.location]
        return ["--no-index", "--find-links", str(Path(self.location).resolve())]

    def env(self) -> dict[str, str]:
        env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1", PYTHONWARNINGS="ignore")
        if self.location is not None:  # nothing of this machine's pip configuration leaks into a given index
            env["PIP_CONFIG_FILE"] = os.devnull
            env.pop("PIP_CONSTRAINT", None)
        return env


def _pip(python: str, args: list[str], index: Index, timeout: float = 900) -> subprocess.CompletedProcess:
    try:
        return subprocess.run([python, "-m", "pip", *args, *index.pip_args()], capture_output=True, text=True,
                              env=index.env(), timeout=timeout, check=False)
    except FileNotFoundError:
        raise PinError(f"{python}: not found (the project's Python; README, first lines)") from None
    except subprocess.TimeoutExpired:
        raise PinError(f"pip {args[0]}: no answer in {timeout:.0f} s (is the index reachable?)") from None


def _refusal(proc: subprocess.CompletedProcess) -> str:
    """pip's own reason, one line: its ERROR lines, joined, capped."""
    lines = [re.sub(r"\s+", " ", l).strip() for l in (proc.stderr + proc.stdout).splitlines()]
    errors = [l.removeprefix("ERROR: ") for l in lines if l.startswith("ERROR:")]
    text = "; ".join(errors) or next((l for l in reversed(lines) if l), f"pip exited with {proc.returncode}")
    return text[:MESSAGE_CAP]


def resolve(root: Path, python: str, index: Index, constraints: Path | None = None) -> dict[str, str]:
    """The newest releases that install together: name -> version, from pip's resolver. PinError if pip refuses."""
    with tempfile.TemporaryDirectory(prefix="outdated-") as tmp:
        report = Path(tmp) / "report.json"
        args = ["install", "--dry-run", "--ignore-installed", "--quiet", "--report", str(report),
                "-r", str(root / REQUEST)]
        if constraints is not None:
            args += ["-c", str(constraints)]
        proc = _pip(python, args, index)
        if proc.returncode != 0 or not report.exists():
            raise PinError(f"{REQUEST}: pip cannot install this set: {_refusal(proc)}")
        data = json.loads(report.read_text(encoding="utf-8"))
    return {item["metadata"]["name"]: item["metadata"]["version"] for item in data.get("install", [])}


def versions_on_index(python: str, name: str, index: Index) -> list[str]:
    """Every release of `name` the index serves for this Python, newest first (pip index versions)."""
    proc = _pip(python, ["index", "versions", name], index, timeout=120)
    match = re.search(r"Available versions: (.*)", proc.stdout)
    if proc.returncode != 0 or not match:
        raise PinError(f"{name}: the index serves no release of it for this Python: {_refusal(proc)}")
    return [v.strip() for v in match.group(1).split(",") if v.strip()]


def previous_minor(version: str, available: list[str]) -> str | None:
    """The newest release of the minor before `version`'s (2.15.0 -> the newest 2.14.x); None if there is none."""
    def parts(v: str) -> tuple[int, ...] | None:
        m = re.match(r"^(\d+)\.(\d+)(?:\.(\d+))?(?:\.(\d+))?$", v.split("+")[0])
        return tuple(int(x or 0) for x in m.groups()) if m else None  # a pre-release never matches
    mine = parts(version)
    if mine is None:
        return None
    older = [(p, v) for v in available if (p := parts(v)) and p[:2] < mine[:2]]
    if not older:
        return None
    newest_minor = max(p[:2] for p, _ in older)
    return max((p, v) for p, v in older if p[:2] == newest_minor)[1]


@dataclass
class Plan:
    current: Lock
    new: dict[str, str]
    range_holds: dict[str, str]
    range_lock: dict[str, str] | None
    notes: list[str]

    def changes(self) -> list[tuple[str, str | None, str | None]]:
        old = {k: p.version for k, p in self.current.pins.items()}
        new = {canonical(n): v for n, v in self.new.items()}
        names = {canonical(n): n for n in self.new} | {k: p.name for k, p in self.current.pins.items()}
        return [(names[k], old.get(k), new.get(k)) for k in sorted(set(old) | set(new)) if old.get(k) != new.get(k)]


def plan(root: Path, python: str, index: Index, with_range: bool = True) -> Plan:
    current, problems = read_lock(root / LOCK)
    if problems:
        raise PinError(str(problems[0]))
    new = resolve(root, python, index)
    notes: list[str] = []
    holds: dict[str, str] = {}
    range_lock = None
    if with_range:
        for name in FRAMEWORK_PACKAGES:
            version = next((v for n, v in new.items() if canonical(n) == name), None)
            if version is None:
                continue
            prev = previous_minor(version, versions_on_index(python, name, index))
            if prev is None:
                notes.append(f"{name} {version}: the index serves no earlier minor release; the range has one version")
            else:
                holds[name] = prev
        if holds:
            with tempfile.TemporaryDirectory(prefix="range-") as tmp:
                cons = Path(tmp) / "range.txt"
                cons.write_text("".join(f"{n}=={v}\n" for n, v in holds.items()), encoding="utf-8")
                try:
                    range_lock = resolve(root, python, index, constraints=cons)
                except PinError as exc:
                    notes.append(f"range: the previous releases do not install together: {exc}")
    return Plan(current, new, holds, range_lock, notes)


def write(root: Path, p: Plan) -> list[Path]:
    """Write the lock, the range's holds and its lock; every file is complete before any is replaced."""
    files = {root / LOCK: lock_text((LOCK_NOTE,), p.new)}
    if p.range_lock is not None:
        files[root / RANGE_REQUEST] = lock_text(RANGE_HEADER, p.range_holds)
        files[root / RANGE_LOCK] = lock_text((LOCK_NOTE.replace("requirements.in", "requirements.in and "
                                                                + RANGE_REQUEST),), p.range_lock)
    for path, text in files.items():
        tmp = path.with_name(path.name + ".new")
        tmp.write_text(text, encoding="utf-8")
    for path in files:
        os.replace(path.with_name(path.name + ".new"), path)
    return list(files)


def report_lines(p: Plan) -> list[str]:
    frameworks = set(FRAMEWORK_PACKAGES)
    changes = p.changes()
    lines = [f"{'package':28} {'pinned':14} {'newest that installs together'}"]
    for name, old, new in sorted(changes, key=lambda c: (canonical(c[0]) not in frameworks, canonical(c[0]))):
        lines.append(f"{name:28} {old or '-':14} {new or '(no longer needed)'}")
    lines.append(f"{len(changes)} of {len(p.new)} pins would change" if changes else
                 f"up to date: the {len(p.new)} pins are the newest releases that install together")
    if p.range_holds:
        lines.append("version range (previous minor releases): "
                     + ", ".join(f"{n} {v}" for n, v in p.range_holds.items()))
    lines += [f"note: {n}" for n in p.notes]
    return lines


def command(root: Path, python: str | None, index: str | None, do_write: bool, with_range: bool) -> int:
    try:
        p = plan(root, python or sys.executable, Index(index), with_range)
    except PinError as exc:
        print(f"outdated: {exc}", file=sys.stderr)
        print("outdated: nothing written; the current pins stay", file=sys.stderr)
        return 2
    for line in report_lines(p):
        print(line)
    if do_write:
        for path in write(root, p):
            print(f"wrote {path.relative_to(root)}")
    return 0


def verification_diff(old: dict, new: dict) -> list[str]:
    """The runs whose status changed between two verification.json files, as Markdown lines (a pull request's body)."""
    def runs(data: dict) -> dict[tuple[str, str, str], dict]:
        return {(r.get("task", ""), r.get("runner", ""), r.get("device", "")): r for r in data.get("runs", [])
                if isinstance(r, dict)}
    before, after = runs(old), runs(new)
    lines = []
    for key in sorted(set(before) | set(after)):
        was, now = before.get(key, {}).get("status", "absent"), after.get(key, {}).get("status", "absent")
        if was != now:
            why = str(after.get(key, {}).get("message") or "").splitlines()[:1]
            lines.append(f"- `{'/'.join(key)}`: {was} → **{now}**" + (f": {why[0][:200]}" if why else ""))
    totals = new.get("totals", {})
    head = [f"{len(lines)} run(s) changed status; now " + ", ".join(f"{v} {k}" for k, v in sorted(totals.items()))]
    return head + (lines or ["- no run changed status"])
