"""Every run is isolated (generator/runs/isolate.py): each test is an attack a snippet makes, and asserts that the
attack failed and that the build reported it (the run's output or status shows the refusal). Framework-free
snippets in a mini project. None is skipped unless the kernel refuses the mechanism, and then the skip says why."""
from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import pytest

from generator.app.build import run_build
from generator.core.record import Status
from generator.runs.isolate import probe
from support import leftover_processes, make_project, mini_settings, process_tag

REFUSED = probe()
pytestmark = pytest.mark.skipif(REFUSED is not None, reason=f"the kernel refuses isolation here: {REFUSED}")


def attack(tmp_path: Path, code: str, **settings):
    """Run `code` as the PyTorch script of a task (the other scripts are harmless) and return its outcome."""
    root = make_project(tmp_path / "project", {"attack": {"pytorch": code}})
    result = run_build(mini_settings(root, **settings), runners=["pytorch"])
    outcome = next(o for o in result.outcomes if o.run.id == "attack/pytorch/cpu")
    return root, outcome


TRY = """
import os, sys
def attempt(what, action):
    try:
        action()
    except OSError as exc:
        print(f"refused: {what}: {type(exc).__name__}: {exc.strerror}")
    else:
        print(f"DONE: {what}")
"""


def test_a_secret_in_the_builds_environment_is_invisible(tmp_path, monkeypatch):
    secret = "s3cr3t-token-" + os.urandom(6).hex()
    monkeypatch.setenv("GENERATOR_FAKE_SECRET", secret)
    code = TRY + f"""
print("variable:", os.environ.get("GENERATOR_FAKE_SECRET"))
print("own environ has it:", {secret!r}.encode() in open("/proc/self/environ", "rb").read())
attempt("the worker's environ", lambda: print(open(f"/proc/{{os.getppid()}}/environ", "rb").read()))
attempt("the build's environ", lambda: print(open("/proc/{os.getpid()}/environ", "rb").read()))
RESULT = [1.0, 2.0]
"""
    _, o = attack(tmp_path, code)
    out = o.record.stdout
    assert secret not in out and secret not in o.record.stderr
    assert "variable: None" in out and "own environ has it: False" in out
    assert "refused: the worker's environ: PermissionError" in out
    assert "refused: the build's environ: PermissionError" in out
    assert "DONE" not in out and o.status is Status.PASSED


def test_the_network_is_refused(tmp_path):
    listener = socket.create_server(("0.0.0.0", 0))  # the machine's loopback and every other address it has
    port = listener.getsockname()[1]
    accepted = []

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue
    stop = threading.Event()
    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe_socket:  # this machine's outgoing address, if any
        try:
            probe_socket.connect(("192.0.2.1", 9))
            own = probe_socket.getsockname()[0]
        except OSError:
            own = None
    unix_path = tmp_path / "agent.sock"
    unix = socket.socket(socket.AF_UNIX)
    unix.bind(str(unix_path))
    unix.listen()
    code = TRY + f"""
import socket
attempt("127.0.0.1", lambda: socket.create_connection(("127.0.0.1", {port}), timeout=3))
attempt("an outside address", lambda: socket.create_connection(("1.1.1.1", 443), timeout=3))
if {own!r}:
    attempt("this machine's address", lambda: socket.create_connection(({own!r}, {port}), timeout=3))
attempt("a Unix socket", lambda: socket.socket(socket.AF_UNIX).connect({str(unix_path)!r}))
with socket.socket() as s:                 # its own loopback works (torch.distributed with one process needs it)
    s.bind(("127.0.0.1", 0))
    s.listen()
    socket.create_connection(s.getsockname(), timeout=3).close()
    print("own loopback: ok")
RESULT = [1.0, 2.0]
"""
    try:
        _, o = attack(tmp_path, code)
    finally:
        stop.set()
        thread.join()
        listener.close()
        unix.close()
    out = o.record.stdout
    assert accepted == [], "a snippet reached a listener of the machine"
    assert "refused: 127.0.0.1: ConnectionRefusedError" in out
    assert "refused: an outside address: OSError: Network is unreachable" in out
    assert own is None or "refused: this machine's address: OSError: Network is unreachable" in out
    assert "refused: a Unix socket: PermissionError" in out
    assert "own loopback: ok" in out and "DONE" not in out and o.status is Status.PASSED


