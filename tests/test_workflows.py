"""The CI workflows for repository hosts: valid YAML, the right triggers, and generator commands the CLI accepts."""
from __future__ import annotations

import re
import shlex

import pytest
import yaml

from support import ROOT
from generator.cli.main import parser

WORKFLOWS = ROOT / ".github" / "workflows"


def load(name: str) -> dict:
    data = yaml.safe_load((WORKFLOWS / name).read_text())
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


@pytest.mark.parametrize("name", sorted(p.name for p in WORKFLOWS.glob("*.yml")))
def test_workflow_is_well_formed(name):
    wf = load(name)
    assert wf["name"] and wf["on"] and wf["jobs"]
    for job_id, job in wf["jobs"].items():
        assert job.get("runs-on"), job_id
        assert job.get("steps"), job_id
        for step in job["steps"]:
            assert ("uses" in step) != ("run" in step), (job_id, step)
            if "uses" in step:
                action, _, ref = step["uses"].partition("@")
                assert action.count("/") >= 1 and ref, step["uses"]
            else:
                matrix = (job.get("strategy") or {}).get("matrix") or {}
                command = re.sub(r"\$\{\{\s*matrix\.(\w+)\s*\}\}", lambda m: str(matrix[m.group(1)][0]), step["run"])
                for line in command.split("&&"):
                    words = shlex.split(line.split(";")[0].split("|")[0].strip().removeprefix("if ")) or [""]
                    if "-m" in words and words[words.index("-m") + 1] == "generator":
                        args = words[words.index("-m") + 2:]
                        parser().parse_args(args)  # raises SystemExit on a command the CLI does not accept


def test_pull_request_check_runs_the_suite_without_secrets():
    wf = load("pr.yml")
    assert "pull_request" in wf["on"] and "pull_request_target" not in wf["on"]
    assert wf["permissions"] == {"contents": "read"}
    runs = [s.get("run", "") for s in wf["jobs"]["test"]["steps"]]
    assert "make test" in runs and ".venv/bin/python -m generator check --format github" in runs
    assert ".venv/bin/python -m generator check-sources" in runs
    assert "secrets." not in (WORKFLOWS / "pr.yml").read_text()


@pytest.mark.parametrize("name", sorted(p.name for p in WORKFLOWS.glob("*.yml")))
def test_no_checkout_leaves_its_token_and_no_snippet_job_can_publish(name):
    wf = load(name)
    for job_id, job in wf["jobs"].items():
        perms = {**(wf.get("permissions") or {}), **(job.get("permissions") or {})}
        runs_snippets = any(("make" in s.get("run", "") or "generator" in s.get("run", "")) for s in job["steps"])
        if runs_snippets:
            assert perms.get("pages") is None and perms.get("id-token") is None, job_id
            assert all(v == "read" for v in perms.values()), (job_id, perms)
        for step in job["steps"]:
            if step.get("uses", "").startswith("actions/checkout"):
                assert step.get("with", {}).get("persist-credentials") is False, (name, job_id)


def test_deploy_publishes_site_from_main_from_an_empty_store_with_the_gpu_records():
    wf = load("deploy.yml")
    assert wf["on"]["push"]["branches"] == ["main"]
    steps = wf["jobs"]["build"]["steps"]
    assert not any(s.get("uses", "").startswith("actions/cache") for s in steps)  # a fresh store, never a restored one
    runs = [s.get("run", "") for s in steps]
    assert 'GENERATOR_CACHE="$PWD/fresh-store" make site' in runs
    site = runs.index('GENERATOR_CACHE="$PWD/fresh-store" make site')
    download = next(s for s in steps if s.get("with", {}).get("name") == "gpu-records")
    assert download["uses"].startswith("actions/download-artifact")
    assert download["with"]["run-id"] and download["with"]["github-token"] and "continue-on-error" not in download
    # the GPU job's frozen records reach the build: merged into records/ (no --cache-dir: they are no run store)
    merge = next(i for i, s in enumerate(steps) if s.get("run", "").endswith(f"generator merge {download['with']['path']}"))
    assert steps[merge]["if"] == download["if"] and merge < site
    assert any(s.get("uses", "").startswith("actions/upload-pages-artifact") and s["with"]["path"] == "site" for s in steps)
    assert wf["jobs"]["deploy"]["needs"] == "build"
    assert wf["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}


def test_deploy_makes_the_cpu_runs_in_shards_from_empty_stores_and_merges_them():
    wf = load("deploy.yml")
    shard = wf["jobs"]["shard"]
    n = len(shard["strategy"]["matrix"]["shard"])
    assert n >= 2 and shard["strategy"]["matrix"]["shard"] == list(range(1, n + 1))
    assert not any(s.get("uses", "").startswith("actions/cache") for s in shard["steps"])
    check = next(s["run"] for s in shard["steps"] if "generator check" in s.get("run", ""))
    words = shlex.split(check)
    assert words[words.index("--shard") + 1] == "${{ matrix.shard }}/%d" % n  # quoted: one argument
    exported = words[words.index("--export") + 1]
    upload = next(s for s in shard["steps"] if s.get("uses", "").startswith("actions/upload-artifact"))
    assert upload["with"]["path"] == exported and upload["with"]["name"] == "runs-${{ matrix.shard }}"
    build = wf["jobs"]["build"]
    assert build["needs"] == "shard"
    download = next(s for s in build["steps"] if s.get("with", {}).get("pattern") == "runs-*")
    merge = next(s["run"] for s in build["steps"] if "generator merge" in s.get("run", "") and "--cache-dir" in s.get("run", ""))
    assert shlex.split(merge)[shlex.split(merge).index("merge") + 1] == download["with"]["path"]
    assert "--cache-dir fresh-store" in merge


def test_gpu_job_runs_on_a_self_hosted_gpu_runner_and_uploads_frozen_records():
    wf = load("gpu.yml")
    job = wf["jobs"]["gpu"]
    assert "self-hosted" in job["runs-on"] and "gpu" in job["runs-on"]
    record = shlex.split(next(s["run"] for s in job["steps"] if "generator record" in s.get("run", "")))
    assert record[record.index("--devices") + 1] == "gpu"
    upload = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/upload-artifact"))
    assert upload["with"]["path"] == record[record.index("--out") + 1] and upload["with"]["name"] == "gpu-records"
    assert job["permissions"] == {"contents": "read"} and "git push" not in (WORKFLOWS / "gpu.yml").read_text()
