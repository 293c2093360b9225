"""The live preview: warm workers that outlive builds (with every limit of a build), rebuilds that redo only what
changed, `python -m generator watch`, and `mkdocs serve` through a hanging snippet. Framework-free snippets."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from support import WORKER_VICTIM, WorkerSignaller, leftover_processes, make_project, mini_settings, process_tag
from generator.runs import pool as live
from generator.runs.pool import LivePool
from generator.app.build import run_build
from generator.core.record import SkipKind, Status

HANG = "import time\ntime.sleep(600)\n"


@pytest.fixture
def tagged(monkeypatch):
    """Workers started in this process carry a tag: after the test, none of them may be left."""
    tag = process_tag()
    monkeypatch.setenv("GENERATOR_TEST_TAG", tag)
    yield tag
    deadline = time.monotonic() + 10
    while leftover_processes(tag) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert leftover_processes(tag) == []


@pytest.fixture
def pool(tagged):
    p = LivePool()
    yield p
    p.close()


def _pids(pool: LivePool) -> set[int]:
    ex = pool._executor
    return {w.proc.pid for w in ex.workers} if ex else set()


def _status(result, run_id: str):
    return next(o for o in result.outcomes if o.run.id == run_id)


def test_workers_stay_warm_and_an_edit_reruns_only_its_own_runs(tmp_path, pool):
    root = make_project(tmp_path / "p", {"demo": {}})
    settings = mini_settings(root)
    first = run_build(settings, pool=pool)
    assert first.executed == 5 and first.stats.workers_started >= 3
    warm = _pids(pool)
    assert {env for env, _, busy in pool.workers()} == {"torch", "tensorflow", "jax"} and len(warm) == 3
    (root / "snippets/demo/pytorch.py").write_text("RESULT = [1.0, 2.0]\nprint('edited')\n")
    second = run_build(settings, pool=pool)
    assert second.executed == 1 and second.stats.workers_started == 0  # forked from a worker already warm
    assert "edited" in _status(second, "demo/pytorch/cpu").record.stdout
    assert _pids(pool) == warm
    # a keras.py edit re-runs its three backends, each on its warm worker, never more at once than `parallel`
    peak = []
    (root / "snippets/demo/keras.py").write_text("import time\ntime.sleep(0.5)\nRESULT = [1.0, 2.0]\n")
    sampler = threading.Thread(target=lambda: [peak.append(sum(b for _, _, b in pool.workers())) or time.sleep(0.02)
                                               for _ in range(100)])
    sampler.start()
    keras = run_build(settings, pool=pool)
    sampler.join()
    assert keras.executed == 3 and keras.stats.workers_started == 0 and _pids(pool) == warm and max(peak) <= 2
    # the task's agreement is checked again: a wrong result is a mismatch against the others' majority
    (root / "snippets/demo/pytorch.py").write_text("RESULT = [1.0, 2.5]\n")
    third = run_build(settings, pool=pool)
    assert third.executed == 1 and _status(third, "demo/pytorch/cpu").status is Status.MISMATCHED
    assert all(o.passed for o in third.outcomes if o.run.runner.key != "pytorch")


@pytest.mark.slow
def test_every_limit_still_holds_in_the_pool(tmp_path, pool):
    root = make_project(tmp_path / "p", {"demo": {
        "pytorch": WORKER_VICTIM,  # its worker dies (SIGKILL) while it runs
        "tensorflow": "while True:\n    print('x' * 1000)\n",
        "keras": HANG}}, timeout=2)
    with WorkerSignaller(signal.SIGKILL):
        result = run_build(mini_settings(root, timeout=2), pool=pool)
    assert _status(result, "demo/pytorch/cpu").status is Status.CRASHED
    assert "the worker running this snippet died" in _status(result, "demo/pytorch/cpu").message
    assert _status(result, "demo/tensorflow/cpu").message == "stopped: printed more than the limit of 256 KiB"
    for backend in ("tensorflow", "torch", "jax"):
        assert _status(result, f"demo/keras/{backend}/cpu").message.startswith("timed out after 2 s")
    # the killed worker was replaced: the next run of its environment works
    (root / "snippets/demo/pytorch.py").write_text("RESULT = [1.0, 2.0]\n")
    again = run_build(mini_settings(root, timeout=2), pool=pool)
    assert again.executed == 1 and _status(again, "demo/pytorch/cpu").status is not Status.CRASHED
    # a timeout is not cached, but the pool remembers it: no rebuild repeats it while the script is unchanged
    assert run_build(mini_settings(root, timeout=2), pool=pool).executed == 0


def test_a_slow_run_is_published_as_running_and_asks_for_a_rebuild(tmp_path, pool):
    root = make_project(tmp_path / "p", {"demo": {}})
    settings = mini_settings(root)
    run_build(settings, pool=pool)
    changes = []
    pool.on_change = lambda: changes.append(time.monotonic())
    (root / "snippets/demo/pytorch.py").write_text("import time\ntime.sleep(1.5)\nRESULT = [1.0, 2.0]\n")
    t0 = time.monotonic()
    result = run_build(settings, pool=pool, wait=0.2)
    assert time.monotonic() - t0 < 1.2  # the build did not wait for the run
    o = _status(result, "demo/pytorch/cpu")
    assert o.skip is SkipKind.RUNNING and o.message.startswith("running…") and result.failures == []
    assert result.unverified_tasks == []
    deadline = time.monotonic() + 20
    while not changes and time.monotonic() < deadline:
        time.sleep(0.05)
    assert changes, "the pool did not ask for a rebuild when the run ended"
    after = run_build(settings, pool=pool, wait=0.2)
    assert _status(after, "demo/pytorch/cpu").passed and after.executed == 0  # the pool stored it meanwhile


def test_an_edit_cancels_the_run_it_supersedes(tmp_path, pool):
    root = make_project(tmp_path / "p", {"demo": {}}, timeout=60)
    settings = mini_settings(root, timeout=60)
    run_build(settings, pool=pool)
    script = root / "snippets/demo/pytorch.py"
    script.write_text(HANG)
    assert _status(run_build(settings, pool=pool, wait=0.3), "demo/pytorch/cpu").skip is SkipKind.RUNNING
    warm = _pids(pool)
    script.write_text("RESULT = [1.0, 2.0]\nprint('fixed')\n")
    t0 = time.monotonic()
    result = run_build(settings, pool=pool, wait=10)
    assert time.monotonic() - t0 < 8 and _status(result, "demo/pytorch/cpu").passed
    assert _pids(pool) == warm  # the hanging run was killed; its worker stayed warm and ran the new one
    assert not any(busy for _, _, busy in pool.workers())


def test_idle_workers_stop_and_a_dependency_change_replaces_them(tmp_path, pool, monkeypatch):
    root = make_project(tmp_path / "p", {"demo": {}})
    (root / "requirements.txt").write_text("torch==1.0\n")
    settings = mini_settings(root)
    run_build(settings, pool=pool)
    warm = _pids(pool)
    (root / "requirements.txt").write_text("torch==2.0\n")
    (root / "snippets/demo/pytorch.py").write_text("RESULT = [1.0, 2.0]\nprint('after the pins moved')\n")
    result = run_build(settings, pool=pool)
    assert pool.restarts == 1 and result.stats.workers_started >= 1 and not (_pids(pool) & warm)
    monkeypatch.setattr(live, "IDLE_CHECK_S", 0.1)
    pool.idle_s = 0.3
    with pool._cond:
        pool._cond.notify_all()
    deadline = time.monotonic() + 15
    while pool.workers() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert pool.workers() == []


def test_a_run_going_when_workers_are_replaced_runs_again_on_the_new_ones(tmp_path, pool):
    root = make_project(tmp_path / "p", {"demo": {}})
    settings = mini_settings(root)
    run_build(settings, pool=pool)
    (root / "snippets/demo/pytorch.py").write_text("import time\ntime.sleep(1)\nRESULT = [1.0, 2.0]\n")
    assert _status(run_build(settings, pool=pool, wait=0.2), "demo/pytorch/cpu").skip is SkipKind.RUNNING
    (root / "requirements.txt").write_text("torch==3.0\n")
    result = run_build(settings, pool=pool)
    assert pool.restarts == 1 and _status(result, "demo/pytorch/cpu").passed


@pytest.mark.slow
def test_rebuild_reuses_unchanged_pages_and_matches_a_full_render(tmp_path, tagged):
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    root = make_project(tmp_path / "p", {"demo": {}, "other": {"task": {"title": "Other task"}}})
    cwd = os.getcwd()
    os.chdir(root)
    site = tmp_path / "site"

    def rebuild():
        config = load_config(str(root / "mkdocs.yml"), site_dir=str(site))
        build(config, serve_url="http://127.0.0.1:8000/")
        return config

    run_build(mini_settings(root))  # every run cached: the pages depend on the edit only
    try:
        config = load_config(str(root / "mkdocs.yml"), site_dir=str(site))
        config.plugins.on_startup(command="serve", dirty=False)
        plugin = config.plugins["generator"]
        build(config, serve_url="http://127.0.0.1:8000/")
        pages = plugin.live.pages
        assert pages.misses == len(plugin.pages) and pages.hits == 0
        faq = root / "content/faq.yml"
        faq.write_text(faq.read_text().replace("Which is faster?", "Which one is quicker?"))
        hits = pages.hits
        rebuild()
        assert pages.misses == len(plugin.pages) + 1 and pages.hits - hits == len(plugin.pages) - 1
        assert "Which one is quicker?" in (site / "faq/index.html").read_text()
        cached = {p: p.read_bytes() for p in site.rglob("*.html")}
        index = json.loads((site / "search/search_index.json").read_text())
        assert {d["location"].split("#")[0] for d in index["docs"]} >= {"faq/", "tasks/basics/", "comparison/"}
        assert any("Which one is quicker?" in d["title"] + d["text"] for d in index["docs"])
        assert plugin.live.search.hits >= len(plugin.pages) - 1
        search = (site / "search/search_index.json").read_bytes()
        pages.entries.clear()  # the same build without the caches gives the same pages and index, byte for byte
        plugin.live.search.entries.clear()
        rebuild()
        assert {p: p.read_bytes() for p in site.rglob("*.html")} == cached
        assert (site / "search/search_index.json").read_bytes() == search
    finally:
        config.plugins.on_shutdown()
        os.chdir(cwd)


def test_preview_keeps_its_site_folder_and_it_holds_exactly_what_a_clean_build_writes(tmp_path, tagged):
    """While serving, unchanged static files (theme assets, downloads) are moved over from the last build instead of
    copied again; the folder still ends up byte for byte what a clean `mkdocs build` writes, stale files included."""
    import shutil
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    root = make_project(tmp_path / "p", {"demo": {}, "other": {"task": {"title": "Other task"}}})
    cwd = os.getcwd()
    os.chdir(root)
    site, clean_site = tmp_path / "site", tmp_path / "clean"

    def tree(folder: Path) -> dict[str, bytes]:
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
                if p.is_file() and p.suffix != ".gz"}  # sitemap.xml.gz carries gzip's clock

    def clean_build() -> dict[str, bytes]:
        shutil.rmtree(clean_site, ignore_errors=True)
        build(load_config(str(root / "mkdocs.yml"), site_dir=str(clean_site)))
        return tree(clean_site)

    run_build(mini_settings(root))
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(site))
    config.plugins.on_startup(command="serve", dirty=False)
    plugin = config.plugins["generator"]
    try:
        build(config, serve_url="http://127.0.0.1:8000/")
        copies = plugin.live.copies
        first_copied = copies.copied
        assert first_copied > 20 and copies.moved == 0
        asset = next(p for p in site.rglob("*.js"))
        inode = asset.stat().st_ino
        (site / "stray.txt").write_text("left by something else")
        build(load_config(str(root / "mkdocs.yml"), site_dir=str(site)), serve_url="http://127.0.0.1:8000/")
        assert copies.moved >= first_copied - 2 and copies.copied <= 2, (copies.moved, copies.copied)
        assert asset.stat().st_ino == inode  # moved back, not copied
        assert not (site / "stray.txt").exists() and not site.with_name("site.previous-build").exists()
        assert tree(site) == clean_build()
        (root / "snippets/demo/keras.py").write_text("print('edited')\nRESULT = 6\n")
        shutil.rmtree(root / "snippets/other")
        build(load_config(str(root / "mkdocs.yml"), site_dir=str(site)), serve_url="http://127.0.0.1:8000/")
        assert not (site / "downloads/other").exists()
        assert b"edited" in (site / "downloads/demo/demo_keras.py").read_bytes()
        assert tree(site) == clean_build()
    finally:
        config.plugins.on_shutdown()
        os.chdir(cwd)


def test_serve_dirty_keeps_its_folder_as_mkdocs_does(tmp_path, tagged):
    """`mkdocs serve --dirty` writes only changed pages into the folder it keeps: the preview must not set it aside."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    root = make_project(tmp_path / "p", {"demo": {}})
    (root / "docs" / "extra.md").write_text("# An author's own page\n")  # unchanged: not written again when dirty
    cwd = os.getcwd()
    os.chdir(root)
    site = tmp_path / "site"
    run_build(mini_settings(root))
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(site))
    config.plugins.on_startup(command="serve", dirty=True)
    try:
        build(config, serve_url="http://127.0.0.1:8000/", dirty=True)
        pages = sorted(p.relative_to(site) for p in site.rglob("*.html"))
        build(load_config(str(root / "mkdocs.yml"), site_dir=str(site)), serve_url="http://127.0.0.1:8000/", dirty=True)
        assert sorted(p.relative_to(site) for p in site.rglob("*.html")) == pages and len(pages) > 5
        assert (site / "extra/index.html").is_file()
        assert config.plugins["generator"].live.copies.moved == 0
    finally:
        config.plugins.on_shutdown()
        os.chdir(cwd)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=30) as resp:
            return resp.read().decode()
    except OSError:
        return ""


