"""Frozen records (records/): made on a GPU machine, published by a build without one with where, when and which
versions; stale when the script changes; refused when they could pass a CPU run off as a GPU run; per-device
tolerance; sharded builds that merge to the records of one full build. No GPU needed: the "GPU" of these tests is
the record machinery run with gpu_name patched in-process, which no option or path of the CLI can do."""
from __future__ import annotations

import json
import re
import os
import subprocess
import sys
from pathlib import Path

import pytest

import generator.app.record
import generator.runs.executor
import generator.runs.plan
from support import ROOT, make_project, mini_settings
from generator.app import record as recording
from generator.runs import frozen as freeze
from generator.runs.store import Store
from generator.cli.main import main
from generator.inputs.load import load_project
from generator.runs.machine import gpu_name
from generator.app.build import run_build
from generator.core.record import SkipKind, Status
from generator.site.render import Renderer
from generator.site.verification import verification_json
from generator.inputs.pins import read_lock

H100 = "NVIDIA H100 80GB HBM3"
ENV = dict(os.environ, PYTHONPATH=str(ROOT))
PINNED = read_lock(ROOT / "requirements.txt")[0]  # the lock, not numbers written here
PINNED_TORCH, PINNED_NUMPY = PINNED.version("torch").split("+")[0], PINNED.version("numpy")
needs_no_gpu = pytest.mark.skipif(gpu_name() is not None, reason="this machine has a GPU: it makes its GPU runs itself")
pytestmark = needs_no_gpu


ATTESTED = ".cache/attested"  # where `merge --attested` puts records, in the run store of mini_settings


def record_gpu(root: Path, probe=None, tasks=None, out: Path | None = None) -> tuple[int, list[str]]:
    """Run `record` as a GPU machine would: gpu_name patched in-process (test-only), its own run store. Without `out`
    the records are then attested as the deploy job does it (`merge --attested` into root/.cache/attested)."""
    lines: list[str] = []
    settings = mini_settings(root, devices="gpu", cache_dir=str(root / ".gpu-cache"))
    artifact = out or root.parent / f"{root.name}-gpu-artifact"
    if out is None and artifact.exists():
        import shutil
        shutil.rmtree(artifact)
    with pytest.MonkeyPatch.context() as mp:
        for module in (generator.runs.plan, generator.runs.executor, generator.app.record):
            mp.setattr(module, "gpu_name", lambda: H100)
        rc = recording.record(settings, load_project(root), artifact, tasks,
                              probe=probe or (lambda package: None), log=lines.append)
    if out is None:
        merged, refused, _ = freeze.merge_attested(artifact, mini_settings(root))
        assert refused == 0
    return rc, lines


def gpu_project(path: Path, tasks: dict | None = None) -> Path:
    return make_project(path, tasks or {"demo": {"task": {"devices": ["cpu", "gpu"]}}})


def by_id(result) -> dict:
    return {o.run.id: o for o in result.outcomes}


def edit_record(path: Path, **record_fields) -> None:
    data = json.loads(path.read_text())
    for key, value in record_fields.items():
        target = data["record"]
        *parents, last = key.split(".")
        for p in parents:
            target = target[p]
        target[last] = value
    path.write_text(json.dumps(data, sort_keys=True, indent=1))


