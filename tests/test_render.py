"""Rendering: every page template, and the escaping that keeps inputs from injecting markup."""
from __future__ import annotations

import json

import pytest

from support import make_project, mini_settings
from generator.inputs.load import load_project
from generator.app.build import run_build
from generator.site.render import SiteData, render_site
from generator.site.markup import fence, text
from generator.site.verification import verification_json


def render_pages(project, result):
    return render_site(project, result, SiteData(machine="test machine"))[0]


def test_fence_cannot_be_closed_from_inside():
    text = "a\n```\n<b>not html</b>\n````"
    out = fence(text, "text")
    assert out.startswith("`````text\n") and out.endswith("\n`````")


@pytest.mark.parametrize("raw, escaped", [
    ("<b>x</b> | y\nz", "&#60;b&#62;x&#60;/b&#62; &#124; y z"),
    ("{: onclick=alert(1) }", "&#123;&#58; onclick&#61;alert&#40;1&#41; &#125;"),
    ("[x](javascript:alert(1))", "&#91;x&#93;&#40;javascript&#58;alert&#40;1&#41;&#41;"),
    ('"quoted" & \'single\'', "&#34;quoted&#34; &#38; &#39;single&#39;"),
    ("plain words, 1.5 s", "plain words, 1.5 s"),
])
def test_text_leaves_no_markdown_or_html_syntax(raw, escaped):
    assert text(raw) == escaped


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    root = make_project(tmp_path_factory.mktemp("render"), {
        "demo": {"pytorch": "print('<i>hi</i> ``` |')\nRESULT = [1.0, 2.0]\n"},
        "bad": {"keras": "raise RuntimeError('bad <b>')\n"},
        "skips": {"task": {"skip": {"tensorflow": "no such API in TensorFlow"}, "devices": ["cpu", "gpu"]}}})
    result = run_build(mini_settings(root, devices="auto"))  # the GPU runs: "not run on GPU here" on a CPU machine
    project = load_project(root)
    return {p.path: p for p in render_pages(project, result)}, result


def test_every_page_is_rendered(pages):
    rendered, _ = pages
    assert sorted(rendered) == ["choosing.md", "claims.md", "comparison.md", "faq.md", "index.md", "performance.md",
                                "tasks/basics/bad.md", "tasks/basics/demo.md", "tasks/basics/index.md",
                                "tasks/basics/skips.md", "tasks/index.md", "verification.md"]
    assert rendered["tasks/basics/index.md"].source == "content/groups.yml"  # the group's intro; its lines are links
    assert rendered["tasks/basics/demo.md"].source == "snippets/demo/task.yml"
    assert rendered["comparison.md"].source == "content/criteria.yml"


def test_home_page_table(pages):
    md = pages[0]["index.md"].markdown
    assert "| Fact | PyTorch | TensorFlow | Keras |" in md
    # each cell carries its column's name for phones, where rows become cards
    assert ('| Licence | <span class="fc-label">PyTorch</span>Apache-2.0 | <span class="fc-label">TensorFlow</span>Apache-2.0 '
            '| <span class="fc-label">Keras</span>Apache-2.0 |') in md
    assert '<span class="fc-label">Keras</span>`keras==1.0` |' in md


def test_task_page_has_linked_tabs_badges_output_and_downloads(pages):
    md = "\n".join(pages[0][f"tasks/basics/{t}.md"].markdown for t in ("bad", "demo", "skips"))
    for label in ("PyTorch", "TensorFlow", "Keras"):
        assert md.count(f"//// tab | {label}") == 3
    assert md.count('class="run-badge run-passed"') == 11 and md.count('class="run-badge run-failed"') == 3
    # runs that could not be made here (no GPU) take one line per task, not a badge each; a declared skip keeps its own
    assert md.count('class="run-badge run-skipped"') == 2
    assert md.count("GPU&#58; not run here &#40;this build machine has no GPU; no recorded GPU run") == 1, md
    assert "/// admonition | Not run · TensorFlow · CPU\n    type: note" in md and "no such API in TensorFlow" in md
    assert "[Download demo_pytorch.py](../../downloads/demo/demo_pytorch.py){ download }" in md
    assert "[Notebook demo_pytorch.ipynb](../../downloads/demo/demo_pytorch.ipynb){ download }" in md
    assert "[Download the task: demo.zip](../../downloads/demo/demo.zip){ download }" in md
    # captured output is a raw HTML block of escaped text, never interpreted
    assert '<div class="ansi-output"><pre><code>&#60;i&#62;hi&#60;&#47;i&#62; &#96;&#96;&#96; &#124;</code></pre></div>' in md
    assert "/// admonition | Failed · Keras &#40;JAX backend&#41; · CPU · line 1\n    type: failure" in md
    assert "RuntimeError&#58; bad &#60;b&#62;" in md
    # a failure marks its tab's label, whichever tab is open
    assert '//// tab | Keras <span class="tab-flag tab-flag-failed" role="img"' in md


