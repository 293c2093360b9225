"""Faithful output: terminal text as a terminal shows it, figures, the cross-check on the page, notebooks and zips to
take away, and tab anchors that do not move. Framework-free: the snippets print what Keras prints, byte for byte."""
from __future__ import annotations

import base64
import hashlib
import io
import json
import random
import subprocess
import sys
import zipfile
from html.parser import HTMLParser

import pytest

from support import ROOT, make_project, mini_settings
from generator.runs import terminal
from generator.inputs.load import load_project
from generator.app.build import run_build
from generator.core.record import Figure
from generator.site.render import SiteData, render_site
from generator.runs.verify import clean

# what Keras 3.15.1's Progbar writes for a two-step epoch (copied from a real run): it colours its bar whether or
# not stdout is a terminal, and on POSIX redraws it with backspaces and a carriage return
KERAS_BAR = ("Epoch 1/2\n\r\x1b[1m1/2\x1b[0m \x1b[32m━━━━━━━━━━\x1b[0m\x1b[37m━━━━━━━━━━\x1b[0m \x1b[1m7s\x1b[0m 8s/step"
             " - acc: 0.0859 - loss: 2.3287" + "\b" * 64 + "\r\x1b[1m2/2\x1b[0m \x1b[32m━━━━━━━━━━━━━━━━━━━━\x1b[0m"
             "\x1b[37m\x1b[0m \x1b[1m16s\x1b[0m 8s/step - acc: 0.0968 - loss: 2.3090 - val_acc: 0.0769 - val_loss: 2.3084\n")
KERAS_FINAL = "2/2 ━━━━━━━━━━━━━━━━━━━━ 16s 8s/step - acc: 0.0968 - loss: 2.3090 - val_acc: 0.0769 - val_loss: 2.3084"


# ----------------------------------------------------------------------------- the terminal
def test_a_keras_progress_bar_shows_its_final_state_in_colour():
    lines = terminal.screen(KERAS_BAR)
    assert terminal.plain(lines) == "Epoch 1/2\n" + KERAS_FINAL + "\n"
    bar = lines[1]
    assert bar[0] == terminal.Span("2/2", ("ansi-bold",))
    assert terminal.Span("━" * 20, ("ansi-fg-2",)) in bar
    html = terminal.html(lines)
    assert '<span class="ansi-bold">2&#47;2</span> <span class="ansi-fg-2">━━━━━━━━━━━━━━━━━━━━</span>' in html
    assert "\x1b" not in html and "\b" not in html and "[0m" not in html
    assert clean(KERAS_BAR) == "Epoch 1/2\n" + KERAS_FINAL  # search and verification.json: plain text


@pytest.mark.parametrize("raw, shown", [
    ("abc\rX\n", "Xbc"),                                   # \r returns to the start; the rest stays, as on a terminal
    ("abc\b\bX\n", "aXc"),                                 # backspace moves left
    ("\b\b\bstart\n", "start"),                            # never left of the first column
    ("abc\x1b[2K\rnew\n", "new"),                          # erase the line
    ("abcdef\x1b[3D\x1b[K!\n", "abc!"),                    # move left, erase to the end
    ("a\x1b[5Gb\n", "a   b"),                              # column 5
    ("one\ntwo\x1b[1Aup\n", "oneup\ntwo"),                 # cursor up overwrites the line above
    ("\x1b]0;window title\x07\x1b]8;;https://x.example\x1b\\link\x1b]8;;\x1b\\\n", "link"),  # OSC dropped
    ("a\x00\x02\x03\x07\x7fb\x1bPq#0;2\x1b\\c\x9b0m\n", "abc"),   # other controls, DCS strings, C1 CSI dropped
    ("a\tb\n", "a       b"),
    ("\x1b[?25l\x1b[1;31mred\x1b[0m\x1b[?25h\n", "red"),
])
def test_control_sequences_behave_as_on_a_terminal(raw, shown):
    assert terminal.plain(terminal.screen(raw)).rstrip("\n") == shown


def test_colours_of_every_form_become_one_of_the_fixed_classes():
    spans = terminal.screen("\x1b[31ma\x1b[0m\x1b[91mb\x1b[0m\x1b[38;5;196mc\x1b[0m\x1b[38;2;0;0;255md\x1b[0m"
                            "\x1b[1;3;4;44me\x1b[0m\x1b[7mf")[0]
    assert [s.classes for s in spans] == [("ansi-fg-1",), ("ansi-fg-9",), ("ansi-fg-1",), ("ansi-fg-4",),
                                          ("ansi-bold", "ansi-italic", "ansi-underline", "ansi-bg-4"), ("ansi-reverse",)]
    assert terminal.ansi([spans]).startswith("\x1b[31ma\x1b[0m\x1b[91mb\x1b[0m")


