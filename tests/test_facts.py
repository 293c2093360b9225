"""The fact registry, as_of parsing and staleness, source quotes and URL shapes, and check-sources (no network needed)."""
from __future__ import annotations

import copy
import re
import http.server
import threading
from datetime import date
from pathlib import Path

import pytest

from support import MINI_CONTENT, SRC, make_project
from generator.inputs import facts as fx
from generator.inputs import sources
from generator.app import check_sources
from generator.site.verification import report_markdown
from generator.inputs.asof import parse_as_of
from generator.core.errors import DataError
from generator.inputs.load import load_project


def problems(root) -> list[str]:
    with pytest.raises(DataError) as info:
        load_project(root)
    return [str(p) for p in info.value.problems]


def located(out: list[str], file: str, rest: str) -> bool:
    """A problem in `file`, with a line number, ending with `rest` (key path and message)."""
    return any(re.fullmatch(rf"{re.escape(file)}:\d+: {re.escape(rest)}", o) for o in out)


def _facts(*extra: dict) -> dict:
    ff = copy.deepcopy(MINI_CONTENT["facts.yml"])
    ff["facts"] += list(extra)
    return ff


def _fact(fid: str, subject: str, value: str, as_of: str = "2026-11") -> dict:
    return {"id": fid, "subject": subject, "value": value, "sources": SRC, "as_of": as_of}


# ---------------------------------------------------------------------------- references
def test_reference_is_expanded_everywhere_including_task_yml(tmp_path):
    faq = copy.deepcopy(MINI_CONTENT["faq.yml"])
    faq["questions"][0]["answer"] = "It depends: [[fact:demo-fact]]."
    root = make_project(tmp_path, content={"faq.yml": faq},
                        tasks={"demo": {"task": {"skip": {"keras/torch": "because [[fact:demo-fact]]"}}}})
    p = load_project(root)
    assert p.faq.questions[0].answer == "It depends: a demo value."
    assert p.tasks["demo"].task.skip["keras/torch"] == "because a demo value"


def test_unknown_and_malformed_references_are_located(tmp_path):
    faq = copy.deepcopy(MINI_CONTENT["faq.yml"])
    faq["questions"][0]["answer"] = "See [[fact:demo-fakt]] and [[fact: Demo]]."
    root = make_project(tmp_path, content={"faq.yml": faq},
                        tasks={"demo": {"task": {"explanation": "An explanation long enough, with [[fact:nope]] in it."}}})
    out = problems(root)
    assert located(out, "content/faq.yml", "questions[0].answer: unknown fact 'demo-fakt' (did you mean 'demo-fact'?)"), out
    assert located(out, "content/faq.yml", "questions[0].answer: malformed fact reference '[[fact: Demo]]'; write [[fact:<id>]]")
    assert any(o.startswith("snippets/demo/task.yml:") and o.endswith("explanation: unknown fact 'nope'") for o in out)


def test_reference_inside_a_code_span_is_refused(tmp_path):
    faq = copy.deepcopy(MINI_CONTENT["faq.yml"])
    faq["questions"][0]["answer"] = "Run `echo [[fact:demo-fact]]`."
    out = problems(make_project(tmp_path, content={"faq.yml": faq}))
    assert any("inside a code span is not expanded" in o for o in out)


def test_two_facts_with_one_id_are_refused(tmp_path):
    ff = _facts(_fact("demo-fact", "another subject", "x"))
    out = problems(make_project(tmp_path, content={"facts.yml": ff}))
    assert located(out, "content/facts.yml", "facts[1].id: duplicate fact id 'demo-fact' (first is facts[0])"), out


def test_a_contradiction_cannot_be_written(tmp_path):
    ff = _facts(_fact("keras-dist", "Backends that implement keras.distribution", "JAX only"),
                _fact("keras-dist-2", "backends that implement  keras.distribution", "JAX and TensorFlow"))
    out = problems(make_project(tmp_path, content={"facts.yml": ff}))
    assert located(out, "content/facts.yml", "facts[2].subject: fact 'keras-dist-2' contradicts fact 'keras-dist': same subject "
                   "'backends that implement  keras.distribution' with a different value ('JAX and TensorFlow' vs 'JAX only')"), out


def test_the_same_fact_twice_is_refused_too(tmp_path):
    ff = _facts(_fact("demo-again", "Demo subject", "a demo value"))
    out = problems(make_project(tmp_path, content={"facts.yml": ff}))
    assert any("facts[1].subject: fact 'demo-again' repeats fact 'demo-fact'" in o for o in out)


