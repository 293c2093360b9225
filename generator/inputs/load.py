"""Stage 1, load: YAML files into typed models, with every problem located by file, line and key path."""
from __future__ import annotations

import difflib
import hashlib
import re
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ValidationError

from ..core.errors import DataError, Problem
from ..core.files import UnsafeFile, is_regular_dir, python_source, read_bytes
from ..core.runners import FRAMEWORKS
from ..inputs import facts as fx
from ..inputs import models as m
from .contributor import answer_warnings, line_warnings, scaffold_problems
from .markdown_rules import unsafe_text
from .sources import url_problem
from .yamlio import compose as _compose
from .yamlio import line_of as _line_of
from .yamlio import read_yaml
from .yamlio import rel as _rel

CONTENT_FILES: dict[str, type[BaseModel]] = {
    "frameworks.yml": m.FrameworksFile,
    "criteria.yml": m.CriteriaFile,
    "claims.yml": m.ClaimsFile,
    "faq.yml": m.FaqFile,
    "choosing.yml": m.ChoosingFile,
    "groups.yml": m.GroupsFile,
    "facts.yml": fx.FactsFile,   # read first: the others refer to its facts as [[fact:id]]
}
SCRIPTS = {fw: f"{fw}.py" for fw in FRAMEWORKS}


@dataclass(frozen=True)
class TaskSpec:
    """One task: its settings, the paths of its scripts and their bytes (read once, without following links)."""

    id: str
    dir: Path
    task: m.Task
    scripts: dict[str, Path]
    code: dict[str, bytes] = field(default_factory=dict)
    yml: str = ""                                            # task.yml, relative to the project (for messages)
    node: object = field(default=None, compare=False, repr=False)  # its YAML node tree (for line numbers)

    def source(self, framework: str) -> str:
        return python_source(self.code[framework])

    def sha256(self, framework: str) -> str:
        """The digest of a script's bytes: what a run, a frozen record and the version range are tied to."""
        return hashlib.sha256(self.code[framework]).hexdigest()

    def line(self, *loc) -> int | None:
        """The line of task.yml holding the key path `loc` (or its nearest parent that is written)."""
        return _line_of(self.node, loc) if self.node is not None else None

    def where(self, *loc) -> str:
        """`snippets/<task>/task.yml:<line> <key.path>`, how a message names a setting of this task."""
        line = self.line(*loc)
        return f"{self.yml}:{line} {_loc_str(loc)}" if line else f"{self.yml} {_loc_str(loc)}"


@dataclass
class Links:
    """Every link between tasks, criteria and claims, both ways (a task page lists what names it, and what it names)."""

    criterion_tasks: dict[str, list[str]] = field(default_factory=dict)
    task_criteria: dict[str, list[str]] = field(default_factory=dict)
    task_claims: dict[str, list[str]] = field(default_factory=dict)
    claim_tasks: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def build(cls, criteria: m.CriteriaFile, claims: m.ClaimsFile, tasks: dict[str, "TaskSpec"]) -> "Links":
        def add(index: dict[str, list[str]], a: str, b: str) -> None:
            if b not in index.setdefault(a, []):
                index[a].append(b)
        links = cls({c.id: [] for c in criteria.criteria}, {t: [] for t in tasks}, {t: [] for t in tasks},
                    {c.id: [] for c in claims.claims})
        for c in criteria.criteria:
            for tid in c.tasks:
                add(links.criterion_tasks, c.id, tid)
        for c in claims.claims:
            for tid in c.tasks:
                add(links.claim_tasks, c.id, tid)
        for tid, spec in sorted(tasks.items()):
            for cid in spec.task.criteria:
                add(links.criterion_tasks, cid, tid)
            for cid in spec.task.claims:
                add(links.claim_tasks, cid, tid)
        for cid, tids in links.criterion_tasks.items():
            for tid in tids:
                add(links.task_criteria, tid, cid)
        for cid, tids in links.claim_tasks.items():
            for tid in tids:
                add(links.task_claims, tid, cid)
        return links