def test_escapes_cannot_make_huge_lines_or_many_lines():
    lines = terminal.screen("\x1b[999999999Cx" + "\n" * (terminal.MAX_LINES + 50))
    assert len(lines) == terminal.MAX_LINES and len(terminal.line_text(lines[0])) <= terminal.MAX_COLUMN


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.attrs, self.text = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += attrs

    def handle_data(self, data):
        self.text.append(data)


ALPHABET = ["\x1b[", "\x1b]", "\x1b", "m", "31", ";", "38;5;", "\r", "\b", "\n", "\t", "<", ">", "&", '"', "'", "`",
            "~", "/", "//", "///", "</code></pre></div>", "<script>", "{: onclick=x }", "*", "_", "[", "](", ")",
            "!", "\x07", "\x02", "\x03", "a", "b", " ", "━", "é", "\u202e", "\\"]


@pytest.mark.parametrize("seed", range(40))
def test_no_output_can_create_markup_in_the_html(seed):
    rnd = random.Random(seed)
    raw = "".join(rnd.choice(ALPHABET) for _ in range(300))
    lines = terminal.screen(raw)
    html = terminal.html(lines)
    parser = _Tags()
    parser.feed(html)
    assert set(parser.tags) <= {"div", "pre", "code", "span"}
    assert all(name == "class" and set(value.split()) <= terminal.CLASSES | {"ansi-output"} for name, value in parser.attrs)
    assert "".join(parser.text) == terminal.plain(lines)          # the text is exactly the screen's, escaped
    assert not any(ch in html for ch in "`~\x1b\x02\x03\r\b\\")  # no fence or control character survives


def test_python_markdown_leaves_the_output_block_alone_inside_tabs_and_details():
    """The page's extensions (mkdocs.yml): the block comes out byte for byte, and nothing after it is swallowed."""
    import markdown
    from generator.site.export import load_config
    config = load_config(ROOT / "mkdocs.yml")
    exts, cfgs = [], {}
    for item in config["markdown_extensions"]:
        name, cfg = (next(iter(item.items())) if isinstance(item, dict) else (item, {}))
        exts.append(name)
        cfgs[name] = {k: v for k, v in (cfg or {}).items() if k != "slugify"}
    hostile = "```\n~~~\n/// tab | x\n////\n</code></pre></div><script>alert(1)</script>\n\n    indented\n*em* [a](b)"
    block = terminal.html(terminal.screen(hostile + "\n\x1b[32mgreen\x1b[0m"))
    source = (f"## T {{ #t }}\n\n//// tab | PyTorch\n\n/// details | Output\n    type: success\n    open: true\n\n"
              f"{block}\n\nafter\n///\n////\n\n//// tab | Keras\n\nkeras\n////\n")
    html = markdown.markdown(source, extensions=exts, extension_configs=cfgs)
    assert block in html
    assert html.count('class="tabbed-block"') == 2 and "<p>after</p>" in html and "<p>keras</p>" in html
    assert "<script>" not in html and "<em>" not in html and 'href="b"' not in html


# ----------------------------------------------------------------------------- figures
def test_a_figure_record_must_be_the_png_its_hash_names():
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 20
    ok = dict(name="figure-1", alt="loss", sha256=hashlib.sha256(png).hexdigest(), data=base64.b64encode(png).decode())
    assert Figure(**ok).path == f"assets/figures/{ok['sha256']}.png"
    svg = b"<svg onload='alert(1)'/>"
    for bad in ({"sha256": "0" * 64}, {"data": base64.b64encode(svg).decode(), "sha256": hashlib.sha256(svg).hexdigest()},
                {"data": "not base64!"}, {"data": base64.b64encode(png + b"\0" * 2**20).decode()}):
        with pytest.raises(ValueError):
            Figure(**{**ok, **bad})


