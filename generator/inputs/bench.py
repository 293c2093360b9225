"""The benchmark's published figures (bench/results.json), read for the performance page."""
from __future__ import annotations

import json
from pathlib import Path


def read_results(root: Path) -> dict | None:
    """The latest full `make bench` figures (bench/results.json), or None (missing, unreadable or a quick run)."""
    try:
        data = json.loads((root / "bench" / "results.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return None if not isinstance(data, dict) or data.get("quick") else data
