"""A warm worker: imports its frameworks once, then runs each snippet in a fresh forked process.

Started by the executor as `python -P -m generator.runs.worker ENV CHANNEL_FD PRELOAD`. The channel is one end of a Unix
socket pair: requests arrive on it, one JSON object a line, and events go out on it (never stdout, which the
frameworks may write to). A socket, unlike a pipe, cannot be reopened through /proc/<pid>/fd, so a snippet cannot
forge events or requests once its inherited descriptors are closed. One run at a time: the worker is a child
subreaper, so everything a snippet starts, even a daemon that double-forks, stays its descendant and is killed when
the run ends.

This module must not import the rest of the generator: it is the first thing a worker loads.
"""
from __future__ import annotations

import io
import json
import os
import select
import signal
import socket
import sys
import time

from .isolate import probe, read_paths
from .sandbox import PR_SET_PDEATHSIG, _child, _prctl

CHECK_S = 0.05  # how often a running snippet's time, memory and output are checked
PR_SET_CHILD_SUBREAPER = 36
CHUNK = 64 * 1024


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


def _stopped_at(rundir: str, script: str) -> int | None:
    """The script's innermost line in the traceback dumped just before the deadline (sandbox._arm_deadline_dump)."""
    text, _ = _read_capped(os.path.join(rundir, "stack"), 64 * 1024)
    head = f'File "{script}", line '
    for line in text.splitlines():
        line = line.strip()
        if line.startswith(head):
            number = line[len(head):].split(" ", 1)[0]
            return int(number) if number.isdigit() and len(number) < 9 else None
    return None


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
                stop = {"kind": "timeout", "message": f"timed out after {req['timeout']:g} s",
                        "line": _stopped_at(req["rundir"], req["script"])}
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
    here = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
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
    refused = probe()  # before any framework is imported: one cheap fork of a single-threaded process
    t0 = time.perf_counter()
    versions = {}
    for mod in preload:
        module = __import__(mod)
        versions[mod] = getattr(module, "__version__", "?")
    import_s = time.perf_counter() - t0
    channel.write(json.dumps({"event": "ready", "env": env_name, "import_s": import_s, "versions": versions,
                              "modules": len(sys.modules), "isolation_refused": refused}) + "\n")
    for line in requests:
        req = json.loads(line)
        sys.stdout.flush()
        sys.stderr.flush()
        read_paths(tuple((req.get("isolation") or {}).get("protected", ())))  # cached here, not in every child
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