PLOT = """
import matplotlib.pyplot as plt
plt.plot([0.9, 0.5, 0.3, 0.25])
plt.title("Training loss")
plt.show()                      # Agg: a no-op that leaves the figure open
fig, ax = plt.subplots()
ax.plot([1, 2])
print({bar!r}, end="")
RESULT = [1.0, 2.0]
"""
IMPORTS = "if False:  # the zip's requirements come from the imports a script names\n    import keras\n    import numpy\n"
MANY = "import matplotlib.pyplot as plt\nfor i in range(6):\n    plt.figure(); plt.plot([i, 1])\nRESULT = [1.0, 2.0]\n"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = make_project(tmp_path_factory.mktemp("output") / "proj", {
        "plot": {"pytorch": PLOT.format(bar=KERAS_BAR), "keras": PLOT.format(bar=KERAS_BAR) + IMPORTS},
        "many": {"tensorflow": MANY},
    })
    (root / "requirements.txt").write_text("numpy==2.4.6\nmatplotlib==3.11.2\nkeras==3.15.1\njax==0.10.2\n"
                                           "jaxlib==0.10.2\ntorch==2.13.0\ntensorflow_cpu==2.21.0\nrich==15.0.0\n")
    result = run_build(mini_settings(root))
    project = load_project(root)
    pages, assets = render_site(project, result, SiteData())
    return root, project, result, {p.path: p.markdown for p in pages}, assets


def _outcome(result, run_id):
    return next(o for o in result.outcomes if o.run.id == run_id)


def test_figures_left_open_are_recorded_deterministically_with_their_title(built):
    _, _, result, _, assets = built
    torch_run, keras_run = _outcome(result, "plot/pytorch/cpu"), _outcome(result, "plot/keras/torch/cpu")
    figs = torch_run.outcome.figures
    assert [(f.name, f.alt) for f in figs] == [("figure-1", "Training loss"), ("figure-2", "")]
    assert [f.sha256 for f in figs] == [f.sha256 for f in keras_run.outcome.figures]  # same figure, same bytes
    assert figs[0].png.startswith(b"\x89PNG") and b"Software" not in figs[0].png and b"tIME" not in figs[0].png
    assert assets[figs[0].path] == figs[0].png
    assert _outcome(result, "plot/tensorflow/cpu").outcome.figures == []   # no pyplot, nothing captured
    many = _outcome(result, "many/tensorflow/cpu").outcome
    assert len(many.figures) == 4 and many.figures_note == "2 more figure(s) left out (at most 4 are kept)"


def test_the_task_page_shows_output_figures_and_the_cross_check(built):
    _, _, _, pages, _ = built
    md = pages["tasks/basics/plot.md"] + pages["tasks/basics/many.md"]
    assert "\x1b" not in md and "\b" not in md
    assert '<span class="ansi-bold">2&#47;2</span> <span class="ansi-fg-2">━━━━━━━━━━━━━━━━━━━━</span>' in md
    assert "![Training loss](../../assets/figures/" in md and "){ loading=lazy }" in md  # from /tasks/basics/plot/
    assert "![Figure 2 drawn by the PyTorch run of A task](../../assets/figures/" in md
    # the first passed run of a tab is open; the others say in one line what they hold
    assert "/// details | Output · Keras &#40;TensorFlow backend&#41; · CPU" in md
    assert "· 1 line · same as Keras &#40;TensorFlow backend&#41; · CPU\n    type: success\n\n" in md
    # the cross-check: the reference and why, each run's differences, the tolerance
    assert "/// details | Cross-check · 5 of 5 runs passed and agree · rtol 1e-06, atol 1e-09\n    type: success" in md
    assert "Reference on CPU&#58; PyTorch&#39;s RESULT, because pytorch.py&#39;s result agrees with a majority" in md
    assert "| Keras &#40;JAX backend&#41; | <span class=\"fc-label\">Device</span>CPU | <span class=\"fc-label\">Compared with</span>PyTorch | <span class=\"fc-label\">Largest abs. diff.</span>0 | <span class=\"fc-label\">Largest rel. diff.</span>0 | <span class=\"fc-label\">Verdict</span>✔ passed |" in md
    assert "| PyTorch | <span class=\"fc-label\">Device</span>CPU | <span class=\"fc-label\">Compared with</span>the reference | <span class=\"fc-label\">Largest abs. diff.</span>0 | <span class=\"fc-label\">Largest rel. diff.</span>0 | <span class=\"fc-label\">Verdict</span>✔ passed |" in md


def test_a_mismatch_shows_the_paths_and_flags_its_tab(tmp_path):
    root = make_project(tmp_path / "proj", {"demo": {"keras": "RESULT = [1.0, 2.5]\n"}})
    pages, _ = render_site(load_project(root), run_build(mini_settings(root)), SiteData())
    md = next(p.markdown for p in pages if p.path == "tasks/basics/demo.md")
    assert '//// tab | Keras <span class="tab-flag tab-flag-mismatched" role="img"' in md
    assert "//// tab | PyTorch\n" in md
    assert "| Keras &#40;JAX backend&#41; | <span class=\"fc-label\">Device</span>CPU | <span class=\"fc-label\">Compared with</span>PyTorch | <span class=\"fc-label\">Largest abs. diff.</span>0.5 | <span class=\"fc-label\">Largest rel. diff.</span>0.25 | <span class=\"fc-label\">Verdict</span>≠ mismatched&#58; RESULT&#91;1&#93;&#58; 2.5 &#33;&#61; 2.0 |" in md


