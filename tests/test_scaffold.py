"""Contributors' entry points: `python -m generator new TASK`, the README's task.yml example, and the warning for two
tasks of one group with the same order."""
from __future__ import annotations

import re
import textwrap

import pytest
import yaml

from support import ROOT, make_project, mini_settings
from generator.cli.main import main
from generator.inputs.load import load_project


def test_new_scaffolds_a_valid_task_after_the_groups_last(tmp_path, capsys):
    root = make_project(tmp_path, {"demo": {}})
    assert main(["--root", str(root), "new", "my-task", "--group", "basics"]) == 0
    project = load_project(root)
    spec = project.tasks["my-task"]
    assert spec.task.title == "My task" and spec.task.group == "basics" and spec.task.order == 110
    assert project.warnings == []
    for fw in ("pytorch", "tensorflow", "keras"):
        code = spec.source(fw)
        compile(code, fw, "exec")
        assert re.search(r"^RESULT = ", code, re.M) and "print(" in code
    assert "wrote snippets/my-task/task.yml" in capsys.readouterr().out


@pytest.mark.parametrize("args, message", [
    (["new", "demo"], "snippets/demo exists already"),
    (["new", "Bad_Id"], "is not a task id"),
    (["new", "fresh", "--group", "nope"], "unknown group 'nope'; groups: basics"),
])
def test_new_refuses_what_it_cannot_write(tmp_path, capsys, args, message):
    root = make_project(tmp_path, {"demo": {}})
    assert main(["--root", str(root), *args]) == 2
    assert message in capsys.readouterr().err
    assert not (root / "snippets" / "fresh").exists()


@pytest.mark.snippets
def test_a_new_task_passes_at_once(tmp_path):
    """The scaffold, executed in every framework (Keras on each backend): every run passes and agrees."""
    from generator.app.build import run_build
    root = make_project(tmp_path, {"demo": {}})
    assert main(["--root", str(root), "new", "fresh"]) == 0
    result = run_build(mini_settings(root, memory_limit_mb=6144, timeout=300, preload=True, devices="cpu"),
                       load_project(root), tasks=["fresh"])
    assert [o.status.value for o in result.outcomes] == ["passed"] * 5, [o.message for o in result.outcomes]


def _readme_task_yml() -> str:
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme.split("## Adding a task", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```yaml\n(.*?)\n\s*```", section, re.S)
    assert block, "README.md: no yaml block under 'Adding a task'"
    return textwrap.dedent(block.group(1))


def test_the_readme_task_yml_example_is_valid_as_copied(tmp_path):
    """Copied as written into a task folder of this project, the README's example loads without a problem."""
    from support import real
    project = real()[0]
    if project is None:
        pytest.skip("the real data does not load; test_snippets.py reports why")
    data = yaml.safe_load(_readme_task_yml())
    assert data["group"] in {g.id for g in project.groups.groups}
    assert set(data["criteria"]) <= {c.id for c in project.criteria.criteria}
    assert set(data["claims"]) <= {c.id for c in project.claims.claims}
    # and as a task.yml of a project of its own: loaded by the same loader as every task
    root = make_project(tmp_path, {"readme-example": {}})
    (root / "snippets/readme-example/task.yml").write_text(
        _readme_task_yml().replace(f"group: {data['group']}", "group: basics")
        .replace(f"criteria: {yaml.safe_dump(data['criteria'], default_flow_style=True).strip()}", "criteria: [execution-model]"))
    loaded = load_project(root).tasks["readme-example"].task
    assert loaded.title == data["title"] and loaded.compare.tolerance is not None
    assert not loaded.expected_failure and not loaded.skip  # no demonstration keys that change what a copy does


def test_a_duplicate_order_in_a_group_is_a_warning(tmp_path):
    root = make_project(tmp_path, {"first": {"task": {"order": 10}}, "second": {"task": {"order": 10}}})
    project = load_project(root)  # loads: a warning, not an error
    line = (root / "snippets/second/task.yml").read_text().splitlines().index("order: 10") + 1
    assert [str(w) for w in project.warnings] == [
        f"snippets/second/task.yml:{line}: order: order 10 is also the order of task 'first' in group 'basics'; "
        "give each task of a group its own order"]
    assert main(["--root", str(root), "list"]) == 0