PROTECTED = (".git/hooks/pre-commit", ".cache/runs/planted.json", "records/attack/planted.json",
             "snippets/attack/pytorch.py", "site/index.html")


@pytest.mark.parametrize("target", PROTECTED)
def test_a_write_to_a_protected_folder_is_refused(tmp_path, target):
    root = tmp_path / "project"
    code = TRY + f"""
root = {str(root)!r}
path = os.path.join(root, {target!r})
def write():
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as fh:
        fh.write("planted")
attempt("write", write)
attempt("read", lambda: open(os.path.join(root, "mkdocs.yml")).read())
attempt("list", lambda: os.listdir(root))
open("allowed.txt", "w").write("its own folder is writable")
print("own folder:", open("allowed.txt").read())
RESULT = [1.0, 2.0]
"""
    for folder in (".git/hooks", "site", "records"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    (root / "site" / "index.html").write_text("the site")
    _, o = attack(tmp_path, code)
    out = o.record.stdout
    assert "refused: write: PermissionError" in out, out
    assert "refused: read: PermissionError" in out and "refused: list: PermissionError" in out
    assert "own folder: its own folder is writable" in out and "DONE" not in out
    written = root / target
    assert not written.exists() or written.read_text() != "planted"


def test_a_key_in_the_real_home_is_unreadable(tmp_path, monkeypatch):
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh" / "id_rsa").write_text("-----BEGIN OPENSSH PRIVATE KEY-----\nnot a real key\n")
    (home / ".netrc").write_text("machine example.org login me password hunter2\n")
    monkeypatch.setenv("HOME", str(home))
    code = TRY + f"""
print("HOME is the run's own:", os.environ["HOME"] != {str(home)!r})
attempt("~/.ssh/id_rsa", lambda: print(open({str(home / ".ssh" / "id_rsa")!r}).read()))
attempt("~/.netrc", lambda: print(open({str(home / ".netrc")!r}).read()))
RESULT = [1.0, 2.0]
"""
    _, o = attack(tmp_path, code)
    out = o.record.stdout
    assert "PRIVATE KEY" not in out and "hunter2" not in out
    assert "HOME is the run's own: True" in out
    assert "refused: ~/.ssh/id_rsa: PermissionError" in out and "refused: ~/.netrc: PermissionError" in out


def test_a_double_forked_process_is_gone_after_its_run(tmp_path, monkeypatch):
    tag = process_tag()
    monkeypatch.setenv("GENERATOR_TEST_TAG", tag)
    code = """
import os, time
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:          # a daemon: its parent exits, so it is nobody's child but the subreaper's
        time.sleep(600)
        os._exit(0)
    os._exit(0)
time.sleep(0.3)
print("daemon started")
RESULT = [1.0, 2.0]
"""
    _, o = attack(tmp_path, code)
    assert "daemon started" in o.record.stdout and o.status is Status.PASSED
    deadline = time.monotonic() + 10
    while leftover_processes(tag) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert leftover_processes(tag) == []


def test_the_worker_cannot_be_signalled_or_its_socket_taken(tmp_path):
    code = TRY + """
import signal
attempt("signal the worker", lambda: os.kill(os.getppid(), signal.SIGSTOP))
fds = os.listdir(f"/proc/{os.getppid()}/fd")
for fd in fds:
    attempt(f"open the worker's descriptor {fd}", lambda: open(f"/proc/{os.getppid()}/fd/{fd}", "rb"))
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
pidfd = os.pidfd_open(os.getppid())
taken = [libc.syscall(438, pidfd, int(fd), 0) for fd in fds]  # pidfd_getfd
print("pidfd_getfd took:", [t for t in taken if t >= 0], os.strerror(ctypes.get_errno()))
RESULT = [1.0, 2.0]
"""
    _, o = attack(tmp_path, code)
    out = o.record.stdout
    assert "refused: open the worker's descriptor 0: PermissionError" in out and "DONE" not in out
    assert "pidfd_getfd took: [] Operation not permitted" in out
    from generator.runs.isolate import landlock_abi
    if landlock_abi() >= 6:  # Landlock scopes signals from ABI 6 (Linux 6.12); older kernels: the executor copes
        assert "refused: signal the worker: PermissionError" in out
    assert o.status is Status.PASSED


def test_nothing_granted_holds_a_protected_folder():
    import sys
    from generator.runs.isolate import read_paths
    inside = os.path.join(sys.prefix, "lib")  # a protected folder inside a folder that would be granted
    granted = read_paths((inside,))
    assert granted and not any(inside == p or inside.startswith(p.rstrip("/") + "/") for p in map(os.path.realpath, granted))


@pytest.fixture
def refusing_kernel(tmp_path, monkeypatch):
    """Workers whose isolation probe reports a refusal (a sitecustomize on their PYTHONPATH), outside CI."""
    (tmp_path / "sitecustomize.py").write_text(
        "import generator.runs.isolate as i\n"
        "i.probe = lambda: 'the network: unshare(CLONE_NEWNET): Operation not permitted (EPERM)'\n")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    monkeypatch.delenv("CI", raising=False)


def test_a_refused_mechanism_stops_the_build_in_one_line(tmp_path, monkeypatch, capsys, refusing_kernel):
    """Where the kernel refuses (simulated: the probe reports a refusal), a required isolation stops the build with
    one line naming what is not isolated; best-effort runs and says so once; CI makes it required."""
    import generator.runs.worker  # noqa: F401 - the module the worker runs
    from generator.runs.workers import IsolationRefused
    root = make_project(tmp_path / "project", {"demo": {}})
    with pytest.raises(IsolationRefused) as err:
        run_build(mini_settings(root), runners=["pytorch"])
    line = str(err.value)
    assert "\n" not in line and "the network: unshare(CLONE_NEWNET): Operation not permitted" in line
    assert "isolation: best-effort" in line
    result = run_build(mini_settings(root, isolation="best-effort"), runners=["pytorch"])
    assert all(o.passed for o in result.outcomes)
    said = [line for line in capsys.readouterr().err.splitlines() if "isolation" in line]
    assert said == ["generator: isolation: best-effort: snippets run with this not isolated: the network: "
                    "unshare(CLONE_NEWNET): Operation not permitted (EPERM)"]
    monkeypatch.setenv("CI", "true")
    with pytest.raises(IsolationRefused):
        run_build(mini_settings(root, isolation="best-effort", cache_dir=str(tmp_path / "c2")), runners=["pytorch"])


def test_a_refused_mechanism_is_one_line_from_check_not_a_traceback(tmp_path, capsys, refusing_kernel):
    """The pull-request gate reports the refusal as one line and exit status 2."""
    from generator.cli.main import main
    root = make_project(tmp_path / "project", {"demo": {}})
    assert main(["--root", str(root), "check"]) == 2
    err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(err) == 1 and err[0].startswith("generator: ") and "Operation not permitted" in err[0], err
    assert "Traceback" not in "\n".join(err)


def test_a_script_reads_its_own_source_and_nothing_beside_it(tmp_path):
    """torch.compile and AutoGraph read the script's source again (inspect): its own file is readable, read-only;
    the other scripts of its task folder are not."""
    root = tmp_path / "project"
    code = TRY + f"""
import inspect
def shown():
    return 1
print("own source:", inspect.getsource(shown).split("(")[0])
print("own file:", len(open(__file__).read()) > 0)
attempt("write its own file", lambda: open(__file__, "a").write("# planted"))
attempt("read a sibling", lambda: open(os.path.join({str(root)!r}, "snippets", "attack", "keras.py")).read())
RESULT = [1.0, 2.0]
"""
    _, o = attack(tmp_path, code)
    out = o.record.stdout
    assert "own source: def shown" in out and "own file: True" in out, out + o.record.stderr
    assert "refused: write its own file: PermissionError" in out
    assert "refused: read a sibling: PermissionError" in out
    assert "DONE" not in out and o.status is Status.PASSED
    assert (root / "snippets" / "attack" / "pytorch.py").read_text() == code  # unchanged
