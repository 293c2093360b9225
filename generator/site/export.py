"""Export: the rendered site as a folder that builds on its own, with no generator plugin.

    OUT/mkdocs.yml      the project's mkdocs.yml, less the generator plugin, plus the nav the plugin would add
    OUT/docs/...        every page (Markdown), chart, download, verification.json and the project's static docs/ files

`zensical build` (Zensical reads mkdocs.yml) or `mkdocs build` in OUT then builds the whole site offline into OUT/site.
The MkDocs plugin stays the default way to build; this module imports no site engine.
"""
from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

import yaml

OWN_PLUGIN = "generator"
CONFIG_NAME = "mkdocs.yml"
DOCS = "docs"
SITE = "site"

# The Markdown extensions the templates rely on: used only when the project has no mkdocs.yml.
DEFAULT_CONFIG: dict = {
    "site_name": "PyTorch vs TensorFlow vs Keras, verified",
    "theme": {"name": "material", "font": False, "features": ["content.tabs.link", "navigation.indexes"]},
    "plugins": ["search"],
    "markdown_extensions": ["abbr", "admonition", "attr_list", "md_in_html", "tables", {"toc": {"permalink": True}},
                            "pymdownx.details", "pymdownx.superfences", "pymdownx.highlight", "pymdownx.inlinehilite",
                            {"pymdownx.tabbed": {"alternate_style": True}},
                            {"pymdownx.blocks.tab": {"alternate_style": True, "combine_header_slug": True}},
                            "pymdownx.blocks.details", "pymdownx.blocks.admonition"],
}
# Keys that name things in the project folder, meaningless in the exported one (custom_dir is copied instead).
DROPPED_KEYS = ("hooks", "watch", "INHERIT", "docs_dir", "site_dir")


# ----------------------------------------------------------------------------- mkdocs.yml, read and written as is
class _Tagged:
    """A YAML value with a tag that only the site engine understands (!ENV, !relative, !!python/name:...), kept verbatim."""

    def __init__(self, tag: str, node: yaml.Node):
        self.tag, self.node = tag, node

    def __repr__(self):
        return f"_Tagged({self.tag!r}, {self.node.value!r})"

    def __eq__(self, other):
        return isinstance(other, _Tagged) and self.tag == other.tag and \
            yaml.serialize(self.node, Dumper=_Dumper) == yaml.serialize(other.node, Dumper=_Dumper)

    __hash__ = None


class _Loader(yaml.SafeLoader):
    pass


class _Dumper(yaml.SafeDumper):
    pass


_Loader.add_multi_constructor("!", lambda loader, suffix, node: _Tagged(node.tag, node))
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: _Tagged(node.tag, node))


def _represent_tagged(dumper: yaml.SafeDumper, value: _Tagged) -> yaml.Node:
    return value.node  # the node as it was read (its children are nodes too)


_Dumper.add_representer(_Tagged, _represent_tagged)
# the task pages' tab ids, #<task>-<framework>, need this slug function (a tag the site engine resolves)
_SLUGIFY = yaml.compose("!!python/object/apply:pymdownx.slugs.slugify {kwds: {case: lower}}")
DEFAULT_CONFIG["markdown_extensions"][-3]["pymdownx.blocks.tab"]["slugify"] = _Tagged(_SLUGIFY.tag, _SLUGIFY)


def load_config(path: Path) -> dict:
    """A mkdocs.yml as plain data; engine-specific tags are kept, to be written back unchanged."""
    return yaml.load(Path(path).read_text("utf-8"), Loader=_Loader) or {}


HEADER = ("# Written by `python -m generator render --out`: a site on its own, with no generator plugin.\n"
          "# Build it here with `zensical build` or `mkdocs build` (into site/); it needs no network.\n")


def dump_config(config: Mapping) -> str:
    return HEADER + yaml.dump(dict(config), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=120)


# ----------------------------------------------------------------------------- what the site consists of
def site_nav(project) -> list:
    """The navigation the plugin adds when mkdocs.yml has none (one entry per group that has tasks)."""
    groups = []
    for g in project.groups.groups:
        tasks = sorted((s for s in project.tasks.values() if s.task.group == g.id), key=lambda s: (s.task.order, s.id))
        if tasks:
            groups.append({g.title: [f"tasks/{g.id}/index.md", *({s.task.title: f"tasks/{g.id}/{s.id}.md"} for s in tasks)]})
    return [{"Home": "index.md"}, {"Comparison": "comparison.md"}, {"Side by side": ["tasks/index.md", *groups]},
            {"Claims checked": "claims.md"}, {"Choosing": "choosing.md"}, {"FAQ": "faq.md"},
            {"Performance": "performance.md"}, {"Verification": "verification.md"}]


