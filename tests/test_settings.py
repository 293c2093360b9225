"""Settings declared once: mkdocs.yml options, CLI flags and the JSON Schema come from `Settings`; every mistake is one
line naming mkdocs.yml, the option and the rule, from `mkdocs build` and from `python -m generator check` alike."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from support import ROOT, make_project, mini_settings
from generator.cli.main import parser
from generator.app.report import annotation
from generator.core.settings import OPTIONS, Settings

ENV = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONPATH=str(ROOT))


def with_options(root, text: str) -> None:
    cfg = (root / "mkdocs.yml").read_text()
    (root / "mkdocs.yml").write_text(cfg.replace("      preload: false\n", f"      preload: false\n{text}"))


@pytest.mark.slow
@pytest.mark.parametrize("option, line", [
    ("      timeout: -1\n", "plugins.generator.timeout: Input should be greater than 0 (got -1)"),
    ("      timeout: .inf\n", "plugins.generator.timeout: Input should be a finite number (got inf)"),
    ("      timout: 3\n", "plugins.generator.timout: unknown option (did you mean 'timeout'?)"),
    ("      templates_dir: nowhere\n", "plugins.generator.templates_dir: folder 'nowhere' does not exist"),
    ("      devices: tpu\n", "plugins.generator.devices: Input should be 'auto', 'cpu' or 'gpu' (got 'tpu')"),
    ("      content_dir: ../elsewhere\n",
     "plugins.generator.content_dir: must be a folder inside the project (relative, without '..') (got '../elsewhere')"),
])
def test_a_config_mistake_is_one_line_in_check_and_in_mkdocs_build(tmp_path, option, line):
    root = make_project(tmp_path)
    with_options(root, option)
    check = subprocess.run([sys.executable, "-m", "generator", "--root", str(root), "check"], env=ENV,
                           capture_output=True, text=True, timeout=120)
    assert check.returncode == 2 and check.stderr.strip() == f"mkdocs.yml: {line}"
    build = subprocess.run([sys.executable, "-m", "mkdocs", "build"], cwd=root, env=ENV, capture_output=True,
                           text=True, timeout=120)
    assert build.returncode == 1 and "Traceback" not in build.stderr
    key, rule = line.removeprefix("plugins.generator.").split(": ", 1)
    assert f"Plugin 'generator' option '{key}': {rule} (mkdocs.yml)" in build.stderr


def test_every_cli_flag_comes_from_the_declaration():
    sub = next(a for a in parser()._actions if a.dest == "cmd").choices["check"]
    flags = {a.dest: a for a in sub._actions}
    for name in ("devices", "timeout", "parallel", "cache_dir"):
        assert name in flags and flags[name].help.startswith(Settings.model_fields[name].description)
    assert flags["devices"].choices == ("auto", "cpu", "gpu")
    run = next(a for a in parser()._actions if a.dest == "cmd").choices["run"]
    framework = next(a for a in run._actions if a.dest == "framework")
    assert framework.choices == ["pytorch", "tensorflow", "keras/tensorflow", "keras/torch", "keras/jax", "keras"]


def test_the_schema_and_the_options_table_come_from_the_declaration(tmp_path):
    out = subprocess.run([sys.executable, "-m", "generator", "schema", "--out", str(tmp_path)], env=ENV,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0
    schema = json.loads((tmp_path / "mkdocs-plugin.schema.json").read_text())
    assert set(schema["properties"]) == set(OPTIONS)
    assert schema["properties"]["timeout"]["exclusiveMinimum"] == 0
    table = subprocess.run([sys.executable, "-m", "generator", "options"], env=ENV, capture_output=True, text=True).stdout
    assert all(f"| `{name}` |" in table for name in OPTIONS)


def test_a_worker_that_cannot_start_reports_its_log(tmp_path, monkeypatch):
    from generator.runs.workers import WorkerStartError
    from generator.app.build import run_build
    from generator.core.runners import WORKER_ENVS, WorkerEnv
    root = make_project(tmp_path)
    monkeypatch.setitem(WORKER_ENVS, "torch", WorkerEnv("torch", ("no_such_module_xyz",), (), ()))
    with pytest.raises(WorkerStartError) as err:
        run_build(mini_settings(root, preload=True))
    text = str(err.value)
    assert "the torch worker failed to start" in text and "No module named 'no_such_module_xyz'" in text
    assert "generator-runs-" not in text  # no path to a folder that is already gone


def test_hash_seed_takes_effect_so_two_builds_hash_alike(tmp_path):
    from generator.app.build import run_build
    code = "RESULT = [float(hash('abc') % 1000), 2.0]\nprint(hash('abc'))\n"
    outs = []
    for i in range(2):
        root = make_project(tmp_path / str(i), {"demo": {"pytorch": code, "task": {"compare": {"not_comparable": "string hashes differ by design"}}}})
        build = run_build(mini_settings(root))
        outs.append(next(o for o in build.outcomes if o.run.runner.key == "pytorch").record.stdout)
    assert outs[0] == outs[1] and outs[0].strip()


@pytest.mark.parametrize("message, escaped", [
    ("plain", "plain"),
    ("50% done\nnext line\r", "50%25 done%0Anext line%0D"),
    ("::error::injected", "::error::injected"),        # harmless inside the message: it cannot start a line
    ("line\n::set-output name=x::y", "line%0A::set-output name=x::y"),
])
def test_github_annotations_cannot_inject_commands(message, escaped):
    line = annotation("snippets/a,b:c/x.py", 3, "failed: x", message)
    assert line == f"::error file=snippets/a%2Cb%3Ac/x.py,line=3,title=failed%3A x::{escaped}"
    assert "\n" not in line and "\r" not in line
