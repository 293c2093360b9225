"""API names in the prose: every inline code span in content/*.yml and snippets/*/task.yml, located and classified.

A span that names a Python API of a framework the site covers (`torch.export.export`, `tf.distribute.TPUStrategy`,
`keras.Model.fit(run_eagerly=True)`) is a *candidate*: the build resolves it against the pinned versions in the warm
worker of that framework (app/apinames.py). Every other span is *skipped with its reason* (a shell command, a file
name, an instance such as `model.fit()`, another language, a value): never counted as resolved.

Names the prose presents as removed or historical are declared in the fact registry (facts.yml `historical_apis`),
and the build checks that each really is gone or deprecated, so "removed in 2.16" stays true.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .yamlio import compose, line_of, rel

CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.S)
DOTTED = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")

# the root names of the Python packages whose APIs the site names, and the runner whose warm worker resolves them
ROOTS: dict[str, tuple[str, str]] = {  # root -> (module it stands for, runner key)
    "torch": ("torch", "pytorch"), "torchvision": ("torchvision", "pytorch"), "torchao": ("torchao", "pytorch"),
    "onnx": ("onnx", "pytorch"), "onnxruntime": ("onnxruntime", "pytorch"), "onnxscript": ("onnxscript", "pytorch"),
    "tf": ("tensorflow", "tensorflow"), "tensorflow": ("tensorflow", "tensorflow"),
    "tf2onnx": ("tf2onnx", "tensorflow"), "ai_edge_litert": ("ai_edge_litert", "tensorflow"),
    "keras": ("keras", "keras/tensorflow"), "jax": ("jax", "keras/jax"), "jnp": ("jax.numpy", "keras/jax"),
}
# packages the prose names that the site does not pin or cover: skipped as such, not taken for a script's object
OTHER_PACKAGES = {"numpy", "np", "pandas", "pd", "scipy", "sklearn", "matplotlib", "plt", "os", "sys", "json", "math",
                  "random", "pathlib", "typing", "functools", "itertools", "collections", "dataclasses", "torch_xla",
                  "tensorflow_hub", "keras_hub", "keras_nlp", "keras_cv", "transformers", "tfjs", "openvino",
                  "litert_torch", "flax", "optax", "tensorboard", "tf_keras", "grain", "pdb", "torchaudio", "torchtext"}
FILE_SUFFIXES = {"txt", "py", "yml", "yaml", "json", "md", "toml", "cfg", "ipynb", "keras", "h5", "onnx", "tflite",
                 "pt", "pt2", "pth", "zip", "sh", "so", "whl", "pb", "svg", "png", "csv", "log"}
SKIPPED_KEYS = {"sources", "url", "quote", "id"}  # link data, not prose


@dataclass(frozen=True)
class Span:
    file: str                 # relative to the project root
    line: int | None
    key: str                  # the key path of the text it stands in
    text: str                 # the span as written
    name: str = ""            # the dotted name, with the root as written (`tf.function`)
    module: str = ""          # the dotted name with the root's module (`tensorflow.function`)
    runner: str = ""          # the runner whose worker resolves it
    keywords: tuple[str, ...] = ()
    skip: str | None = None   # why it is not resolved
    historical: bool = False  # declared in facts.yml historical_apis: must be gone or deprecated


@dataclass
class Historical:
    name: str
    status: str   # removed | deprecated
    since: str


@dataclass
class ApiNames:
    spans: list[Span] = field(default_factory=list)

    @property
    def candidates(self) -> list[Span]:
        return [s for s in self.spans if s.skip is None]


def classify(text: str) -> tuple[str, str, str, tuple[str, ...], str | None]:
    """(name, module, runner, keywords, skip reason) of one span's text."""
    t = text.strip()
    head = t.split("(", 1)[0]
    if not t or any(c.isspace() for c in head) or (t != head and not t.endswith(")")):
        return "", "", "", (), "not a Python name (a phrase, a command or an expression)"
    if not DOTTED.fullmatch(head):
        return "", "", "", (), "not a Python name (a file, a value, an option or another language)"
    root, _, rest = head.partition(".")
    if t == head and head.rsplit(".", 1)[-1] in FILE_SUFFIXES and root not in ROOTS:
        return "", "", "", (), "a file name"
    if root not in ROOTS:
        why = ("an object of the example, not a module path" if root[:1].islower() and "." in head
               and root not in OTHER_PACKAGES else "not an API of a framework this site covers")
        return "", "", "", (), why
    module, runner = ROOTS[root]
    keywords: tuple[str, ...] = ()
    if t != head:
        try:
            call = ast.parse(t, mode="eval").body
        except SyntaxError:
            return "", "", "", (), "not a Python call (it does not parse)"
        if isinstance(call, ast.Call):
            keywords = tuple(k.arg for k in call.keywords if k.arg)
    return head, module + (f".{rest}" if rest else ""), runner, keywords, None