# ----------------------------------------------------------------------------- record, then publish
def test_recorded_gpu_runs_are_published_frozen_with_where_when_and_versions(tmp_path):
    root = gpu_project(tmp_path / "p")
    rc, lines = record_gpu(root)
    assert rc == 0 and "wrote 5 frozen record(s)" in lines[-1]
    files = sorted(p.relative_to(root / ATTESTED).as_posix() for p in (root / ATTESTED).rglob("*.json"))
    assert files == ["demo/keras_jax-gpu.json", "demo/keras_tensorflow-gpu.json",
                     "demo/keras_torch-gpu.json", "demo/pytorch-gpu.json", "demo/tensorflow-gpu.json"]
    assert not (root / "records").exists()  # attested records live in the run store, never in the repository
    text = (root / ATTESTED / "demo/pytorch-gpu.json").read_text()
    data = json.loads(text)
    assert text == json.dumps(data, sort_keys=True, indent=1, ensure_ascii=False) + "\n"  # sorted, reviewable
    assert data["inputs"]["script_sha256"] == __import__("hashlib").sha256((root / "snippets/demo/pytorch.py").read_bytes()).hexdigest()
    assert data["record"]["device"] == "gpu" and data["record"]["device_name"] == H100 == data["machine"]["gpu"]
    assert not list((root / ATTESTED).rglob(".tmp-*"))

    result = run_build(mini_settings(root, devices="auto"))  # this machine: no GPU
    runs = by_id(result)
    gpu = [o for o in result.outcomes if o.run.device == "gpu"]
    assert len(gpu) == 5 and all(o.category == "frozen" and o.status is Status.PASSED for o in gpu)
    assert all(o.category == "this-build" for o in result.outcomes if o.run.device == "cpu")
    assert result.executed == 5  # the CPU runs only: nothing GPU was run here
    label = runs["demo/pytorch/gpu"].frozen.label
    assert label.startswith(f"recorded on {H100}, keras ") and f"torch {PINNED_TORCH}" in label
    assert label.endswith("; attested: made by the project's GPU workflow; not re-run in this build")
    assert runs["demo/pytorch/gpu"].frozen.provenance == "attested"
    assert runs["demo/pytorch/gpu"].check.device == "gpu" and "no GPU tolerance" in runs["demo/pytorch/gpu"].check.reason
    assert runs["demo/pytorch/gpu"].device_check.reference == "PyTorch on CPU"

    data = json.loads(verification_json(result))
    assert data["categories"] == {"this-build": 5, "frozen": 5, "unattested": 0, "stale": 0, "not-run": 0}
    run = next(r for r in data["runs"] if r["id"] == "demo/pytorch/gpu")
    assert run["category"] == "frozen" and run["frozen"]["path"] == "attested/demo/pytorch-gpu.json"
    assert run["frozen"]["provenance"] == "attested"
    assert run["device_name"] == H100 and run["status"] == "passed"

    pages = {p.path: p.markdown for p in Renderer(result.project, result).pages()}
    assert "### Frozen records" in pages["verification.md"]
    assert "| Frozen record, attested (made by the project's GPU workflow, not re-run here) | 5 |" in pages["verification.md"]
    assert "Frozen record (attested/demo/pytorch-gpu.json): recorded on NVIDIA H100 80GB HBM3" in pages["tasks/basics/demo.md"]
    assert "· frozen" in pages["tasks/basics/demo.md"]


def test_records_made_with_other_versions_show_them_never_the_pins(tmp_path):
    root = gpu_project(tmp_path / "p")
    record_gpu(root)
    edit_record(root / ATTESTED / "demo/pytorch-gpu.json", versions={"torch": "2.11.0+cu130", "numpy": PINNED_NUMPY},
                python="CPython 3.12.3", date="2026-11-25")
    o = by_id(run_build(mini_settings(root, devices="auto")))["demo/pytorch/gpu"]
    assert o.category == "frozen" and o.passed
    assert o.frozen.label.startswith(f"recorded on {H100}, torch 2.11.0+cu130, CPython 3.12.3, 2026-11-25 "
                                     f"(not the pinned versions: torch {PINNED_TORCH}")
    assert "2.11.0+cu130" in o.versions_text and PINNED_TORCH not in o.versions_text