@pytest.mark.parametrize("value, bad", [("uses *emphasis*", "'*'"), ("a <b>tag</b>", "'<'"), ("a `code` span", "'`'"),
                                        ("x {: .attr}", "'{'"), ("see [[fact:demo-fact]]", "'['"), ("_leading", "'_'")])
def test_fact_values_are_plain_text(tmp_path, value, bad):
    ff = {"facts": [_fact("demo-fact", "demo subject", value)]}
    out = problems(make_project(tmp_path, content={"facts.yml": ff}))
    assert any("facts[0].value: a fact value is plain text; remove" in o and bad in o for o in out), out


def test_escape_is_a_no_op_on_valid_values_and_neutralises_the_rest():
    assert fx.escape("torch_xla 2.9.0 (17 November 2025)") == "torch_xla 2.9.0 (17 November 2025)"
    assert fx.escape("<b>*x*</b>") == "\\<b\\>\\*x\\*\\</b\\>"


# ---------------------------------------------------------------------------- as_of
@pytest.mark.parametrize("text", ["Keras 3.15.1", "2026-11", "2026-11-20", "PyTorch 2.13.0, TensorFlow 2.21.0, Keras 3.15.1",
                                  "PyTorch 2.13.0 (2026-11)", "Transformers v5 (2026-11)", "JAX 0.10.2, PyTorch 2.13.0 (2026-11)"])
def test_as_of_forms_that_parse(text):
    parse_as_of(text)


@pytest.mark.parametrize("text", ["2.21", "recent", "Nov 2026", "2026-13", "2026-02-30", "Keras", "Keras 3.15.1 (soon)"])
def test_as_of_forms_that_are_refused(text):
    with pytest.raises(ValueError):
        parse_as_of(text)


def test_bad_as_of_is_a_located_problem(tmp_path):
    crit = copy.deepcopy(MINI_CONTENT["criteria.yml"])
    crit["criteria"][0]["cells"]["keras"]["as_of"] = "last autumn"
    out = problems(make_project(tmp_path, content={"criteria.yml": crit}))
    assert any(o.startswith("content/criteria.yml:") and "criteria[0].cells.keras.as_of: cannot read as_of 'last autumn'" in o
               for o in out), out


def test_review_due_when_a_pin_moves_past_or_a_date_is_old():
    pins = {"torch": "2.13.0", "keras": "3.15.1", "tensorflow": "2.21.0"}
    today = date(2026, 11, 22)
    assert fx.due("Keras 3.15.1", pins, 365, today) == []
    assert fx.due("Keras 3.14.0", pins, 365, today) == ["the pin moved to Keras 3.15.1"]
    assert fx.due("PyTorch 2.13, TensorFlow 2.20.0", pins, 365, today) == ["the pin moved to TensorFlow 2.21.0"]
    assert fx.due("2026-11", pins, 365, today) == []
    assert fx.due("2025-10", pins, 365, today) == ["checked 387 days ago (limit 365)"]
    assert fx.due("Transformers v5 (2025-01)", pins, 365, today)  # no pin for it, but the date is old


def test_stale_fact_shows_last_checked_on_the_page_and_in_check(tmp_path, monkeypatch):
    faq = copy.deepcopy(MINI_CONTENT["faq.yml"])
    faq["questions"][0]["answer"] = "[[fact:old-fact]]"
    ff = _facts(_fact("old-fact", "an old subject", "old value", "Keras 0.9"))
    root = make_project(tmp_path, content={"faq.yml": faq, "facts.yml": ff})
    p = load_project(root)
    assert p.faq.questions[0].answer == "old value (last checked for Keras 0.9)"
    lines = fx.review_lines(p)
    assert any("fact old-fact: due for review, last checked for Keras 0.9 (the pin moved to Keras 1.0)" in line for line in lines)
    monkeypatch.setattr(fx, "today", lambda: date(2028, 1, 1))
    assert any("fact demo-fact: due for review" in line for line in fx.review_lines(p))