def test_task_page_leads_with_question_answer_and_run_summary(pages):
    md = pages[0]["tasks/basics/skips.md"].markdown
    order = [md.index(s) for s in ("# A task\n", "Summary.", "/// admonition | What differs, and why",
                                   "An explanation of what differs", "**CPU:** 4 of 4 runs passed",
                                   "GPU&#58; not run here", "## The three versions { #skips }", "//// tab | PyTorch",
                                   "/// details | Cross-check", "[Download the task: skips.zip]")]
    assert order == sorted(order), order
    assert md.count("An explanation of what differs") == 1  # said once, at the top, not again under the code


def test_group_page_is_an_index_that_keeps_the_old_ids(pages):
    md = pages[0]["tasks/basics/index.md"].markdown
    assert "//// tab" not in md and "```" not in md  # no code on the index
    lines = [l for l in md.splitlines() if l.startswith("<p id=")]
    assert [l.split('"')[1] for l in lines] == ["bad", "demo", "skips"]  # one line per task, in order
    demo = lines[1]
    # the ids every task and tab had when the tasks lived on this page: an old link lands on the task's line
    for fid in ("pytorch", "tensorflow", "keras"):
        assert f'<span id="demo-{fid}"></span>' in demo
    assert "data-fc-moved" in demo and "[A task](demo.md): Summary." in demo
    assert "<small>✔ 5 of 5 runs passed</small>" in demo
    assert "<small>✘ 2 of 5 runs passed</small>" in lines[0]
    assert "<small>✔ 4 of 4 runs passed · GPU&#58; not run here</small>" in lines[2]


def test_comparison_and_other_pages(pages):
    rendered, _ = pages
    assert ('| [Execution model](#execution-model) | <span class="fc-label">PyTorch</span>pytorch verdict | '
            '<span class="fc-label">TensorFlow</span>tensorflow verdict | <span class="fc-label">Keras</span>keras verdict |'
            ) in rendered["comparison.md"].markdown
    assert "### Execution model { #execution-model }" in rendered["comparison.md"].markdown
    claims = rendered["claims.md"].markdown
    # the verdict leads, worded and coloured; the claim is a quotation, never the site's own sentence
    assert '## Outdated: TensorFlow only builds static graphs { #static-graphs }' in claims
    assert '!!! verdict-outdated "Outdated"\n\n    > TensorFlow only builds static graphs\n' in claims
    assert '<span class="fc-verdict fc-verdict-outdated">Outdated</span>' in claims
    assert "## Which is faster? { #faster }" in rendered["faq.md"].markdown
    choosing = rendered["choosing.md"].markdown
    assert "next question" not in choosing and "as of see sources" not in choosing
    assert '??? success "a → Keras"' in choosing and "**Recommended: Keras.**" in choosing
    ver = rendered["verification.md"].markdown
    # one row per run made, linked to its task's page; runs not made are grouped
    assert ver.count('[A task](tasks/basics/') == 14 and ver.count('[A task](tasks/basics/demo.md)') == 5
    assert "- **4 GPU runs not made:** not run on GPU here" in ver
    assert "- **2 CPU, GPU runs not made:** no such API in TensorFlow" in ver
    assert "| ✘ failed |" in ver and "| ✔ passed |" in ver and "| – not run |" in ver
    assert '<span class="fc-label">✘ failed</span>**3**' in ver
    assert '<span class="fc-label">✔ passed</span>**11**' in ver