def generated_files(project, build, assets: Mapping[str, bytes], store: Path | None = None) -> dict[str, bytes]:
    """Every generated file a page links to, besides the pages: charts and figures, the snippet downloads, each task's
    notebooks and zip, verification.json. `store`: the run store's folder, where notebooks and zips made from the
    same inputs are kept."""
    from .downloads import task_files
    from .verification import verification_json
    files = dict(assets)
    by_task: dict[str, list] = {}
    for o in build.outcomes:
        by_task.setdefault(o.run.task, []).append(o)
    for tid, spec in sorted(project.tasks.items()):
        for fw, code in spec.code.items():  # the bytes the loader read (no link followed), not the path again
            files[f"downloads/{tid}/{tid}_{fw}.py"] = code
        files.update(task_files(spec, project.root, by_task.get(tid, []), store))  # notebooks and the task's zip
    files["verification.json"] = verification_json(build).encode("utf-8")
    return files


def static_files(docs_dir: Path) -> list[tuple[str, bytes]]:
    """(path relative to docs_dir, bytes) of every file under the project's docs folder (extra CSS and JavaScript,
    images), skipping hidden files and folders as MkDocs does; sorted, so an export is deterministic."""
    docs_dir = Path(docs_dir)
    if not docs_dir.is_dir():
        return []
    out = []
    for path in sorted(docs_dir.rglob("*")):
        rel = path.relative_to(docs_dir)
        if path.is_file() and not path.is_symlink() and not any(part.startswith(".") for part in rel.parts):
            out.append((rel.as_posix(), path.read_bytes()))
    return out


def site_config(config: Mapping | None, nav: list | None = None) -> dict:
    """The exported mkdocs.yml: `config` (the project's) less the generator plugin and the keys that point into the
    project folder, with docs/ and site/ beside it and `nav` when the project sets none."""
    out = {k: v for k, v in (config if config is not None else DEFAULT_CONFIG).items() if k not in DROPPED_KEYS}
    out = {**out, "docs_dir": DOCS, "site_dir": SITE}
    plugins = out.get("plugins")
    if isinstance(plugins, dict):
        out["plugins"] = {k: v for k, v in plugins.items() if k != OWN_PLUGIN}
    elif isinstance(plugins, list):
        out["plugins"] = [p for p in plugins if p != OWN_PLUGIN and not (isinstance(p, dict) and OWN_PLUGIN in p)]
    if not out.get("nav") and nav:
        out["nav"] = nav
    return out


# ----------------------------------------------------------------------------- writing the folder
def write_site(out: Path, *, config: Mapping, pages: Iterable[tuple[str, str]],
               files: Mapping[str, bytes] | Iterable[tuple[str, bytes]] = ()) -> None:
    """Write OUT/mkdocs.yml and OUT/docs/: `files` (static first, generated after: a later path wins) and the
    Markdown `pages`. OUT/docs is replaced as a whole, so a page that is gone leaves nothing stale; nothing else in
    OUT (an earlier site/, the engine's cache) is touched. A folder with a mkdocs.yml or docs/ that no export wrote
    (a project's own) is refused, so `--out .` cannot replace a project's docs/."""
    out = Path(out)
    docs, existing = out / DOCS, out / CONFIG_NAME
    ours = existing.is_file() and existing.read_text("utf-8", errors="replace").startswith(HEADER)
    if (existing.exists() or docs.exists()) and not ours:
        raise ValueError(f"{out} holds a mkdocs.yml or docs/ that no export wrote; choose an empty or earlier export folder")
    items = list(files.items()) if isinstance(files, Mapping) else list(files)
    items += [(path, markdown) for path, markdown in pages]
    written = {_safe(rel): content if isinstance(content, bytes) else content.encode("utf-8") for rel, content in items}
    if docs.exists():
        shutil.rmtree(docs)
    for rel, content in written.items():
        target = docs / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    (out / CONFIG_NAME).write_text(dump_config(config), "utf-8")


def _safe(rel: str) -> Path:
    path = Path(rel)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise ValueError(f"not a path inside the site: {rel!r}")
    return path


def export_site(out: Path, root: Path, project, build, pages, assets: Mapping[str, bytes],
                config_file: Path | None = None, store: Path | None = None) -> Path:
    """The whole site as a folder on its own: what `python -m generator render --out OUT` writes.

    `pages` and `assets` are what `render_site` returns; `config_file` defaults to ROOT/mkdocs.yml (without one, a
    default Material configuration). Returns the written mkdocs.yml."""
    root = Path(root)
    config_file = Path(config_file) if config_file else root / CONFIG_NAME
    config = load_config(config_file) if config_file.is_file() else None
    base = config_file.parent if config is not None else root
    docs_dir = base / str((config or {}).get("docs_dir") or DOCS)
    exported = site_config(config, site_nav(project))
    custom = (exported.get("theme") or {}).get("custom_dir") if isinstance(exported.get("theme"), dict) else None
    if custom:  # template overrides travel with the site
        exported["theme"] = {**exported["theme"], "custom_dir": "overrides"}
    files = [*static_files(docs_dir), *generated_files(project, build, assets, store).items()]
    out = Path(out)
    write_site(out, config=exported, pages=[(p.path, p.markdown) for p in pages], files=files)  # refuses a project
    if custom:
        if (out / "overrides").exists():
            shutil.rmtree(out / "overrides")
        shutil.copytree(base / custom, out / "overrides")
    return out / CONFIG_NAME


def find_zensical() -> str | None:
    """The `zensical` console script beside this interpreter, else on PATH."""
    beside = Path(sys.executable).parent / "zensical"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("zensical")
