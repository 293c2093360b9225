"""The prose's API names resolved against the pinned versions, in the warm worker of each framework.

For each runner that resolves names (inputs/apinames.py ROOTS), one small script lists its names; the executor runs
it like a snippet (a fresh process forked from the warm worker that already imported the framework, with the same
limits and isolation), and its RESULT says, per name: resolved, missing (with the part that does not exist),
deprecated (PEP 702 `__deprecated__`, a deprecation notice at the top of its docstring, or a DeprecationWarning on
access), and the keywords its signature refuses or documents as deprecated. The outcome is kept in the run store
by the hash of the script (the names), the versions of the packages it resolves against, Python and the worker's
code: a build where nothing changed imports no framework. A worker that cannot import its framework, or a
resolution that fails, leaves its names "not resolved", never "resolved".
"""
from __future__ import annotations

import hashlib
import json
import platform
from dataclasses import asdict
from pathlib import Path

from ..core.files import atomic_write
from ..core.runners import DISTRIBUTIONS, RUNNERS
from ..core.settings import Settings
from ..inputs import apinames as _collector
from ..inputs.apinames import ROOTS, ApiNames, ApiReport, Outcome, Span, collect
from ..runs.executor import Executor
from ..runs.keys import _runner_source_hash
from ..runs.machine import package_version
from ..runs.plan import Run

FORMAT = 1
RESOLVER_MEMORY_MB = 4096
RESOLVER_TIMEOUT_S = 300.0
RESOLVER = r'''# Written by the generator: resolves the API names the site's prose names (app/apinames.py).
import importlib, importlib.metadata, inspect, re, warnings
NAMES = %s
NOTICE = re.compile(r"\.\. deprecated::|\bTHIS (FUNCTION|CLASS|METHOD) IS DEPRECATED\b|^\s*\(?deprecated\)?\b|"
                    r"\bis deprecated\b|\bdeprecated\b.*\b(use|in favou?r of|instead)\b", re.I | re.M)


def head(doc):
    return (doc or "").strip().split("\n\n")[0][:600]


def lookup(module, keywords):
    """Walk the attributes from the root module, as the prose's dotted name reads; import a submodule only where
    the attribute is not there yet (`jax.experimental.jax2tf`), never a package's internal module of the same name."""
    parts = module.split(".")
    try:
        obj = importlib.import_module(parts[0])
    except ImportError:
        return {"status": "missing", "missing": parts[0]}
    warned = []
    for k in range(1, len(parts)):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                obj = getattr(obj, parts[k])
            except AttributeError:
                try:
                    if not inspect.ismodule(obj):
                        raise ImportError
                    obj = importlib.import_module(obj.__name__ + "." + parts[k])
                except ImportError:
                    return {"status": "missing", "missing": ".".join(parts[:k + 1])}
        warned += [str(w.message).strip().split("\n")[0][:200] for w in caught
                   if issubclass(w.category, (DeprecationWarning, FutureWarning))]
    out = {"status": "resolved"}
    doc = inspect.getdoc(obj) if callable(obj) or inspect.ismodule(obj) else None
    why = getattr(obj, "__deprecated__", None) or (warned[0] if warned else None)
    if not why and doc and NOTICE.search(head(doc)):
        why = head(doc).split("\n")[0][:200]
    if why:
        out.update(status="deprecated", why=str(why).strip().split("\n")[0][:200])
    if keywords:
        try:
            params = inspect.signature(obj).parameters
        except (TypeError, ValueError):
            params = None
        if params is not None:
            open_ended = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
            refused = [k for k in keywords if k not in params and not open_ended]
            if refused:
                out["refused"] = refused
        dep = [k for k in keywords if doc and re.search(r"\b" + re.escape(k) + r"\b[^\n]*\bdeprecat|deprecat[^\n]*\b"
                                                        + re.escape(k) + r"\b", doc, re.I)]
        if dep:
            out["deprecated_keywords"] = dep
    return out


versions = {}
for dist in sorted({d for _, _, d in NAMES}):
    try:
        versions[dist] = importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        versions[dist] = None
names = {}
for module, keywords, _ in NAMES:
    key = module + repr(tuple(keywords))
    try:
        names[key] = lookup(module, keywords)
    except Exception as exc:  # a name whose lookup raises is not resolved, with the reason
        names[key] = {"status": "error", "why": f"{type(exc).__name__}: {exc}"[:200]}
RESULT = {"versions": versions, "names": names}
'''


