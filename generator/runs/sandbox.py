"""Inside the forked child: isolate the process (isolate.py: its own network, Landlock, no privileges), run the snippet
as __main__, turn RESULT/METRICS/figures into plain bounded data, write outcome.json. Like the worker, it imports
nothing of the generator."""
from __future__ import annotations

import ctypes
import io
import json
import os
import signal
import sys
import time
import traceback
import types

from .isolate import IsolationError, apply

PR_SET_PDEATHSIG = 1


def _prctl(option: int, value: int) -> None:
    try:
        ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _to_plain(value, depth: int = 0):
    """RESULT / METRICS to JSON-ready data; arrays and tensors through .numpy() / .tolist()."""
    if depth > 50:
        raise TypeError("nested too deeply")
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return {"__float__": repr(value)}
        return value
    if isinstance(value, dict):
        return {str(k): _to_plain(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_to_plain(v, depth + 1) for v in value]
    for attr in ("numpy", "tolist", "item"):
        if hasattr(value, attr) and callable(getattr(value, attr)):
            try:
                converted = getattr(value, attr)()
            except Exception:  # noqa: BLE001 - try the next conversion
                continue
            if converted is not value:
                return _to_plain(converted, depth + 1)
    raise TypeError(f"a value of type {type(value).__module__}.{type(value).__qualname__} cannot be serialised")


MAX_LEAVES = 10_000  # a RESULT with more values is published and compared as a bounded summary


RESULT_CAP = 256 * 1024  # bytes of JSON; a larger RESULT is compared by digest


METRICS_CAP = 16 * 1024


def _leaves(value, out: list) -> None:
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, list):
            stack.extend(reversed(v))
        elif isinstance(v, dict) and "__float__" not in v:
            stack.extend(v[k] for k in sorted(v, reverse=True))
        else:
            out.append(v)


def _bounded(value):
    """RESULT as it is, or, above MAX_LEAVES values, a summary that compares within tolerance (count, sum, min,
    max, sum of squares, and the first 100 values), so later builds never read megabytes."""
    leaves: list = []
    _leaves(value, leaves)
    if len(leaves) <= MAX_LEAVES:
        return value
    numbers = [float(v) for v in leaves if isinstance(v, (int, float)) and not isinstance(v, bool)]
    others = [v for v in leaves if not (isinstance(v, (int, float)) and not isinstance(v, bool))]
    import hashlib
    return {"__summary__": {
        "count": len(leaves), "numbers": len(numbers), "sum": sum(numbers), "min": min(numbers, default=None),
        "max": max(numbers, default=None), "sum_of_squares": sum(x * x for x in numbers), "first": leaves[:100],
        "other_values_sha256": hashlib.sha256(json.dumps(others, sort_keys=True).encode()).hexdigest()}}


def _snippet_frames(tb, script: str) -> tuple[str, int | None]:
    """The traceback without the worker's own frames, and the last line reached in the script."""
    frames = traceback.extract_tb(tb)
    start = next((i for i, f in enumerate(frames) if f.filename == script), 0)
    frames = frames[start:]
    line = next((f.lineno for f in reversed(frames) if f.filename == script), None)
    return "".join(traceback.format_list(frames)), line


TEXT_CAP = 64 * 1024


def _safe_str(value) -> str:
    try:
        return str(value)
    except Exception:  # noqa: BLE001 - a hostile __str__
        return "<unprintable>"


MAX_FIGURES = 4                 # the record's limits (record.py), repeated: this module imports nothing of ours


MAX_FIGURE_BYTES = 1024 * 1024


def _figure_title(fig) -> str:
    """A figure's title (its suptitle, else the first axes title), for the image's alt text."""
    try:
        title = fig.get_suptitle() if hasattr(fig, "get_suptitle") else ""
        for ax in ([] if title else fig.get_axes()):
            title = next((t for t in (ax.get_title(loc) for loc in ("center", "left", "right")) if t), "")
            if title:
                break
        return _safe_str(title)[:300] if isinstance(title, str) else ""
    except Exception:  # noqa: BLE001 - a hostile figure
        return ""


