"""The real content: complete, current for the pinned versions, sourced, and not copied from the seed articles."""
from __future__ import annotations

import re
from importlib import metadata

import pytest
import yaml

from support import ROOT, real

PROJECT, PLAN, RUNS, REAL_DATA_ERROR = real()

SEEDS = ROOT.parent / "shared" / "seeds"
REQUIRED_CRITERIA = {
    "developer-governance", "release-history", "licence", "languages", "api-design", "execution-model", "ease-of-use",
    "flexibility", "debugging", "performance", "distributed-training", "hardware-support", "platforms", "deployment",
    "export-formats", "pretrained-models", "community", "documentation", "integration", "notable-features", "use-cases"}


def test_verified_versions_are_the_installed_pins():
    pins = {name.lower().replace("_", "-"): version for name, version in
            (line.split("==") for line in (ROOT / "requirements.txt").read_text().splitlines()
             if "==" in line and not line.startswith("#"))}
    for fw in PROJECT.frameworks.frameworks:
        assert pins[fw.package] == fw.version, fw.id
        assert metadata.version(fw.package).split("+")[0] == fw.version, fw.id


def test_every_criterion_of_the_seeds_is_covered_with_three_sourced_cells():
    ids = {c.id for c in PROJECT.criteria.criteria}
    assert REQUIRED_CRITERIA <= ids and len(ids) >= 20
    for c in PROJECT.criteria.criteria:
        for fid, cell in c.cells.items():
            assert cell.sources and cell.as_of, (c.id, fid)


def test_content_sizes():
    assert len(PROJECT.tasks) >= 24
    assert len(PROJECT.claims.claims) >= 15 and len(PROJECT.faq.questions) >= 12
    assert {c.verdict for c in PROJECT.claims.claims} >= {"true", "outdated", "false", "misleading"}
    assert all(len(pc.pros) >= 3 and len(pc.cons) >= 3 for pc in PROJECT.choosing.pros_cons.values())


def test_every_task_demonstrates_a_criterion_and_explains_the_differences():
    for tid, spec in PROJECT.tasks.items():
        linked = set(spec.task.criteria) | {c.id for c in PROJECT.criteria.criteria if tid in c.tasks}
        assert linked, f"{tid} demonstrates no criterion"
        assert len(spec.task.explanation.split()) >= 30, f"{tid}: the explanation is too short"


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _strings(data):
    if isinstance(data, dict):
        for v in data.values():
            yield from _strings(v)
    elif isinstance(data, list):
        for v in data:
            yield from _strings(v)
    elif isinstance(data, str):
        yield data


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed articles (../shared/seeds) are not beside this checkout")
def test_nothing_is_copied_from_the_seed_articles():
    n = 8
    seed_grams = set()
    for seed in SEEDS.iterdir():
        words = _words(seed.read_text(errors="replace"))
        seed_grams |= {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}
    files = list((ROOT / "content").glob("*.yml")) + list((ROOT / "snippets").glob("*/task.yml"))
    copied = []
    for path in files:
        for text in _strings(yaml.safe_load(path.read_text())):
            words = _words(text)
            hits = {" ".join(words[i:i + n]) for i in range(len(words) - n + 1) if tuple(words[i:i + n]) in seed_grams}
            copied += [f"{path.relative_to(ROOT)}: '{h}'" for h in hits]
    assert copied == []