def _wait_for(url: str, predicate, timeout: float = 60) -> tuple[str, float]:
    t0 = time.monotonic()
    last = ""
    while time.monotonic() - t0 < timeout:
        last = _get(url)
        if predicate(last):
            return last, time.monotonic() - t0
        time.sleep(0.05)
    raise AssertionError(f"{url} never matched; last page:\n{last[:3000]}")


def serve(root: Path, tag: str) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", GENERATOR_TEST_TAG=tag)
    proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"], cwd=root,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return proc, f"http://127.0.0.1:{port}/"


def stop(proc: subprocess.Popen, tag: str) -> str:
    proc.send_signal(signal.SIGINT)  # Ctrl-C: MkDocs shuts down and calls on_shutdown
    out, _ = proc.communicate(timeout=30)
    deadline = time.monotonic() + 10
    while leftover_processes(tag) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert leftover_processes(tag) == [], out
    return out


@pytest.mark.slow
def test_serve_a_hanging_snippet_never_blocks_the_preview(tmp_path):
    root = make_project(tmp_path / "p", {"demo": {}}, timeout=4)
    tag = process_tag()
    proc, base = serve(root, tag)
    try:
        _wait_for(base + "tasks/basics/demo/", lambda t: "hello from" in t and "running…" not in t)
        script = root / "snippets/demo/pytorch.py"
        script.write_text(HANG)
        page, _ = _wait_for(base + "tasks/basics/demo/", lambda t: "running…" in t)
        assert "PyTorch · CPU · running…" in page
        _, seconds = _wait_for(base + "faq/", lambda t: "Which is faster?" in t)
        assert seconds < 1.5  # other pages are served while it runs
        page, _ = _wait_for(base + "tasks/basics/demo/", lambda t: "timed out after 4 s" in t and "running…" not in t)
        assert "Timed out · PyTorch · CPU" in page
        script.write_text("RESULT = [1.0, 2.0]\nprint('back to normal')\n")
        _wait_for(base + "tasks/basics/demo/", lambda t: "back to normal" in t and "timed out" not in t)
        # a content edit executes nothing and reaches its page
        faq = root / "content/faq.yml"
        faq.write_text(faq.read_text().replace("Which is faster?", "Which one is quicker?"))
        _wait_for(base + "faq/", lambda t: "Which one is quicker?" in t)
    finally:
        out = stop(proc, tag)
    builds = [line for line in out.splitlines() if "generator: " in line]
    assert "0 executed" in builds[-1] and "still running" in out


