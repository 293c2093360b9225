"""The Makefile in a second clone: `VENV=/path/to/.venv` (on the command line or in the environment) makes every
target use that environment, and one that exists already is used as it is (nothing created, nothing installed)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from support import ROOT

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def make(*args: str, venv_in_environment: str | None = None) -> list[str]:
    """The commands `make -n` would run, one per line (nothing is run)."""
    env = {k: v for k, v in os.environ.items() if k not in ("VENV", "MAKEFLAGS")}
    if venv_in_environment:
        env["VENV"] = venv_in_environment
    out = subprocess.run(["make", "-n", "--no-print-directory", *args], cwd=ROOT, capture_output=True, text=True,
                         timeout=60, env=env)
    assert out.returncode == 0, out.stderr
    return out.stdout.splitlines()


def python_lines(lines: list[str]) -> list[str]:
    """The lines that run a Python, less the two that only ask the machine's Python for its version."""
    return [line for line in lines if ("bin/python" in line or " -m venv " in line or "pip " in line)
            and not line.startswith('test -n "') and not ("-c 'import sys; v = " in line and " -m " not in line)]


def test_a_given_venv_is_the_one_every_command_uses(tmp_path):
    venv = tmp_path / "x"  # not made yet: created there, and installed into, never into ./.venv
    lines = python_lines(make("test", f"VENV={venv}"))
    assert lines and all(str(venv) in line for line in lines), lines
    assert f"{venv}/bin/python -m pytest" in lines
    assert any(line.endswith(f"-m venv {venv}") for line in lines)
    assert not any(".venv" in line for line in lines), lines


@pytest.mark.parametrize("where", ["command line", "environment"])
def test_an_existing_venv_is_used_as_it_is(tmp_path, where):
    venv = tmp_path / "other-clone" / ".venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").symlink_to(sys.executable)
    lines = make("test", f"VENV={venv}") if where == "command line" else make("test", venv_in_environment=str(venv))
    # nothing created or installed: the test run is the only command that uses Python
    assert python_lines(lines) == [f"{venv}/bin/python -m pytest"], lines
    for target in ("site", "check", "test-fast"):
        assert not any("pip " in line or "-m venv" in line for line in make(target, f"VENV={venv}")), target


def test_an_existing_venv_imports_this_clones_generator(tmp_path):
    """The other environment's editable install points at the other clone: PYTHONPATH puts this one first."""
    venv = tmp_path / "v"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").symlink_to(sys.executable)
    out = subprocess.run(["make", "-s", "--no-print-directory", "--eval", "show-path: ; @echo $$PYTHONPATH",
                          "show-path", f"VENV={venv}"], cwd=ROOT, capture_output=True, text=True, timeout=60,
                         env={k: v for k, v in os.environ.items() if k not in ("VENV", "PYTHONPATH", "MAKEFLAGS")})
    assert out.stdout.strip() == str(ROOT)
