"""The benchmark runs and writes well-formed results (a small configuration; figures are not asserted)."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from support import ROOT


@pytest.mark.slow
def test_bench_quick_writes_well_formed_results(tmp_path):
    out = tmp_path / "results.json"
    proc = subprocess.run([sys.executable, "-m", "generator", "bench", "--quick", "--out", str(out)], cwd=ROOT,
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    r = json.loads(out.read_text())
    assert r["quick"] is True and r["machine"]["cores"] >= 1
    assert r["cold"]["runs"] == 15 and r["cold"]["seconds"] > 0 and r["cold"]["floor_seconds"] > 0
    assert r["naive"]["runs"] == 15 and r["naive"]["same_pass_fail"] is True
    assert " 0 executed, " in r["warm"]["summary"] and "(0 framework imports)" in r["warm"]["summary"]
    assert " 1 executed, " in r["incremental"]["summary"]
    assert r["preview_reload_s"]["median"] > 0 and r["preview_reload_s"]["ratio_to_warm_build"] > 0
    snippet = r["preview_snippet_s"]
    assert snippet["task"] == "tensor-creation" and sorted(snippet["scripts"]) == ["keras", "pytorch", "tensorflow"]
    for framework, p in snippet["scripts"].items():
        assert len(p["all"]) >= 2 and p["first_edit_s"] > 0 and p["cold_import_s"] > 0 and p["median_run_s"] >= 0
        assert p["ratio"] == pytest.approx((p["median"] - p["median_run_s"]) / p["cold_import_s"])
        assert len(p["runners"]) == (3 if framework == "keras" else 1)
        assert f"preview: {framework}.py edit" in proc.stdout
    assert "preview: content edit" in proc.stdout
    assert [g["tasks"] for g in r["growth"]] == [5, 15] and all(g["warm_ms_per_task"] > 0 for g in r["growth"])
    assert r["memory"]["build_peak_rss_mb"] > 100 and len(r["memory"]["worker_peak_rss_mb"]) >= 1
    assert "cold build (empty cache)" in proc.stdout and "naive way" in proc.stdout