@pytest.mark.slow
def test_tab_anchors_do_not_move_when_a_task_is_added(tmp_path):
    def ids(tasks):
        root = make_project(tmp_path / "-".join(tasks), {t: {} for t in tasks})
        out = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=root, capture_output=True, text=True,
                             timeout=300, env={**__import__("os").environ, "NO_MKDOCS_2_WARNING": "1",
                                               "PYTHONPATH": str(ROOT)})
        assert out.returncode == 0, out.stderr
        return {p.parent.name: p.read_text() for p in (root / "site" / "tasks" / "basics").rglob("index.html")}
    before, after = ids(["demo"]), ids(["aaa-first", "demo"])
    for fw in ("pytorch", "tensorflow", "keras"):
        # on the task's own page, and on the group's index, where every task used to live (old links land there)
        for html in (before["demo"], after["demo"], before["basics"], after["basics"]):
            assert f'id="demo-{fw}"' in html
        assert f'id="aaa-first-{fw}"' in after["aaa-first"] and f'id="aaa-first-{fw}"' in after["basics"]
    assert 'id="__tabbed_' not in after["demo"] + after["aaa-first"]


# ----------------------------------------------------------------------------- take it with you
def test_a_notebook_opens_with_nbformat_and_carries_the_verified_output(built):
    import nbformat
    _, project, result, _, _ = built
    from generator.site.export import generated_files
    files = generated_files(project, result, {})
    nb = nbformat.reads(files["downloads/plot/plot_pytorch.ipynb"].decode(), as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert len(code) == 1 and code[0].source == PLOT.format(bar=KERAS_BAR).rstrip("\n")
    stream, *images = code[0].outputs
    assert stream.output_type == "stream" and "\x1b[32m━━━━━━━━━━━━━━━━━━━━\x1b[0m" in stream.text
    assert "\b" not in stream.text and "\r" not in stream.text and "1/2\x1b" not in stream.text  # final frame only
    figs = _outcome(result, "plot/pytorch/cpu").outcome.figures
    assert [i["data"]["image/png"] for i in images] == [f.data for f in figs]
    assert nb.cells[0].source.startswith("# A task · PyTorch") and nb.cells[1].cell_type == "markdown"
    keras = nbformat.reads(files["downloads/plot/plot_keras.ipynb"].decode(), as_version=4)
    assert any("KERAS_BACKEND" in c.source for c in keras.cells if c.cell_type == "markdown")


def test_notebooks_and_zips_are_made_once_per_inputs_and_remade_when_an_input_changes(built, tmp_path, monkeypatch):
    """A warm build reuses the notebooks and zips made from the same inputs (memory, then the store on disk); a
    changed output, script or generator code makes new ones, with the same bytes as made without any cache."""
    from generator.site import derived as cache
    from generator.site import downloads
    _, project, result, _, _ = built
    outcomes = [o for o in result.outcomes if o.run.task == "plot"]
    spec, store = project.tasks["plot"], tmp_path / "store"
    made = []
    real_notebook, real_zip = downloads.notebook, downloads.task_zip
    monkeypatch.setattr(downloads, "notebook", lambda *a: made.append("nb") or real_notebook(*a))
    monkeypatch.setattr(downloads, "task_zip", lambda *a: made.append("zip") or real_zip(*a))
    cache.forget()
    uncached = downloads.task_files(spec, project.root, outcomes)
    cache.forget()
    made.clear()
    first = downloads.task_files(spec, project.root, outcomes, store)
    assert first == uncached and made.count("nb") == 3 and made.count("zip") == 1
    assert len(list((store / "derived").rglob("*.ipynb"))) == 3 and len(list((store / "derived").rglob("*.zip"))) == 1
    made.clear()
    assert downloads.task_files(spec, project.root, outcomes, store) == first and made == []  # memory
    cache.forget()
    assert downloads.task_files(spec, project.root, outcomes, store) == first and made == []  # disk
    for damaged in [*(store / "derived").rglob("*.zip"), *(store / "derived").rglob("*.ipynb")][:2]:
        damaged.write_bytes(damaged.read_bytes()[:-1])  # truncated on disk: made again, never served
    cache.forget()
    made.clear()
    assert downloads.task_files(spec, project.root, outcomes, store) == first and len(made) == 2
    cache.forget()
    made.clear()
    assert downloads.task_files(spec, project.root, outcomes, store) == first and made == []  # repaired
    # a different output of the verified PyTorch run: its notebook and the zip are made again, the others reused
    changed = [o if o.run.id != "plot/pytorch/cpu" else
               type(o)(**{**o.__dict__, "record": o.record.model_copy(update={"stdout": "something else\n"})})
               for o in outcomes]
    made.clear()
    again = downloads.task_files(spec, project.root, changed, store)
    assert made.count("nb") == 1 and made.count("zip") == 1
    assert b"something else" in again["downloads/plot/plot_pytorch.ipynb"]
    assert again["downloads/plot/plot_keras.ipynb"] == first["downloads/plot/plot_keras.ipynb"]
    made.clear()
    cache.code_version.cache_clear()
    monkeypatch.setattr(cache, "code_version", lambda: "another version of the generator")
    assert downloads.task_files(spec, project.root, outcomes, store) == first and made.count("nb") == 3


def test_a_derived_file_that_fails_to_be_made_caches_nothing(tmp_path):
    from generator.site.derived import derived
    calls = []

    def broken():
        calls.append(1)
        raise ValueError("broken")

    for _ in range(2):
        with pytest.raises(ValueError):
            derived(tmp_path, "test-broken", ["x"], broken)
    assert len(calls) == 2 and not (tmp_path / "derived").exists()
    assert derived(tmp_path / "file-not-folder" / "x", "test-ok", ["y"], lambda: b"ok") == b"ok"  # unwritable store


def test_the_task_zip_is_deterministic_and_complete(built):
    _, project, result, _, _ = built
    from generator.site.downloads import task_files
    outcomes = [o for o in result.outcomes if o.run.task == "plot"]
    one, two = task_files(project.tasks["plot"], project.root, outcomes), task_files(project.tasks["plot"], project.root, outcomes)
    assert one == two
    zf = zipfile.ZipFile(io.BytesIO(one["downloads/plot/plot.zip"]))
    names = zf.namelist()
    assert names == sorted(names) == ["plot/README.md", "plot/plot_keras.ipynb", "plot/plot_keras.py",
                                      "plot/plot_pytorch.ipynb", "plot/plot_pytorch.py", "plot/plot_tensorflow.ipynb",
                                      "plot/plot_tensorflow.py", "plot/requirements.txt", "plot/task.yml"]
    assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    reqs = zf.read("plot/requirements.txt").decode().splitlines()
    # the project's pins of what the scripts import, Keras with its three backends; nothing else (rich is pinned
    # by the project but not imported by the task)
    assert [r for r in reqs if not r.startswith("#")] == ["jax==0.10.2", "jaxlib==0.10.2", "keras==3.15.1",
                                                          "matplotlib==3.11.2", "numpy==2.4.6",
                                                          "tensorflow_cpu==2.21.0", "torch==2.13.0"]
    assert reqs[0].endswith("for Python %d.%d." % sys.version_info[:2])  # the Python the runs were made with
    assert zf.read("plot/task.yml") == (project.tasks["plot"].dir / "task.yml").read_bytes()
    assert zf.read("plot/plot_pytorch.ipynb") == one["downloads/plot/plot_pytorch.ipynb"]


def test_verification_json_names_figure_files_not_bytes(built):
    from generator.site.verification import verification_json
    _, _, result, _, _ = built
    run = next(r for r in json.loads(verification_json(result))["runs"] if r["id"] == "plot/pytorch/cpu")
    fig = run["outcome"]["figures"][0]
    assert "data" not in fig and fig["file"] == f"assets/figures/{fig['sha256']}.png" and fig["alt"] == "Training loss"
    assert run["stdout"] == "Epoch 1/2\n" + KERAS_FINAL


def test_plain_output_takes_the_fast_path_and_gives_the_same_lines():
    """Output without control characters is split into lines directly; the lines must be exactly what replaying it
    cell by cell gives (tabs, trailing blanks, long lines, CRLF, many lines)."""
    import random

    def replayed(text):
        term = terminal._Terminal()
        term.feed(text.replace("\r\n", "\n"))
        return term.result()

    rng = random.Random(7)
    alphabet = "ab \t\n\n\u00e9\u4e2d   xyz"
    cases = ["", "\n", "a\tb\n\tc  \n", "x" * 5000 + "\nend", "a\r\nb\r\n", "line\n" * (terminal.MAX_LINES + 5)]
    cases += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 120))) for _ in range(500)]
    for text in cases:
        assert terminal.screen(text) == replayed(text), repr(text)[:120]
    assert terminal.screen("a\rb") == replayed("a\rb")  # a control character: replayed, not split