@pytest.mark.slow
def test_watch_prints_the_runs_that_changed(tmp_path):
    root = make_project(tmp_path / "p", {"demo": {}})
    tag = process_tag()
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", GENERATOR_TEST_TAG=tag, GENERATOR_CACHE=str(tmp_path / "cache"),
               PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    proc = subprocess.Popen([sys.executable, "-m", "generator", "--root", str(root), "watch"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []

    def read_until(text: str) -> None:
        for line in proc.stdout:
            lines.append(line)
            if text in line:
                return
        raise AssertionError("".join(lines))

    try:
        read_until("5 runs planned, 5 executed")
        (root / "snippets/demo/keras.py").write_text("RESULT = [1.0, 2.0]\nprint('watched edit')\n")
        read_until("3 executed")
        text = "".join(lines)
        assert text.count("watched edit") == 3 and "✔ demo/keras/jax/cpu: passed" in text
        assert "demo: pytorch/cpu passed, tensorflow/cpu passed" in text
        (root / "snippets/demo/tensorflow.py").write_text("x = 1\nraise ValueError('broken on purpose')\n")
        read_until("1 executed")
        text = "".join(lines)
        assert 'File "snippets/demo/tensorflow.py", line 2' in text
        assert "snippets/demo/tensorflow.py:2: failed: [TensorFlow, cpu] ValueError: broken on purpose" in text
    finally:
        proc.terminate()
        rest, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0 and "stopped" in rest
    assert leftover_processes(tag) == []
