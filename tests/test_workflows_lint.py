"""The workflows through a workflow linter: zizmor (pinned in requirements.txt), offline, no configuration file and
no ignore comment honoured. No finding at medium severity or above is allowed; the second and third tests show that
the check fails when such a finding is there (a workflow with the classic mistakes; one of ours, broken)."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from support import ROOT

GITHUB = ROOT / ".github"


def zizmor() -> str:
    found = shutil.which("zizmor") or next((str(p) for p in [Path(sys.executable).parent / "zizmor"] if p.exists()), None)
    if found is None:
        pytest.skip("zizmor is not installed: `make` installs it from requirements.txt (or pip install zizmor==1.32.0)")
    return found


def findings(path: Path) -> list[dict]:
    out = subprocess.run([zizmor(), "--offline", "--no-config", "--no-ignores", "--no-progress", "--no-exit-codes",
                          "--format", "json-v1", "--min-severity", "medium", str(path)],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def summary(found: list[dict]) -> list[str]:
    return [f"{f['ident']} ({f['determinations']['severity']}): {f['desc']} at "
            f"{f['locations'][0]['symbolic']['key']['Local']['verbatim_path']}:"
            f"{f['locations'][0]['concrete']['location']['start_point']['row'] + 1}" for f in found]


def test_workflows_have_no_finding_at_medium_or_above():
    found = findings(GITHUB)
    assert not found, "\n".join(summary(found))


BAD = """\
name: bad
on: pull_request_target
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          ref: ${{ github.event.pull_request.head.sha }}
      - run: echo "${{ github.event.pull_request.title }}"
"""


def test_the_linter_reports_a_bad_workflow(tmp_path):
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "bad.yml").write_text(BAD)
    idents = {f["ident"] for f in findings(tmp_path / ".github")}
    assert {"unpinned-uses", "template-injection", "dangerous-triggers"} <= idents, idents


def test_the_linter_reports_a_finding_introduced_into_our_workflows(tmp_path):
    copy = tmp_path / ".github"
    shutil.copytree(GITHUB, copy)
    pr = copy / "workflows" / "pr.yml"
    text = pr.read_text()
    assert "actions/checkout@" in text and "run: make test" in text
    pr.write_text(text.replace("run: make test", 'run: echo "${{ github.head_ref }}" && make test'))
    assert "template-injection" in {f["ident"] for f in findings(copy)}
    pr.write_text(text.replace(text[text.index("actions/checkout@"):].split("\n")[0], "actions/checkout@v7"))
    assert "unpinned-uses" in {f["ident"] for f in findings(copy)}
