"""Derived files (notebooks, zips, charts) kept by the hash of everything they are made from, in memory and in the
run store."""
from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from typing import Callable

from ..core.files import atomic_write, digest
from ..runs.store import forget_records

# What a build makes from records and sources and that costs real time (charts, notebooks, zips) is kept by the hash
# of its inputs: in memory for the preview server's rebuilds, on disk (STORE/derived/) for the next build. The key
# includes the generator's own code and the versions of the libraries that write those bytes, so a change to either
# makes new files rather than serving old ones.
MEMORY_LIMIT = 128 * 2**20
_memory: OrderedDict[str, bytes] = OrderedDict()
_memory_bytes = 0
_lock = threading.Lock()
log = logging.getLogger("generator.cache")
FORMAT = 2


DERIVED_HEADER = b"generator-derived-1\n"


@lru_cache(maxsize=1)
def code_version() -> str:
    """The generator's code (its modules and templates) and the libraries that write derived files."""
    from ..runs.machine import package_version
    package = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for path in sorted([*package.rglob("*.py"), *package.glob("site/templates/**/*")]):
        if path.is_file():
            h.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    for name in ("matplotlib", "nbformat", "rich"):
        h.update(f"{name}={package_version(name)}".encode())
    return h.hexdigest()


def forget() -> None:
    """Drop what this process keeps in memory (derived files and parsed records); the store on disk stays."""
    global _memory_bytes
    with _lock:
        _memory.clear()
        _memory_bytes = 0
    forget_records()


def derived(store: Path | None, kind: str, inputs, make: Callable[[], bytes], suffix: str = ".bin") -> bytes:
    """`make()`, or the bytes it made before from the same `inputs` (JSON data naming everything the bytes depend
    on). A damaged or unwritable store only costs a remake; a failed `make` caches nothing."""
    global _memory_bytes
    key = digest(json.dumps([FORMAT, code_version(), kind, inputs], sort_keys=True, default=str))
    with _lock:
        if key in _memory:
            _memory.move_to_end(key)
            return _memory[key]
    path = Path(store) / "derived" / kind / f"{key}{suffix}" if store is not None else None
    data = None
    if path is not None:
        try:
            entry = path.read_bytes()
        except OSError:
            entry = b""
        # an entry is a header, the digest of its bytes, then the bytes: a damaged one is made again, never served
        body = entry[len(DERIVED_HEADER) + 32:]
        if entry.startswith(DERIVED_HEADER) and hashlib.sha256(body).digest() == entry[len(DERIVED_HEADER):len(DERIVED_HEADER) + 32]:
            data = body
        elif entry:
            log.warning(f"derived file {path} is damaged; making it again")
    if data is None:
        data = make()
        if path is not None:
            try:
                atomic_write(path, DERIVED_HEADER + hashlib.sha256(data).digest() + data)
            except OSError:
                pass  # the next build makes it again
    with _lock:
        if key not in _memory and len(data) <= MEMORY_LIMIT // 8:
            _memory[key] = data
            _memory_bytes += len(data)
            while _memory_bytes > MEMORY_LIMIT:
                _, old = _memory.popitem(last=False)
                _memory_bytes -= len(old)
    return data
