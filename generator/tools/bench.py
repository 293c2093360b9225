"""`python -m generator bench`: build performance, measured side by side in one run on this machine.

Writes bench/results.json and prints a table. `--quick` is a small configuration (what the test suite runs).
"""
from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from ..runs.store import Store
from ..inputs.load import load_project
from ..runs.machine import cpu_name, package_version
from ..runs.plan import make_plan
from ..core.record import RunRecord
from ..core.runners import FRAMEWORKS, RUNNERS, WORKER_ENVS
from ..core.settings import Settings

ROOT = Path(__file__).resolve().parent.parent.parent
ENV = dict(os.environ, NO_MKDOCS_2_WARNING="1")


def _copy_project(dst: Path, tasks: list[str] | None = None) -> Path:
    """A copy of the project to build in (benchmarks never touch the repository or its cache)."""
    dst.mkdir(parents=True)
    for name in ("content", "docs"):
        shutil.copytree(ROOT / name, dst / name)
    (dst / "snippets").mkdir()
    for folder in sorted((ROOT / "snippets").iterdir()):
        if folder.is_dir() and (tasks is None or folder.name in tasks):
            shutil.copytree(folder, dst / "snippets" / folder.name)
    shutil.copy(ROOT / "mkdocs.yml", dst / "mkdocs.yml")
    if tasks is not None:
        _keep_task_refs(dst, set(tasks))
    return dst


def _keep_task_refs(proj: Path, keep: set[str]) -> None:
    """Drop content references to tasks a trimmed copy does not have."""
    import yaml
    for name in ("criteria.yml", "claims.yml", "faq.yml"):
        path = proj / "content" / name
        data = yaml.safe_load(path.read_text())
        for item in next(iter(data.values())):
            item["tasks"] = [t for t in item.get("tasks", []) if t in keep]
            for cell in (item.get("cells") or {}).values():  # a comparison cell names the tasks that execute it
                if "tasks" in cell:
                    cell["tasks"] = [t for t in cell["tasks"] if t in keep]
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


class _Peak:
    """Peak resident memory of a process and all its descendants, sampled every 50 ms."""

    def __init__(self, pid: int):
        import psutil
        self.proc, self.total, self.per_worker, self._stop = psutil.Process(pid), 0.0, {}, False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        import psutil
        while not self._stop:
            try:
                procs = [self.proc, *self.proc.children(recursive=True)]
                total = 0
                for p in procs:
                    try:
                        rss = p.memory_info().rss
                        total += rss
                        # a worker is a direct child running generator.runs.worker; its forked runs share that command line
                        if p.ppid() == self.proc.pid and "generator.runs.worker" in " ".join(p.cmdline()):
                            self.per_worker[p.pid] = max(self.per_worker.get(p.pid, 0), rss)
                    except psutil.Error:
                        continue
                self.total = max(self.total, total)
            except psutil.Error:
                pass
            time.sleep(0.05)

    def stop(self) -> tuple[float, list[float]]:
        self._stop = True
        self.thread.join()
        return self.total / 2**20, sorted(v / 2**20 for v in self.per_worker.values())


def _mkdocs_build(project: Path, cache: Path, extra_env: dict | None = None, peak: bool = False) -> dict:
    env = dict(ENV, GENERATOR_CACHE=str(cache), **(extra_env or {}))
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "build", "--site-dir", str(project / "site")], cwd=project,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = _Peak(proc.pid) if peak else None
    out, err = proc.communicate()
    seconds = time.perf_counter() - t0
    mem = sampler.stop() if sampler else None
    if proc.returncode:
        raise RuntimeError(f"mkdocs build failed in {project}:\n{out}\n{err}")
    summary = next((line.split("generator: ", 1)[1] for line in err.splitlines() if "generator: " in line), "")
    result = {"seconds": seconds, "summary": summary}
    if mem:
        result["peak_rss_mb"], result["worker_peak_rss_mb"] = mem
    return result


