"""A warm worker: imports its frameworks once, then runs each snippet in a fresh forked process.

Started by the executor as `python -P -m generator.worker ENV CHANNEL_FD PRELOAD`. The channel is one end of a Unix
socket pair: requests arrive on it, one JSON object a line, and events go out on it (never stdout, which the
frameworks may write to). A socket, unlike a pipe, cannot be reopened through /proc/<pid>/fd, so a snippet cannot
forge events or requests once its inherited descriptors are closed. One run at a time: the worker is a child
subreaper, so everything a snippet starts, even a daemon that double-forks, stays its descendant and is killed when
the run ends.

This module must not import the rest of the generator: it is the first thing a worker loads.
"""
from __future__ import annotations

import ctypes
import io
import json
import os
import select
import signal
import socket
import sys
import time
import traceback
import types

CHECK_S = 0.05  # how often a running snippet's time, memory and output are checked
PR_SET_CHILD_SUBREAPER = 36
PR_SET_PDEATHSIG = 1
CHUNK = 64 * 1024


def _prctl(option: int, value: int) -> None:
    try:
        ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _descendants() -> list[int]:
    """Pids of every descendant of this process (children of children included), from /proc."""
    me, parents = os.getpid(), {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as fh:
                    stat = fh.read()
                parents[int(entry)] = int(stat[stat.rindex(b")") + 2:].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    out, frontier = [], {me}
    while frontier:
        frontier = {pid for pid, ppid in parents.items() if ppid in frontier}
        out += frontier
    return out


def _rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/statm", "rb") as fh:
                total += int(fh.read().split()[1])
        except (OSError, ValueError, IndexError):
            continue
    return total * os.sysconf("SC_PAGE_SIZE") / 2**20


def _kill_all() -> None:
    """SIGKILL every descendant, then reap them (we are their subreaper)."""
    for _ in range(50):
        pids = _descendants()
        if not pids:
            break
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        _reap(block=False)
        time.sleep(0.005)


def _reap(block: bool) -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, 0 if block else os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _read_capped(path: str, limit: int) -> tuple[str, int]:
    """Text of a capture file: all of it under `limit` bytes, else its head and tail around a marker."""
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as fh:
            if size <= limit:
                data = fh.read()
            else:
                head = fh.read(limit // 2)
                fh.seek(size - limit // 2)
                data = head + f"\n[... {size - limit} bytes cut ...]\n".encode() + fh.read()
    except OSError:
        return "", 0
    return data.decode("utf-8", "replace"), size


# ----------------------------------------------------------------------------- inside the forked child
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
    os.chdir(work)
    sys.argv = [script]
    outcome: dict = {"error": None, "exit_code": 0, "sys_exit": False}
    start = time.perf_counter()
    main = types.ModuleType("__main__")  # the script is __main__, as `python script.py` makes it (torch.compile
    main.__file__, main.__cached__ = script, None  # and pickle look their globals up in sys.modules["__main__"])
    sys.modules["__main__"] = main
    namespace = main.__dict__
    try:
        if isinstance(source, OSError):
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


# ----------------------------------------------------------------------------- the worker loop
def _supervise(pid: int, req: dict, started: float) -> dict:
    deadline = started + req["timeout"]
    out_limit = req["output_limit_kb"] * 1024
    peak, stop, rusage, status = 0.0, None, None, None
    files = [os.path.join(req["rundir"], n) for n in ("stdout", "stderr")]
    pidfd = os.pidfd_open(pid)
    try:
        while True:
            select.select([pidfd], [], [], CHECK_S)
            try:
                wpid, status, rusage = os.wait4(pid, os.WNOHANG)
            except ChildProcessError:
                break
            if wpid:
                break
            pids = _descendants()
            peak = max(peak, _rss_mb(pids))
            if time.monotonic() > deadline:
                stop = {"kind": "timeout", "message": f"timed out after {req['timeout']:g} s"}
            elif peak > req["memory_limit_mb"]:
                stop = {"kind": "memory", "message": f"stopped: memory above the limit of {req['memory_limit_mb']} MiB"}
            elif sum(os.path.getsize(f) for f in files if os.path.exists(f)) > out_limit:
                stop = {"kind": "output", "message": f"stopped: printed more than the limit of {req['output_limit_kb']} KiB"}
            if stop:
                _kill_all()
                try:
                    _, status, rusage = os.wait4(pid, 0)
                except ChildProcessError:
                    pass
                break
    finally:
        os.close(pidfd)
    total = time.monotonic() - started
    _kill_all()  # whatever the snippet left behind
    rec: dict = {"total_s": total}
    if rusage is not None:
        peak = max(peak, rusage.ru_maxrss / 1024)
    rec["peak_rss_mb"] = round(peak, 1)
    if stop:
        rec["exit"] = stop
    elif status is not None and os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        rec["exit"] = {"kind": "signal", "signal": sig, "message": f"crashed: killed by {signal.Signals(sig).name}"}
    else:
        code = os.WEXITSTATUS(status) if status is not None else None
        rec["exit"] = {"kind": "exit", "code": code, "message": f"exited with code {code}"}
    try:
        with open(os.path.join(req["rundir"], "outcome.json")) as fh:
            rec["outcome"] = json.load(fh)
    except (OSError, ValueError):
        rec["outcome"] = None
    limit = min(out_limit, 256 * 1024)
    rec["stdout"], rec["stdout_bytes"] = _read_capped(files[0], limit)
    rec["stderr"], rec["stderr_bytes"] = _read_capped(files[1], limit)
    return rec


def main() -> None:
    env_name, channel_fd = sys.argv[1], int(sys.argv[2])
    preload = [m for m in sys.argv[3].split(",") if m]
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the executor decides what an interrupt means
    sock = socket.socket(fileno=channel_fd)
    channel = io.TextIOWrapper(sock.makefile("wb"), encoding="utf-8", line_buffering=True)
    requests = sock.makefile("r", encoding="utf-8")
    # the generator's own folder was needed to start this module; snippets must not import from it
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]

    def on_term(signum, frame):
        _kill_all()
        os._exit(128 + signum)

    signal.signal(signal.SIGTERM, on_term)
    _prctl(PR_SET_CHILD_SUBREAPER, 1)
    parent = os.getppid()
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # the executor died: so do we, even when stopped (our runs follow)
    if os.getppid() != parent:
        on_term(signal.SIGTERM, None)
    t0 = time.perf_counter()
    versions = {}
    for mod in preload:
        module = __import__(mod)
        versions[mod] = getattr(module, "__version__", "?")
    import_s = time.perf_counter() - t0
    channel.write(json.dumps({"event": "ready", "env": env_name, "import_s": import_s, "versions": versions,
                              "modules": len(sys.modules)}) + "\n")
    for line in requests:
        req = json.loads(line)
        sys.stdout.flush()
        sys.stderr.flush()
        started = time.monotonic()
        pid = os.fork()
        if pid == 0:
            try:
                _child(req)
            finally:
                os._exit(70)
        channel.write(json.dumps({"event": "started", "id": req["id"], "pid": pid}) + "\n")
        rec = _supervise(pid, req, started)
        channel.write(json.dumps({"event": "done", "id": req["id"], **rec}) + "\n")
    _kill_all()


if __name__ == "__main__":
    main()
