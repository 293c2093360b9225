"""The run store: content-addressed records, written atomically, damaged entries ignored."""
from __future__ import annotations

import json
import logging
import threading
from collections import OrderedDict
from pathlib import Path

from ..core.files import atomic_write
from ..core.record import RunRecord

# Not under "mkdocs.": a damaged cache is the machine's problem, not the author's, so it must not fail a --strict build.
log = logging.getLogger("generator.cache")
FORMAT = 2


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


def forget_records() -> None:
    """Drop the parsed records this process keeps in memory; the store on disk stays."""
    with _lock:
        _records.clear()