def test_a_record_is_stale_once_its_script_changes_and_check_strict_fails(tmp_path, capsys):
    root = gpu_project(tmp_path / "p")
    record_gpu(root)
    (root / "snippets/demo/pytorch.py").write_text("RESULT = [1.0, 2.0]  # edited since it was recorded\n")
    result = run_build(mini_settings(root, devices="auto"))
    stale = by_id(result)["demo/pytorch/gpu"]
    assert stale.category == "stale" and stale.status is Status.SKIPPED and stale.skip is SkipKind.STALE
    assert not stale.passed and stale.record is None
    assert stale.message.startswith(f"stale frozen record: the script changed since it was recorded on {H100}")
    assert by_id(result)["demo/keras/jax/gpu"].category == "frozen"  # keras.py did not change
    pages = {p.path: p.markdown for p in Renderer(result.project, result).pages()}
    assert "### Stale records" in pages["verification.md"] and "stale frozen record" in pages["tasks/basics/demo.md"]
    assert json.loads(verification_json(result))["categories"]["stale"] == 1

    args = ["--root", str(root), "check", "--devices", "auto", "--cache-dir", str(root / ".cache")]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "attested/demo/pytorch-gpu.json: stale: [PyTorch, gpu] stale frozen record: the script changed" in out
    assert main(args + ["--strict"]) == 1
    assert "stale, unattested or refused frozen records (--strict)" in capsys.readouterr().out
    assert main(args + ["--strict", "--format", "github"]) == 1
    assert "::error file=attested/demo/pytorch-gpu.json,title=frozen record::stale" in capsys.readouterr().out
    # the timeout is an input too: changing it makes every record of the task stale, saying so
    record_gpu(root)
    (root / "snippets/demo/task.yml").write_text((root / "snippets/demo/task.yml").read_text() + "timeout: 7.0\n")
    o = by_id(run_build(mini_settings(root, devices="auto")))["demo/keras/torch/gpu"]
    assert o.category == "stale" and "the timeout changed" in o.message


def test_a_runner_missing_on_the_recording_machine_is_not_available_not_failed(tmp_path):
    root = gpu_project(tmp_path / "p")
    why = "tensorflow is not installed on the recording machine (importlib.util.find_spec('tensorflow') is None)"
    rc, lines = record_gpu(root, probe=lambda p: why if p == "tensorflow" else None)
    assert rc == 0 and f"record: keras/tensorflow: {why}" in lines
    data = json.loads((root / ATTESTED / "demo/tensorflow-gpu.json").read_text())
    assert data["record"] is None and data["unavailable"] == why
    result = run_build(mini_settings(root, devices="auto"))
    for rid in ("demo/tensorflow/gpu", "demo/keras/tensorflow/gpu"):
        o = by_id(result)[rid]
        assert o.status is Status.SKIPPED and o.skip is SkipKind.UNAVAILABLE and o.category == "not-run"
        assert o.message == f"not available on the recording machine ({H100}): {why}"
    assert not result.failures and by_id(result)["demo/keras/torch/gpu"].category == "frozen"
    pages = {p.path: p.markdown for p in Renderer(result.project, result).pages()}
    assert "runs not made:** not available on the recording machine" in pages["verification.md"]


def test_the_probe_reports_a_missing_framework_as_not_available():
    out = subprocess.run([sys.executable, "-P", "-c", recording._PROBE, "surely_not_installed_xyz", "ok = True\nwhat = ''"],
                         capture_output=True, text=True, timeout=60)
    answer = json.loads(out.stdout)
    assert answer == {"ok": False, "why": "surely_not_installed_xyz is not installed on the recording machine "
                                          "(importlib.util.find_spec('surely_not_installed_xyz') is None)"}
    out = subprocess.run([sys.executable, "-P", "-c", recording._PROBE, "json", "ok = False\nwhat = 'no device seen'"],
                         capture_output=True, text=True, timeout=60)
    assert json.loads(out.stdout)["why"].startswith("json ") and "sees no GPU (no device seen)" in out.stdout


# ----------------------------------------------------------------------------- no CPU run passed off as a GPU run
def test_record_refuses_without_a_gpu_and_writes_nothing(tmp_path, capsys):
    root = gpu_project(tmp_path / "p")
    assert main(["--root", str(root), "record", "--devices", "gpu", "--out", str(root / "records"),
                 "--cache-dir", str(root / ".cache")]) == 2
    assert "no GPU on this machine" in capsys.readouterr().out and not (root / "records").exists()
    assert main(["--root", str(root), "record", "--devices", "cpu", "--out", str(root / "records")]) == 2