def _figures(plt) -> dict:
    """The figures the script left open (plt.show() keeps them open under the Agg backend), as PNG with fixed
    metadata (no software name, no date): the same figure gives the same bytes. At most MAX_FIGURES of at most
    MAX_FIGURE_BYTES each; what is left out is said in `figures_note`."""
    import base64
    import hashlib
    figures, notes = [], []
    try:
        numbers = list(plt.get_fignums())
    except Exception as exc:  # noqa: BLE001 - the script may have broken pyplot
        return {"figures_note": f"the figures could not be listed: {_safe_str(exc)[:300]}"}
    for num in numbers:
        if len(figures) == MAX_FIGURES:
            notes.append(f"{len(numbers) - numbers.index(num)} more figure(s) left out (at most {MAX_FIGURES} are kept)")
            break
        try:
            fig = plt.figure(num)
            buf = io.BytesIO()
            fig.savefig(buf, format="png", dpi=100, metadata={"Software": None})
            data = buf.getvalue()
        except Exception as exc:  # noqa: BLE001
            notes.append(f"figure {num} could not be saved: {_safe_str(exc)[:300]}")
            continue
        if len(data) > MAX_FIGURE_BYTES:
            notes.append(f"figure {num} left out: {len(data)} bytes, above the limit of {MAX_FIGURE_BYTES}")
            continue
        figures.append({"name": f"figure-{num}"[:100], "alt": _figure_title(fig),
                        "sha256": hashlib.sha256(data).hexdigest(), "data": base64.b64encode(data).decode("ascii")})
    out: dict = {"figures": figures}
    if notes:
        out["figures_note"] = "; ".join(notes)[:4000]
    return out


