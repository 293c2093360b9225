"""Fixtures. Helpers live in support.py; the real project is loaded lazily (only by the tests that use it)."""
from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from support import ROOT, make_project, real

# Started in the background by a non-interactive shell (`make test &`, some CI runners), this process inherits SIGINT
# ignored, and so would every `mkdocs serve` and build the tests start and then stop with Ctrl-C's signal. A handler
# (unlike an ignored signal) is reset to the default in a child at exec: the children can be interrupted again.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, driven by Playwright (no browser download); `make test` installs it."""
    import shutil
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        pytest.fail("Chromium is not installed: `make test` installs it (or run: sudo apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield b
        b.close()


@pytest.fixture
def project(tmp_path):
    return make_project(tmp_path / "proj")


@pytest.fixture(scope="session")
def real_cache(tmp_path_factory) -> Path:
    return Path(os.environ.get("GENERATOR_TEST_CACHE") or tmp_path_factory.mktemp("real-cache"))


@pytest.fixture(scope="session")
def real_build(request, real_cache):
    from generator.app.build import run_build
    from generator.core.settings import Settings
    selected = [item.callspec.params["name"] for item in request.session.items
                if getattr(item, "originalname", "") == "test_run" and hasattr(item, "callspec")]
    everything = len(selected) == len(real()[2]) or not selected
    runs_by_name = real()[2]
    runs = [runs_by_name[n] for n in selected] if selected else list(runs_by_name.values())
    tasks = sorted({r.task for r in runs})
    runners = None if everything else sorted({r.runner.key for r in runs})
    settings = Settings(root=ROOT, cache_dir=str(real_cache), progress=False)
    result = run_build(settings, real()[0], tasks=tasks, runners=runners)
    from generator.app.report import summary
    print(f"\ngenerator: {summary(result)}")
    return result



@pytest.fixture(scope="session")
def real_site(real_build, real_cache, tmp_path_factory) -> Path:
    """The real site, built by `mkdocs build --strict` from the session's run store (so it executes nothing)."""
    import subprocess
    import sys
    site = tmp_path_factory.mktemp("real-site") / "site"
    env = dict(os.environ, GENERATOR_CACHE=str(real_cache), NO_MKDOCS_2_WARNING="1")
    out = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--site-dir", str(site)], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stdout + out.stderr
    return site
