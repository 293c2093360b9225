"""Loading and validation: every kind of bad data gets an exact, located message, all reported together."""
from __future__ import annotations

import copy

import pytest
import yaml

from support import MINI_CONTENT, make_project
from generator.core.errors import DataError
from generator.inputs.load import load_project


def problems(root) -> list[str]:
    with pytest.raises(DataError) as info:
        load_project(root)
    return [str(p) for p in info.value.problems]


def test_valid_project_loads(project):
    p = load_project(project)
    assert [f.id for f in p.frameworks.frameworks] == ["pytorch", "tensorflow", "keras"]
    assert list(p.tasks) == ["demo"]
    assert p.tasks["demo"].task.timeout is None


def test_yaml_syntax_error_names_file_line_and_column(tmp_path):
    root = make_project(tmp_path, content={"faq.yml": "questions:\n  - id: a\n    question: [unclosed\n"})
    assert problems(root) == ["content/faq.yml:4: YAML syntax error at column 1: did not find expected ',' or ']'"]


def test_unknown_key_suggests_the_closest(tmp_path):
    crit = yaml.safe_load(yaml.safe_dump(MINI_CONTENT["criteria.yml"]))
    crit["criteria"][0]["titel"] = crit["criteria"][0].pop("title")
    root = make_project(tmp_path, content={"criteria.yml": crit})
    out = problems(root)
    assert "content/criteria.yml:24: criteria[0].titel: unknown key 'titel' (did you mean 'title'?)" in out
    assert "content/criteria.yml:2: criteria[0].title: required key is missing" in out


def test_wrong_type_and_missing_field(tmp_path):
    fw = yaml.safe_load(yaml.safe_dump(MINI_CONTENT["frameworks.yml"]))
    fw["frameworks"][1]["languages"] = "Python"
    del fw["frameworks"][2]["licence"]
    root = make_project(tmp_path, content={"frameworks.yml": fw})
    out = problems(root)
    assert any(o.startswith("content/frameworks.yml:") and "frameworks[1].languages: Input should be a valid list" in o for o in out)
    assert any("frameworks[2].licence: required key is missing" in o for o in out)


def test_duplicate_ids_and_duplicate_keys(tmp_path):
    crit = yaml.safe_load(yaml.safe_dump(MINI_CONTENT["criteria.yml"]))
    crit["criteria"].append(copy.deepcopy(crit["criteria"][0]))
    root = make_project(tmp_path, content={"criteria.yml": crit, "groups.yml": "groups:\n  - id: a\n    id: b\n    title: T\n    intro: I\n"})
    out = problems(root)
    assert any(o.startswith("content/criteria.yml:") and o.endswith("criteria[1].id: duplicate id 'execution-model'") for o in out)
    assert "content/groups.yml:3: YAML syntax error at column 5: duplicate key 'id' (first on line 2)" in out


def test_unknown_references(tmp_path):
    root = make_project(tmp_path, tasks={"demo": {"task": {"criteria": ["executon-model"], "group": "nope"}}},
                        content={"faq.yml": {"questions": [{**MINI_CONTENT["faq.yml"]["questions"][0], "tasks": ["missing-task"]}]}})
    out = problems(root)
    assert "snippets/demo/task.yml:5: criteria[0]: unknown criterion 'executon-model' (did you mean 'execution-model'?)" in out
    assert "snippets/demo/task.yml:3: group: unknown group 'nope'" in out
    assert any(o.startswith("content/faq.yml:") and "questions[0].tasks[0]: unknown task 'missing-task'" in o for o in out)


def test_empty_and_non_utf8_files(tmp_path):
    root = make_project(tmp_path, content={"faq.yml": "  \n", "claims.yml": b"claims:\n  - id: caf\xe9\n"})
    out = problems(root)
    assert "content/faq.yml: file is empty" in out
    assert "content/claims.yml:2: file is not UTF-8 (byte 0xe9 at offset 19)" in out


def test_missing_script_and_missing_task_yml(tmp_path):
    root = make_project(tmp_path)
    (root / "snippets" / "demo" / "keras.py").unlink()
    (root / "snippets" / "orphan").mkdir()
    out = problems(root)
    assert "snippets/demo/keras.py: is missing (every task has pytorch.py, tensorflow.py and keras.py)" in out
    assert "snippets/orphan: task.yml is missing" in out


def test_all_errors_are_reported_together(tmp_path):
    root = make_project(tmp_path, tasks={"demo": {"task": {"timeout": -1, "compare": {}}}},
                        content={"faq.yml": "", "groups.yml": "groups: [\n"})
    out = problems(root)
    files = {o.split(":")[0] for o in out}
    assert files == {"content/faq.yml", "content/groups.yml", "snippets/demo/task.yml"}
    assert len(out) >= 4


def test_task_schema_errors_name_key_and_line(tmp_path):
    root = make_project(tmp_path, tasks={"demo": {"task": {"compare": {"tolerance": {"rtol": 1e-3}, "not_comparable": "x" * 12},
                                                           "expected_failure": {"mxnet": {"error": "E"}}}}})
    out = problems(root)
    assert any(o.startswith("snippets/demo/task.yml:") and "compare: give exactly one of 'tolerance' or 'not_comparable'" in o for o in out)
    assert any("expected_failure.mxnet" in o for o in out)


@pytest.mark.parametrize("text, message", [
    ("Click <script>alert(1)</script>", "raw HTML is not allowed in content; write Markdown (put code in backticks)"),
    ('<img src=x onerror="alert(1)">', "raw HTML is not allowed in content; write Markdown (put code in backticks)"),
    ("[docs](javascript:alert(1))", "javascript:, vbscript: and data: URLs are not allowed"),
    ("[docs](ftp://example.org)", "links must be http:// or https:// URLs or relative links to pages of this site "
                                  "(percent-encode parentheses as %28 %29)"),
])
def test_unsafe_content_is_refused(tmp_path, text, message):
    faq = {"questions": [{**MINI_CONTENT["faq.yml"]["questions"][0], "answer": text}]}
    root = make_project(tmp_path, content={"faq.yml": faq})
    assert problems(root) == [f"content/faq.yml:4: questions[0].answer: {message}"]


def test_source_urls_must_be_http(tmp_path):
    faq = {"questions": [{**MINI_CONTENT["faq.yml"]["questions"][0], "sources": [{"url": "javascript:alert(1)", "title": "Bad one"}]}]}
    root = make_project(tmp_path, content={"faq.yml": faq})
    assert problems(root) == ["content/faq.yml:6: questions[0].sources[0].url: must be an http:// or https:// URL without "
                              "spaces, quotes, brackets, parentheses or braces (percent-encode them: ( as %28, ) as %29)"]


def test_markdown_in_code_spans_is_allowed(tmp_path):
    faq = {"questions": [{**MINI_CONTENT["faq.yml"]["questions"][0], "answer": "Use `x<y` and `<tag>`; a < b."}]}
    load_project(make_project(tmp_path, content={"faq.yml": faq}))


def test_schema_export(tmp_path):
    from generator.cli.main import main
    assert main(["schema", "--out", str(tmp_path)]) == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert "criteria.schema.json" in names and "task.schema.json" in names
    import json
    schema = json.loads((tmp_path / "task.schema.json").read_text())
    assert schema["additionalProperties"] is False and "compare" in schema["required"]
