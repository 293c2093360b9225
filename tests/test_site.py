"""A whole (small) site through MkDocs: HTML of the pages, strict failures, determinism, and the preview server."""
from __future__ import annotations

import hashlib
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from support import make_project

BROKEN = "x = 1\nraise ValueError('broken on purpose')\n"


def mkdocs(root: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")  # keep the test's output to what the build says
    return subprocess.run([sys.executable, "-m", "mkdocs", *args], cwd=root, env=env, capture_output=True, text=True,
                          timeout=timeout)


def tree_hashes(site: Path) -> dict[str, str]:
    skip = {"sitemap.xml", "sitemap.xml.gz"}  # carry the build date by design
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file() and p.name not in skip}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = make_project(tmp_path_factory.mktemp("site"), {"demo": {}, "other": {"task": {"title": "Other task"}}})
    out = mkdocs(root, "build", "--strict")
    assert out.returncode == 0, out.stderr
    return root


def test_strict_build_produces_every_page(site):
    html = {p: (site / "site" / p).read_text() for p in ("index.html", "comparison/index.html", "tasks/basics/index.html",
                                                       "verification/index.html", "claims/index.html", "faq/index.html",
                                                       "choosing/index.html", "performance/index.html", "tasks/index.html",
                                                       "tasks/basics/demo/index.html", "tasks/basics/other/index.html")}
    assert "<th>PyTorch</th>" in html["index.html"]
    assert '<td><span class="fc-label">PyTorch</span>Apache-2.0</td>' in html["index.html"]
    assert 'id="execution-model"' in html["comparison/index.html"]
    # the group's page is an index: one line per task, keeping the ids the tasks and their tabs had there
    basics = html["tasks/basics/index.html"]
    assert 'class="tabbed-set' not in basics and "hello from" not in basics
    assert 'id="demo"' in basics and 'id="other-keras"' in basics and '<a href="demo/">A task</a>' in basics
    # each task has its own page under the group's address
    demo = html["tasks/basics/demo/index.html"]
    assert demo.count('class="tabbed-set tabbed-alternate"') == 1 and 'id="demo"' in demo and 'id="demo-keras"' in demo
    assert '<a download href="../../../downloads/demo/demo_keras.py">' in demo
    assert "hello from" in demo  # the captured output
    assert "Other task" in html["tasks/basics/other/index.html"]
    assert html["verification/index.html"].count(" data-status=\"passed\"") == 10
    assert (site / "site/verification.json").is_file() and (site / "site/downloads/other/other_tensorflow.py").is_file()
    assert (site / "site/404.html").is_file()


def test_edit_links_point_at_the_source_files(tmp_path):
    root = make_project(tmp_path, {"demo": {}})
    cfg = (root / "mkdocs.yml").read_text().replace("      preload: false", "      preload: false\n      edit_url: https://git.example/r/edit/main/")
    (root / "mkdocs.yml").write_text(cfg.replace("features: [content.tabs.link]", "features: [content.tabs.link, content.action.edit]"))
    assert mkdocs(root, "build", "--strict").returncode == 0
    assert 'href="https://git.example/r/edit/main/content/criteria.yml"' in (root / "site/comparison/index.html").read_text()
    assert 'href="https://git.example/r/edit/main/snippets/demo/task.yml"' in (root / "site/tasks/basics/demo/index.html").read_text()


def test_no_generated_markdown_in_the_repository(site):
    assert list((site / "docs").rglob("*.md")) == []
    assert not list(site.rglob("comparison.md"))


def test_no_third_party_requests(site):
    for page in (site / "site").rglob("*.html"):
        text = page.read_text()
        assert "fonts.googleapis.com" not in text and "fonts.gstatic.com" not in text, page
        for url in re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="(https?://[^"]+)"', text):
            pytest.fail(f"{page} loads {url}")


def test_rebuild_executes_nothing_and_is_byte_identical(site):
    before = tree_hashes(site / "site")
    out = mkdocs(site, "build", "--strict")
    assert out.returncode == 0
    assert "10 runs planned, 0 executed, 10 from cache, 10 passed, 0 failed, 0 skipped" in out.stderr
    assert "(0 framework imports)" in out.stderr
    assert tree_hashes(site / "site") == before


@pytest.mark.slow
def test_strict_build_fails_naming_the_snippet(tmp_path):
    root = make_project(tmp_path, {"demo": {"tensorflow": BROKEN}})
    out = mkdocs(root, "build", "--strict")
    assert out.returncode == 1
    assert "WARNING -  snippets/demo/tensorflow.py:2: failed: [TensorFlow, cpu] ValueError: broken on purpose" in out.stderr
    assert "Aborted with 1 warnings in strict mode!" in out.stdout + out.stderr
    out = mkdocs(root, "build")  # without --strict the page shows the failure
    assert out.returncode == 0
    assert "broken on purpose" in (root / "site/tasks/basics/demo/index.html").read_text()


def test_invalid_data_fails_the_build_listing_every_problem(tmp_path):
    root = make_project(tmp_path, {"demo": {"task": {"group": "nope"}}}, content={"faq.yml": ""})
    out = mkdocs(root, "build")
    assert out.returncode == 1
    assert "content/faq.yml: file is empty" in out.stderr and "snippets/demo/task.yml:3: group: unknown group 'nope'" in out.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as resp:
        return resp.read().decode()


def _wait_for(url: str, predicate, timeout: float = 90) -> str:
    deadline, last = time.monotonic() + timeout, ""
    while time.monotonic() < deadline:
        try:
            last = _get(url)
            if predicate(last):
                return last
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{url} never matched; last page:\n{last[:2000]}")


@pytest.mark.slow
def test_preview_server_reloads_and_keeps_serving_through_errors(tmp_path):
    root = make_project(tmp_path, {"demo": {}})
    port = _free_port()
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
                            cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}/"
    try:
        _wait_for(base + "faq/", lambda t: "Which is faster?" in t)
        # content change -> page rebuilt
        faq = root / "content/faq.yml"
        faq.write_text(faq.read_text().replace("Which is faster?", "Which one is quicker?"))
        _wait_for(base + "faq/", lambda t: "Which one is quicker?" in t)
        # a failing snippet: the server keeps serving and shows the error on the page
        (root / "snippets/demo/pytorch.py").write_text(BROKEN)
        page = _wait_for(base + "tasks/basics/demo/", lambda t: "broken on purpose" in t)
        assert "Failed · PyTorch · CPU · line 2" in page
        # invalid data: the server shows the problems instead of stopping
        faq.write_text("questions: [\n")
        page = _wait_for(base, lambda t: "The data has problems" in t)
        assert "content/faq.yml" in page and "YAML syntax error" in page
        # every page of the last good site shows the problem, under the last good navigation: no wall of 404s
        page = _wait_for(base + "comparison/", lambda t: "The data has problems" in t)
        assert "content/faq.yml" in page and 'href="../tasks/basics/"' in page
        assert proc.poll() is None
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    assert "snippets/demo/pytorch.py:2: failed" in out