def _naive(project: Path, runs) -> dict:
    """Every snippet as its own `python -P script.py`, one after another: what a hand-written CI script does."""
    results, t0 = {}, time.perf_counter()
    for run in runs:
        env = dict(ENV, CUDA_VISIBLE_DEVICES="", JAX_PLATFORMS="cpu", **dict(WORKER_ENVS[run.runner.env].variables))
        with tempfile.TemporaryDirectory() as work:
            t = time.perf_counter()
            try:
                proc = subprocess.run([sys.executable, "-P", str(project / "snippets" / run.task / run.script.name)],
                                      cwd=work, env=dict(env, HOME=work), capture_output=True, timeout=run.timeout)
                code = proc.returncode
            except subprocess.TimeoutExpired:
                code = "timeout"
        results[run.id] = {"exit": code, "seconds": time.perf_counter() - t}
    return {"seconds": time.perf_counter() - t0, "runs": results}


def _cold_import_s(repeat: int) -> dict[str, float]:
    out = {}
    for env in WORKER_ENVS.values():
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            subprocess.run([sys.executable, "-c", "import " + ", ".join(env.preload)], env=dict(ENV, **dict(env.variables),
                           CUDA_VISIBLE_DEVICES="", JAX_PLATFORMS="cpu"), capture_output=True, check=True)
            times.append(time.perf_counter() - t)
        out[env.name] = statistics.median(times)
    return out


def _plain_mkdocs(project: Path, cache: Path, work: Path, repeat: int) -> tuple[float, float]:
    """Warm build with the generator against plain mkdocs on the same generated Markdown (no plugin, no execution)."""
    rendered = work / "rendered"
    subprocess.run([sys.executable, "-m", "generator", "--root", str(project), "render", "--out", str(rendered),
                    "--cache-dir", str(cache)], env=ENV, check=True, capture_output=True)
    import yaml

    from ..site.export import _Dumper, load_config
    cfg = load_config(project / "mkdocs.yml")  # keeps tags (the tab slug function) as they are
    cfg["plugins"] = ["search"]
    cfg["docs_dir"] = str(rendered)
    cfg.pop("nav", None)
    shutil.copytree(project / "docs", rendered, dirs_exist_ok=True)
    plain = work / "plain"
    plain.mkdir()
    (plain / "mkdocs.yml").write_text(yaml.dump(cfg, Dumper=_Dumper))
    gen, bare = [], []
    for _ in range(repeat):  # interleaved, so both see the same machine state
        gen.append(_mkdocs_build(project, cache)["seconds"])
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "mkdocs", "build", "--site-dir", str(plain / "site")], cwd=plain, env=ENV,
                       check=True, capture_output=True)
        bare.append(time.perf_counter() - t)
    return statistics.median(gen), statistics.median(bare)


# the worker environment whose cold import a script waits for: its framework's runner (Keras: its default backend)
IMPORT_ENV = {fw: RUNNERS[fw if fw in RUNNERS else f"{fw}/tensorflow"].env for fw in FRAMEWORKS}
PREVIEW_TASK = "tensor-creation"  # a light task: a snippet edit's latency is the preview's, not the snippet's run


