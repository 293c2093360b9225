"""Helpers shared by the tests: a tiny valid project with framework-free snippets, settings for it, the real
project (loaded lazily, only by the modules that need it) and a check for processes a test left behind."""
from __future__ import annotations

import copy
import functools
import os
import uuid
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SRC = [{"url": "https://example.org/doc", "title": "Example documentation"}]


def _cell(name: str) -> dict:
    return {"verdict": f"{name} verdict", "detail": f"{name} detail, long enough.", "sources": SRC, "as_of": "2026-11"}


MINI_CONTENT = {
    "frameworks.yml": {"frameworks": [
        {"id": fid, "name": name, "maintainer": "M", "governance": "G", "first_release": "2016-01", "licence": "Apache-2.0",
         "languages": ["Python"], "version": "1.0", "package": fid, "home": "https://example.org/", "docs": "https://example.org/docs",
         "summary": f"{name} summary.", "sources": SRC, "as_of": f"{name} 1.0"}
        for fid, name in (("pytorch", "PyTorch"), ("tensorflow", "TensorFlow"), ("keras", "Keras"))]},
    "criteria.yml": {"criteria": [
        {"id": "execution-model", "title": "Execution model", "group": "Design", "question": "How does code run?",
         "cells": {f: _cell(f) for f in ("pytorch", "tensorflow", "keras")}, "tasks": []}]},
    "claims.yml": {"claims": [
        {"id": "static-graphs", "claim": "TensorFlow only builds static graphs", "verdict": "outdated",
         "statement": "Eager by default.", "sources": SRC, "as_of": "TensorFlow 2.21", "criteria": ["execution-model"], "tasks": []}]},
    "faq.yml": {"questions": [
        {"id": "faster", "question": "Which is faster?", "answer": "Measure it.", "sources": SRC, "as_of": "2026-11"}]},
    "choosing.yml": {
        "pros_cons": {f: {"pros": [{"text": "good", "sources": SRC, "as_of": "Keras 1.0"}], "cons": [{"text": "bad", "sources": SRC, "as_of": "Keras 1.0"}]}
                      for f in ("pytorch", "tensorflow", "keras")},
        "use_cases": [{"use_case": "research", "recommend": ["pytorch"], "reason": "r", "sources": SRC, "as_of": "Keras 1.0"}],
        "decision": [{"id": "start", "question": "Q?", "options": [
            {"answer": "a", "recommend": ["keras"], "reason": "r", "sources": SRC},
            {"answer": "b", "recommend": ["pytorch"], "reason": "r", "sources": SRC}]}]},
    "groups.yml": {"groups": [{"id": "basics", "title": "Basics", "intro": "Intro."}]},
    "facts.yml": {"facts": [{"id": "demo-fact", "subject": "demo subject", "value": "a demo value",
                             "sources": SRC, "as_of": "2026-11"}]},
}

GOOD = "RESULT = [1.0, 2.0]\nprint('hello from', __file__.rsplit('/', 1)[-1])\n"
TASK = {"title": "A task", "summary": "Summary.", "group": "basics", "criteria": ["execution-model"],
        "devices": ["cpu"], "explanation": "An explanation of what differs, long enough.",
        "compare": {"tolerance": {"rtol": 1e-6, "atol": 1e-9}}}

MKDOCS_YML = """site_name: Mini
docs_dir: docs
theme: {name: material, font: false, features: [content.tabs.link]}
plugins:
  - search
  - generator:
      timeout: %(timeout)s
      parallel: 2
      memory_limit_mb: 400
      output_limit_kb: 256
      preload: false
markdown_extensions: [admonition, attr_list, md_in_html, tables, pymdownx.details, pymdownx.superfences,
  {pymdownx.tabbed: {alternate_style: true}},
  {pymdownx.blocks.tab: {alternate_style: true, combine_header_slug: true,
                         slugify: !!python/object/apply:pymdownx.slugs.slugify {kwds: {case: lower}}}},
  pymdownx.blocks.details, pymdownx.blocks.admonition]
"""


