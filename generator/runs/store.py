"""The run store: content-addressed records, written atomically, damaged entries ignored."""
from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import threading
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from typing import Callable

from .record import RunRecord

# Not under "mkdocs.": a damaged cache is the machine's problem, not the author's, so it must not fail a --strict build.
log = logging.getLogger("generator.cache")
FORMAT = 2


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


RECORDS_KEPT = 2048
_records: OrderedDict[tuple, RunRecord] = OrderedDict()
_lock = threading.Lock()


class Store:
    """A folder of `runs/<key[:2]>/<key>.json`. Safe to share between concurrent builds."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.warnings: list[str] = []

    def _file(self, key: str) -> Path:
        if len(key) != 64 or not all(c in "0123456789abcdef" for c in key):
            raise ValueError(f"not a cache key: {key[:80]!r}")
        return self.path / "runs" / key[:2] / f"{key}.json"

    def get(self, key: str) -> RunRecord | None:
        path = self._file(key)
        try:
            st = path.stat()
        except FileNotFoundError:
            return None
        except OSError as exc:
            return self._damaged(path, f"unreadable ({exc.__class__.__name__})")
        version = (str(path), st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size)  # entries are replaced, never edited
        with _lock:
            record = _records.get(version)
            if record is not None:
                _records.move_to_end(version)
                return record
        try:
            data = json.loads(path.read_text("utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, UnicodeDecodeError) as exc:
            return self._damaged(path, f"unreadable ({exc.__class__.__name__})")
        if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("key") != key:
            return self._damaged(path, "not a record of this format")
        record = RunRecord.parse(data.get("record"))
        if record is None or record.key != key:
            return self._damaged(path, "not a record of the expected shape")
        with _lock:  # the preview server reads the same entries on every rebuild: parsed once per version of the file
            _records[version] = record
            while len(_records) > RECORDS_KEPT:
                _records.popitem(last=False)
        return record

    def _damaged(self, path: Path, why: str) -> None:
        msg = f"cache entry {path} is {why}; ignoring it and running again"
        self.warnings.append(msg)
        log.warning(msg)
        return None

    def put(self, key: str, record: RunRecord) -> bool:
        """Write one record atomically. A failed write (disk full, say) is a warning, never a cached failure."""
        path = self._file(key)
        data = json.dumps({"format": FORMAT, "key": key, "record": record.model_dump(mode="json")}, sort_keys=True, indent=1)
        try:
            atomic_write(path, data.encode("utf-8"))
            return True
        except OSError as exc:
            msg = f"cache entry {path} could not be written ({exc.strerror or exc}); the run will repeat next build"
            self.warnings.append(msg)
            log.warning(msg)
            return False

    def keys(self) -> list[str]:
        return sorted(p.stem for p in (self.path / "runs").glob("*/*.json")
                      if not p.name.startswith(".") and len(p.stem) == 64 and not p.is_symlink())

    def clean_partials(self) -> int:
        """Remove the temporary files of writes that a killed build left behind."""
        removed = 0
        for p in (self.path / "runs").glob("*/.tmp-*.partial"):
            try:
                p.unlink()
                removed += 1
            except OSError:
                pass
        return removed

    def merge_from(self, other: Path) -> tuple[int, int]:
        """Copy every valid record of another store (e.g. one made on a GPU machine). Returns (merged, skipped)."""
        src = Store(other)
        merged = skipped = 0
        for key in src.keys():
            record = src.get(key)
            if record is None:
                skipped += 1
                continue
            self.put(key, record)
            merged += 1
        self.warnings += src.warnings
        return merged, skipped


# ----------------------------------------------------------------------------- derived files
# What a build makes from records and sources and that costs real time (charts, notebooks, zips) is kept by the hash
# of its inputs: in memory for the preview server's rebuilds, on disk (STORE/derived/) for the next build. The key
# includes the generator's own code and the versions of the libraries that write those bytes, so a change to either
# makes new files rather than serving old ones.
MEMORY_LIMIT = 128 * 2**20
DERIVED_HEADER = b"generator-derived-1\n"
_memory: OrderedDict[str, bytes] = OrderedDict()
_memory_bytes = 0


@lru_cache(maxsize=1)
def code_version() -> str:
    """The generator's code (its modules and templates) and the libraries that write derived files."""
    from .machine import package_version
    package = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for path in sorted([*package.glob("*.py"), *package.glob("templates/**/*")]):
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
        _records.clear()


def digest(data: bytes | str) -> str:
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


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