def _read_script(path: str) -> bytes:
    """The script's bytes, never through a symbolic link (the loader refused links; this closes the race)."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    with os.fdopen(fd, "rb") as fh:
        return fh.read()


DUMP_MARGIN_S = 0.3  # the traceback is dumped this long before the worker stops the run (it checks every 0.05 s)


def _arm_deadline_dump(rundir: str, timeout) -> None:
    """Just before the deadline, dump every thread's stack to rundir/stack (faulthandler's own thread: it works while
    the script is stuck in C code), so a timeout can name the line the script was on."""
    if not isinstance(timeout, (int, float)) or timeout <= 0:
        return
    import faulthandler
    fd = os.open(os.path.join(rundir, "stack"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    faulthandler.dump_traceback_later(max(timeout - DUMP_MARGIN_S, timeout / 2), file=fd)


def _child(req: dict) -> None:
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # the worker died (or was killed while stopped): so does the run
    if os.getppid() == 1:
        os._exit(70)
    os.setsid()
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    rundir, script = req["rundir"], req["script"]
    work = os.path.join(rundir, "work")
    fd_in = os.open(os.devnull, os.O_RDONLY)
    fd_out = os.open(os.path.join(rundir, "stdout"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    fd_err = os.open(os.path.join(rundir, "stderr"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:  # read before any privilege is dropped: the project need not be readable by the snippet's user
        source = _read_script(script)
    except OSError as exc:
        source = exc
    else:
        import linecache  # tracebacks show the script's lines without reading the file again
        linecache.cache[script] = (len(source), None, source.decode("utf-8", "replace").splitlines(True), script)
    for src, dst in ((fd_in, 0), (fd_out, 1), (fd_err, 2)):
        os.dup2(src, dst)
        os.close(src)
    os.closerange(3, 1024)
    sys.stdin = open(0, "r", closefd=False)
    sys.stdout = open(1, "w", buffering=1, closefd=False, errors="backslashreplace")
    sys.stderr = open(2, "w", buffering=1, closefd=False, errors="backslashreplace")
    os.environ.update(req["env"])
    import tempfile  # the worker may have asked for the temporary folder before forking: this run's TMPDIR wins
    tempfile.tempdir = None
    isolation = req.get("isolation") or {}
    try:  # before the snippet's first line; a refusal when isolation is required means it never runs
        refused = apply([rundir], isolation.get("protected", []), isolation.get("mode") != "best-effort",
                        readable=[script] if isinstance(source, bytes) else [])
    except IsolationError as exc:
        source = IsolationError(f"not run: isolation refused by the kernel: {exc}")
    else:
        if refused:
            print(f"[generator] isolation: best-effort; not isolated: {'; '.join(refused)}", file=sys.stderr)
    os.chdir(work)
    sys.argv = [script]
    outcome: dict = {"error": None, "exit_code": 0, "sys_exit": False}
    start = time.perf_counter()
    main = types.ModuleType("__main__")  # the script is __main__, as `python script.py` makes it (torch.compile
    main.__file__, main.__cached__ = script, None  # and pickle look their globals up in sys.modules["__main__"])
    sys.modules["__main__"] = main
    namespace = main.__dict__
    _arm_deadline_dump(rundir, req.get("timeout"))
    try:
        if isinstance(source, (OSError, IsolationError)):
            raise source
        code = compile(source, script, "exec", dont_inherit=True)  # honours a PEP 263 coding line
        exec(code, namespace)
    except SystemExit as exc:
        status = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        _, line = _snippet_frames(exc.__traceback__, script)
        outcome.update(sys_exit=True, exit_code=status if 0 <= status < 256 else 1, exit_line=line)
        if exc.code is not None and not isinstance(exc.code, int):
            print(_safe_str(exc.code)[:TEXT_CAP], file=sys.stderr)
    except BaseException as exc:  # noqa: BLE001 - everything a snippet raises is reported
        text, line = _snippet_frames(exc.__traceback__, script)
        if isinstance(exc, SyntaxError) and exc.filename == script:
            line = exc.lineno
        try:
            last = "".join(traceback.format_exception_only(type(exc), exc))
        except Exception:  # noqa: BLE001 - a hostile __str__
            last = f"{type(exc).__name__}: <unprintable>\n"
        outcome["error"] = {"type": type(exc).__name__[:200], "message": _safe_str(exc)[:4000], "line": line,
                            "traceback": (text + last)[-TEXT_CAP:]}
        outcome["exit_code"] = 1
    outcome["wall_s"] = time.perf_counter() - start
    outcome["has_result"] = "RESULT" in namespace
    for name in ("RESULT", "METRICS"):
        if name in namespace:
            try:
                outcome[name.lower()] = _bounded(_to_plain(namespace[name]))
                encoded = json.dumps(outcome[name.lower()], allow_nan=False)
                if name == "METRICS" and not isinstance(outcome["metrics"], dict):
                    raise TypeError("METRICS must be a dict")
                if name == "METRICS" and len(encoded) > METRICS_CAP:
                    raise ValueError(f"METRICS is {len(encoded):,} bytes as JSON; at most {METRICS_CAP:,} are published")
                if len(encoded) > RESULT_CAP:  # one huge value: compared and published by its digest
                    import hashlib
                    outcome["result"] = {"__summary__": {"bytes": len(encoded), "preview": encoded[:2000],
                                                         "sha256": hashlib.sha256(encoded.encode()).hexdigest()}}
            except (TypeError, ValueError, RecursionError, OverflowError) as exc:
                outcome.pop(name.lower(), None)
                outcome[f"{name.lower()}_error"] = f"{name} cannot be serialised: {str(exc)[:500]}"
    if "matplotlib.pyplot" in sys.modules:  # only a script that drew with pyplot pays for this
        try:
            outcome.update(_figures(sys.modules["matplotlib.pyplot"]))
        except BaseException as exc:  # noqa: BLE001 - the outcome is written whatever pyplot does
            outcome["figures"], outcome["figures_note"] = [], f"the figures could not be saved: {_safe_str(exc)[:300]}"
    try:
        sys.stdout.flush()
        sys.stderr.flush()
        tmp = os.path.join(rundir, "outcome.json.tmp")
        with open(tmp, "w") as fh:
            json.dump(outcome, fh)
        os.replace(tmp, os.path.join(rundir, "outcome.json"))
    finally:
        os._exit(outcome["exit_code"] if isinstance(outcome["exit_code"], int) else 1)