@pytest.mark.parametrize("tamper, why", [
    ({"device": "cpu"}, "its record is of demo/pytorch/gpu on cpu"),
    ({"id": "demo/pytorch/cpu", "device": "cpu"}, "its record is of demo/pytorch/cpu on cpu"),
    ({"device_name": "AMD EPYC"}, "not on the machine's GPU"),
    ({"runner": "keras/jax"}, "its record is of demo/pytorch/gpu"),
])
def test_a_record_that_could_pass_a_cpu_run_off_as_gpu_is_refused(tmp_path, tamper, why, capsys):
    root = gpu_project(tmp_path / "p")
    record_gpu(root)
    edit_record(root / ATTESTED / "demo/pytorch-gpu.json", **tamper)
    result = run_build(mini_settings(root, devices="auto"))
    o = by_id(result)["demo/pytorch/gpu"]
    assert o.skip is SkipKind.NO_DEVICE and o.record is None and o.category == "not-run"
    assert any(w.startswith(f"{root / ATTESTED}/demo/pytorch-gpu.json: refused: ") and why in w
               for w in result.warnings), result.warnings
    assert main(["--root", str(root), "check", "--devices", "auto", "--strict"]) == 1


def test_machine_and_file_level_refusals(tmp_path):
    root = gpu_project(tmp_path / "p")
    record_gpu(root)
    path = root / ATTESTED / "demo/pytorch-gpu.json"
    good = path.read_text()

    def refused(mutate) -> str:
        data = json.loads(good)
        mutate(data)
        path.write_text(json.dumps(data))
        result = run_build(mini_settings(root, devices="auto"))
        assert by_id(result)["demo/pytorch/gpu"].record is None
        return " | ".join(result.warnings)

    from generator.runs.machine import cpu_name
    assert "names no GPU" in refused(lambda d: d["machine"].update(gpu=d["machine"]["cpu"]))
    assert "names no GPU" in refused(lambda d: (d["machine"].update(gpu="GPU"), d["record"].update(device_name="GPU")))
    assert "names no GPU" in refused(lambda d: (d["machine"].update(gpu=cpu_name()), d["record"].update(device_name=cpu_name())))
    assert "freeze key does not match" in refused(lambda d: d["inputs"].update(timeout=99.0))
    assert "not of demo/pytorch/gpu" in refused(lambda d: d["inputs"].update(runner="keras/jax"))
    assert "either a record or the reason" in refused(lambda d: d.update(unavailable="no reason needed"))
    assert "not a frozen record of format 1" in refused(lambda d: d.update(format=2))
    assert "not a frozen record of format 1" in refused(lambda d: d.update(extra="field"))
    path.unlink()
    path.symlink_to(tmp_path / "elsewhere.json")
    (tmp_path / "elsewhere.json").write_text(good)
    result = run_build(mini_settings(root, devices="auto"))
    assert by_id(result)["demo/pytorch/gpu"].record is None and any("symbolic link" in w for w in result.warnings)


def test_a_build_with_the_device_makes_its_own_runs_and_ignores_frozen_records(tmp_path):
    """Frozen records stand only for runs this machine cannot make: with a GPU here, the GPU runs are made."""
    root = gpu_project(tmp_path / "p")
    record_gpu(root)
    with pytest.MonkeyPatch.context() as mp:
        for module in (generator.runs.plan, generator.runs.executor):
            mp.setattr(module, "gpu_name", lambda: H100)
        result = run_build(mini_settings(root, devices="auto", cache_dir=str(root / ".cache2")))
    assert result.executed == 10 and all(o.category == "this-build" for o in result.outcomes)


