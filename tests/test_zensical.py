"""The rendered folder is a site on its own: exported without the generator plugin, Zensical builds it offline, and
every page, heading, link, download and chart is there."""
from __future__ import annotations

import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from support import ROOT, make_project, mini_settings
from generator.site.export import export_site, find_zensical, load_config, site_config, static_files, write_site

ZENSICAL = find_zensical()
needs_zensical = pytest.mark.skipif(ZENSICAL is None, reason="the zensical executable is not installed "
                                                               "(requirements.txt pins it: run `make venv`)")
LOADS = {"stylesheet", "icon", "preload", "modulepreload", "prefetch", "preconnect", "dns-prefetch", "manifest"}


class _Page(HTMLParser):
    """The links, loaded resources, ids and headings of one HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []       # href of <a>, <link>; src of <script>, <img>, ...
        self.loads: list[str] = []       # what a browser fetches when it opens the page
        self.ids: set[str] = set()
        self.headings: list[str] = []
        self._heading: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if a.get("name") and tag == "a":
            self.ids.add(a["name"])
        if tag in ("a", "link") and a.get("href") is not None:
            self.links.append(a["href"])
            if tag == "link" and LOADS & set((a.get("rel") or "").split()):
                self.loads.append(a["href"])
        for attr in ("src", "data-src"):
            if tag in ("script", "img", "iframe", "source", "audio", "video", "embed", "input") and a.get(attr):
                self.links.append(a[attr])
                self.loads.append(a[attr])
        if tag in ("h1", "h2", "h3"):
            self._heading = []

    def handle_data(self, data):
        if self._heading is not None:
            self._heading.append(data)

    def handle_endtag(self, tag):
        if tag in ("h1", "h2", "h3") and self._heading is not None:
            self.headings.append("".join(self._heading).replace("¶", "").strip())
            self._heading = None


def parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text("utf-8"))
    return page


def target(site: Path, page: Path, url: str) -> tuple[Path, str] | None:
    """The file and fragment a relative URL on `page` points at; None for external and non-file URLs."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith(("mailto:", "javascript:", "data:")):
        return None
    base = "/" + page.relative_to(site).as_posix()
    path = urljoin(base, unquote(parts.path)) if parts.path else base
    file = site / path.lstrip("/")
    if path.endswith("/") or file.is_dir():
        file = file / "index.html"
    return file, parts.fragment


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    """A two-task framework-free project, configured like the real site (its mkdocs.yml and docs/), rendered and
    exported; the generator's own build runs here, Zensical never sees the plugin."""
    from generator.inputs.load import load_project
    from generator.app.build import run_build
    from generator.site.render import SiteData, render_site
    base = tmp_path_factory.mktemp("zensical")
    root = make_project(base / "proj", {"demo": {}, "other": {"task": {"title": "Other task"}}})
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", root / "docs", dirs_exist_ok=True)
    settings = mini_settings(root)
    project = load_project(root)
    build = run_build(settings, project)
    assert not build.failures
    pages, assets = render_site(project, build, SiteData(machine="test machine", chart_cache=settings.cache_path))
    export_site(base / "out", root, project, build, pages, assets)
    return base / "out"


@pytest.fixture(scope="module")
def built(exported) -> Path:
    if ZENSICAL is None:
        pytest.skip("the zensical executable is not installed (requirements.txt pins it: run `make venv`)")
    out = subprocess.run([ZENSICAL, "build", "--clean"], cwd=exported, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    return exported / "site"


def test_export_writes_a_config_without_the_plugin_and_every_linked_file(exported):
    config = load_config(exported / "mkdocs.yml")  # mkdocs.yml carries a !!python tag (the tab slug function)
    assert config["plugins"] == ["search"] and config["docs_dir"] == "docs" and config["site_dir"] == "site"
    assert config["nav"][2] == {"Side by side": ["tasks/index.md", {"Basics": [
        "tasks/basics/index.md", {"A task": "tasks/basics/demo.md"}, {"Other task": "tasks/basics/other.md"}]}]}
    assert config["markdown_extensions"] == load_config(ROOT / "mkdocs.yml")["markdown_extensions"]
    docs = exported / "docs"
    for rel in ("index.md", "comparison.md", "tasks/basics/index.md", "tasks/basics/demo.md", "verification.json", "assets/extra.css",
                "assets/sort.js", "assets/charts/run-times.svg", "downloads/other/other_keras.py"):
        assert (docs / rel).is_file(), rel
    assert (docs / "downloads/demo/demo_pytorch.py").read_text().startswith("RESULT = [1.0, 2.0]")


def test_site_config_keeps_other_plugins_and_engine_tags(tmp_path):
    path = tmp_path / "mkdocs.yml"
    path.write_text("site_url: !ENV [SITE_URL, 'https://x.example/']\nnav: [{Home: index.md}]\nhooks: [h.py]\n"
                    "plugins: [search, {generator: {timeout: 3}}, {tags: {}}]\n")
    config = site_config(load_config(path), nav=[{"Other": "other.md"}])
    assert config["plugins"] == ["search", {"tags": {}}] and config["nav"] == [{"Home": "index.md"}]
    assert "hooks" not in config
    from generator.site.export import dump_config
    assert "site_url: !ENV [SITE_URL, 'https://x.example/']" in dump_config(config)
    assert site_config({"plugins": {"generator": {}, "search": {}}})["plugins"] == {"search": {}}


def test_static_files_skip_hidden_ones(tmp_path):
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets/a.css").write_text("a")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git/x").write_text("x")
    (tmp_path / ".hidden.css").write_text("h")
    assert static_files(tmp_path) == [("assets/a.css", b"a")]
    assert static_files(tmp_path / "missing") == []


