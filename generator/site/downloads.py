"""Take it with you: for each task a notebook per framework and a zip of the whole task, in deterministic bytes.

    downloads/<task>/<task>_<framework>.py      the script, as the loader read it (export.generated_files)
    downloads/<task>/<task>_<framework>.ipynb   summary and explanation as Markdown cells, the script as a code cell
                                                with the verified run's output (its final screen, colours kept as
                                                SGR codes) and its figures (image/png) already in it
    downloads/<task>/<task>.zip                 the three scripts, task.yml, the notebooks, a README and a
                                                requirements.txt with the project's pins of what the task imports

Notebooks are built with nbformat and validated; cell ids are fixed and keys sorted, zip entries sorted with a
fixed timestamp and mode: the same build inputs give the same bytes.
"""
from __future__ import annotations

import ast
import io
import sys
import zipfile
from functools import lru_cache
from pathlib import Path

from ..core.files import UnsafeFile, digest, read_bytes
from ..core.record import Checked
from ..core.runners import DISTRIBUTIONS, FRAMEWORK_LABELS, FRAMEWORKS, RUNNERS
from ..inputs.pins import canonical, read_lock
from ..runs.terminal import ansi
from ..runs.verify import published
from .derived import derived

ZIP_DATE = (1980, 1, 1, 0, 0, 0)
# a script's import -> the distribution that provides it, where the names differ
# what a script needs besides its imports: Keras runs on each backend the site verifies
IMPLIED = {"keras": ("jax", "jaxlib", "tensorflow-cpu", "torch", "numpy")}


def script_name(tid: str, framework: str) -> str:
    return f"{tid}_{framework}.py"


def notebook_name(tid: str, framework: str) -> str:
    return f"{tid}_{framework}.ipynb"


def zip_name(tid: str) -> str:
    return f"{tid}.zip"


def verified_run(outcomes: list[Checked], framework: str) -> Checked | None:
    """The run whose output a framework's notebook carries: the first passed one (CPU first, runner order)."""
    runs = [o for o in outcomes if o.run.runner.framework == framework and o.passed and o.record is not None]
    order = list(RUNNERS)
    runs.sort(key=lambda o: (o.run.device != "cpu", order.index(o.run.runner.key)))
    return runs[0] if runs else None