# ----------------------------------------------------------------------------- per-device tolerance
def test_gpu_tolerance_applies_to_gpu_runs_and_gpu_cpu_disagreement_is_its_own_finding(tmp_path):
    task = {"devices": ["cpu", "gpu"], "compare": {"tolerance": {"rtol": 1e-6, "atol": 1e-9},
            "gpu_tolerance": {"rtol": 1e-3, "atol": 1e-6, "reason": "TF32 matmuls in TensorFlow and JAX on NVIDIA GPUs"}}}
    root = gpu_project(tmp_path / "p", {"demo": {"task": task}})
    record_gpu(root)
    for f in (root / ATTESTED / "demo").glob("*.json"):  # every GPU result 1e-4 off the CPU's: within the GPU tolerance
        edit_record(f, **{"outcome.result": [1.0001, 2.0]})
    result = run_build(mini_settings(root, devices="auto"))
    o = by_id(result)["demo/tensorflow/gpu"]
    assert o.passed and (o.check.rtol, o.check.atol, o.check.device) == (1e-3, 1e-6, "gpu")
    assert o.check.reason == "the task's GPU tolerance: TF32 matmuls in TensorFlow and JAX on NVIDIA GPUs"
    assert o.device_check.max_abs_diff == pytest.approx(1e-4) and not o.device_check.paths
    cpu = by_id(result)["demo/tensorflow/cpu"]
    assert cpu.check.rtol == 1e-6 and cpu.check.device == "cpu" and cpu.check.reason == "the task's tolerance"
    pages = {p.path: p.markdown for p in Renderer(result.project, result).pages()}
    assert "the task&#39;s GPU tolerance&#58; TF32 matmuls" in pages["tasks/basics/demo.md"]
    assert "Against the same script on the CPU" in pages["tasks/basics/demo.md"]

    for f in (root / ATTESTED / "demo").glob("*.json"):  # all GPU runs agree among themselves, not with the CPU
        edit_record(f, **{"outcome.result": [1.1, 2.0]})
    result = run_build(mini_settings(root, devices="auto"))
    gpu = [o for o in result.outcomes if o.run.device == "gpu"]
    assert all(o.status is Status.MISMATCHED for o in gpu)
    assert all(o.message.startswith("GPU and CPU results of the same script disagree beyond the GPU tolerance") for o in gpu)
    assert all(o.check.paths == [] for o in gpu)  # the GPU runs agree with each other
    assert all(o.passed for o in result.outcomes if o.run.device == "cpu")


def test_gpu_tolerance_needs_a_tolerance(tmp_path):
    from generator.core.errors import DataError
    task = {"compare": {"not_comparable": "a reason long enough",
                        "gpu_tolerance": {"rtol": 1e-3, "atol": 0, "reason": "a reason long enough"}}}
    root = make_project(tmp_path / "p", {"demo": {"task": task}})
    with pytest.raises(DataError, match="'gpu_tolerance' needs a 'tolerance'"):
        load_project(root)


# ----------------------------------------------------------------------------- merging records, sharding
def test_merge_attested_takes_the_verified_artifact_into_the_run_store_and_refuses_forgeries(tmp_path, capsys):
    root = gpu_project(tmp_path / "p")
    artifact = tmp_path / "artifact"
    record_gpu(root, out=artifact)                        # gpu.yml's artifact, its attestation verified
    edit_record(artifact / "demo/pytorch-gpu.json", device="cpu")          # refused: a CPU run as a GPU one
    edit_record(artifact / "demo/keras_jax-gpu.json", date="9999-12-31")   # refused: dated after this build
    args = ["--root", str(root), "merge", "--attested", str(artifact), "--cache-dir", str(root / ".cache")]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert f"{artifact}/demo/pytorch-gpu.json: refused: its record is of demo/pytorch/gpu on cpu" in out
    assert f"{artifact}/demo/keras_jax-gpu.json: refused: it is dated 9999-12-31, after this build's date" in out
    assert f"merged 3 attested frozen record(s) from {artifact} into {root / ATTESTED}; refused 2" in out
    assert sorted(p.name for p in (root / ATTESTED / "demo").iterdir()) == [
        "keras_tensorflow-gpu.json", "keras_torch-gpu.json", "tensorflow-gpu.json"]
    assert not (root / "records").exists()  # nothing of it in the repository
    result = run_build(mini_settings(root, devices="auto"))
    assert sorted(o.run.id for o in result.outcomes if o.category == "frozen" and o.passed) == [
        "demo/keras/tensorflow/gpu", "demo/keras/torch/gpu", "demo/tensorflow/gpu"]
    # a later artifact replaces what an earlier one left, whatever the dates the files state
    later = tmp_path / "later"
    record_gpu(root, out=later)
    edit_record(later / "demo/tensorflow-gpu.json", date="2026-01-01", **{"outcome.result": [1.0, 2.0000001]})
    assert main(["--root", str(root), "merge", "--attested", str(later), "--cache-dir", str(root / ".cache")]) == 0
    assert json.loads((root / ATTESTED / "demo/tensorflow-gpu.json").read_text())["record"]["date"] == "2026-01-01"
    capsys.readouterr()
    # frozen records are never taken without --attested, nor is a folder that holds none
    assert main(["--root", str(root), "merge", str(artifact), "--cache-dir", str(root / ".cache")]) == 2
    assert "frozen GPU records are taken only with `merge --attested DIR`" in capsys.readouterr().err
    assert main(["--root", str(root), "merge", "--attested", str(tmp_path / "p" / "snippets")]) == 2
    assert "not a folder of frozen records" in capsys.readouterr().err


