"""Sharded builds: `check --shard K/N` makes a deterministic part of the runs, `check --export DIR` writes what it made
as a run store, and `merge DIR...` puts the N stores together; a build from the merged store then executes nothing
and publishes the same records as one full build. `merge --shards N` lets store K count only for shard K's tasks:
its keys are recomputed here, and a key outside them (or a second store for one shard) is refused.

A shard is a set of whole *tasks* (round-robin over the sorted task ids), never a part of one: every run of a task is
in the same shard, so each shard still votes on agreement across frameworks, exactly as the full build does.
"""
from __future__ import annotations

import argparse
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..core.runners import RUNNERS
from ..core.settings import Settings
from ..inputs.load import Project
from .keys import cache_key
from .store import Store


def parse_shard(text: str) -> tuple[int, int]:
    """'K/N' with 1 <= K <= N <= 256 (an argparse type)."""
    try:
        k, n = (int(part) for part in text.split("/"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected K/N, e.g. 1/4 (got {text!r})") from None
    if not 1 <= k <= n <= 256:
        raise argparse.ArgumentTypeError(f"expected 1 <= K <= N <= 256 (got {text!r})")
    return k, n


def shard_tasks(task_ids, k: int, n: int) -> list[str]:
    """The tasks of shard k of n: round-robin over the sorted ids (every task in exactly one shard)."""
    return sorted(task_ids)[k - 1::n]


def export(result, out: Path, existed: bool) -> tuple[int, str]:
    """Write the records this build made or found in its store (from memory, after every snippet has ended) as a run
    store at `out`. `out` must not have existed before the build: a folder a snippet made while it ran is refused,
    so what is uploaded is only what the executor recorded. Returns (records written, error)."""
    if existed or out.exists():
        return 0, f"{out} already exists; --export writes a new folder"
    store = Store(out)
    out.mkdir(parents=True)
    written = 0
    for o in result.outcomes:
        rec = o.record
        if rec is None or o.frozen is not None or not rec.finished:
            continue
        written += store.put(rec.key, rec)
    return written, "; ".join(store.warnings)


def store_dirs(path: Path) -> list[Path]:
    """`path` if it is a run store, else the run stores one level below it (e.g. downloaded shard artifacts)."""
    if (path / "runs").is_dir():
        return [path]
    return sorted(p for p in path.iterdir() if (p / "runs").is_dir() and not p.is_symlink()) if path.is_dir() else []


# ----------------------------------------------------------------------------- merge --shards N: each store for its own tasks
def shard_keys(project: Project, settings: Settings, k: int, n: int) -> dict[str, str]:
    """The cache key of every run of shard k's tasks (every runner and device the task names) -> the run's id."""
    keys = {}
    for tid in shard_tasks(project.tasks, k, n):
        spec = project.tasks[tid]
        timeout = spec.task.timeout or settings.timeout
        for runner in RUNNERS.values():
            for device in spec.task.devices:
                keys[cache_key(spec, runner, device, timeout, settings)] = f"{tid}/{runner.key}/{device}"
    return keys


@dataclass
class ShardMerge:
    lines: list[str] = field(default_factory=list)
    merged: int = 0
    refused: int = 0
    error: str = ""


def numbered_stores(dirs: list[Path], n: int) -> tuple[list[tuple[int, Path]], str]:
    """(shard number, store) for each DIR: a store named runs-K is shard K; another store is shard <its position>;
    a folder of stores holds runs-1 ... runs-N. Returns ([], error) on a DIR that is none of these."""
    found = []
    for position, d in enumerate(dirs, 1):
        stores = store_dirs(d)
        if not stores:
            return [], f"{d}: not a run store nor a folder of run stores"
        for store in stores:
            m = re.fullmatch(r"runs-(\d{1,3})", store.name)
            if m is None and store != d:
                return [], f"{store}: in a folder of shard stores, each is named runs-K"
            k = int(m.group(1)) if m else position
            if not 1 <= k <= n:
                return [], f"{store}: shard {k} of --shards {n} does not exist"
            found.append((k, store))
    return found, ""


def merge_shards(dirs: list[Path], n: int, project: Project, settings: Settings, dest: Store) -> ShardMerge:
    """Copy into `dest` each shard store's records of its own tasks only: a key that is not one of shard K's runs
    (recomputed here from the tasks and the pins) and every record of a second store for one shard are refused, one
    line each. A damaged entry is skipped, as `Store.merge_from` does."""
    out = ShardMerge()
    stores, out.error = numbered_stores(dirs, n)
    seen: dict[int, Path] = {}
    for k, path in stores:
        src = Store(path)
        own = shard_keys(project, settings, k, n)
        merged = refused = skipped = 0
        for key in src.keys():
            record = src.get(key)
            if record is None:
                skipped += 1
                continue
            if k in seen:
                why = f"a second store for shard {k}/{n} (the first: {seen[k]})"
            elif key not in own:
                why = f"not a run of shard {k}/{n}'s tasks (its record names {record.id})"
            elif record.id != own[key]:
                why = f"its record names {record.id}, but the key is the run {own[key]}'s"
            else:
                dest.put(key, record)
                merged += 1
                continue
            refused += 1
            out.lines.append(f"{path}: refused {key}: {why}")
        seen.setdefault(k, path)
        dest.warnings += src.warnings
        out.merged += merged
        out.refused += refused
        out.lines.append(f"merged {merged} record(s) from {path} (shard {k}/{n}) into {dest.path}; refused {refused}, "
                         f"skipped {skipped} damaged")
    return out
