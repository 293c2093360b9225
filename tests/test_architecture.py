"""The house as stages: the import contract in pyproject.toml holds (layers, forbidden imports, no cycle), and it
would catch a forbidden import if one were added. Framework-free: part of `make test-fast`."""
from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from support import ROOT

PACKAGE = ROOT / "generator"
MAX_LINES = 400


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    """import-linter over the package found in `root`, with the contracts of its pyproject.toml."""
    code = "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports())"
    return subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=300,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(root)})


def test_the_import_contract_holds():
    out = lint_imports(ROOT)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "0 broken" in out.stdout


@pytest.mark.parametrize("module, line, contract", [
    ("inputs/load.py", "from ..runs import plan  # noqa", "The pipeline reads downwards"),   # inputs -> runs
    ("core/record.py", "from ..site import markup  # noqa", "The pipeline reads downwards"),  # core -> site
    ("runs/sandbox.py", "from ..core import errors  # noqa", "The worker process imports nothing"),
    ("site/render.py", "import mkdocs  # noqa", "Only the adapters know MkDocs"),
    ("runs/keys.py", "from . import plan  # noqa", "runs: the pool over the executor"),           # a cycle in runs
])
def test_the_contract_fails_on_a_forbidden_import(tmp_path, module, line, contract):
    """A copy of the package with one forbidden import added: lint-imports must name the broken contract."""
    shutil.copytree(PACKAGE, tmp_path / "generator", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    path = tmp_path / "generator" / module
    path.write_text(path.read_text() + "\n" + line + "\n")
    out = lint_imports(tmp_path)
    assert out.returncode != 0, out.stdout
    assert contract in " ".join(out.stdout.split()) and "BROKEN" in out.stdout


def _edges() -> dict[str, set[str]]:
    """Every import between the package's modules, also those inside functions."""
    mods = {".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): p
            for p in PACKAGE.rglob("*.py")}
    edges: dict[str, set[str]] = {m: set() for m in mods}
    for m, p in mods.items():
        pkg = m if p.name == "__init__.py" else m.rsplit(".", 1)[0]
        for n in ast.walk(ast.parse(p.read_text())):
            if isinstance(n, ast.ImportFrom):
                base = n.module or ""
                if n.level:
                    parts = pkg.split(".")[: len(pkg.split(".")) - n.level + 1]
                    base = ".".join(parts + ([base] if base else []))
                for a in n.names:
                    target = next((c for c in (f"{base}.{a.name}", base) if c in mods and c != m), None)
                    if target:
                        edges[m].add(target)
            elif isinstance(n, ast.Import):
                edges[m].update(a.name for a in n.names if a.name in mods and a.name != m)
    return edges


def test_no_import_cycle():
    """No module reaches itself through imports (function-level imports included): the layers form a tree."""
    edges = _edges()
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(m: str, path: list[str]) -> None:
        state[m] = 1
        for n in sorted(edges[m]):
            if state.get(n) == 1:
                cycles.append(path[path.index(n):] + [n])
            elif n not in state:
                visit(n, path + [n])
        state[m] = 2

    for m in sorted(edges):
        if m not in state:
            visit(m, [m])
    assert not cycles, cycles


def test_no_module_over_400_lines():
    long = {str(p.relative_to(ROOT)): n for p in PACKAGE.rglob("*.py") if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert not long, long