def notebook(spec, framework: str, outcomes: list[Checked]) -> bytes:
    """The task as a notebook, with the verified output. Built as plain nbformat-4 data and validated once, whole
    (nbformat's `new_*` helpers validate every cell and output again: most of a warm build's notebook time)."""
    import nbformat
    from nbformat import v4

    def markdown(source: str) -> dict:
        return {"cell_type": "markdown", "metadata": {}, "source": source}

    task, run = spec.task, verified_run(outcomes, framework)
    label = FRAMEWORK_LABELS[framework]
    cells = [markdown(f"# {task.title} · {label}\n\n{task.summary.strip()}"), markdown(task.explanation.strip())]
    if framework == "keras":
        cells.append(markdown(
            "Keras runs on TensorFlow, PyTorch or JAX: it reads the `KERAS_BACKEND` environment variable when it is "
            "first imported (set it before starting the kernel, or in the first cell before `import keras`)."))
    outputs = []
    if run is not None:
        rec = run.record
        cells.append(markdown(
            f"The output below is the verified run's: {run.run.runner.label}, {run.run.device.upper()} "
            f"({run.device_name}), {rec.date}; {run.versions_text}."))
        text = ansi(published(rec.stdout))
        if text:
            outputs.append({"output_type": "stream", "name": "stdout", "text": text + "\n"})
        for n, fig in enumerate(rec.outcome.figures if rec.outcome else [], 1):
            outputs.append({"output_type": "display_data", "metadata": {},
                            "data": {"image/png": fig.data, "text/plain": f"<Figure {n}: {fig.alt or 'no title'}>"}})
    else:
        cells.append(markdown("No run of this script was verified in the build that made this notebook, "
                              "so it carries no output."))
    cells.append({"cell_type": "code", "metadata": {}, "execution_count": None,
                  "source": spec.source(framework).rstrip("\n"), "outputs": outputs})
    for i, cell in enumerate(cells):
        cell["id"] = f"{framework}-{i}"
    nb = nbformat.from_dict({"nbformat": 4, "nbformat_minor": v4.nbformat_minor, "cells": cells, "metadata": {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"}}})
    nbformat.validate(nb)
    return nbformat.writes(nb).encode("utf-8") + b"\n"


# ----------------------------------------------------------------------------- requirements of one task
def _pins(root: Path) -> dict[str, str]:
    """normalised name -> the project's requirement line (`name==version`), from ROOT/requirements.txt."""
    try:
        data = read_bytes(Path(root) / "requirements.txt", Path(root))
    except (OSError, UnsafeFile):
        return {}
    return dict(_parse_pins(data))


@lru_cache(maxsize=8)
def _parse_pins(data: bytes) -> tuple[tuple[str, str], ...]:
    try:
        lock, _ = read_lock(Path("requirements.txt"), data.decode("utf-8"))  # a bad line is check's to report
    except UnicodeDecodeError:
        return ()
    return tuple((key, f"{pin.name}=={pin.version}") for key, pin in lock.pins.items())


@lru_cache(maxsize=1024)
def imports(source: str) -> frozenset[str]:
    """Top-level modules a script imports (not the standard library's); kept per source."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return frozenset()
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return frozenset(m for m in found if m not in sys.stdlib_module_names and m != "__future__")


def requirements(spec, root: Path) -> str:
    """The project's pins of what the task's scripts import (Keras with every backend the site runs it on)."""
    pins = _pins(root)
    wanted, unknown = set(), set()
    for fw in FRAMEWORKS:
        for module in imports(spec.source(fw)):
            dist = DISTRIBUTIONS.get(module, module)
            wanted.add(canonical(dist))
            wanted |= {canonical(d) for d in IMPLIED.get(module, ())}
    lines = []
    for name in sorted(wanted):
        if name in pins:
            lines.append(pins[name])
        else:
            unknown.add(name)
    out = ("# The versions this task was verified with (from the project's requirements.txt), for Python "
           f"{sys.version_info[0]}.{sys.version_info[1]}.\n"
           "# pip install -r requirements.txt\n" + "\n".join(lines) + "\n")
    if unknown:
        out += "# imported, but not pinned by the project: " + ", ".join(sorted(unknown)) + "\n"
    return out


README = """# {title}

{summary}

Files: one script per framework ({scripts}), the same as notebooks with the output verified when the site was
built, `task.yml` (the task's settings: tolerance, expected output) and `requirements.txt` (the pinned versions).

    python -m venv .venv && .venv/bin/pip install -r requirements.txt
    .venv/bin/python {first}
    KERAS_BACKEND=jax .venv/bin/python {tid}_keras.py      # Keras on TensorFlow, PyTorch or JAX

The scripts are named `<task>_<framework>.py`: a script named `keras.py` would shadow the `keras` package.
"""


def _task_yml(spec, root: Path) -> bytes:
    try:
        return read_bytes(spec.dir / "task.yml", Path(root))
    except (OSError, UnsafeFile):
        return b""


def task_zip(spec, notebooks: dict[str, bytes], task_yml: bytes, requirements_txt: str) -> bytes:
    tid = spec.id
    files = {f"{tid}/{script_name(tid, fw)}": spec.code[fw] for fw in FRAMEWORKS if fw in spec.code}
    files.update({f"{tid}/{notebook_name(tid, fw)}": data for fw, data in notebooks.items()})
    files[f"{tid}/task.yml"] = task_yml
    files[f"{tid}/requirements.txt"] = requirements_txt.encode("utf-8")
    files[f"{tid}/README.md"] = README.format(
        title=spec.task.title, summary=spec.task.summary.strip(), tid=tid, first=script_name(tid, FRAMEWORKS[0]),
        scripts=", ".join(f"`{script_name(tid, fw)}`" for fw in FRAMEWORKS)).encode("utf-8")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            zf.writestr(info, files[name], compresslevel=9)
    return buf.getvalue()


def _notebook_inputs(spec, framework: str, outcomes: list[Checked]) -> list:
    """Everything `notebook` reads, as data for the derived-file key."""
    task, run = spec.task, verified_run(outcomes, framework)
    verified = None
    if run is not None:
        verified = [run.run.runner.label, run.run.device, run.device_name, run.versions_text,
                    digest(run.record.model_dump_json())]
    return [spec.id, framework, task.title, task.summary, task.explanation, digest(spec.source(framework)), verified]


def task_files(spec, root: Path, outcomes: list[Checked], store: Path | None = None) -> dict[str, bytes]:
    """Every download of one task besides its scripts: the notebooks and the zip, by their path in the site. With a
    `store` (the run store's folder), bytes made from the same inputs before are reused (cache.derived)."""
    tid = spec.id
    notebooks = {fw: derived(store, "notebook", _notebook_inputs(spec, fw, outcomes),
                             lambda fw=fw: notebook(spec, fw, outcomes), ".ipynb")
                 for fw in FRAMEWORKS if fw in spec.code}
    task_yml = _task_yml(spec, root)
    pins = _pins(root)
    reqs = derived(store, "requirements", [{fw: digest(code) for fw, code in sorted(spec.code.items())}, sorted(pins.items())],
                   lambda: requirements(spec, root).encode(), ".txt").decode()  # parsing the scripts costs more
    inputs = [tid, spec.task.title, spec.task.summary, {fw: digest(code) for fw, code in spec.code.items()},
              digest(task_yml), reqs, {fw: digest(data) for fw, data in notebooks.items()}]
    out = {f"downloads/{tid}/{notebook_name(tid, fw)}": data for fw, data in notebooks.items()}
    out[f"downloads/{tid}/{zip_name(tid)}"] = derived(store, "task-zip", inputs,
                                                      lambda: task_zip(spec, notebooks, task_yml, reqs), ".zip")
    return out