def make_project(root: Path, tasks: dict[str, dict] | None = None, content: dict | None = None, timeout: float = 10) -> Path:
    """Write a valid mini project; `tasks` maps id -> {"task": overrides, "pytorch": code, ...}."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "content").mkdir(exist_ok=True)
    (root / "docs").mkdir(exist_ok=True)
    data = copy.deepcopy(MINI_CONTENT)
    data.update(content or {})
    for name, value in data.items():
        text = value if isinstance(value, (str, bytes)) else yaml.safe_dump(value, sort_keys=False)
        mode = "wb" if isinstance(text, bytes) else "w"
        with open(root / "content" / name, mode) as fh:
            fh.write(text)
    for tid, spec in (tasks if tasks is not None else {"demo": {}}).items():
        folder = root / "snippets" / tid
        folder.mkdir(parents=True, exist_ok=True)
        task = {**TASK, **spec.get("task", {})}
        (folder / "task.yml").write_text(yaml.safe_dump(task, sort_keys=False))
        for fw in ("pytorch", "tensorflow", "keras"):
            (folder / f"{fw}.py").write_text(spec.get(fw, GOOD))
    (root / "mkdocs.yml").write_text(MKDOCS_YML % {"timeout": timeout})
    return root


def mini_settings(root: Path, **kw):
    from generator.core.settings import Settings
    opts = dict(root=root, cache_dir=str(root / ".cache"), preload=False, parallel=2, timeout=10,
                memory_limit_mb=400, output_limit_kb=256, progress=False, devices="cpu")
    opts.update(kw)
    return Settings(**opts)


def process_tag() -> str:
    """A tag to put in the environment of a build under test: leftover_processes(tag) finds its processes only,
    never those of another build running on the machine."""
    return f"generator-test-{uuid.uuid4().hex}"


def leftover_processes(tag: str) -> list[str]:
    """Command lines of live processes whose environment carries `tag` (the build under test and what it started)."""
    found, needle = [], f"GENERATOR_TEST_TAG={tag}".encode()
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            environ = Path(f"/proc/{pid}/environ").read_bytes()
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
            if needle not in environ.split(b"\0") or state == "Z":
                continue
            found.append(Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"))
        except OSError:
            continue
    return found


@functools.lru_cache(maxsize=1)
def real():
    """(project, plan, runs by test id, data error) of the real project, loaded once, on first use."""
    from generator.runs.store import Store
    from generator.core.errors import DataError
    from generator.inputs.load import load_project
    from generator.runs.plan import make_plan
    from generator.core.settings import Settings
    try:
        project = load_project(ROOT)
    except DataError as exc:  # reported by test_snippets.py::test_real_data_is_valid; other tests still run
        return None, None, {}, exc
    plan = make_plan(project, Settings(root=ROOT), Store(Path("/nonexistent")))
    return project, plan, {f"{project.tasks[r.task].task.group}/{r.id}": r for r in plan.runs}, None


WORKER_VICTIM = "open('signal-my-worker', 'w').close()\nimport time\ntime.sleep(600)\n"


class WorkerSignaller:
    """Signals the worker of every run whose work folder holds `signal-my-worker` (WORKER_VICTIM), from outside: a
    snippet can no longer signal its worker itself (Landlock scopes signals), but a worker can still die or stop
    (the OOM killer, a crash), and the executor must cope. Use as a context manager around a build."""

    def __init__(self, sig: int):
        import threading
        self.sig, self.done, self.signalled = sig, threading.Event(), []
        self.thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.done.set()
        self.thread.join()

    def _watch(self) -> None:
        import glob
        import tempfile
        import time
        while not self.done.is_set():
            for marker in glob.glob(os.path.join(tempfile.gettempdir(), "generator-runs-*/run-*/work/signal-my-worker")):
                work = os.path.dirname(marker)
                for pid in filter(str.isdigit, os.listdir("/proc")):
                    try:
                        if os.readlink(f"/proc/{pid}/cwd") != work:
                            continue
                        stat = Path(f"/proc/{pid}/stat").read_text()
                        worker = int(stat.rsplit(")", 1)[1].split()[1])
                        if worker not in self.signalled:
                            os.kill(worker, self.sig)
                            self.signalled.append(worker)
                    except (OSError, ValueError):
                        continue
            time.sleep(0.05)
