"""The CI workflows: valid YAML, the right triggers, generator commands the CLI accepts, and the way from a pull
request to Pages closed to a stranger (issue 28): every action pinned by commit SHA, `id-token` only where an
attestation or a deployment is made, the GPU workflow only for this repository's schedule or manual run on main,
GPU records only from that workflow's attested artifact, shard stores only for their own tasks, nothing executed in
the job that makes the Pages artifact, no cache saved by a job that runs a snippet, stores outside the checkout.

The linter (zizmor) is in tests/test_workflows_lint.py; these are the checks a linter does not make."""
from __future__ import annotations

import functools
import importlib.util
import json
import re
import shlex
import subprocess
import sys

import pytest
import yaml

from support import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
NAMES = sorted(p.name for p in WORKFLOWS.glob("*.yml"))
PYTHON = "3.12.13"  # the exact patch every job's setup-python installs (cache keys name it)
TEMP = ("$RUNNER_TEMP/", "${{ runner.temp }}/")

# Generator features the deploy workflow's safety rests on (issue 28): (command, flag). Each must be used by a workflow
# and listed by `python -m generator COMMAND --help` (tests/test_provenance.py tests what each does).
CONTRACT = {("check", "--no-execute"), ("merge", "--shards"), ("merge", "--attested")}


def load(name: str) -> dict:
    data = yaml.safe_load((WORKFLOWS / name).read_text())
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def jobs():
    for name in NAMES:
        for job_id, job in load(name)["jobs"].items():
            yield name, job_id, job


def runs(job: dict) -> str:
    return "\n".join(s.get("run", "") for s in job["steps"])


def uses(job: dict, action: str) -> list[dict]:
    return [s for s in job["steps"] if s.get("uses", "").split("@")[0] == action]


def generator_commands(script: str) -> list[list[str]]:
    """Each `python -m generator ...` command of a run script, as its words after `generator`."""
    found = []
    for line in script.replace("\\\n", " ").replace(">-\n", " ").split("\n"):
        for part in re.split(r"&&|\|\||;|\|", line):
            try:
                words = shlex.split(part.strip().removeprefix("if "))
            except ValueError:
                continue
            if "-m" in words and words.index("-m") + 1 < len(words) and words[words.index("-m") + 1] == "generator":
                found.append(words[words.index("-m") + 2:])
    return found


def all_generator_commands() -> list[tuple[str, str, list[str], dict]]:
    return [(name, job_id, words, step) for name, job_id, job in jobs() for step in job["steps"]
            for words in generator_commands(step.get("run", ""))]


def runs_snippets(job: dict) -> bool:
    """A job that can execute a snippet: a build, check, record, run or the test suite, unless execution is off."""
    if (job.get("env") or {}).get("GENERATOR_EXECUTE") == "0":
        return any(words[:1] in (["record"], ["run"], ["watch"]) or (words[:1] == ["check"] and "--no-execute" not in words)
                   for words in (w for s in job["steps"] for w in generator_commands(s.get("run", ""))))
    script = runs(job)
    return bool(re.search(r"\bmake (test|site|check|range)\b|\bmkdocs (build|serve)\b", script)) or any(
        (words[:1] in (["check"], ["record"], ["run"], ["build"], ["watch"], ["render"]) and "--no-execute" not in words)
        or (words[:1] == ["range"] and "--merge" not in words)
        for s in job["steps"] for words in generator_commands(s.get("run", "")))