def _comparable(store: Store) -> dict:
    out = {}
    for key in store.keys():
        rec = store.get(key).model_dump(exclude={"total_s", "peak_rss_mb", "import_s", "date"})
        rec["outcome"].pop("wall_s")
        out[key] = rec
    return out


def test_shards_merge_to_the_records_of_one_full_build(tmp_path, capsys):
    tasks = {f"t{i}": {} for i in range(5)}
    tasks["t3"] = {"tensorflow": "RESULT = [1.0, 3.0]\n"}  # a mismatch: the vote must be the same in a shard
    root = make_project(tmp_path / "p", tasks)
    full = run_build(mini_settings(root, cache_dir=str(tmp_path / "full")))
    shards = ("1/3", "2/3", "3/3")
    seen = []
    for k, shard in enumerate(shards, 1):
        rc = main(["--root", str(root), "check", "--devices", "cpu", "--shard", shard, "--cache-dir",
                   str(tmp_path / f"cache{k}"), "--export", str(tmp_path / "artifacts" / f"runs-{k}")])
        out = capsys.readouterr().out
        seen += [line for line in out.splitlines() if line.startswith("generator: shard")]
        assert rc == (1 if k == 1 else 0), out  # t3 is in shard 1 of 3 (t0, t3): its mismatch fails that shard
        assert main(["--root", str(root), "check", "--shard", shard, "--export", str(tmp_path / "artifacts" / f"runs-{k}")]) == 2
        capsys.readouterr()
    assert seen == ["generator: shard 1/3: 2 of 5 tasks", "generator: shard 2/3: 2 of 5 tasks", "generator: shard 3/3: 1 of 5 tasks"]
    merged = tmp_path / "merged"
    assert main(["--root", str(root), "merge", str(tmp_path / "artifacts"), "--cache-dir", str(merged)]) == 0
    assert _comparable(Store(merged)) == _comparable(Store(tmp_path / "full"))
    scoped = tmp_path / "scoped"  # as the deploy job merges them: each store only for its own shard's tasks
    assert main(["--root", str(root), "merge", "--shards", "3", *(str(tmp_path / "artifacts" / f"runs-{k}")
                                                               for k in (1, 2, 3)), "--cache-dir", str(scoped)]) == 0
    assert "merge --shards 3: merged 25 record(s), refused 0" in capsys.readouterr().out
    assert _comparable(Store(scoped)) == _comparable(Store(tmp_path / "full"))
    assert main(["--root", str(root), "check", "--shard", "9/9", "--export", str(tmp_path / "empty-shard")]) == 0
    assert "shard 9/9: 0 of 5 tasks" in capsys.readouterr().out and Store(tmp_path / "empty-shard").keys() == []
    again = run_build(mini_settings(root, cache_dir=str(merged)))
    assert again.executed == 0
    assert [(o.run.id, o.status, o.message, o.result) for o in again.outcomes] == \
        [(o.run.id, o.status, o.message, o.result) for o in full.outcomes]