def _walk(node: yaml.Node, path: tuple, out: list[tuple[tuple, yaml.ScalarNode]]) -> None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if str(k.value) not in SKIPPED_KEYS:
                _walk(v, path + (str(k.value),), out)
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            _walk(v, path + (i,), out)
    elif isinstance(node, yaml.ScalarNode) and isinstance(node.value, str) and "`" in node.value:
        out.append((path, node))


def _key(path: tuple) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else (f".{p}" if i else p) for i, p in enumerate(path))


def spans_of(path: Path, root: Path, historical: set[str] = frozenset()) -> list[Span]:
    found: list[tuple[tuple, yaml.ScalarNode]] = []
    try:
        _walk(compose(path), (), found)
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        return []  # the loader reports what is wrong with the file
    spans = []
    for key_path, node in found:
        for m in CODE_SPAN.finditer(node.value):
            name, module, runner, keywords, skip = classify(m.group(2))
            spans.append(Span(rel(path, root), node.start_mark.line + 1, _key(key_path), m.group(2).strip(), name,
                              module, runner, keywords, skip, name in historical))
    return spans


def collect(root: Path, content_dir: str, task_dirs: list[Path], historical: list[Historical]) -> ApiNames:
    """Every code span of the content files and the tasks' task.yml, in file order, each one classified; and each
    name declared historical, as a span of facts.yml."""
    names = {h.name for h in historical}
    spans: list[Span] = []
    for path in sorted((root / content_dir).glob("*.yml")):
        spans += spans_of(path, root, names)
    for d in task_dirs:
        spans += spans_of(d / "task.yml", root, names)
    facts = root / content_dir / "facts.yml"
    for i, h in enumerate(historical):
        name, module, runner, _, skip = classify(h.name)
        spans.append(Span(rel(facts, root), _historical_line(facts, i), f"historical_apis[{i}].name", h.name, name,
                          module, runner, (), skip, True))
    return ApiNames(spans)


def _historical_line(facts: Path, index: int) -> int | None:
    try:
        node = compose(facts)
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        return None
    return line_of(node, ("historical_apis", index, "name"))


@dataclass(frozen=True)
class Outcome:
    span: Span
    status: str        # resolved, deprecated, missing, removed-as-stated, not-removed, skipped, not-resolved
    message: str = ""

    @property
    def problem(self) -> bool:
        return self.status in ("missing", "not-removed")

    def line(self) -> str:
        where = f"{self.span.file}:{self.span.line}" if self.span.line else self.span.file
        return f"{where}: {self.span.key}: {self.message}"


@dataclass
class ApiReport:
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)

    @property
    def problems(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.problem]

    def summary(self) -> str:
        return (f"API names in the prose: {self.count('resolved')} resolved, {self.count('deprecated')} deprecated, "
                f"{self.count('removed-as-stated')} removed as stated, {len(self.problems)} not found, "
                f"{self.count('not-resolved')} not resolved here, {self.count('skipped')} skipped "
                "(not a Python API of a covered framework)")

    def skip_reasons(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for o in self.outcomes:
            if o.status == "skipped":
                out[o.message] = out.get(o.message, 0) + 1
        return dict(sorted(out.items(), key=lambda kv: -kv[1]))
