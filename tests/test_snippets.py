"""Every run of the real project, collected as a test item: `pytest -k scalar-gradient`, `pytest -k "keras and jax"`.

The runs execute once per session, in warm workers, into a fresh run store (set GENERATOR_TEST_CACHE to reuse one
between sessions). Only the tasks and runners of the selected items are executed; RESULT agreement is checked among
the runs that were selected, so a full run checks every task's agreement.
"""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from support import ROOT, real

PROJECT, PLAN, RUNS, REAL_DATA_ERROR = real()

pytestmark = pytest.mark.snippets


@pytest.mark.parametrize("name", sorted(RUNS), ids=sorted(RUNS))
def test_run(real_build, name):
    run = RUNS[name]
    o = next(o for o in real_build.outcomes if o.run.id == run.id)
    if o.status == "skipped":
        pytest.skip(o.message)
    from generator.app.report import failure_line
    from generator.runs.verify import clean
    assert o.passed, "\n".join([failure_line(o, ROOT), *o.details, o.error.traceback if o.error else "",
                                clean(o.record.stderr if o.record else "")[-3000:]])


def test_real_data_is_valid():
    assert REAL_DATA_ERROR is None, str(REAL_DATA_ERROR)


def test_every_task_has_all_three_frameworks_and_five_runs():
    assert PROJECT is not None
    assert len(PROJECT.tasks) >= 24
    for tid, spec in PROJECT.tasks.items():
        cpu = [r for r in PLAN.runs if r.task == tid and r.device == "cpu"]
        assert len(cpu) == 5, tid


def test_real_site_builds_strict_from_the_cache_without_importing_a_framework(real_build, real_cache, tmp_path):
    if real_build.failures:
        pytest.skip("some runs failed; their own items report it")
    code = ("import sys; from pathlib import Path; from generator.app.build import run_build; from generator.core.settings import Settings\n"
            f"r = run_build(Settings(root=Path({str(ROOT)!r}), cache_dir={str(real_cache)!r}, progress=False))\n"
            "print(r.executed, r.stats.framework_imports, sorted(m for m in ('torch', 'tensorflow', 'jax', 'keras') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert out.stdout.split("\n")[-2] == "0 0 []", out.stderr
    site = tmp_path / "site"
    env = dict(os.environ, GENERATOR_CACHE=str(real_cache), NO_MKDOCS_2_WARNING="1")
    out = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stdout + out.stderr
    assert " 0 executed, " in out.stderr and "(0 framework imports)" in out.stderr
    assert (site / "verification.json").is_file() and (site / "comparison/index.html").is_file()
    assert len(list((site / "tasks").glob("*/index.html"))) >= 10