def test_shards_partition_the_tasks():
    from generator.runs.shard import parse_shard, shard_tasks
    ids = [f"task-{i:02}" for i in range(37)]
    parts = [shard_tasks(ids, k, 4) for k in range(1, 5)]
    assert sorted(sum(parts, [])) == ids and [len(p) for p in parts] == [10, 9, 9, 9]
    assert shard_tasks(reversed(ids), 2, 4) == parts[1]  # deterministic, whatever the order given
    for bad in ("0/4", "5/4", "1", "a/b", "1/0"):
        with pytest.raises(Exception, match="expected"):
            parse_shard(bad)


# ----------------------------------------------------------------------------- the recording machine
BLOCK_THIRD_PARTY = """
import importlib.abc, sys
ALLOWED = {"pydantic", "pydantic_core", "yaml", "_yaml", "typing_extensions", "annotated_types", "typing_inspection",
           "generator"}
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        top = name.split(".")[0]
        if top in ALLOWED or top in sys.stdlib_module_names or top.startswith("_sysconfigdata"):
            return None
        raise ImportError("not on the recording machine: " + name)
sys.meta_path.insert(0, Block())
"""


def test_record_needs_only_pydantic_and_yaml(tmp_path):
    """The recording machine may have torch and jax with CUDA and nothing of the site: no mkdocs, Material, Jinja2,
    matplotlib or rich. The CLI refuses there without a GPU; with one (patched in, test-only) it records."""
    root = gpu_project(tmp_path / "p")
    refuse = BLOCK_THIRD_PARTY + (
        "from generator.cli.main import main\n"
        f"sys.exit(main(['--root', {str(root)!r}, 'record', '--devices', 'gpu', '--out', {str(tmp_path / 'r')!r}]))\n")
    out = subprocess.run([sys.executable, "-c", refuse], env=ENV, capture_output=True, text=True, timeout=120)
    assert out.returncode == 2 and "no GPU on this machine" in out.stdout, out.stderr
    records = BLOCK_THIRD_PARTY + (
        "import generator.runs.plan, generator.runs.executor, generator.app.record as fz\n"
        "for m in (generator.runs.plan, generator.runs.executor, fz):\n    m.gpu_name = lambda: 'NVIDIA H100 80GB HBM3'\n"
        "from pathlib import Path\nfrom generator.inputs.load import load_project\nfrom generator.core.settings import Settings\n"
        f"root = Path({str(root)!r})\n"
        "s = Settings(root=root, devices='gpu', cache_dir=str(root / '.gpu'), preload=False, parallel=2, timeout=10,\n"
        "             memory_limit_mb=400, output_limit_kb=256)\n"
        "sys.exit(fz.record(s, load_project(root), root / 'records', probe=lambda p: None))\n")
    out = subprocess.run([sys.executable, "-c", records], env=ENV, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and "wrote 5 frozen record(s)" in out.stdout, out.stdout + out.stderr
    result = run_build(mini_settings(root, devices="auto"))  # committed to records/: contributed, never passed
    assert sum(o.category == "unattested" and not o.passed for o in result.outcomes) == 5
    freeze.merge_attested(root / "records", mini_settings(root))  # what the deploy job does with gpu.yml's artifact
    result = run_build(mini_settings(root, devices="auto"))
    assert sum(o.category == "frozen" and o.passed for o in result.outcomes) == 5


@pytest.mark.slow
def test_a_torch_that_sees_no_gpu_is_not_available_not_a_gpu_run():
    """The probe asks the framework itself: a torch that sees no GPU (a CPU build, or the pinned PyPI build on a
    machine without one) never makes "GPU" records, whatever nvidia-smi says."""
    from generator.runs.machine import package_version
    if package_version("torch") is None or Path("/dev/nvidia0").exists():
        pytest.skip("needs torch on a machine whose torch sees no GPU")
    why = recording.probe_package("torch")
    version = re.escape(package_version("torch"))  # torch.__version__ may add the build's local label (+cu132)
    assert re.fullmatch(rf"torch {version}(\+\w+)? is installed but sees no GPU \(torch\.cuda\.is_available\(\) is False\)",
                        why), why
