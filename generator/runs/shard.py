"""Sharded builds: `check --shard K/N` makes a deterministic part of the runs, `check --export DIR` writes what it made
as a run store, and `merge DIR...` puts the N stores together; a build from the merged store then executes nothing
and publishes the same records as one full build.

A shard is a set of whole *tasks* (round-robin over the sorted task ids), never a part of one: every run of a task is
in the same shard, so each shard still votes on agreement across frameworks, exactly as the full build does.
"""
from __future__ import annotations

import argparse
from pathlib import Path

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
