"""API names in the prose (issue: the prose is verified too): every inline code span of the content that names a
Python API of a covered framework is resolved against the pinned versions, in the worker of its framework."""
from __future__ import annotations

import copy

import pytest

from generator.app import apinames as resolver
from generator.app.build import run_build
from generator.app.report import failure_lines, gate_failed
from generator.inputs.apinames import classify
from support import MINI_CONTENT, make_project, mini_settings


@pytest.mark.parametrize("text, reason", [
    ("torch.export.export", None),
    ("tf.distribute.TPUStrategy", None),
    ("keras.Model.fit(run_eagerly=True)", None),
    ("jnp.dot", None),
    ("pip install torch", "not a Python name (a phrase, a command or an expression)"),
    ("int main()", "not a Python name (a phrase, a command or an expression)"),
    ("const x = require('tfjs')", "not a Python name (a phrase, a command or an expression)"),
    ("model.fit()", "an object of the example, not a module path"),
    ("requirements.txt", "a file name"),
    ("model.keras", "a file name"),
    ("KERAS_BACKEND", "not an API of a framework this site covers"),
    ("--no-deps", "not a Python name (a file, a value, an option or another language)"),
    ("std::vector<int>", "not a Python name (a file, a value, an option or another language)"),
    ("torch.nn.Linear(in_features=2", "not a Python name (a phrase, a command or an expression)"),
    ("numpy.ndarray", "not an API of a framework this site covers"),
])
def test_which_spans_name_an_api(text, reason):
    """Only a dotted Python name under a covered framework's root is resolved; everything else is skipped with its
    reason, never counted as resolved."""
    assert classify(text)[4] == reason


PROSE = ("Use `torch.nn.Linear` and `jnp.dot`; not `tf.keras.utils.experimental.DatasetCreator`, nor `tf.Session` "
         "(written as if current), nor `keras.Model.compile(no_such_keyword=1)`. `tf.compat.v1.argmax(dimension=1)` "
         "still takes its old keyword. In C++: `torch::Tensor`; in a shell: `pip install keras`.")


@pytest.mark.snippets
def test_the_build_resolves_the_api_names_of_the_prose(tmp_path, monkeypatch):
    content = copy.deepcopy(MINI_CONTENT)
    content["criteria.yml"]["criteria"][0]["cells"]["pytorch"]["detail"] = PROSE
    content["facts.yml"]["historical_apis"] = [
        {"name": "tf.estimator", "status": "removed", "since": "TensorFlow 2.16"},   # really gone: as stated
        {"name": "torch.nn.Linear", "status": "removed", "since": "never"}]         # still there: a problem
    root = make_project(tmp_path / "p", content=content)
    settings = mini_settings(root, timeout=180)
    result = run_build(settings)
    by_name = {o.span.text: o for o in result.api.outcomes}
    assert by_name["torch.nn.Linear"].status == "not-removed"  # the prose span is the historical name too
    assert by_name["jnp.dot"].status == "resolved"
    assert by_name["tf.keras.utils.experimental.DatasetCreator"].status == "missing"
    assert by_name["tf.Session"].status == "missing"
    assert by_name["keras.Model.compile(no_such_keyword=1)"].status == "missing"
    assert by_name["tf.compat.v1.argmax(dimension=1)"].status == "deprecated"
    assert by_name["torch::Tensor"].status == by_name["pip install keras"].status == "skipped"
    lines = failure_lines(result, root, "text")
    assert ("content/criteria.yml:9: criteria[0].cells.pytorch.detail: tf.keras.utils.experimental does not exist "
            "in tensorflow-cpu 2.21.0") in lines, lines
    assert any("keras.Model.compile has no parameter no_such_keyword" in line for line in lines)
    assert any(line.startswith("content/facts.yml:") and "historical_apis[1].name: torch.nn.Linear is presented as "
               "removed" in line for line in lines), lines
    assert any("historical_apis[0]" in o.line() and o.status == "removed-as-stated" for o in result.api.outcomes)
    assert gate_failed(result)
    # the deprecated one is marked where the prose names it, and nothing else is
    from generator.site.render import render_site
    pages, _ = render_site(result.project, result)
    comparison = next(p.markdown for p in pages if p.path == "comparison.md")
    assert "`tf.compat.v1.argmax(dimension=1)`{ .fc-api-deprecated" in comparison
    assert comparison.count("fc-api-deprecated") == 1
    # Nothing changed: the next build resolves from the store and starts no worker (imports no framework).
    monkeypatch.setattr(resolver, "Executor", lambda *a, **k: pytest.fail("a worker started for cached names"))
    again = run_build(settings)
    assert [(o.span.text, o.status) for o in again.api.outcomes] == [(o.span.text, o.status) for o in result.api.outcomes]


def test_a_worker_that_resolves_nothing_leaves_names_not_resolved(tmp_path):
    """A worker that cannot import its framework (here: the run fails) never makes a name 'resolved'."""
    content = copy.deepcopy(MINI_CONTENT)
    content["criteria.yml"]["criteria"][0]["cells"]["pytorch"]["detail"] = "Uses `torch.nn.Linear` here."
    root = make_project(tmp_path / "p", content=content)
    result = run_build(mini_settings(root, execute=False))
    [outcome] = [o for o in result.api.outcomes if o.span.text == "torch.nn.Linear"]
    assert outcome.status == "not-resolved" and "not resolved" in outcome.message
    assert result.api.count("resolved") == 0 and "1 not resolved here" in result.api.summary()


def test_only_deprecated_spans_are_marked_and_content_chooses_nothing():
    from generator.site.markup import DEPRECATED_MARK, mark_deprecated
    text = "Use `torch.jit.script` and ``torch.jit.script`` but not `x`; `torch.jit.scripts` neither."
    out = str(mark_deprecated(text, frozenset({"torch.jit.script"})))
    assert out.count(DEPRECATED_MARK) == 2 and "`torch.jit.scripts`{" not in out and "`x`{" not in out
    assert str(mark_deprecated(text, frozenset())) == text
