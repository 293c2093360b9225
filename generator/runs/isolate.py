"""Isolation of one run, applied inside the forked child before the snippet runs. Like the worker, it imports nothing
of the generator.

Three mechanisms, each unprivileged where the kernel allows it, applied to the single-threaded forked child (so the
frameworks' threads in the worker do not matter):

- **network**: a new network namespace (`unshare(CLONE_NEWNET)`; a non-root user needs `CLONE_NEWUSER` with it)
  whose only interface is its own loopback, brought up: a snippet can talk to itself on 127.0.0.1 (torch.distributed
  with one process does), never to the machine's loopback or any other address;
- **file system and other processes**: Landlock (Linux >= 5.13): read and execute only beneath the system's and
  Python's folders, read and write only beneath the run's own folder (its work folder, HOME and TMPDIR) and a few
  devices; everything else (the project with its .git, run store, records, site and snippets; the user's home; other
  runs' folders) can be neither read nor written. A Landlock domain also cannot ptrace, read `/proc/<pid>/environ` or
  `pidfd_getfd` any process outside it (the worker, the build, their parents), nor mount anything; from ABI 6 it
  cannot signal them or reach their abstract Unix sockets;
- **privileges**: `no_new_privs` and every capability dropped (a build run as root runs its snippets without any);
- **Unix sockets**: a seccomp filter refuses `socket(AF_UNIX)` (Landlock does not govern `connect()` to a socket's
  path, such as /run/docker.sock or an agent's socket; `socketpair()` stays) and io_uring (which opens sockets past
  seccomp).

`apply()` raises IsolationError naming what the kernel refused; `probe()` tries everything in a throw-away child.
"""
from __future__ import annotations

import ctypes
import errno
import fcntl
import functools
import os
import socket
import struct
import sys

CLONE_NEWUSER, CLONE_NEWNET = 0x10000000, 0x40000000
PR_SET_NO_NEW_PRIVS, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 38, 47, 4
SYS_LANDLOCK_CREATE_RULESET, SYS_LANDLOCK_ADD_RULE, SYS_LANDLOCK_RESTRICT_SELF = 444, 445, 446  # one number on every arch
LANDLOCK_CREATE_RULESET_VERSION, LANDLOCK_RULE_PATH_BENEATH = 1, 1
EXECUTE, WRITE_FILE, READ_FILE, READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
REFER, TRUNCATE, IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15
SCOPE_ABSTRACT_UNIX_SOCKET, SCOPE_SIGNAL = 1, 2
SIOCSIFFLAGS, IFF_UP, IFF_LOOPBACK, IFF_RUNNING = 0x8914, 0x1, 0x8, 0x40

# read and execute beneath these (those that exist); /etc only for what programs need, not its secrets
SYSTEM_READ = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/opt", "/proc", "/sys",
               "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime", "/etc/timezone",
               "/etc/passwd", "/etc/group", "/etc/nsswitch.conf", "/etc/host.conf", "/etc/hosts", "/etc/gai.conf",
               "/etc/resolv.conf", "/etc/ssl", "/etc/ca-certificates", "/etc/pki", "/etc/mime.types",
               "/etc/os-release", "/etc/lsb-release", "/etc/debian_version", "/etc/fonts", "/etc/alternatives",
               "/etc/matplotlibrc", "/etc/python3", f"/etc/python3.{sys.version_info[1]}", "/etc/OpenCL", "/etc/vulkan")
DEVICES_RW = ("/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/shm", "/dev/dri")
GPU_PREFIX = "/dev/nvidia"  # /dev/nvidia0, nvidiactl, nvidia-uvm, nvidia-caps/: a GPU run needs them

_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long


class IsolationError(Exception):
    """The kernel refused a mechanism: the message names what would not be isolated and why."""


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


def _err(what: str) -> str:
    code = ctypes.get_errno()
    return f"{what}: {os.strerror(code)} ({errno.errorcode.get(code, code)})"


def landlock_abi() -> int:
    """The kernel's Landlock ABI version, or 0 where it has none (older than 5.13, or Landlock not enabled)."""
    abi = _libc.syscall(SYS_LANDLOCK_CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(LANDLOCK_CREATE_RULESET_VERSION))
    return max(int(abi), 0)