def _distribution(span: Span) -> str:
    root = span.module.split(".")[0]
    return DISTRIBUTIONS.get(root, root)


def _script(entries: list[tuple[str, tuple[str, ...], str]]) -> bytes:
    return (RESOLVER % json.dumps([[m, list(k), d] for m, k, d in entries])).encode()


def _key(runner: str, spans: list[Span]) -> str:
    """What an outcome depends on besides the name: the versions it resolves against, Python, the worker's code and
    the resolver's own code. One file per key holds every name resolved under it, so a new name in the prose
    resolves that name only."""
    versions = {d: package_version(d) for d in sorted({_distribution(s) for s in spans} | {"keras", "numpy"})}
    parts = [FORMAT, runner, RUNNERS[runner].env, hashlib.sha256(RESOLVER.encode()).hexdigest(), versions,
             platform.python_version(), _runner_source_hash()]
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def _entry(s: Span) -> tuple[str, tuple[str, ...], str]:
    return s.module, tuple(s.keywords), _distribution(s)


def _name_key(entry: tuple[str, tuple[str, ...], str]) -> str:
    return entry[0] + repr(tuple(entry[1]))


def resolve(names: ApiNames, settings: Settings) -> ApiReport:
    """Each candidate span resolved (from the store when its name and the versions did not change; executed only
    when `settings.execute`), each other span skipped with its reason."""
    folder = settings.cache_path / "apinames"
    by_runner: dict[str, list[Span]] = {}
    for s in names.candidates:
        by_runner.setdefault(s.runner, []).append(s)
    results: dict[str, dict] = {}
    versions: dict[str, dict] = {}
    pending: list[tuple[str, Path, str]] = []
    for runner, spans in sorted(by_runner.items()):
        key = _key(runner, spans)
        try:
            data = json.loads((folder / f"{key}.json").read_text())
            results[runner], versions[runner] = dict(data["names"]), dict(data["versions"])
        except (OSError, ValueError, KeyError, TypeError):
            results[runner], versions[runner] = {}, {}
        todo = sorted({_entry(s) for s in spans if _name_key(_entry(s)) not in results[runner]})
        if todo and settings.execute:
            script = _script(todo)
            path = folder / f"{key}-{hashlib.sha256(script).hexdigest()[:16]}.py"
            atomic_write(path, script)
            pending.append((runner, path, key))
    failed: dict[str, str] = {}
    if pending:
        made: dict[str, object] = {}
        # the resolver imports whole frameworks: limits fit for that, whatever a project sets for its own snippets
        own = settings.model_copy(update={"memory_limit_mb": max(settings.memory_limit_mb, RESOLVER_MEMORY_MB),
                                          "timeout": max(settings.timeout, RESOLVER_TIMEOUT_S)})
        runs = [Run("api-names", RUNNERS[r], "cpu", path, own.timeout, key) for r, path, key in pending]
        Executor(own, lambda run, record: made.__setitem__(run.runner.key, record)).run_all(runs)
        for runner, path, key in pending:
            record = made.get(runner)
            outcome = getattr(record, "outcome", None)
            data = outcome.result if outcome is not None else None
            if getattr(record, "finished", False) and isinstance(data, dict) and isinstance(data.get("names"), dict):
                results[runner].update(data["names"])
                versions[runner].update(data.get("versions") or {})
                atomic_write(folder / f"{key}.json", json.dumps({"names": results[runner], "versions": versions[runner]},
                                                                sort_keys=True).encode())
            else:
                exit_ = getattr(record, "exit", None)
                failed[runner] = (f"its {RUNNERS[runner].label} worker failed: {exit_.message}" if exit_ is not None
                                  else f"its {RUNNERS[runner].label} worker made no result")[:300]
            path.unlink(missing_ok=True)
    return ApiReport([_outcome(s, results.get(s.runner), versions.get(s.runner, {}), failed.get(s.runner))
                      for s in names.spans])