def _preview(project: Path, cache: Path, repeat: int, task: str, page: str) -> dict:
    """The live preview (`mkdocs serve`), from a save until the server serves the changed page: a content edit
    (content/faq.yml), then an edit of each of `task`'s scripts (a new print shows on `page` and every run of that
    script is verified again: passed, with a new cache key, in the served verification.json). The first edit of each
    script may start its framework's warm worker; the later ones reuse it."""
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"], cwd=project,
                            env=dict(ENV, GENERATOR_CACHE=str(cache)), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base, content, scripts = f"http://127.0.0.1:{port}/", [], {}
    try:
        _poll(base + "faq/", lambda t: "</html>" in t, 300)
        faq = project / "content" / "faq.yml"
        for i in range(max(3, repeat)):
            marker = f"Reload marker {i}"
            text = faq.read_text()
            first_question = text.index("question: ") + len("question: ")
            t0 = time.perf_counter()
            faq.write_text(text[:first_question] + f"{marker} " + text[first_question:])
            _poll(base + "faq/", lambda t: marker in t, 120)
            content.append(time.perf_counter() - t0)
            faq.write_text(text)
            time.sleep(2.0)
        for framework in ("pytorch", "tensorflow", "keras"):
            script = project / "snippets" / task / f"{framework}.py"
            original = script.read_text()
            seen = {r["id"]: r["key"] for r in _runs(base, task, framework)}
            times, run_s = [], []
            for i in range(1 + max(2, repeat)):
                marker = f"preview marker {framework} {i}"
                t0 = time.perf_counter()
                script.write_text(original + f"\nprint({marker!r})\n")
                _poll(base + page, lambda t: marker in t and "running…" not in t, 300)
                runs = _poll_runs(base, task, framework, seen)
                times.append(time.perf_counter() - t0)
                run_s.append(max(r["outcome"]["wall_s"] or 0.0 for r in runs))
                seen = {r["id"]: r["key"] for r in runs}
                time.sleep(2.0)
            script.write_text(original)
            scripts[framework] = {"first_edit_s": times[0], "all": times[1:], "run_s": run_s[1:],
                                  "runners": sorted(seen)}
            time.sleep(2.0)
    finally:
        proc.terminate()
        proc.wait(30)
    return {"content": content, "scripts": scripts}


def _runs(base: str, task: str, framework: str) -> list[dict]:
    with urllib.request.urlopen(base + "verification.json", timeout=10) as r:
        data = json.loads(r.read().decode())
    return [r for r in data["runs"] if r["task"] == task and r["framework"] == framework and r["device"] == "cpu"]