def _isolate_network() -> None:
    flags = CLONE_NEWNET if os.geteuid() == 0 else CLONE_NEWUSER | CLONE_NEWNET
    uid, gid = os.geteuid(), os.getegid()
    if _libc.unshare(ctypes.c_int(flags)) != 0:
        what = "unshare(CLONE_NEWNET)" if flags == CLONE_NEWNET else "unshare(CLONE_NEWUSER|CLONE_NEWNET)"
        raise IsolationError(_err(f"the network: {what}"))
    try:
        if flags != CLONE_NEWNET:  # the same user inside as outside: files keep their owner
            for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1")):
                with open(f"/proc/self/{name}", "w") as fh:
                    fh.write(text)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:  # the namespace's own loopback, up
            fcntl.ioctl(s, SIOCSIFFLAGS, struct.pack("16sH14x", b"lo", IFF_UP | IFF_LOOPBACK | IFF_RUNNING))
    except OSError as exc:
        raise IsolationError(f"the network: its own loopback could not be set up: {exc.strerror}") from None


def _blocks(path: str, protected: list[str]) -> bool:
    """Whether granting `path` would grant a protected folder (it is that folder or holds it)."""
    real = os.path.realpath(path)
    return any(p == real or p.startswith(real.rstrip("/") + "/") for p in map(os.path.realpath, protected))


@functools.lru_cache(maxsize=8)
def read_paths(protected: tuple[str, ...]) -> list[str]:
    """What a run may read and execute: the system's folders and Python's own (prefixes, sys.path), never a folder
    that is or holds a protected one (the project, the user's home). Computed once in the worker, before it forks."""
    exe = os.path.dirname(os.path.realpath(sys.executable))
    candidates = [*SYSTEM_READ, sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix, exe,
                  os.path.dirname(sys.executable), *sys.path]
    out = []
    for path in dict.fromkeys(p for p in candidates if p):
        if os.path.exists(path) and not _blocks(path, protected):
            out.append(path)
    return out


def _landlock(writable: list[str], protected: list[str], readable: list[str] = ()) -> None:
    abi = landlock_abi()
    if abi < 1:
        raise IsolationError("the file system and other processes: Landlock is not available in this kernel "
                             "(Linux 5.13 or later with landlock in its LSM list)")
    fs = (1 << 13) - 1 | (REFER if abi >= 2 else 0) | (TRUNCATE if abi >= 3 else 0) | (IOCTL_DEV if abi >= 5 else 0)
    attr = _RulesetAttr(fs, 0, SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL if abi >= 6 else 0)
    size = 8 if abi < 4 else 16 if abi < 6 else 24
    ruleset = _libc.syscall(SYS_LANDLOCK_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size), ctypes.c_uint32(0))
    if ruleset < 0:
        raise IsolationError(_err("the file system and other processes: landlock_create_ruleset"))
    file_rights = EXECUTE | WRITE_FILE | READ_FILE | (TRUNCATE | IOCTL_DEV) & fs
    devices = [*DEVICES_RW]
    try:
        devices += [f"/dev/{n}" for n in os.listdir("/dev") if f"/dev/{n}".startswith(GPU_PREFIX)]
    except OSError:
        pass
    try:
        rules = [(p, EXECUTE | READ_FILE | READ_DIR) for p in read_paths(tuple(protected))]
        rules += [(p, fs) for p in writable] + [(p, fs & ~REFER) for p in devices if os.path.exists(p)]
        rules += [(p, READ_FILE) for p in readable]  # single files (the script itself: tracers read its source)
        for path, rights in rules:
            try:
                fd = os.open(path, os.O_PATH | os.O_CLOEXEC | (os.O_NOFOLLOW if path in readable else 0))
            except OSError:
                continue
            try:
                if not os.path.isdir(path):
                    rights &= file_rights
                rule = _PathBeneath(rights, fd)
                if _libc.syscall(SYS_LANDLOCK_ADD_RULE, ctypes.c_int(ruleset), ctypes.c_int(LANDLOCK_RULE_PATH_BENEATH),
                                 ctypes.byref(rule), ctypes.c_uint32(0)) != 0:
                    raise IsolationError(_err(f"the file system: landlock_add_rule({path})"))
            finally:
                os.close(fd)
        if _libc.syscall(SYS_LANDLOCK_RESTRICT_SELF, ctypes.c_int(ruleset), ctypes.c_uint32(0)) != 0:
            raise IsolationError(_err("the file system and other processes: landlock_restrict_self"))
    finally:
        os.close(ruleset)