def test_write_site_replaces_docs_and_refuses_a_project_folder(tmp_path):
    out = tmp_path / "out"
    config = site_config(None)
    write_site(out, config=config, pages=[("index.md", "# A"), ("old.md", "# Old")], files={"a/b.txt": b"b"})
    first = (out / "mkdocs.yml").read_bytes()
    write_site(out, config=config, pages=[("index.md", "# A")], files={"a/b.txt": b"b"})
    assert (out / "mkdocs.yml").read_bytes() == first
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        "docs/a/b.txt", "docs/index.md", "mkdocs.yml"]
    project = make_project(tmp_path / "proj")
    with pytest.raises(ValueError, match="that no export wrote"):
        write_site(project, config=config, pages=[("index.md", "# A")])
    with pytest.raises(ValueError, match="not a path inside the site"):
        write_site(out, config=config, pages=[("../escape.md", "# A")])
    assert (out / "docs/index.md").is_file()  # a refused export leaves the folder as it was


@needs_zensical
def test_zensical_builds_every_page_with_its_headings(built):
    pages = {rel: parse(built / rel) for rel in ("index.html", "comparison/index.html", "tasks/index.html",
                                                 "tasks/basics/index.html", "tasks/basics/demo/index.html",
                                                 "tasks/basics/other/index.html", "claims/index.html", "faq/index.html",
                                                 "choosing/index.html", "performance/index.html",
                                                 "verification/index.html")}
    assert pages["index.html"].headings[:2] == ["PyTorch vs TensorFlow vs Keras, verified", "At a glance"]
    assert "Comparison" in pages["comparison/index.html"].headings
    assert "Execution model" in pages["comparison/index.html"].headings
    assert "execution-model" in pages["comparison/index.html"].ids  # attr_list { #id } on a heading
    basics = pages["tasks/basics/index.html"]  # the group's index keeps the old ids of tasks and tabs
    assert "Basics" in basics.headings and {"demo", "other", "demo-pytorch", "other-keras"} <= basics.ids
    assert "A task" in pages["tasks/basics/demo/index.html"].headings
    assert "Other task" in pages["tasks/basics/other/index.html"].headings
    assert {"demo", "demo-pytorch", "demo-keras"} <= pages["tasks/basics/demo/index.html"].ids
    html = (built / "tasks/basics/demo/index.html").read_text()
    assert html.count('class="tabbed-set tabbed-alternate"') == 1  # pymdownx.tabbed, alternate style
    assert '<a download href="../../../downloads/demo/demo_keras.py">' in html
    assert "hello from" in html  # the captured output
    assert (built / "verification/index.html").read_text().count(' data-status="passed"') == 10  # one row per run
    assert "Which is faster?" in pages["faq/index.html"].headings


@needs_zensical
def test_every_relative_link_and_anchor_resolves(built):
    html_files = sorted(built.rglob("*.html"))
    assert len(html_files) >= 10
    parsed = {p: parse(p) for p in html_files}
    broken, checked = [], 0
    for page, doc in parsed.items():
        for url in doc.links:
            found = target(built, page, url)
            if found is None:
                continue
            file, fragment = found
            checked += 1
            if not file.is_file():
                broken.append(f"{page.relative_to(built)}: {url} (no file)")
            elif fragment and file.suffix == ".html" and fragment not in parse(file).ids:
                broken.append(f"{page.relative_to(built)}: {url} (no anchor)")
    assert not broken, "\n".join(broken)
    assert checked > 100
    for rel in ("downloads/demo/demo_pytorch.py", "downloads/other/other_keras.py", "verification.json",
                "assets/charts/run-times.svg", "assets/extra.css", "assets/sort.js", "search.json"):
        assert (built / rel).is_file(), rel
    index = {target(built, built / "index.html", url)[0] for url in parsed[built / "index.html"].loads}
    assert {built / "assets/extra.css", built / "assets/sort.js"} <= index  # extra_css and extra_javascript


@needs_zensical
def test_mkdocs_builds_the_same_folder_to_the_same_articles(built, tmp_path):
    """The folder is engine-neutral: MkDocs with Material alone (no generator plugin) renders each page's article to
    the same HTML as Zensical, apart from Zensical's skip-link target."""
    import os
    import re
    import sys
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    out = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)],
                         cwd=built.parent, env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr

    def article(path: Path) -> list[str]:
        body = re.search(r"<article[^>]*>(.*?)</article>", path.read_text(), re.S).group(1)
        body = body.replace('<a id="__skip" tabindex="-1"></a>', "")
        return [line.strip() for line in re.sub(r">\s*<", ">\n<", body).splitlines() if line.strip()]

    pages = sorted(p.relative_to(built) for p in built.rglob("index.html"))
    assert len(pages) == 11  # 9 pages and a page for each of the two tasks
    for rel in pages:
        assert article(built / rel) == article(tmp_path / rel), rel


@needs_zensical
def test_no_third_party_requests(built):
    for page in built.rglob("*.html"):
        text = page.read_text()
        assert "fonts.googleapis.com" not in text and "fonts.gstatic.com" not in text, page
        for url in parse(page).loads:
            assert not urlsplit(url).netloc, f"{page.relative_to(built)} loads {url}"
    for css in built.rglob("*.css"):
        text = css.read_text()
        assert "fonts.googleapis.com" not in text and "@import url(http" not in text, css
