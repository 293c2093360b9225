"""Charts rendered to SVG at build time with matplotlib: deterministic bytes, fonts as paths, no external requests."""
from __future__ import annotations

import io
from pathlib import Path
from typing import Callable

from ..core.record import Checked
from ..core.runners import RUNNERS
from .derived import derived


def colours() -> dict[str, str]:
    """Each runner's chart colour, from the registry (a new runner appears in every chart without an edit here)."""
    return {key: runner.colour for key, runner in RUNNERS.items()}

# Metric names as snippets publish them (`compiled_step_ms`) and as readers see them ("compiled step (ms)").
_UNITS = {"ms": "ms", "s": "s", "us": "µs", "ns": "ns", "mb": "MB", "mib": "MiB", "gb": "GB", "gib": "GiB",
          "pct": "%", "percent": "%", "x": "×"}
_NAMED = {"gflops": "throughput (GFLOP/s)", "tflops": "throughput (TFLOP/s)", "speedup": "speed-up (×)",
          "cpu_per_wall": "CPU time ÷ wall time (cores busy)"}
_WORDS = {"cpu": "CPU", "gpu": "GPU", "tpu": "TPU", "mlp": "MLP", "io": "I/O", "rss": "RSS"}


def metric_label(name: str) -> str:
    """A human label with its unit: `compiled_step_ms` -> "compiled step (ms)", `gflops` -> "throughput (GFLOP/s)"."""
    key = str(name).lower()
    if key in _NAMED:
        return _NAMED[key]
    words = [w for w in key.replace("-", "_").split("_") if w]
    unit = ""
    if len(words) > 1 and words[-1] in _UNITS:
        unit = _UNITS[words.pop()]
    if len(words) > 2 and words[-2] == "per" and words[-1] in ("s", "sec", "second"):
        words = words[:-2]
        unit = f"{unit or 'count'} per s"
    text = " ".join(_WORDS.get(w, w) for w in words) or str(name)
    return f"{text} ({unit})" if unit else text


def slug(text: str) -> str:
    """A file-name-safe slug: lowercase letters, digits and hyphens."""
    import re
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")[:120] or "chart"


def short_labels() -> dict[str, str]:
    """Short runner labels for chart axes ("Keras (JAX)"), from the registry."""
    return {key: runner.label.replace(" backend)", ")") for key, runner in RUNNERS.items()}


def _svg(fig) -> bytes:
    import matplotlib.pyplot as plt
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    return buf.getvalue()


def _pyplot():
    import matplotlib
    matplotlib.use("Agg")
    # text.parse_math off: a `$` in a title or metric name from a snippet is text, never mathtext
    matplotlib.rcParams.update({"svg.hashsalt": "generator", "svg.fonttype": "path", "font.size": 9,
                                "text.parse_math": False})
    import matplotlib.pyplot as plt
    return plt


def cached(store: Path | None, kind: str, data, draw: Callable[[object], bytes]) -> bytes:
    """Draw a chart, or reuse the SVG drawn from identical data before (matplotlib costs seconds; a warm build, none).
    The key includes the generator's code and matplotlib's version (cache.derived)."""
    return derived(store, f"chart-{kind}", data, lambda: draw(data), ".svg")


def run_times_data(outcomes: list[Checked], titles: dict[str, str]) -> dict | None:
    rows: dict[str, dict[str, float]] = {}
    for o in outcomes:
        if o.passed and o.run.device == "cpu" and o.wall_s is not None:
            rows.setdefault(titles.get(o.run.task, o.run.task), {})[o.run.runner.key] = round(o.wall_s, 4)
    return rows or None


def run_times(rows: dict[str, dict[str, float]]) -> bytes:
    """Wall time of every passed CPU run, grouped by task: where the build's time goes."""
    plt = _pyplot()
    tasks = sorted(rows, key=lambda t: -sum(rows[t].values()))
    fig, ax = plt.subplots(figsize=(8, 0.32 * len(tasks) + 1.2))
    palette = colours()
    height = 0.8 / len(palette)
    for i, (runner, colour) in enumerate(palette.items()):
        ys = [n + i * height for n in range(len(tasks))]
        ax.barh(ys, [max(rows[t].get(runner, 0), 1e-3) for t in tasks], height=height, color=colour,
                label=RUNNERS[runner].label)
    ax.set_yticks([n + 0.4 - height / 2 for n in range(len(tasks))], tasks)
    ax.invert_yaxis()
    ax.set_xscale("log")  # a first torch.compile call takes tens of seconds, most runs a fraction of one
    ax.set_xlabel("wall time of the snippet's own code (s, log scale)")
    ax.legend(loc="lower right", fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    return _svg(fig)


def benchmark(data: dict) -> bytes:
    """One benchmark task: each numeric metric, side by side for every runner."""
    task_title, rows = data["title"], data["rows"]
    metrics = sorted({k for _, m in rows for k, v in m.items() if _finite(v)})[:8]
    plt = _pyplot()
    cols = min(2, len(metrics))
    nrows = -(-len(metrics) // cols)
    # constrained layout places the figure title above the panels' titles: nothing overlaps
    fig, axes = plt.subplots(nrows, cols, figsize=(4.6 * cols, 0.3 * len(rows) * nrows + 1.0 * nrows + 0.6),
                             squeeze=False, layout="constrained")
    for ax in axes.flat[len(metrics):]:
        ax.set_visible(False)
    for ax, metric in zip(axes.flat, metrics):
        names = [r for r, m in rows if _finite(m.get(metric))]
        values = [float(m[metric]) for r, m in rows if _finite(m.get(metric))]
        ax.barh(range(len(names)), values, color=[colours().get(n, "#777") for n in names])
        ax.set_yticks(range(len(names)), [short_labels().get(n, n) for n in names], fontsize=8)
        ax.invert_yaxis()
        ax.set_title(metric_label(metric)[:60], fontsize=9, loc="left")
        for i, v in enumerate(values):
            ax.text(v, i, f" {v:.3g}", va="center", fontsize=7)
        ax.margins(x=0.18)
        ax.grid(axis="x", alpha=0.3)
    fig.suptitle(task_title[:140], fontsize=10)
    return _svg(fig)


def build_times(data: dict) -> bytes:
    """The benchmark's build times side by side: where the engine stands against the naive way and the floor."""
    plt = _pyplot()
    labels, values = zip(*data["bars"])
    fig, ax = plt.subplots(figsize=(7, 0.45 * len(labels) + 0.8))
    ax.barh(range(len(labels)), values, color=["#9e9e9e" if "naive" in l or "plain" in l or "floor" in l else "#3f51b5"
                                                  for l in labels])
    ax.set_yticks(range(len(labels)), labels)
    ax.invert_yaxis()
    ax.set_xscale("log")
    for i, v in enumerate(values):
        ax.text(v, i, f" {v:.1f} s", va="center", fontsize=8)
    ax.set_xlabel("build time (s, log scale)")
    if data.get("title"):
        ax.set_title(data["title"][:140], fontsize=9, loc="left")
    ax.grid(axis="x", alpha=0.3)
    return _svg(fig)


def _finite(value) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        return abs(float(value)) < 1e300
    except OverflowError:
        return False