def test_decision_guide_is_a_tree_of_questions(tmp_path):
    from support import MINI_CONTENT
    import copy
    choosing = copy.deepcopy(MINI_CONTENT["choosing.yml"])
    src = MINI_CONTENT["choosing.yml"]["decision"][0]["options"][0]["sources"]
    choosing["decision"] = [
        {"id": "start", "question": "What do you build?", "options": [
            {"answer": "Phones", "next": "phones"},
            {"answer": "Research", "recommend": ["pytorch"], "reason": "Eager `torch` code.", "sources": src}]},
        {"id": "phones", "question": "Which phones?", "options": [
            {"answer": "Android", "recommend": ["tensorflow", "keras"], "reason": "LiteRT with `format=\"litert\"`.", "sources": src},
            {"answer": "Back to the start", "next": "start"}]}]
    root = make_project(tmp_path, {"demo": {}}, content={"choosing.yml": choosing})
    md = {p.path: p.markdown for p in render_pages(load_project(root), run_build(mini_settings(root)))}["choosing.md"]
    # the answer leads to the next question by its text, nested inside it (a tree that needs no script)
    assert '??? question "Phones"\n\n    **Which phones?**\n    { #phones .fc-question }' in md.replace("{: #", "{ #")
    assert '    ??? success "Android → TensorFlow or Keras"' in md
    assert "LiteRT with `format=\"litert\"`." in md  # content Markdown, rendered as such (no &#34; shown)
    assert "Continue with [What do you build?](#start)." in md  # a cycle is a link, not an endless tree
    assert "as of" not in md.split("## Decision guide")[1]


def test_verification_json(pages):
    _, result = pages
    data = json.loads(verification_json(result))
    assert data["totals"]["passed"] == 11 and data["totals"]["failed"] == 3 and len(data["runs"]) == 20
    run = next(r for r in data["runs"] if r["id"] == "bad/keras/jax/cpu")
    assert run["status"] == "failed" and run["line"] == 1 and run["message"] == "RuntimeError: bad <b>"


def test_links_between_tasks_criteria_and_claims_go_both_ways(tmp_path):
    from support import MINI_CONTENT
    import copy
    claims = copy.deepcopy(MINI_CONTENT["claims.yml"])
    claims["claims"][0]["tasks"] = ["demo"]
    crit = copy.deepcopy(MINI_CONTENT["criteria.yml"])
    root = make_project(tmp_path, {"demo": {"task": {"criteria": []}}}, content={"claims.yml": claims, "criteria.yml": crit})
    crit["criteria"][0]["tasks"] = ["demo"]
    make_project(root, {"demo": {"task": {"criteria": []}}}, content={"claims.yml": claims, "criteria.yml": crit})
    rendered = {p.path: p.markdown for p in render_pages(load_project(root), run_build(mini_settings(root)))}
    task_page = rendered["tasks/basics/demo.md"]
    assert "**Criteria:** [Execution model](../../comparison.md#execution-model)" in task_page
    assert "**Claims checked:** [TensorFlow only builds static graphs](../../claims.md#static-graphs)" in task_page
    assert "**Shown in code:** [A task](tasks/basics/demo.md)" in rendered["claims.md"]
    assert "**Shown in code:** [A task](tasks/basics/demo.md)" in rendered["comparison.md"]


def test_the_answer_is_the_first_paragraph_and_the_rest_follows_the_cross_check(tmp_path):
    """The first screen holds the explanation's first paragraph; the others follow the cross-check ("More on what
    differs"), before the downloads: nothing is lost. [[fact:]] references and deprecated-API marks work in both."""
    import dataclasses
    from generator.inputs.apinames import ApiReport
    from generator.site.markup import DEPRECATED_MARK
    explanation = ("The short answer, using `torch.jit.script`: [[fact:demo-fact]].\n\n"
                   "A second paragraph with `torch.jit.script` again and [[fact:demo-fact]].\n  \n"
                   "A third paragraph, **in bold**.\n")
    root = make_project(tmp_path, {"split": {"task": {"explanation": explanation}}, "single": {}})
    result = run_build(mini_settings(root, execute=False))
    result.api = ApiReport([dataclasses.replace(o, status="deprecated") if o.span.text == "torch.jit.script" else o
                            for o in result.api.outcomes])
    assert sum(o.status == "deprecated" for o in result.api.outcomes) == 2  # one span in each paragraph
    rendered = {p.path: p.markdown for p in render_pages(result.project, result)}
    md = rendered["tasks/basics/split.md"]
    answer = md[md.index("/// admonition | What differs, and why"):md.index("\n///\n")]
    assert f"The short answer, using `torch.jit.script`{DEPRECATED_MARK}: a demo value." in answer
    assert "second paragraph" not in answer and "third paragraph" not in answer
    order = [md.index(s) for s in ("The short answer", "## The three versions { #split }", "/// details | Cross-check",
                                   "## More on what differs { #more-on-what-differs }",
                                   f"A second paragraph with `torch.jit.script`{DEPRECATED_MARK} again and a demo "
                                   "value.", "A third paragraph", "[Download the task: split.zip]")]
    assert order == sorted(order), order
    assert "[[fact:" not in md and md.count("more-on-what-differs") == 1
    # one paragraph: no second section
    assert "More on what differs" not in rendered["tasks/basics/single.md"]