# ---------------------------------------------------------------------------- sources
@pytest.mark.parametrize("url, fragment", [
    ("https://docs.pytorch.org/docs/stable/_sources/notes/mps.rst.txt", "source copy"),
    ("https://www.tensorflow.org/guide/versions.md.txt", "source copy"),
    ("https://docs.pytorch.org/docs/stable/distributed.tensor.md", "link the .html page"),
    ("https://github.com/keras-team/keras-io/blob/master/guides/distribution.py", "https://keras.io/"),
    ("https://github.com/pytorch/pytorch.github.io/blob/site/_posts/2025-04-29-x.md", "https://pytorch.org/"),
    ("https://raw.githubusercontent.com/pytorch/pytorch.github.io/site/published_versions.json", "raw file"),
    ("https://pytorch.org/docs/stable/hub.html", "docs.pytorch.org"),
])
def test_malformed_urls(url, fragment):
    assert fragment in (sources.url_problem(url) or "")


@pytest.mark.parametrize("url", ["https://docs.pytorch.org/docs/stable/notes/mps.html", "https://keras.io/guides/distribution/",
                                 "https://github.com/keras-team/keras/blob/v3.15.1/README.md", "https://pypi.org/project/torch/2.13.0/"])
def test_well_formed_urls(url):
    assert sources.url_problem(url) is None


def test_malformed_url_is_a_located_problem_offline(tmp_path):
    faq = copy.deepcopy(MINI_CONTENT["faq.yml"])
    faq["questions"][0]["sources"] = [{"url": "https://docs.pytorch.org/docs/stable/_sources/export.rst.txt", "title": "torch.export"}]
    out = problems(make_project(tmp_path, content={"faq.yml": faq}))
    assert any(o.startswith("content/faq.yml:") and "questions[0].sources[0].url: this is the docs page's source copy" in o
               for o in out), out


PAGE = """<html><head><style>p {color: red}</style><script>var x = "Not this";</script></head><body>
<p>Once&nbsp;TorchTPU is public it will <b>replace</b>
   PyTorch/XLA.</p><p>It&#8217;s <code>keras.distribution</code> &mdash; “quoted”.</p></body></html>"""


def test_quote_matching_ignores_markup_entities_whitespace_and_typography():
    assert sources.quote_on_page("Once TorchTPU is public it will replace PyTorch/XLA.", PAGE)
    assert sources.quote_on_page("it's keras.distribution - \"quoted\"", PAGE)
    assert not sources.quote_on_page("Not this", PAGE)            # script text is not page text
    assert not sources.quote_on_page("TorchTPU is private", PAGE)


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        if self.path == "/old":
            self.send_response(301)
            self.send_header("Location", "/page")
            self.end_headers()
            return
        body = PAGE.encode() if self.path == "/page" else b"not found"
        self.send_response(200 if self.path == "/page" else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_HEAD = do_GET

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()


def test_check_sources_records_status_redirects_and_quotes(tmp_path, server, capsys):
    ff = {"facts": [{"id": "demo-fact", "subject": "demo", "value": "v", "as_of": "2026-11", "sources": [
        {"url": f"{server}/old", "title": "Redirected page", "quote": "Once TorchTPU is public"},
        {"url": f"{server}/page", "title": "The page", "quote": "a sentence that is not there"},
        {"url": f"{server}/gone", "title": "A missing page"}]}]}
    root = make_project(tmp_path, content={"facts.yml": ff})
    p = load_project(root)
    rc = check_sources.check_sources(p, timeout=5, only=[f"{server}/old", f"{server}/page", f"{server}/gone"])
    assert rc == 1
    import json
    urls = json.loads((Path(root) / "content" / sources.RESULTS).read_text())["urls"]
    assert urls[f"{server}/old"]["result"] == "redirected" and urls[f"{server}/old"]["final_url"] == f"{server}/page"
    assert urls[f"{server}/page"]["result"] == "quote not found"
    assert urls[f"{server}/gone"]["result"] == "HTTP 404"
    report = report_markdown(p, sources.load_results(p))
    assert "**4 distinct URLs**" in report and "| redirected |" in report and "| HTTP 404 |" in report


def test_check_sources_without_network_prints_one_line_and_succeeds(tmp_path, capsys):
    ff = {"facts": [{"id": "demo-fact", "subject": "demo", "value": "v", "as_of": "2026-11",
                     "sources": [{"url": "http://127.0.0.1:9/unreachable", "title": "Nothing listens here"}]}]}
    p = load_project(make_project(tmp_path, content={"facts.yml": ff}))
    assert check_sources.check_sources(p, timeout=2, only=["http://127.0.0.1:9/unreachable"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and out[0].startswith("check-sources: skipped: no network")
