"""The command line: the pull-request gate's output formats and exit codes, run, list, render; settings from mkdocs.yml."""
from __future__ import annotations

import pytest

import os
import subprocess
import sys

from support import ROOT, make_project

BROKEN = "x = 1\nraise ValueError('broken on purpose')\n"


def cli(root, *args) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "generator", "--root", str(root), *args], capture_output=True, text=True,
                          env=env, timeout=300)


def test_check_passes_and_reads_the_plugin_options_from_mkdocs_yml(tmp_path):
    root = make_project(tmp_path, {"demo": {}})
    out = cli(root, "check")
    assert out.returncode == 0, out.stderr
    # preload: false and parallel: 2 come from mkdocs.yml: no framework imported
    assert out.stdout.strip() == ("generator: 5 runs planned, 5 executed, 0 from cache, 5 passed, 0 failed, 0 skipped "
                                  + out.stdout.split(" skipped ")[1].strip())
    assert "(0 framework imports)" in out.stdout
    assert (root / ".cache" / "runs").is_dir()


def test_check_reports_failures_as_file_line_and_as_github_annotations(tmp_path):
    root = make_project(tmp_path, {"demo": {"tensorflow": BROKEN}})
    out = cli(root, "check")
    assert out.returncode == 1
    assert out.stdout.splitlines()[0] == "snippets/demo/tensorflow.py:2: failed: [TensorFlow, cpu] ValueError: broken on purpose"
    out = cli(root, "check", "--format", "github")
    assert out.returncode == 1
    assert out.stdout.splitlines()[0] == ("::error file=snippets/demo/tensorflow.py,line=2,title=failed::"
                                          "failed: [TensorFlow, cpu] ValueError: broken on purpose")


def test_check_reports_every_data_problem(tmp_path):
    root = make_project(tmp_path, {"demo": {"task": {"group": "nope"}}}, content={"faq.yml": ""})
    out = cli(root, "check", "--format", "github")
    assert out.returncode == 2
    assert out.stdout.splitlines() == ["::error file=content/faq.yml,title=invalid data::file is empty",
                                       "::error file=snippets/demo/task.yml,line=3,title=invalid data::group: unknown group 'nope'"]


@pytest.mark.slow
def test_run_one_task_one_framework_list_and_render(tmp_path):
    root = make_project(tmp_path, {"demo": {"keras": "print('from keras')\nRESULT = [1.0, 2.0]\n"}, "other": {}})
    out = cli(root, "run", "demo", "--framework", "keras/jax", "-v")
    assert out.returncode == 0
    lines = out.stdout.splitlines()
    assert lines[0].startswith("demo/keras/jax/cpu") and "passed" in lines[0] and lines[1].strip() == "from keras"
    assert "1 executed" in out.stdout
    out = cli(root, "list")
    assert out.stdout.splitlines()[-1].startswith("2 tasks; runners: pytorch, tensorflow, keras/tensorflow")
    out = cli(root, "render", "--out", str(tmp_path / "md"))
    assert out.returncode == 0 and (tmp_path / "md" / "docs" / "tasks" / "basics" / "index.md").is_file()
    assert (tmp_path / "md" / "docs" / "tasks" / "basics" / "demo.md").is_file()  # a page per task
    assert (tmp_path / "md" / "docs" / "verification.json").is_file() and (tmp_path / "md" / "mkdocs.yml").is_file()
    assert (tmp_path / "md" / "docs" / "downloads" / "demo" / "demo_keras.py").is_file()
    assert cli(root, "run", "missing").returncode == 2
