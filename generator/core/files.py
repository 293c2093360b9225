"""Reading input files safely: only regular files inside the project, never through a symbolic link.

Snippets and content come from strangers. A symlink in a pull request could publish `/proc/self/environ` or
`.git/config` as a "snippet" without a line of it in the reviewed diff, so every input is opened here.
"""
from __future__ import annotations

import hashlib
import io
import os
import stat
import tempfile
import tokenize
from pathlib import Path

MAX_INPUT_BYTES = 2 * 2**20  # a content file or snippet above 2 MiB is refused


class UnsafeFile(Exception):
    """The path is not a regular file inside the project (the message says why)."""


def check_inside(path: Path, root: Path) -> None:
    """Raise UnsafeFile unless `path` lies inside `root` with no symbolic link below the root (the root itself may
    be reached through one, e.g. /tmp -> /private/tmp)."""
    root_abs, absolute = os.path.abspath(root), os.path.abspath(path)
    if os.path.commonpath([absolute, root_abs]) != root_abs:
        raise UnsafeFile("lies outside the project")
    expected = os.path.normpath(os.path.join(os.path.realpath(root_abs), os.path.relpath(absolute, root_abs)))
    if os.path.realpath(absolute) != expected:
        raise UnsafeFile("is or passes through a symbolic link; only regular files inside the project are read")


def read_bytes(path: Path, root: Path, limit: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of a regular file inside `root`, opened without following links. Raises UnsafeFile or OSError."""
    check_inside(path, root)
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise UnsafeFile("is not a regular file")
        if st.st_size > limit:
            raise UnsafeFile(f"is larger than {limit // 2**20} MiB")
        with os.fdopen(os.dup(fd), "rb") as fh:
            return fh.read(limit + 1)
    finally:
        os.close(fd)


def is_regular_dir(path: Path) -> bool:
    return path.is_dir() and not path.is_symlink()


def python_source(data: bytes) -> str:
    """A script's text in the encoding it declares (PEP 263), UTF-8 by default. Raises UnicodeDecodeError or
    SyntaxError for an unknown or wrong encoding."""
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return data.decode(encoding)


def atomic_write(path: Path, data: bytes) -> None:
    """Write a file so that readers see the old content or the new, never a part: a temporary file beside it
    (named `.tmp-*.partial`, so it never looks like an entry), fsync, then os.replace. Raises OSError."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".partial")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def digest(data: bytes | str) -> str:
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()