@dataclass
class Project:
    root: Path
    frameworks: m.FrameworksFile
    criteria: m.CriteriaFile
    claims: m.ClaimsFile
    faq: m.FaqFile
    choosing: m.ChoosingFile
    groups: m.GroupsFile
    facts: fx.FactsFile
    tasks: dict[str, TaskSpec] = field(default_factory=dict)
    links: Links = field(default_factory=Links)
    warnings: list[Problem] = field(default_factory=list)  # worth fixing, but the site builds (e.g. a duplicate order)
    unfinished: list[Problem] = field(default_factory=list)  # still the scaffold's text: fails `check`, warns in a build
    long_lines: list[Problem] = field(default_factory=list)  # code lines wider than a column: `check` warns
    long_answers: list[Problem] = field(default_factory=list)  # an answer longer than a phone's first screen: warns


# ---------------------------------------------------------------------------- schema errors
def _loc_str(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _fields_at(model: type, loc: tuple) -> list[str]:
    """Names of the fields the model allows at key path `loc` (for "did you mean")."""
    tp: object = model
    for part in loc:
        tp = _unwrap(tp)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            fld = tp.model_fields.get(str(part))
            if fld is None:
                return []
            tp = fld.annotation
        else:
            args = typing.get_args(tp)
            origin = typing.get_origin(tp)
            if origin in (list, tuple) and args:
                tp = args[0]
            elif origin is dict and len(args) == 2:
                tp = args[1]
            else:
                return []
    tp = _unwrap(tp)
    return list(tp.model_fields) if isinstance(tp, type) and issubclass(tp, BaseModel) else []


def _unwrap(tp: object) -> object:
    while typing.get_origin(tp) in (typing.Union, types.UnionType, typing.Annotated):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
        tp = models[0] if models else args[0]
    return tp


def schema_problems(exc: ValidationError, model: type[BaseModel], node, rel: str, prefix: tuple = ()) -> list[Problem]:
    problems = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        # pydantic names union/literal branches in the loc; drop what is not a real key of the data
        loc = tuple(p for p in loc if not (isinstance(p, str) and ("[" in p or p in ("literal", "str", "float", "int"))))
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            allowed = _fields_at(model, loc[:-1])
            guess = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
            msg = f"unknown key {loc[-1]!r}" + (f" (did you mean {guess[0]!r}?)" if guess else f"; allowed: {', '.join(allowed)}")
        elif err["type"] == "missing":
            msg = "required key is missing"
        elif err["type"] == "value_error":
            msg = msg.removeprefix("Value error, ")
        problems.append(Problem(rel, _line_of(node, loc), _loc_str(prefix + loc), msg))
    return problems


def validate(data, model: type[BaseModel], node, rel: str):
    try:
        obj = model.model_validate(data)
    except ValidationError as exc:
        return None, schema_problems(exc, model, node, rel)
    problems = [Problem(rel, _line_of(node, loc), _loc_str(loc), msg) for loc, msg in unsafe_text(data)]
    return (None if problems else obj), problems


# ---------------------------------------------------------------------------- the project
def load_project(root: Path, content_dir: str = "content", snippets_dir: str = "snippets") -> Project:
    """Load and validate everything; raise DataError listing every problem found."""
    root = Path(root)
    problems: list[Problem] = []
    loaded: dict[str, BaseModel] = {}
    expand = None
    for name in sorted(CONTENT_FILES, key=lambda n: n != "facts.yml"):
        model = CONTENT_FILES[name]
        path = root / content_dir / name
        if not path.exists() and not path.is_symlink():
            problems.append(Problem(_rel(path, root), None, "", "file is missing"))
            continue
        data, node, errs = read_yaml(path, root)
        problems += errs
        if data is not None:
            rel = _rel(path, root)
            if name != "facts.yml" and expand is not None:
                data, errs = expand(data)
                problems += [Problem(rel, _line_of(node, loc), _loc_str(loc), msg) for loc, msg in errs]
            obj, errs = validate(data, model, node, rel)
            problems += errs
            problems += [Problem(rel, _line_of(node, loc), _loc_str(loc), msg) for loc, msg in source_url_problems(data)]
            if obj is not None:
                loaded[name] = obj
                if name == "facts.yml":
                    problems += [Problem(rel, _line_of(node, loc), _loc_str(loc), msg) for loc, msg in fx.registry_problems(obj)]
        if name == "facts.yml":
            expand = fact_expander(loaded.get(name), root, content_dir)
    tasks, errs = load_tasks(root, root / snippets_dir, expand)
    problems += errs
    problems += check_references(root, loaded, tasks, content_dir)
    if problems:
        raise DataError(problems)
    project = Project(root, *(loaded[n] for n in CONTENT_FILES), tasks=tasks)
    project.links = Links.build(project.criteria, project.claims, tasks)
    project.warnings = order_warnings(root, tasks)
    project.long_lines = line_warnings(tasks)
    project.long_answers = answer_warnings(tasks)
    project.unfinished = scaffold_problems(tasks)
    return project


def order_warnings(root: Path, tasks: dict[str, TaskSpec]) -> list[Problem]:
    """Two tasks of one group that write the same `order`: the page then orders them by id, which nobody chose.
    (A task that leaves `order` out takes the default and is not compared.)"""
    by: dict[tuple[str, int], list[str]] = {}
    for tid in sorted(tasks):
        if "order" in tasks[tid].task.model_fields_set:
            by.setdefault((tasks[tid].task.group, tasks[tid].task.order), []).append(tid)
    out = []
    for (group, order), tids in sorted(by.items()):
        for tid in tids[1:]:
            yml = tasks[tid].dir / "task.yml"
            line = _line_of(_compose(yml), ("order",))
            out.append(Problem(_rel(yml, root), line, "order", f"order {order} is also the order of task {tids[0]!r} "
                               f"in group {group!r}; give each task of a group its own order"))
    return out


def fact_expander(facts: fx.FactsFile | None, root: Path, content_dir: str):
    """A function replacing [[fact:id]] in loaded YAML data; None when facts.yml did not load (its problems say why)."""
    if facts is None:
        return None
    pinned = fx.pins(root, content_dir)
    values = {f.id: fx.rendered_value(f, fx.due(f.as_of, pinned, facts.review_after_days)) for f in facts.facts}
    known = sorted(values)
    return lambda data: fx.expand(data, values, known)


def source_url_problems(data, loc: tuple = ()) -> list[tuple[tuple, str]]:
    """Source URLs that are malformed for their site (a docs page's _sources copy, a blob of rendered docs...)."""
    out: list[tuple[tuple, str]] = []
    if isinstance(data, dict):
        for k, v in data.items():
            if k == "sources" and isinstance(v, list):
                for i, src in enumerate(v):
                    if isinstance(src, dict) and isinstance(src.get("url"), str):
                        msg = url_problem(src["url"])
                        if msg:
                            out.append((loc + (k, i, "url"), msg))
            else:
                out += source_url_problems(v, loc + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += source_url_problems(v, loc + (i,))
    return out


def load_tasks(root: Path, snippets: Path, expand=None) -> tuple[dict[str, TaskSpec], list[Problem]]:
    tasks: dict[str, TaskSpec] = {}
    problems: list[Problem] = []
    if not snippets.is_dir():
        return tasks, [Problem(_rel(snippets, root), None, "", "snippets folder is missing")]
    if snippets.is_symlink():
        return tasks, [Problem(_rel(snippets, root), None, "", "refused: the snippets folder is a symbolic link")]
    for folder in sorted(p for p in snippets.iterdir() if not p.name.startswith((".", "_"))):
        rel = _rel(folder, root)
        if folder.is_symlink():
            problems.append(Problem(rel, None, "", "refused: a task folder may not be a symbolic link"))
            continue
        if not is_regular_dir(folder):
            continue
        if not re.fullmatch(m.ID_PATTERN.strip("^$"), folder.name):
            problems.append(Problem(rel, None, "", "task folder names use lowercase letters, digits and '-' (at most 64)"))
            continue
        yml = folder / "task.yml"
        if not yml.exists() and not yml.is_symlink():
            problems.append(Problem(rel, None, "", "task.yml is missing"))
            continue
        data, node, errs = read_yaml(yml, root)
        problems += errs
        code: dict[str, bytes] = {}
        for fw, script in SCRIPTS.items():
            path = folder / script
            if not path.exists() and not path.is_symlink():
                problems.append(Problem(_rel(path, root), None, "",
                                        "is missing (every task has pytorch.py, tensorflow.py and keras.py)"))
                continue
            try:
                code[fw] = read_bytes(path, root)
                python_source(code[fw])
            except UnsafeFile as exc:
                problems.append(Problem(_rel(path, root), None, "", f"refused: {exc}"))
            except OSError as exc:
                problems.append(Problem(_rel(path, root), None, "", f"cannot read file: {exc.strerror or exc}"))
            except (SyntaxError, UnicodeDecodeError, LookupError) as exc:
                problems.append(Problem(_rel(path, root), getattr(exc, "lineno", None), "",
                                        f"cannot decode the script: {exc}"))
        if data is None:
            continue
        if expand is not None:
            data, errs = expand(data)
            problems += [Problem(_rel(yml, root), _line_of(node, loc), _loc_str(loc), msg) for loc, msg in errs]
        task, errs = validate(data, m.Task, node, _rel(yml, root))
        problems += errs
        if task is not None and len(code) == len(SCRIPTS):
            tasks[folder.name] = TaskSpec(folder.name, folder, task, {fw: folder / s for fw, s in SCRIPTS.items()}, code,
                                          _rel(yml, root), node)
    return tasks, problems


def check_references(root: Path, loaded: dict[str, BaseModel], tasks: dict[str, TaskSpec], content_dir: str) -> list[Problem]:
    """Every id that one file names must exist, and ids must be unique. Checks what did load, even when
    another file did not, so that one build reports everything."""
    problems: list[Problem] = []
    cdir = root / content_dir
    get = loaded.get

    def file_problem(name: str, key: str, msg: str) -> None:
        path = cdir / name
        node = _compose(path)
        loc = tuple(int(k) if k.isdigit() else k for k in key.replace("[", ".").replace("]", "").split("."))
        problems.append(Problem(_rel(path, root), _line_of(node, loc), key, msg))

    def unique(name: str, top: str, attr: str) -> set[str] | None:
        if get(name) is None:
            return None
        seen: set[str] = set()
        for i, item in enumerate(getattr(get(name), attr)):
            if item.id in seen:
                file_problem(name, f"{top}[{i}].id", f"duplicate id {item.id!r}")
            seen.add(item.id)
        return seen

    criteria = unique("criteria.yml", "criteria", "criteria")
    claims = unique("claims.yml", "claims", "claims")
    unique("faq.yml", "questions", "questions")
    nodes = unique("choosing.yml", "decision", "decision")
    groups = unique("groups.yml", "groups", "groups")
    task_ids = set(tasks)

    def unknown(ref: str, known: set[str], kind: str) -> str:
        guess = difflib.get_close_matches(ref, sorted(known), n=1)
        return f"unknown {kind} {ref!r}" + (f" (did you mean {guess[0]!r}?)" if guess else "")

    def refs(name: str, key: str, ids: list[str], known: set[str] | None, kind: str) -> None:
        for j, ref in enumerate(ids):
            if known is not None and ref not in known:
                file_problem(name, f"{key}[{j}]", unknown(ref, known, kind))

    if get("criteria.yml"):
        for i, c in enumerate(get("criteria.yml").criteria):
            refs("criteria.yml", f"criteria[{i}].tasks", c.tasks, task_ids, "task")
            for fw, cell in c.cells.items():
                refs("criteria.yml", f"criteria[{i}].cells.{fw}.tasks", cell.tasks, task_ids, "task")
    if get("claims.yml"):
        for i, c in enumerate(get("claims.yml").claims):
            refs("claims.yml", f"claims[{i}].criteria", c.criteria, criteria, "criterion")
            refs("claims.yml", f"claims[{i}].tasks", c.tasks, task_ids, "task")
    if get("faq.yml"):
        for i, q in enumerate(get("faq.yml").questions):
            refs("faq.yml", f"questions[{i}].criteria", q.criteria, criteria, "criterion")
            refs("faq.yml", f"questions[{i}].tasks", q.tasks, task_ids, "task")
    if get("choosing.yml"):
        for i, n in enumerate(get("choosing.yml").decision):
            for j, o in enumerate(n.options):
                if o.next and o.next not in nodes:
                    file_problem("choosing.yml", f"decision[{i}].options[{j}].next", unknown(o.next, nodes, "decision node"))
    for tid, spec in sorted(tasks.items()):
        yml = spec.dir / "task.yml"
        checks = (("criteria", spec.task.criteria, criteria, "criterion"), ("claims", spec.task.claims, claims, "claim"))
        for key, ids, known, kind in checks:
            for j, ref in enumerate(ids):
                if known is not None and ref not in known:
                    problems.append(Problem(_rel(yml, root), _line_of(_compose(yml), (key, j)), f"{key}[{j}]", unknown(ref, known, kind)))
        if groups is not None and spec.task.group not in groups:
            problems.append(Problem(_rel(yml, root), _line_of(_compose(yml), ("group",)), "group", unknown(spec.task.group, groups, "group")))
    return problems