def _drop_privileges() -> None:
    if _libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise IsolationError(_err("privileges: prctl(PR_SET_NO_NEW_PRIVS)"))
    _libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    data = (_CapData * 2)()
    if _libc.capset(ctypes.byref(_CapHeader(0x20080522, 0)), data) != 0:  # _LINUX_CAPABILITY_VERSION_3: none left
        raise IsolationError(_err("privileges: capset"))


# seccomp: socket(AF_UNIX) is refused (a path such as /run/docker.sock or an agent's socket is reached by connect(),
# which Landlock does not govern; socketpair() stays), and io_uring (which can open sockets past seccomp)
ARCHES = {"x86_64": (0xC000003E, 41, 425), "aarch64": (0xC00000B7, 198, 425)}  # audit arch, socket, io_uring_setup
PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 22, 2
RET_ALLOW, RET_EACCES, RET_KILL = 0x7FFF0000, 0x00050000 | errno.EACCES, 0x80000000


class _SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint16), ("jt", ctypes.c_uint8), ("jf", ctypes.c_uint8), ("k", ctypes.c_uint32)]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_uint16), ("filter", ctypes.POINTER(_SockFilter))]


def _seccomp_program() -> list[tuple[int, int, int, int]]:
    arch, nr_socket, nr_uring = ARCHES[os.uname().machine]
    ld, jeq, jge, ret = 0x20, 0x15, 0x35, 0x06
    return [(ld, 0, 0, 4),                    # 0: the architecture
            (jeq, 1, 0, arch),                # 1: native -> 3
            (ret, 0, 0, RET_KILL),            # 2: another ABI (i386 through int 0x80): killed
            (ld, 0, 0, 0),                    # 3: the syscall number
            (jge, 6, 0, 0x40000000),          # 4: x32 -> 11
            (jeq, 2, 0, nr_socket),           # 5: socket -> 8
            (jeq, 4, 0, nr_uring),            # 6: io_uring_setup -> 11
            (ret, 0, 0, RET_ALLOW),           # 7
            (ld, 0, 0, 16),                   # 8: socket's family (args[0], its low half)
            (jeq, 1, 0, socket.AF_UNIX),      # 9: AF_UNIX -> 11
            (ret, 0, 0, RET_ALLOW),           # 10
            (ret, 0, 0, RET_EACCES)]          # 11: refused, "Permission denied"


def _seccomp() -> None:
    if os.uname().machine not in ARCHES:
        raise IsolationError(f"Unix sockets: no seccomp filter for the {os.uname().machine} architecture")
    prog = _seccomp_program()
    filters = (_SockFilter * len(prog))(*[_SockFilter(c, jt, jf, k) for c, jt, jf, k in prog])
    fprog = _SockFprog(len(prog), filters)
    if _libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) != 0:
        raise IsolationError(_err("Unix sockets: prctl(PR_SET_SECCOMP)"))


def apply(writable: list[str], protected: list[str], required: bool = True, readable: list[str] = ()) -> list[str]:
    """Isolate this process (the forked child, single-threaded). `readable`: single files the run may read although
    they lie in a protected folder (its own script, whose source torch.compile and AutoGraph read again). Returns what
    could not be isolated (only when not `required`; when required, the first refusal raises IsolationError)."""
    refused = []
    for step in (_isolate_network, lambda: _landlock(writable, protected, list(readable))):
        try:
            step()
        except IsolationError as exc:
            if required:
                raise
            refused.append(str(exc))
    _drop_privileges()  # after the namespace (which may need them); always possible
    try:
        _seccomp()
    except IsolationError as exc:
        if required:
            raise
        refused.append(str(exc))
    return refused


def probe() -> str | None:
    """Try every mechanism in a throw-away child (before any framework is imported, so the fork is cheap and
    single-threaded). None when all work, else one line naming what the kernel refused."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        try:
            refused = "; ".join(apply([], [], required=False))
        except BaseException as exc:  # noqa: BLE001 - reported to the parent
            refused = str(exc) or type(exc).__name__
        os.write(w, refused.encode()[:2000])
        os._exit(1 if refused else 0)
    os.close(w)
    with os.fdopen(r, "rb") as fh:
        message = fh.read().decode("utf-8", "replace")
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) == 0:
        return None
    return message or f"the isolation probe ended with status {status}"
