"""Provenance of what the site publishes (issues 22 and 28), each with a forged input that must be refused:

- frozen GPU records: only a record that came through `merge --attested` (the deploy job, after `gh attestation
  verify`) is published as passed; a record committed under records/, even with a correct freeze key, is
  "contributed, not reproduced by the project", never passed, and `check --strict` fails on it; a record dated after
  the build is refused; an attested record wins over a contributed one whatever their dates;
- `merge --shards N`: a shard's store counts only for its own tasks;
- `check --no-execute` / GENERATOR_EXECUTE=0: nothing executed, and a run the store lacks fails the check;
- `check --export` refuses a run store that is not empty.

No GPU needed: GPU records are written here by hand, exactly as a stranger would write one."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from support import ROOT, make_project, mini_settings
from generator.app.build import run_build
from generator.cli.main import main
from generator.core.record import RunRecord, SkipKind, Status
from generator.core.runners import RUNNERS
from generator.core.settings import SettingsError, make_settings
from generator.inputs.load import load_project
from generator.runs import frozen as freeze
from generator.runs.keys import freeze_key, run_inputs
from generator.runs.machine import gpu_name
from generator.runs.store import Store
from generator.site.render import Renderer
from generator.site.verification import verification_json

H100 = "NVIDIA H100 80GB HBM3"
no_gpu = pytest.mark.skipif(gpu_name() is not None, reason="this machine has a GPU: it makes its GPU runs itself")


def gpu_project(path: Path) -> Path:
    return make_project(path, {"demo": {"task": {"devices": ["cpu", "gpu"]}}})


def hand_made(root: Path, folder: Path, runner: str = "pytorch", date: str = "2026-11-20", gpu: str = H100,
              result=(1.0, 2.0)) -> Path:
    """A frozen record written by hand, with the freeze key computed as anyone can: what a pull request can add."""
    spec = load_project(root).tasks["demo"]
    inputs = run_inputs(spec, RUNNERS[runner], "gpu", 10, mini_settings(root))
    record = RunRecord.model_validate({
        "id": f"demo/{runner}/gpu", "key": "0" * 64, "task": "demo", "runner": runner, "device": "gpu",
        "script": inputs["script"], "python": "CPython 3.12.3", "versions": {"torch": "2.13.0+cu130"},
        "device_name": gpu, "date": date, "exit": {"kind": "exit", "message": "exited with code 0", "code": 0},
        "outcome": {"result": list(result), "has_result": True, "wall_s": 0.01}})
    f = freeze.FrozenFile(format=1, freeze_key=freeze_key(inputs), inputs=freeze.Inputs(**inputs),
                          machine=freeze.Machine(gpu=gpu, cpu="AMD EPYC", python="CPython 3.12.3",
                                                 platform="Linux", date=date), record=record)
    path = freeze.record_path(folder, "demo", runner, "gpu")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f.dumps())
    return path


def by_id(result) -> dict:
    return {o.run.id: o for o in result.outcomes}


def check(root: Path, *flags: str) -> list[str]:
    return ["--root", str(root), "check", "--devices", "auto", "--cache-dir", str(root / ".cache"), *flags]


# ----------------------------------------------------------------------------- frozen records: provenance decides
@no_gpu
def test_a_hand_made_record_with_a_correct_key_is_unattested_never_passed_and_strict_fails(tmp_path, capsys):
    root = gpu_project(tmp_path / "p")
    path = hand_made(root, root / "records")
    f, _ = freeze.read_file(path, root)
    assert freeze.refusal(f, "demo", "pytorch", "gpu") is None  # nothing in the file itself gives it away
    result = run_build(mini_settings(root, devices="auto"))
    o = by_id(result)["demo/pytorch/gpu"]
    assert o.category == "unattested" and o.status is Status.SKIPPED and o.skip is SkipKind.UNATTESTED
    assert not o.passed and o.record is None and o.frozen.provenance == "contributed"
    assert o.message.startswith("contributed, not reproduced by the project (unattested)")
    assert o.frozen.label == (f"recorded on {H100}, torch 2.13.0+cu130, CPython 3.12.3, 2026-11-20 (not the pinned "
                              f"versions: torch {o.frozen.pins['torch']} here); contributed, not reproduced by the project")
    assert result.count(Status.PASSED) == 5 and not result.failures  # the CPU runs only

    data = json.loads(verification_json(result))
    assert data["categories"]["unattested"] == 1 and data["categories"]["frozen"] == 0
    run = next(r for r in data["runs"] if r["id"] == "demo/pytorch/gpu")
    assert (run["category"], run["status"], run["skip"]) == ("unattested", "skipped", "unattested")
    assert run["frozen"]["provenance"] == "contributed" and run["frozen"]["path"] == "records/demo/pytorch-gpu.json"
    assert "device_name" not in run  # no record published: nothing of it reads as a run that was made

    pages = {p.path: p.markdown for p in Renderer(result.project, result).pages()}
    page, report = pages["tasks/basics/demo.md"], pages["verification.md"]
    assert "/// admonition | Contributed record, not reproduced by the project · PyTorch · GPU" in page
    assert "Frozen record (records/demo/pytorch-gpu.json): recorded on NVIDIA H100" in page
    assert "PyTorch · GPU · contributed, unattested" in page and "PyTorch · GPU · passed" not in page
    assert "### Contributed records" in report
    assert "| Contributed record, not reproduced by the project (unattested: not counted) | 1 |" in report
    assert "| Frozen record, attested (made by the project's GPU workflow, not re-run here) | 0 |" in report

    assert main(check(root)) == 0  # listed, not a failure
    out = capsys.readouterr().out
    assert ("records/demo/pytorch-gpu.json: unattested: [PyTorch, gpu] contributed, not reproduced by the project "
            "(unattested)") in out and "1 unattested" in out
    assert main(check(root, "--strict")) == 1
    assert "stale, unattested or refused frozen records (--strict)" in capsys.readouterr().out
    assert main(check(root, "--strict", "--format", "github")) == 1
    assert "::error file=records/demo/pytorch-gpu.json,title=frozen record::unattested" in capsys.readouterr().out


@no_gpu
def test_a_record_for_a_changed_script_is_stale_whatever_its_provenance(tmp_path, capsys):
    root = gpu_project(tmp_path / "p")
    hand_made(root, root / "records", runner="pytorch")
    hand_made(root, root / ".cache" / "attested", runner="tensorflow")
    for name in ("pytorch.py", "tensorflow.py"):
        (root / "snippets/demo" / name).write_text("RESULT = [1.0, 2.0]  # edited since it was recorded\n")
    runs = by_id(run_build(mini_settings(root, devices="auto")))
    for rid, provenance in (("demo/pytorch/gpu", "contributed"), ("demo/tensorflow/gpu", "attested")):
        o = runs[rid]
        assert o.category == "stale" and o.skip is SkipKind.STALE and not o.passed and o.record is None, rid
        assert o.frozen.provenance == provenance and "the script changed" in o.message
    assert main(check(root, "--strict")) == 1
    assert "attested/demo/tensorflow-gpu.json: stale: [TensorFlow, gpu]" in capsys.readouterr().out


@no_gpu
def test_the_same_record_through_merge_attested_passes_labelled_with_its_machine(tmp_path, capsys):
    root = gpu_project(tmp_path / "p")
    artifact = tmp_path / "gpu-records"  # what the deploy job unpacks after `gh attestation verify`
    hand_made(root, artifact)
    assert main(["--root", str(root), "merge", "--attested", str(artifact), "--cache-dir", str(root / ".cache")]) == 0
    assert "merged 1 attested frozen record(s)" in capsys.readouterr().out
    assert (root / ".cache/attested/demo/pytorch-gpu.json").read_bytes() == (artifact / "demo/pytorch-gpu.json").read_bytes()
    result = run_build(mini_settings(root, devices="auto"))
    o = by_id(result)["demo/pytorch/gpu"]
    assert o.category == "frozen" and o.status is Status.PASSED and o.frozen.provenance == "attested"
    assert o.device_name == H100 and o.frozen.path == "attested/demo/pytorch-gpu.json"
    assert o.frozen.label.startswith(f"recorded on {H100}, torch 2.13.0+cu130, CPython 3.12.3, 2026-11-20")
    assert o.frozen.label.endswith("; attested: made by the project's GPU workflow; not re-run in this build")
    assert main(check(root, "--strict")) == 0


@no_gpu
@pytest.mark.parametrize("folder", ["records", ".cache/attested"])
def test_a_record_dated_after_the_build_is_refused(tmp_path, folder, capsys):
    root = gpu_project(tmp_path / "p")
    hand_made(root, root / folder, date="9999-12-31")
    result = run_build(mini_settings(root, devices="auto"))
    o = by_id(result)["demo/pytorch/gpu"]
    assert o.category == "not-run" and o.skip is SkipKind.NO_DEVICE and o.record is None and o.frozen is None
    assert any("pytorch-gpu.json: refused: it is dated 9999-12-31, after this build's date" in w
               for w in result.warnings), result.warnings
    assert main(check(root, "--strict")) == 1
    hand_made(root, root / folder, date="soon")
    assert any("refused: its date 'soon' is not a date (YYYY-MM-DD)" in w
               for w in run_build(mini_settings(root, devices="auto")).warnings)


@no_gpu
def test_an_attested_record_beats_a_contributed_one_whatever_their_dates(tmp_path):
    root = gpu_project(tmp_path / "p")
    hand_made(root, root / ".cache/attested", date="2020-01-01")                  # older, attested
    hand_made(root, root / "records", date="2026-12-01", gpu="NVIDIA B200", result=(9.0, 9.0))  # newer, contributed
    o = by_id(run_build(mini_settings(root, devices="auto")))["demo/pytorch/gpu"]
    assert o.category == "frozen" and o.passed and o.device_name == H100 and o.frozen.date == "2020-01-01"
    # an attested record that is stale still stands for the run: a current contributed one never replaces it
    (root / "snippets/demo/pytorch.py").write_text("RESULT = [1.0, 2.0]  # edited\n")
    hand_made(root, root / "records", date="2026-12-01")
    o = by_id(run_build(mini_settings(root, devices="auto")))["demo/pytorch/gpu"]
    assert o.category == "stale" and o.frozen.provenance == "attested"
    # an attested record that is refused leaves the contributed one, which is still not passed
    hand_made(root, root / ".cache/attested", gpu="cpu")
    result = run_build(mini_settings(root, devices="auto"))
    o = by_id(result)["demo/pytorch/gpu"]
    assert o.category == "unattested" and not o.passed
    assert any("attested/demo/pytorch-gpu.json: refused: its machine names no GPU" in w for w in result.warnings)


# ----------------------------------------------------------------------------- merge --shards: each store for its tasks
@pytest.fixture
def shard_stores(tmp_path, capsys):
    root = make_project(tmp_path / "p", {f"t{i}": {} for i in range(5)})
    for k in (1, 2, 3):
        assert main(["--root", str(root), "check", "--devices", "cpu", "--shard", f"{k}/3", "--cache-dir",
                     str(tmp_path / f"cache{k}"), "--export", str(tmp_path / "a" / f"runs-{k}")]) == 0
    capsys.readouterr()
    return root, tmp_path / "a"


def merge_shards(root: Path, dest: Path, *dirs: Path) -> list[str]:
    return ["--root", str(root), "merge", "--shards", "3", *map(str, dirs), "--cache-dir", str(dest)]


def test_merge_shards_refuses_a_key_outside_the_shards_tasks(shard_stores, tmp_path, capsys):
    root, a = shard_stores
    one, two = Store(a / "runs-1"), Store(a / "runs-2")
    foreign = one.keys()[0]  # shard 1's record (t0 or t3), planted in shard 2's store
    two.put(foreign, one.get(foreign))
    assert main(merge_shards(root, tmp_path / "m", *(a / f"runs-{k}" for k in (1, 2, 3)))) == 1
    captured = capsys.readouterr()
    refusals = [line for line in captured.out.splitlines() if ": refused " in line]
    assert refusals == [f"{a / 'runs-2'}: refused {foreign}: not a run of shard 2/3's tasks (its record names "
                        f"{one.get(foreign).id})"]
    assert "merge --shards 3: merged 25 record(s), refused 1" in captured.out
    assert "merge: refused 1 record(s): a shard's store counts only for its own tasks" in captured.err
    assert len(Store(tmp_path / "m").keys()) == 25  # shard 1's own copy is merged; nothing else came in

    # without --shards the same stores are merged as they are (the old behaviour): the planted record goes in
    assert main(["--root", str(root), "merge", str(a / "runs-2"), "--cache-dir", str(tmp_path / "plain")]) == 0
    assert foreign in Store(tmp_path / "plain").keys()


def test_merge_shards_refuses_a_record_under_another_runs_key_and_a_second_store_for_a_shard(shard_stores, tmp_path,
                                                                                             capsys):
    root, a = shard_stores
    two = Store(a / "runs-2")
    by_run = {two.get(k).id: k for k in two.keys()}
    task = sorted(by_run)[0].split("/")[0]
    pt, tf = by_run[f"{task}/pytorch/cpu"], by_run[f"{task}/tensorflow/cpu"]
    two.put(tf, two.get(pt).model_copy(update={"key": tf}))  # the PyTorch record where TensorFlow's run is looked up
    copy = tmp_path / "copy-of-runs-1"
    shutil.copytree(a / "runs-1", copy / "runs-1")
    assert main(merge_shards(root, tmp_path / "m", a / "runs-1", a / "runs-2", a / "runs-3", copy / "runs-1")) == 1
    out = capsys.readouterr().out
    assert f"{a / 'runs-2'}: refused {tf}: its record names {task}/pytorch/cpu, but the key is the run {task}/tensorflow/cpu's" in out
    second = [line for line in out.splitlines() if "a second store for shard 1/3" in line]
    assert len(second) == len(Store(a / "runs-1").keys()) == 10
    assert f"merge --shards 3: merged 24 record(s), refused {1 + len(second)}" in out
    assert tf not in Store(tmp_path / "m").keys()


def test_merge_shards_numbers_stores_by_name_or_position_and_refuses_what_is_not_a_shard(shard_stores, tmp_path, capsys):
    root, a = shard_stores
    shutil.copytree(a / "runs-2", tmp_path / "second")  # not named runs-K: shard 2 by its position
    assert main(merge_shards(root, tmp_path / "m", a / "runs-1", tmp_path / "second", a / "runs-3")) == 0
    assert main(merge_shards(root, tmp_path / "m2", a)) == 0  # a folder of runs-1..runs-3, as deploy downloads them
    assert len(Store(tmp_path / "m").keys()) == len(Store(tmp_path / "m2").keys()) == 25
    capsys.readouterr()
    shutil.copytree(a / "runs-3", a / "runs-4")
    assert main(merge_shards(root, tmp_path / "m3", a)) == 2
    assert capsys.readouterr().err == f"merge: {a / 'runs-4'}: shard 4 of --shards 3 does not exist\n"
    assert main(merge_shards(root, tmp_path / "m3", tmp_path / "nowhere")) == 2
    with pytest.raises(SystemExit):
        main(["--root", str(root), "merge", "--shards", "0", str(a / "runs-1")])


# ----------------------------------------------------------------------------- check --export: from an empty store only
def test_check_export_refuses_a_run_store_that_is_not_empty(tmp_path, capsys):
    root = make_project(tmp_path / "p")
    store = tmp_path / "store"
    store.mkdir()
    (store / "planted").write_text("a file a restored cache could hold")
    args = ["--root", str(root), "check", "--devices", "cpu", "--export", str(tmp_path / "out")]
    assert main([*args, "--cache-dir", str(store)]) == 2
    err = capsys.readouterr().err
    assert err == (f"check: --export needs an empty run store, and {store} is not empty: give a new --cache-dir "
                   "(what a shard exports must all be made by its own build)\n")
    assert not (tmp_path / "out").exists()
    (store / "planted").unlink()  # an empty folder, or none, is fine
    assert main([*args, "--cache-dir", str(store)]) == 0
    assert len(Store(tmp_path / "out").keys()) == 5


# ----------------------------------------------------------------------------- execution off
def test_check_no_execute_executes_nothing_and_fails_on_each_run_the_store_lacks(tmp_path, capsys, monkeypatch):
    root = make_project(tmp_path / "p")
    args = ["--root", str(root), "check", "--devices", "cpu", "--cache-dir", str(tmp_path / "store")]
    assert main([*args, "--no-execute"]) == 1
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if ": not executed: " in line]
    assert len(lines) == 5 and lines[0] == (f"snippets/demo/pytorch.py: not executed: [PyTorch, cpu] not in the run "
                                            f"store {tmp_path / 'store'}, and execution is off (--no-execute, "
                                            "GENERATOR_EXECUTE=0 or execute: false)")
    assert "0 executed" in out and "5 run(s) not executed and not in the run store" in out
    assert not Store(tmp_path / "store").keys()

    assert main(args) == 0  # executes, fills the store
    capsys.readouterr()
    store = Store(tmp_path / "store")
    keys = store.keys()
    (store.path / "runs" / keys[0][:2] / f"{keys[0]}.json").unlink()  # one run missing
    monkeypatch.setenv("GENERATOR_EXECUTE", "0")  # the same through the environment, without the flag
    assert main(args) == 1
    out = capsys.readouterr().out
    assert len([line for line in out.splitlines() if ": not executed: " in line]) == 1 and "0 executed" in out
    assert main([*args, "--format", "github"]) == 1
    assert "::error file=snippets/demo/" in capsys.readouterr().out
    monkeypatch.delenv("GENERATOR_EXECUTE")
    assert main(args) == 0 and "1 executed" in capsys.readouterr().out
    assert main([*args, "--no-execute"]) == 0


def test_generator_execute_is_one_setting_for_every_entry_point(tmp_path, monkeypatch):
    root = make_project(tmp_path / "p")
    assert make_settings({}, root).execute is True
    monkeypatch.setenv("GENERATOR_EXECUTE", "0")
    assert make_settings({}, root).execute is False
    assert make_settings({"execute": True}, root, source="command line").execute is False  # the environment wins
    monkeypatch.setenv("GENERATOR_EXECUTE", "1")
    assert make_settings({"execute": False}, root).execute is False  # 1 turns nothing on
    monkeypatch.setenv("GENERATOR_EXECUTE", "yes")
    with pytest.raises(SettingsError) as err:
        make_settings({}, root)
    assert err.value.lines == ["environment: GENERATOR_EXECUTE: must be 0 (execute nothing) or 1 (got 'yes')"]
    from generator.plugin.adapter import GeneratorPlugin
    errors, _ = GeneratorPlugin().load_config({}, str(root / "mkdocs.yml"))
    assert errors == [("GENERATOR_EXECUTE", "must be 0 (execute nothing) or 1 (got 'yes') (environment)")]


@pytest.mark.slow
def test_mkdocs_build_honours_generator_execute(tmp_path):
    root = make_project(tmp_path / "p")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", GENERATOR_EXECUTE="0", GENERATOR_CACHE=str(tmp_path / "store"),
               PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-m", "mkdocs", "build"], cwd=root, env=env, capture_output=True, text=True,
                         timeout=600)
    assert out.returncode == 0, out.stderr
    assert "5 runs planned, 0 executed, 0 from cache" in out.stderr
    assert not (tmp_path / "store" / "runs").exists() or not Store(tmp_path / "store").keys()
    page = (root / "site" / "tasks" / "basics" / "demo" / "index.html").read_text()
    assert "not executed in this build" in page