def _outcome(span: Span, names: dict | None, versions: dict, failure: str | None = None) -> Outcome:
    if span.skip is not None:
        return Outcome(span, "skipped", span.skip)
    got = names.get(span.module + repr(tuple(span.keywords))) if names is not None else None
    if not isinstance(got, dict) or got.get("status") == "error":
        why = (got.get("why", "") if isinstance(got, dict)
               else failure or "execution is off and no earlier build resolved it")
        return Outcome(span, "not-resolved", f"{span.name}: not resolved ({why})")
    dist = _distribution(span)
    release = f"{dist} {versions.get(dist) or '(not installed)'}"
    status = got.get("status")
    if span.historical:
        if status in ("missing", "deprecated"):
            state = "gone" if status == "missing" else "deprecated"
            return Outcome(span, "removed-as-stated", f"{span.name}: {state} in {release}, as the prose says")
        return Outcome(span, "not-removed", f"{span.name} is presented as removed or deprecated, but it exists in "
                                            f"{release} and is not marked deprecated")
    if status == "missing" and got.get("missing") == span.module.split(".")[0]:  # the package is not installed
        return Outcome(span, "not-resolved", f"{span.name}: not resolved ({dist} is not installed beside the pins)")
    if status == "missing":
        return Outcome(span, "missing", f"{_as_written(span, got.get('missing', span.module))} does not exist in {release}")
    if got.get("refused"):
        return Outcome(span, "missing", f"{span.name} has no parameter {', '.join(got['refused'])} in {release}")
    if status == "deprecated":
        return Outcome(span, "deprecated", f"{span.name} is deprecated in {release}: {got.get('why', '')}".rstrip(": "))
    if got.get("deprecated_keywords"):
        return Outcome(span, "deprecated", f"parameter {', '.join(got['deprecated_keywords'])} of {span.name} is "
                                           f"documented as deprecated in {release}")
    return Outcome(span, "resolved", f"{span.name} resolves in {release}")


def _as_written(span: Span, missing: str) -> str:
    """The missing part with the root as the prose writes it (`tf.x`, not `tensorflow.x`)."""
    root = span.name.split(".")[0]
    base = ROOTS[root][0]
    return root + missing[len(base):] if missing.startswith(base) else missing


def check_prose(settings: Settings, project) -> ApiReport:
    """The prose's API names of the whole project, resolved. The spans are collected again only when a file they
    come from changed (parsing every YAML file's node tree costs more than the rest of a warm build's checks)."""
    root = settings.root
    task_dirs = [spec.dir for _, spec in sorted(project.tasks.items())]
    files = sorted((root / settings.content_dir).glob("*.yml")) + [d / "task.yml" for d in task_dirs]
    h = hashlib.sha256(json.dumps([FORMAT, [h.name for h in project.facts.historical_apis]]).encode())
    for path in (Path(_collector.__file__), *files):
        try:
            h.update(path.as_posix().encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
        except OSError:
            h.update(path.as_posix().encode() + b"\0missing")
    cached = settings.cache_path / "apinames" / f"spans-{h.hexdigest()}.json"
    try:
        names = ApiNames([Span(**{**d, "keywords": tuple(d["keywords"])}) for d in json.loads(cached.read_text())])
    except (OSError, ValueError, TypeError, KeyError):
        names = collect(root, settings.content_dir, task_dirs, project.facts.historical_apis)
        try:
            atomic_write(cached, json.dumps([asdict(s) for s in names.spans]).encode())
        except OSError:
            pass  # an unwritable store only costs collecting again
    return resolve(names, settings)