@functools.cache
def generator_help(command: str) -> str:
    out = subprocess.run([sys.executable, "-m", "generator", command, "--help"], cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout


def has_flag(command: str, flag: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(flag)}(?![\w-])", generator_help(command)) is not None


# ---- GitHub's `if:` expressions, for the subset these workflows use: == != && || ! ( ) 'strings' and contexts ----

def evaluate(expression: str, context: dict) -> bool:
    """An `if:` as GitHub evaluates it (strings compared ignoring case; a missing context value is null)."""
    tokens = re.findall(r"\s+|'(?:[^']|'')*'|==|!=|&&|\|\||!|\(|\)|[A-Za-z_][\w.-]*|\S", expression.strip())
    out = []
    for tok in tokens:
        if tok.isspace():
            continue
        if tok.startswith("'"):
            out.append(repr(tok[1:-1].replace("''", "'").lower()))
        elif tok in ("==", "!=", "(", ")"):
            out.append({"==": "|EQ|", "!=": "|NE|"}.get(tok, tok))
        elif tok in ("&&", "||", "!"):
            out.append({"&&": " and ", "||": " or ", "!": " not "}[tok])
        elif re.fullmatch(r"[A-Za-z_][\w.-]*", tok) and tok not in ("true", "false", "null"):
            value = context.get(tok)
            out.append(repr(value.lower() if isinstance(value, str) else value))
        else:
            out.append({"true": "True", "false": "False", "null": "None"}.get(tok) or pytest.fail(f"unsupported: {tok}"))
    python = "".join(out)
    python = re.sub(r"('(?:[^'\\]|\\.)*'|None|True|False)\s*\|(EQ|NE)\|\s*('(?:[^'\\]|\\.)*'|None|True|False)",
                    lambda m: f"({m.group(1)} {'==' if m.group(2) == 'EQ' else '!='} {m.group(3)})", python)
    assert "|" not in python, python
    return bool(eval(python, {"__builtins__": {}}))  # noqa: S307 - our own workflow files, tokens checked above


UPSTREAM = "project/site"


def ctx(event: str, ref: str = "refs/heads/main", repository: str = UPSTREAM, gpu_repo: str | None = UPSTREAM):
    return {"github.event_name": event, "github.ref": ref, "github.repository": repository,
            "vars.GPU_RECORDS_REPOSITORY": gpu_repo}


def test_expression_evaluator_follows_github():
    assert evaluate("github.ref == 'refs/heads/MAIN'", ctx("push"))  # GitHub compares strings ignoring case
    assert not evaluate("github.repository == vars.GPU_RECORDS_REPOSITORY", ctx("schedule", gpu_repo=None))
    assert evaluate("!(github.event_name == 'push') || github.ref != 'x'", ctx("push"))


# ---- the basics ----

@pytest.mark.parametrize("name", NAMES)
def test_workflow_is_well_formed(name):
    wf = load(name)
    assert wf["name"] and wf["on"] and wf["jobs"]
    assert wf.get("permissions") in ({}, {"contents": "read"}), "the workflow's default token is read-only or none"
    for job_id, job in wf["jobs"].items():
        assert job.get("runs-on") and job.get("steps") and job.get("timeout-minutes"), job_id
        assert "permissions" in job, f"{job_id}: every job states its permissions"
        for step in job["steps"]:
            assert ("uses" in step) != ("run" in step), (job_id, step)


def test_generator_commands_in_the_workflows_are_ones_the_cli_accepts():
    commands = all_generator_commands()
    assert {words[0] for _, _, words, _ in commands} >= {"check", "merge", "record", "check-sources"}
    for name, job_id, words, _ in commands:
        command, flags = words[0], [w.split("=")[0] for w in words[1:] if w.startswith("--")]
        assert re.search(rf"\b{re.escape(command)}\b", _commands()), command
        for flag in flags:
            assert has_flag(command, flag), f"{name} {job_id}: generator {command} has no {flag}"


@functools.cache
def _commands() -> str:
    out = subprocess.run([sys.executable, "-m", "generator", "--help"], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    return out.stdout


@pytest.mark.parametrize("command,flag", sorted(CONTRACT))
def test_generator_has_the_flags_the_workflows_assume(command, flag):
    used = [words for _, _, words, _ in all_generator_commands() if words[0] == command and flag in words]
    assert used, f"no workflow uses generator {command} {flag}: drop it from CONTRACT"
    assert has_flag(command, flag), f"generator {command} has no {flag}, which deploy.yml needs"


def test_pull_request_check_runs_the_suite_without_secrets():
    wf = load("pr.yml")
    assert set(wf["on"]) == {"pull_request", "push"} and wf["on"]["push"]["branches"] == ["main"]
    assert wf["permissions"] == {"contents": "read"} and wf["jobs"]["test"]["permissions"] == {"contents": "read"}
    script = runs(wf["jobs"]["test"])
    assert "make test" in script and ".venv/bin/python -m generator check --format github" in script
    assert ".venv/bin/python -m generator check-sources" in script
    assert "secrets." not in (WORKFLOWS / "pr.yml").read_text()


def test_pull_request_check_has_a_concurrency_limit():
    conc = load("pr.yml")["concurrency"]
    assert "github.ref" in conc["group"] and "github.event.pull_request" not in conc["group"]
    assert conc["cancel-in-progress"] == "${{ github.event_name == 'pull_request' }}"  # main's runs all finish


# ---- supply chain ----

def test_every_action_is_pinned_by_commit_sha_with_its_version_in_a_comment():
    versions: dict[str, str] = {}
    count = 0
    for path in sorted(WORKFLOWS.glob("*.yml")):
        for line in path.read_text().splitlines():
            if not re.match(r"\s*(-\s+)?uses:", line):
                continue
            count += 1
            m = re.fullmatch(r"\s*(?:-\s+)?uses:\s+([\w.-]+/[\w.-]+(?:/[\w./-]+)?)@([0-9a-f]{40}) # (v\d+(?:\.\d+){1,2})",
                             line)
            assert m, f"{path.name}: not pinned by a full commit SHA with its version in a comment: {line.strip()}"
            action, sha, version = m.groups()
            repo = "/".join(action.split("/")[:2])
            assert versions.setdefault(f"{repo}@{sha}", version) == version, f"{repo}@{sha} named two versions"
    assert count >= 14
    # and no reference escapes the pattern (a docker:// image, a local action, a tag in an expression)
    for name, job_id, job in jobs():
        for step in job["steps"]:
            if "uses" in step:
                assert re.fullmatch(r"[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}", step["uses"]), step["uses"]


def test_dependabot_updates_the_actions_and_the_pip_pins():
    config = yaml.safe_load((ROOT / ".github" / "dependabot.yml").read_text())
    assert config["version"] == 2
    ecosystems = {u["package-ecosystem"]: u for u in config["updates"]}
    assert set(ecosystems) >= {"github-actions", "pip"}
    for update in ecosystems.values():
        assert update["directory"] == "/" and update["schedule"]["interval"] in ("daily", "weekly")


def test_python_is_pinned_to_the_exact_patch_in_every_job_that_uses_it():
    for name, job_id, job in jobs():
        setups = uses(job, "actions/setup-python")
        for s in setups:
            assert s["with"]["python-version"] == PYTHON, (name, job_id)
            assert "cache" not in s["with"], (name, job_id, "setup-python's own cache saves in its post step")
        if re.search(r"\.venv/bin/|\bmake\b", runs(job)):
            assert setups, f"{name} {job_id}: uses Python without setup-python {PYTHON}"
    keys = [v for _, _, job in jobs() for s in job["steps"] if s.get("uses", "").startswith("actions/cache")
            for k, v in s["with"].items() if k in ("key", "restore-keys")]
    assert keys and all(v.startswith(f"runs-{PYTHON}-${{{{ hashFiles('requirements.txt') }}}}-") for v in keys), keys


def test_run_stores_and_artifacts_live_in_runner_temp_not_in_the_checkout():
    seen = 0
    for name, job_id, words, step in all_generator_commands():
        for flag in ("--cache-dir", "--export", "--out"):
            if flag in words:
                seen += 1
                if words[:2] == ["range", "--merge"] and (name, job_id) == ("deploy.yml", "build"):
                    # the range's shards, merged over any committed records/range.json: the file the build reads
                    assert words[words.index(flag) + 1] == "records/range.json"
                    assert all(w.startswith(TEMP) for w in words[2:words.index(flag)]), words
                    continue
                assert words[words.index(flag) + 1].startswith(TEMP), (name, job_id, flag)
        if words[0] == "merge":  # every folder merged: a downloaded artifact, never one inside the checkout
            dirs = [w for i, w in enumerate(words[1:], 1) if not w.startswith("--") and words[i - 1] != "--shards"]
            assert dirs and all(d.startswith(TEMP) for d in dirs), (name, job_id, dirs)
    assert seen >= 5
    for name, job_id, job in jobs():
        for step in job["steps"]:
            for var in ("GENERATOR_CACHE", "GENERATOR_TEST_CACHE"):
                if var in (step.get("env") or {}):
                    assert step["env"][var].startswith(TEMP), (name, job_id, var)
            action = step.get("uses", "").split("@")[0]
            if action in ("actions/cache/restore", "actions/cache/save", "actions/upload-artifact",
                          "actions/download-artifact"):
                assert step["with"]["path"].startswith(TEMP), (name, job_id, action)
    # the one exception: the Pages artifact is the site mkdocs builds, site/ (git-ignored), from no store
    assert uses(load("deploy.yml")["jobs"]["build"], "actions/upload-pages-artifact")[0]["with"]["path"] == "site"


# ---- tokens and caches ----

def test_id_token_only_in_the_attest_and_the_deploy_jobs():
    holders = set()
    for name, job_id, job in jobs():
        perms = {**(load(name).get("permissions") or {}), **(job.get("permissions") or {})}
        if perms.get("id-token"):
            holders.add((name, job_id))
        if runs_snippets(job):
            assert perms.get("pages") is None and perms.get("id-token") is None, (name, job_id)
            assert all(v == "read" for v in perms.values()), (name, job_id, perms)
        writes = {k for k, v in perms.items() if v == "write"}
        if (name, job_id) == ("currency.yml", "propose"):  # pushes a branch and opens a pull request: runs no code
            assert writes == {"contents", "pull-requests"} and not runs_snippets(job), (name, job_id, writes)
            assert not re.search(r"\bmake\b|python|\.venv|generator", runs(job)), "propose runs project code"
            continue
        assert writes <= {"id-token", "attestations", "pages"}, (name, job_id, writes)
    assert holders == {("gpu.yml", "attest"), ("deploy.yml", "deploy")}


@pytest.mark.parametrize("name", NAMES)
def test_no_checkout_leaves_its_token(name):
    for job_id, job in load(name)["jobs"].items():
        for step in uses(job, "actions/checkout"):
            assert step.get("with", {}).get("persist-credentials") is False, (name, job_id)


def test_no_job_that_runs_a_snippet_saves_a_cache():
    snippet_jobs = [(n, j) for n, j, job in jobs() if runs_snippets(job)]
    assert ("pr.yml", "test") in snippet_jobs and ("gpu.yml", "gpu") in snippet_jobs
    assert ("deploy.yml", "shard") in snippet_jobs and ("deploy.yml", "build") not in snippet_jobs
    for name, job_id, job in jobs():
        # actions/cache saves in its post step, whatever ran before: only the split restore/save actions are used
        assert not uses(job, "actions/cache"), (name, job_id)
        if runs_snippets(job):
            assert not uses(job, "actions/cache/save"), f"{name} {job_id} runs snippets and saves a cache"
        if name == "deploy.yml":  # the Pages artifact is never built from a restored cache
            assert not uses(job, "actions/cache/restore"), (name, job_id)
    savers = [(n, j) for n, j, job in jobs() if uses(job, "actions/cache/save")]
    assert savers == [("deploy.yml", "build")]


def test_the_runs_snippets_rule_itself():
    assert runs_snippets({"steps": [{"run": "make test"}]})
    assert runs_snippets({"steps": [{"run": ".venv/bin/python -m generator check --shard 1/4"}]})
    assert runs_snippets({"env": {"GENERATOR_EXECUTE": "0"}, "steps": [{"run": "python -m generator check"}]})
    assert not runs_snippets({"env": {"GENERATOR_EXECUTE": "0"}, "steps": [{"run": "make site"}]})
    assert not runs_snippets({"steps": [{"run": "python -m generator check --no-execute"}]})


# ---- the GPU workflow ----

def test_gpu_workflow_runs_only_for_this_repositorys_schedule_or_manual_run_on_main():
    wf = load("gpu.yml")
    assert set(wf["on"]) == {"schedule", "workflow_dispatch"} and wf["permissions"] == {}
    allowed = [ctx("schedule"), ctx("workflow_dispatch")]
    refused = [ctx("pull_request", ref="refs/pull/7/merge"),          # a fork's pull request editing gpu.yml
               ctx("pull_request", ref="refs/heads/main"),            # ... from a fork branch called main
               ctx("pull_request_target"), ctx("push"), ctx("workflow_run"), ctx("issue_comment"),
               ctx("workflow_dispatch", ref="refs/heads/feature"),    # by hand, on another branch
               ctx("schedule", repository="fork/site"),               # a fork's copy of the workflow
               ctx("schedule", gpu_repo=None)]                        # the repository variable is not set
    for job_id, job in wf["jobs"].items():
        assert "if" in job, f"gpu.yml {job_id}: no `if:` gate"
        assert all(evaluate(job["if"], c) for c in allowed), job_id
        for c in refused:
            assert not evaluate(job["if"], c), (job_id, c)


def test_gpu_job_checks_its_runner_and_holds_no_token_it_could_leak():
    job = load("gpu.yml")["jobs"]["gpu"]
    assert "self-hosted" in job["runs-on"] and "gpu" in job["runs-on"]
    assert job["permissions"] == {"contents": "read"} and "git push" not in (WORKFLOWS / "gpu.yml").read_text()
    check = job["steps"][0]["run"]  # before the checkout, before anything of the repository runs
    assert "id -u" in check and "sudo -n" in check and "RUNNER_ENVIRONMENT" in check and "marker" in check
    record = shlex.split(next(s["run"] for s in job["steps"] if "generator record" in s.get("run", "")))
    assert record[record.index("--devices") + 1] == "gpu"
    upload = uses(job, "actions/upload-artifact")[0]
    assert upload["with"]["path"].replace("${{ runner.temp }}", "$RUNNER_TEMP") == record[record.index("--out") + 1]
    assert upload["with"]["name"] == "gpu-records"


def test_gpu_records_are_attested_in_a_separate_github_hosted_job_that_runs_nothing_of_the_repository():
    wf = load("gpu.yml")
    attest = wf["jobs"]["attest"]
    assert attest["needs"] == "gpu" and attest["runs-on"].startswith("ubuntu-")
    assert attest["permissions"] == {"id-token": "write", "attestations": "write"}
    assert not uses(attest, "actions/checkout") and "python" not in runs(attest) and "make" not in runs(attest)
    download = uses(attest, "actions/download-artifact")[0]["with"]
    assert download["name"] == "gpu-records" and "run-id" not in download  # this run's own artifact
    subject = uses(attest, "actions/attest-build-provenance")[0]["with"]["subject-path"]
    upload = uses(attest, "actions/upload-artifact")[0]["with"]
    assert upload == {**upload, "name": "gpu-records-attested", "path": subject}
    assert subject.endswith("/gpu-records.tar") and "--sort=name --mtime=@0" in runs(attest)


# ---- deploy: GPU records only from gpu.yml's attested artifact ----

def _gpu_run_module():
    spec = importlib.util.spec_from_file_location("gpu_run", ROOT / ".github" / "scripts" / "gpu_run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run(i: int, **kw) -> dict:
    repo = {"id": 1, "full_name": UPSTREAM}
    return {"id": i, "event": "schedule", "status": "completed", "conclusion": "success", "head_branch": "main",
            "path": ".github/workflows/gpu.yml", "head_sha": f"{i:040x}", "created_at": f"2026-11-{i:02d}T03:00:00Z",
            "head_repository": repo, "repository": repo, **kw}


def test_deploy_selects_the_gpu_run_by_event_and_head_repository_never_by_branch_name():
    select = _gpu_run_module().select
    fork = {"id": 2, "full_name": "stranger/site"}
    genuine = _run(1)
    forged = [  # newer than the genuine run, each refused
        _run(20, event="pull_request", head_repository=fork),     # a fork's branch named main, its own gpu.yml
        _run(21, event="pull_request"),                           # even from this repository's own branch
        _run(22, event="push"), _run(23, event="workflow_run"), _run(24, event="pull_request_target"),
        _run(25, head_repository=fork),                           # an event that qualifies from another head
        _run(26, head_repository={"id": 2, "full_name": UPSTREAM}),  # the name, not the repository
        _run(32, head_repository={"id": 1, "full_name": "stranger/site"}),
        _run(27, head_branch="feature"), _run(28, conclusion="failure"), _run(29, status="in_progress"),
        _run(30, path=".github/workflows/other.yml"), _run(31, head_sha="not-a-sha"),
    ]
    assert select({"workflow_runs": [*forged, genuine]}, UPSTREAM) is genuine
    assert select({"workflow_runs": forged}, UPSTREAM) is None
    assert select({"workflow_runs": [genuine, _run(3, event="workflow_dispatch")]}, UPSTREAM)["id"] == 3  # newest
    assert select({"workflow_runs": [genuine]}, "stranger/site") is None


def test_the_gpu_run_script_prints_step_outputs(tmp_path):
    answer = tmp_path / "runs.json"
    answer.write_text(json.dumps({"workflow_runs": [_run(20, event="pull_request"), _run(4)]}))
    script = ROOT / ".github" / "scripts" / "gpu_run.py"
    out = subprocess.run([sys.executable, str(script), str(answer)], capture_output=True, text=True,
                         env={"GITHUB_REPOSITORY": UPSTREAM}, timeout=60)
    assert out.returncode == 0 and out.stdout == f"run_id=4\nhead_sha={4:040x}\n"
    answer.write_text(json.dumps({"workflow_runs": [_run(20, event="pull_request")]}))
    out = subprocess.run([sys.executable, str(script), str(answer)], capture_output=True, text=True,
                         env={"GITHUB_REPOSITORY": UPSTREAM}, timeout=60)
    assert out.returncode == 0 and out.stdout == "" and "no successful gpu.yml run" in out.stderr


def test_deploy_verifies_the_attestation_before_it_merges_gpu_records():
    steps = load("deploy.yml")["jobs"]["build"]["steps"]
    find = next(i for i, s in enumerate(steps) if s.get("id") == "gpu")
    assert "python3 .github/scripts/gpu_run.py" in steps[find]["run"] and "--workflow" not in steps[find]["run"]
    assert "actions/workflows/gpu.yml/runs" in steps[find]["run"]
    downloads = [(i, s) for i, s in enumerate(steps) if s.get("uses", "").startswith("actions/download-artifact")
                 and "run-id" in s["with"]]
    assert len(downloads) == 1, "only gpu.yml's artifact comes from another run"
    d, download = downloads[0]
    assert download["with"]["name"] == "gpu-records-attested"
    assert download["with"]["run-id"] == "${{ steps.gpu.outputs.run_id }}" and "continue-on-error" not in download
    v = next(i for i, s in enumerate(steps) if "gh attestation verify" in s.get("run", ""))
    command = re.search(r"gh attestation verify ((?:.*\\\n)*.*)", steps[v]["run"]).group(1)  # to its last line
    verify = shlex.split(command.replace("\\\n", " "))
    archive = download["with"]["path"].replace("${{ runner.temp }}", "$RUNNER_TEMP") + "/gpu-records.tar"
    assert f'archive="{archive}"' in steps[v]["run"] and verify[0] == "$archive"
    assert verify[-1] == "--deny-self-hosted-runners"
    opts = dict(zip(verify[1:-1:2], verify[2:-1:2]))
    assert opts["--repo"] == "$GITHUB_REPOSITORY"
    assert opts["--signer-workflow"] == "$GITHUB_REPOSITORY/.github/workflows/gpu.yml"
    assert opts["--source-ref"] == "refs/heads/main" and opts["--source-digest"] == "$HEAD_SHA"
    assert "--deny-self-hosted-runners" in verify
    assert steps[v]["env"]["HEAD_SHA"] == "${{ steps.gpu.outputs.head_sha }}"
    assert "set -euo pipefail" in steps[v]["run"]  # a failed verification stops the job: nothing is merged
    merges = [(i, s) for i, s in enumerate(steps) for w in generator_commands(s.get("run", "")) if "--attested" in w]
    assert len(merges) == 1
    m, merge = merges[0]
    extracted = re.search(r'--directory "([^"]+)"', steps[v]["run"]).group(1)
    assert generator_commands(merge["run"])[0] == ["merge", "--attested", extracted]
    assert find < d < v < m and steps[d]["if"] == steps[v]["if"] == merge["if"] == "steps.gpu.outputs.run_id != ''"
    # into the run store the build then reads (its attested/ folder: outside the checkout), never into records/
    site = next(s for s in steps if s.get("run") == "make site")
    assert merge["env"]["GENERATOR_CACHE"] == site["env"]["GENERATOR_CACHE"] == "${{ runner.temp }}/store"
    # no other way in: no merge of frozen records without --attested, no artifact from another run
    assert all("--attested" in w or "--shards" in w for _, _, w, _ in all_generator_commands() if w[0] == "merge")


# ---- deploy: shards, execution off, main only ----

def test_deploy_makes_the_cpu_runs_in_shards_from_empty_stores_and_merges_each_for_its_own_tasks():
    wf = load("deploy.yml")
    shard = wf["jobs"]["shard"]
    n = len(shard["strategy"]["matrix"]["shard"])
    assert n >= 2 and shard["strategy"]["matrix"]["shard"] == list(range(1, n + 1))
    assert not any(s.get("uses", "").startswith("actions/cache") for s in shard["steps"])
    step = next(s for s in shard["steps"] if "generator check" in s.get("run", ""))
    words = generator_commands(step["run"])[0]
    assert step["env"]["SHARD"] == "${{ matrix.shard }}" and words[words.index("--shard") + 1] == f"$SHARD/{n}"
    assert words[words.index("--cache-dir") + 1] == "$RUNNER_TEMP/empty-store"  # nothing restored into it
    upload = uses(shard, "actions/upload-artifact")[0]["with"]
    assert upload["path"].replace("${{ runner.temp }}", "$RUNNER_TEMP") == words[words.index("--export") + 1]
    assert upload["name"] == "runs-${{ matrix.shard }}"
    build = wf["jobs"]["build"]
    assert build["needs"] == ["shard", "range"]
    downloads = [s["with"] for s in uses(build, "actions/download-artifact")
                 if "run-id" not in s["with"] and s["with"]["name"].startswith("runs-")]
    assert all("pattern" not in d and "merge-multiple" not in d for d in downloads)
    assert [d["name"] for d in downloads] == [f"runs-{k}" for k in range(1, n + 1)]  # exactly runs-1..runs-N
    merge = next(w for s in build["steps"] for w in generator_commands(s.get("run", "")) if "--shards" in w)
    assert merge[merge.index("--shards") + 1] == str(n)
    dirs = [w for w in merge[1:] if w.startswith(TEMP)]
    assert dirs[:n] == [d["path"].replace("${{ runner.temp }}", "$RUNNER_TEMP") for d in downloads]
    assert all(d.endswith(f"/runs-{k}") for k, d in enumerate(dirs[:n], 1))
    assert merge[merge.index("--cache-dir") + 1] == "$RUNNER_TEMP/store"


def test_deploy_runs_the_version_range_in_shards_and_publishes_only_what_they_made():
    wf = load("deploy.yml")
    job = wf["jobs"]["range"]
    n = len(job["strategy"]["matrix"]["shard"])
    assert n >= 2 and runs_snippets(job) and all(v == "read" for v in job["permissions"].values())
    assert "make range-venv" in runs(job)
    words = next(w for s in job["steps"] for w in generator_commands(s.get("run", "")) if w[0] == "range")
    assert words[words.index("--shard") + 1] == f"$SHARD/{n}"
    assert words[words.index("--cache-dir") + 1] == "$RUNNER_TEMP/empty-store"
    upload = uses(job, "actions/upload-artifact")[0]["with"]
    assert upload["name"] == "range-${{ matrix.shard }}"
    build = wf["jobs"]["build"]
    names = [s["with"]["name"] for s in uses(build, "actions/download-artifact") if "run-id" not in s["with"]]
    assert [x for x in names if x.startswith("range-")] == [f"range-{k}" for k in range(1, n + 1)]
    merge = next(w for s in build["steps"] for w in generator_commands(s.get("run", "")) if w[:2] == ["range", "--merge"])
    assert merge[2:2 + n] == [f"$RUNNER_TEMP/range/range-{k}.json" for k in range(1, n + 1)]
    order = [i for i, s in enumerate(build["steps"]) if "range --merge" in s.get("run", "") or s.get("run") == "make site"]
    assert len(order) == 2  # merged before the site is built, over any committed records/range.json


def test_the_job_that_builds_the_pages_artifact_executes_nothing():
    build = load("deploy.yml")["jobs"]["build"]
    assert build["env"]["GENERATOR_EXECUTE"] == "0"
    assert not runs_snippets(build) and "make test" not in runs(build)
    steps = build["steps"]
    checks = [i for i, s in enumerate(steps) for w in generator_commands(s.get("run", "")) if w[0] == "check"]
    site = next(i for i, s in enumerate(steps) if s.get("run") == "make site")
    assert len(checks) == 1 and checks[0] < site
    words = generator_commands(steps[checks[0]]["run"])[0]
    assert "--no-execute" in words and words[words.index("--cache-dir") + 1] == "$RUNNER_TEMP/store"
    assert steps[site]["env"]["GENERATOR_CACHE"] == "${{ runner.temp }}/store"
    upload = next(i for i, s in enumerate(steps) if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert site < upload and steps[upload]["with"]["path"] == "site"


def test_deploy_and_build_run_only_on_main():
    wf = load("deploy.yml")
    assert set(wf["on"]) == {"push", "workflow_dispatch"} and wf["on"]["push"]["branches"] == ["main"]
    for job_id, job in wf["jobs"].items():
        assert evaluate(job["if"], ctx("push")) and evaluate(job["if"], ctx("workflow_dispatch")), job_id
        for c in (ctx("push", ref="refs/heads/feature"), ctx("workflow_dispatch", ref="refs/heads/x"),
                  ctx("pull_request", ref="refs/heads/main"), ctx("pull_request_target"), ctx("schedule")):
            assert not evaluate(job["if"], c), (job_id, c)
    deploy = wf["jobs"]["deploy"]
    assert deploy["needs"] == "build" and deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert [s.get("uses", "").split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]


def test_the_readme_lists_the_repository_settings_the_workflows_assume():
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme.split("## CI: from pull request to Pages", 1)[1].split("\n## ", 1)[0]
    settings = section.split("**Repository settings**", 1)[1]
    for needed in ("runner group", ".github/workflows/gpu.yml@refs/heads/main", "ephemeral", "unprivileged user",
                   "outside collaborators", "Read repository contents", "github-pages"):
        assert needed in settings, needed
    variables = set(re.findall(r"vars\.(\w+)", (WORKFLOWS / "gpu.yml").read_text()))
    assert variables == {"GPU_RECORDS_REPOSITORY"} and all(f"`{v}`" in settings for v in variables)