def _poll_runs(base: str, task: str, framework: str, seen: dict[str, str], timeout: float = 60) -> list[dict]:
    """The script's runs once every one of them was run again (a new key) and passed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            runs = _runs(base, task, framework)
        except (OSError, ValueError):
            runs = []
        if runs and all(r["status"] == "passed" and r["key"] != seen.get(r["id"]) for r in runs):
            return runs
        time.sleep(0.02)
    raise RuntimeError(f"the runs of {task}/{framework}.py were not verified again within {timeout} s")


def _poll(url: str, ok, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                if ok(r.read().decode()):
                    return
        except OSError:
            pass
        time.sleep(0.02)
    raise RuntimeError(f"{url} did not change within {timeout} s")


def _synthetic(dst: Path, n: int) -> Path:
    """A project of n framework-free tasks (the content of the real project, snippets replaced)."""
    import yaml
    proj = _copy_project(dst, tasks=[])
    groups = [g["id"] for g in yaml.safe_load((proj / "content" / "groups.yml").read_text())["groups"]]
    for i in range(n):
        folder = proj / "snippets" / f"synthetic-{i:04d}"
        folder.mkdir(parents=True)
        (folder / "task.yml").write_text(yaml.safe_dump({
            "title": f"Synthetic task {i}", "summary": "A framework-free task for the growth benchmark.", "group": groups[i % len(groups)],
            "devices": ["cpu"], "explanation": "Measures the generator's own cost per task.",
            "compare": {"tolerance": {"rtol": 1e-9, "atol": 0.0}}}))
        for fw in ("pytorch", "tensorflow", "keras"):
            (folder / f"{fw}.py").write_text(f"total = sum(range({1000 + i}))\nprint('total', total)\nRESULT = total\n")
    cfg = (proj / "mkdocs.yml").read_text().replace("      failure_policy: warn", "      failure_policy: warn\n      preload: false")
    (proj / "mkdocs.yml").write_text(cfg)
    return proj


def main(args) -> int:
    quick = args.quick
    repeat = 1 if quick else 3
    cores = os.cpu_count() or 1
    work = Path(tempfile.mkdtemp(prefix="generator-bench-"))
    out: dict = {"machine": {"cpu": cpu_name(), "cores": cores, "python": platform.python_version(),
                             "versions": {p: package_version(p) for p in ("torch", "tensorflow-cpu", "keras", "jax", "mkdocs", "mkdocs-material")}},
                 "quick": quick, "date": time.strftime("%Y-%m-%d")}
    try:
        project = load_project(ROOT)
        quick_tasks = [t for t in ("tensor-creation", "elementwise-matmul", "scalar-gradient") if t in project.tasks]
        tasks = quick_tasks if quick else None
        proj = _copy_project(work / "project", tasks)
        cache = work / "cache"
        print("cold build ...", flush=True)
        cold = _mkdocs_build(proj, cache, peak=True)
        store = Store(cache)
        copy = load_project(proj)
        plan = make_plan(copy, Settings(root=proj, devices="cpu"), store)
        records = [plan.cached[r.id] for r in plan.runs if r.id in plan.cached]
        own = sum(r.outcome.wall_s or 0 for r in records if r.outcome)
        imports = [r.import_s for r in records if r.import_s]
        overhead = [r.total_s - r.outcome.wall_s for r in records if r.outcome and r.outcome.wall_s is not None]
        floor = own / cores + (max(imports) if imports else 0)
        out["cold"] = {**cold, "runs": len(records), "snippet_seconds": own, "floor_seconds": floor,
                       "ratio_to_floor": cold["seconds"] / floor if floor else None,
                       "per_run_overhead_median_s": statistics.median(overhead) if overhead else None,
                       "slowest_import_s": max(imports) if imports else None}
        print("naive way ...", flush=True)
        cpu_runs = [r for r in plan.runs if r.device == "cpu" and not r.skip]
        naive = _naive(proj, cpu_runs)
        expected_fail = {r.id for r in cpu_runs if copy.tasks[r.task].task.expected_failure.get(r.runner.key)
                         or copy.tasks[r.task].task.expected_failure.get(r.runner.framework)}
        naive_pass = {rid for rid, v in naive["runs"].items() if (v["exit"] == 0) != (rid in expected_fail)}
        engine_ok = {r.id for r in cpu_runs if r.id in plan.cached and _ran_ok(plan.cached[r.id], r.id in expected_fail)}
        out["naive"] = {"seconds": naive["seconds"], "runs": len(cpu_runs), "ratio_naive_to_cold": naive["seconds"] / cold["seconds"],
                        "same_pass_fail": naive_pass == engine_ok, "differences": sorted(naive_pass ^ engine_ok)}
        out["cold_interpreter_import_s"] = _cold_import_s(repeat)
        print("warm build against plain mkdocs ...", flush=True)
        warm = _mkdocs_build(proj, cache)
        gen, bare = _plain_mkdocs(proj, cache, work, repeat)
        out["warm"] = {"seconds": gen, "summary": warm["summary"], "plain_mkdocs_seconds": bare, "ratio": gen / bare}
        print("incremental build ...", flush=True)
        edited = next(iter(sorted(copy.tasks)))
        script = proj / "snippets" / edited / "pytorch.py"
        script.write_text(script.read_text() + "\n# edited for the incremental benchmark\n")
        inc = _mkdocs_build(proj, cache)
        out["incremental"] = {**inc, "edited": f"snippets/{edited}/pytorch.py"}
        print("live preview ...", flush=True)
        task = PREVIEW_TASK if PREVIEW_TASK in copy.tasks else edited
        preview = _preview(proj, cache, repeat, task, f"tasks/{copy.tasks[task].task.group}/{task}/")
        median = statistics.median(preview["content"])
        out["preview_reload_s"] = {"median": median, "all": preview["content"], "ratio_to_warm_build": median / gen}
        imports = out["cold_interpreter_import_s"]
        out["preview_snippet_s"] = {"task": task, "scripts": {}}
        for framework, p in preview["scripts"].items():
            cold_s = imports[IMPORT_ENV[framework]]
            median, run_s = statistics.median(p["all"]), statistics.median(p["run_s"])
            out["preview_snippet_s"]["scripts"][framework] = {
                **p, "median": median, "median_run_s": run_s, "cold_import_s": cold_s,
                "cold_import_of": IMPORT_ENV[framework], "ratio": (median - run_s) / cold_s}
        print("growth ...", flush=True)
        out["growth"] = []
        for n in ((5, 15) if quick else (100, 300, 1000)):
            syn = _synthetic(work / f"synthetic-{n}", n)
            scache = work / f"synthetic-cache-{n}"
            c = _mkdocs_build(syn, scache)
            w = _mkdocs_build(syn, scache)
            out["growth"].append({"tasks": n, "runs": 5 * n, "cold_s": c["seconds"], "warm_s": w["seconds"],
                                  "cold_ms_per_task": 1000 * c["seconds"] / n, "warm_ms_per_task": 1000 * w["seconds"] / n})
        out["memory"] = {"build_peak_rss_mb": cold.get("peak_rss_mb"), "worker_peak_rss_mb": cold.get("worker_peak_rss_mb")}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    path = Path(args.out)
    if not path.is_absolute():
        path = ROOT / path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")
    print(table(out))
    print(f"wrote {path}")
    return 0


def _ran_ok(record: RunRecord, expected_failure: bool) -> bool:
    """Pass/fail the way the naive way can see it: did the script run to the end (or fail as declared)?"""
    outcome = record.outcome
    finished = record.finished and outcome is not None and not outcome.error and not outcome.exit_code
    return finished != expected_failure


def table(r: dict) -> str:
    c, n, w = r["cold"], r["naive"], r["warm"]
    rows = [
        ("machine", f"{r['machine']['cpu']}, {r['machine']['cores']} cores, Python {r['machine']['python']}"),
        ("cold build (empty cache)", f"{c['seconds']:.1f} s for {c['runs']} runs ({c['summary']})"),
        ("naive way (python -P per snippet, serial)", f"{n['seconds']:.1f} s: {n['ratio_naive_to_cold']:.1f}x the cold build; "
                                                     f"same pass/fail: {n['same_pass_fail']}"),
        ("floor (snippet time / cores + slowest import)", f"{c['floor_seconds']:.1f} s: cold build = {c['ratio_to_floor']:.2f}x the floor"),
        ("per-run overhead (median)", f"{c['per_run_overhead_median_s'] * 1000:.0f} ms, against a cold interpreter import of "
                                      + ", ".join(f"{k} {v:.1f} s" for k, v in r["cold_interpreter_import_s"].items())),
        ("warm build (all cached)", f"{w['seconds']:.2f} s against plain mkdocs {w['plain_mkdocs_seconds']:.2f} s: {w['ratio']:.2f}x; {w['summary']}"),
        ("incremental (one snippet edited)", f"{r['incremental']['seconds']:.2f} s: {r['incremental']['summary']}"),
        ("preview: content edit", f"{r['preview_reload_s']['median']:.2f} s median (save to served page) = "
                                  f"{r['preview_reload_s']['ratio_to_warm_build']:.2f}x the warm build (target <= 0.5)"),
    ]
    for framework, p in ((r.get("preview_snippet_s") or {}).get("scripts") or {}).items():
        rows.append((f"preview: {framework}.py edit", f"{p['median']:.2f} s median (save to served output and badges) = "
                     f"{p['median_run_s']:.2f} s run + {p['ratio']:.2f}x a cold {p['cold_import_of']} import "
                     f"({p['cold_import_s']:.1f} s; target <= 0.5); first edit: {p['first_edit_s']:.1f} s"))
    for g in r["growth"]:
        rows.append((f"growth: {g['tasks']} tasks ({g['runs']} runs)",
                     f"cold {g['cold_s']:.1f} s ({g['cold_ms_per_task']:.0f} ms/task), warm {g['warm_s']:.1f} s ({g['warm_ms_per_task']:.1f} ms/task)"))
    m = r["memory"]
    rows.append(("memory", f"build peak {m['build_peak_rss_mb']:.0f} MiB; workers "
                           + ", ".join(f"{x:.0f}" for x in m["worker_peak_rss_mb"]) + " MiB"))
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"{k:<{width}}  {v}" for k, v in rows)
