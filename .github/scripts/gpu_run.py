"""Pick the gpu.yml run whose records the deploy workflow may take, from the workflow-runs API's answer.

Only a successful run of THIS repository's own .github/workflows/gpu.yml, started by `schedule` or by hand
(`workflow_dispatch`) on main: never a pull request's run (a fork's pull request runs its own edited workflow files
under this repository's name, with the fork's branch name, which can be `main`), never a run whose head repository is
another one. The newest such run wins. The deploy workflow then verifies the artifact's attestation before it merges
anything (`gh attestation verify --signer-workflow ... --source-ref refs/heads/main --deny-self-hosted-runners`).

Usage: python3 gpu_run.py RUNS.json  (the repository from GITHUB_REPOSITORY); prints `run_id=N` and `head_sha=SHA`
for $GITHUB_OUTPUT, or nothing when no run qualifies. Standard library only: it runs before any install.
"""
from __future__ import annotations

import json
import os
import re
import sys

EVENTS = ("schedule", "workflow_dispatch")
WORKFLOW = ".github/workflows/gpu.yml"


def qualifies(run: dict, repo: str) -> bool:
    head, base = run.get("head_repository") or {}, run.get("repository") or {}
    return (run.get("event") in EVENTS
            and run.get("status") == "completed" and run.get("conclusion") == "success"
            and head.get("full_name") == repo and base.get("full_name") == repo
            and head.get("id") is not None and head.get("id") == base.get("id")
            and run.get("head_branch") == "main"
            and str(run.get("path") or "").split("@")[0] == WORKFLOW
            and type(run.get("id")) is int and run["id"] > 0
            and re.fullmatch(r"[0-9a-f]{40}", str(run.get("head_sha") or "")) is not None)


def select(answer: dict, repo: str) -> dict | None:
    runs = [r for r in answer.get("workflow_runs") or [] if isinstance(r, dict) and qualifies(r, repo)]
    return max(runs, key=lambda r: (str(r.get("created_at") or ""), r["id"]), default=None)


def main(argv: list[str]) -> int:
    repo = os.environ.get("GITHUB_REPOSITORY", "")
    if len(argv) != 1 or not re.fullmatch(r"[\w.-]+/[\w.-]+", repo):
        print("usage: GITHUB_REPOSITORY=owner/name gpu_run.py RUNS.json", file=sys.stderr)
        return 2
    with open(argv[0], encoding="utf-8") as f:
        run = select(json.load(f), repo)
    if run is None:
        print("no successful gpu.yml run by schedule or workflow_dispatch on main of " + repo, file=sys.stderr)
        return 0
    print(f"run_id={run['id']}\nhead_sha={run['head_sha']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
