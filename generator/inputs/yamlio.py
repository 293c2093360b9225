"""YAML with line numbers: parsed once with libyaml, duplicate keys refused, hostile shapes (deep nesting, lists or
maps as keys, bytes that are not UTF-8) turned into located problems, never exceptions."""
from __future__ import annotations

import functools
import os
from pathlib import Path

import yaml

from ..core.errors import Problem
from ..core.files import UnsafeFile, read_bytes

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser where present: same nodes, much faster


class _Loader(_Base):
    """SafeLoader that refuses duplicate keys (PyYAML keeps the last one silently)."""


def _construct_mapping(loader: _Loader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (first on line {seen[key] + 1})", key_node.start_mark)
        seen[key] = key_node.start_mark.line
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def line_of(node: yaml.Node | None, loc: tuple) -> int | None:
    """The 1-based line of the deepest node on the key path `loc` (or of its parent when absent)."""
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value if k.value == str(part)), None)
            if match is None:
                return line
            line, node = match[0].start_mark.line + 1, match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def read_yaml(path: Path, root: Path) -> tuple[object, yaml.Node | None, list[Problem]]:
    """Parse one YAML file. Returns (data, node tree, problems); data is None when unreadable."""
    where = rel(path, root)
    try:
        raw = read_bytes(path, root)
    except UnsafeFile as exc:
        return None, None, [Problem(where, None, "", f"refused: {exc}")]
    except OSError as exc:
        return None, None, [Problem(where, None, "", f"cannot read file: {exc.strerror or exc}")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        return None, None, [Problem(where, line, "", f"file is not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})")]
    if not text.strip():
        return None, None, [Problem(where, None, "", "file is empty")]
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()  # parsed once: the node tree keeps every line number
            depth = _depth(node)
            if depth > 40:
                return None, None, [Problem(where, None, "", f"YAML nested {depth} levels deep; at most 40 are allowed")]
            bad_key = _non_scalar_key(node)
            if bad_key is not None:
                return None, None, [Problem(where, bad_key.start_mark.line + 1, "",
                                            "a key must be a plain value, not a list or a map")]
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        return None, None, [Problem(where, mark.line + 1 if mark else None, "",
                                    f"YAML syntax error{f' at column {mark.column + 1}' if mark else ''}: "
                                    f"{exc.problem or exc.context}")]
    except yaml.YAMLError as exc:
        return None, None, [Problem(where, None, "", f"YAML error: {exc}")]
    except RecursionError:
        return None, None, [Problem(where, None, "", "YAML nested too deeply")]
    except (TypeError, ValueError) as exc:  # e.g. a list or a map used as a key
        return None, None, [Problem(where, None, "", f"YAML structure not allowed here: {exc}")]
    return data, node, []


def _depth(node: yaml.Node | None) -> int:
    """Nesting depth of a node tree, iteratively (a hostile file must not exhaust the stack)."""
    deepest, stack = 0, [(node, 1)] if node is not None else []
    while stack:
        n, d = stack.pop()
        deepest = max(deepest, d)
        if isinstance(n, yaml.MappingNode):
            stack += [(v, d + 1) for _, v in n.value]
        elif isinstance(n, yaml.SequenceNode):
            stack += [(v, d + 1) for v in n.value]
    return deepest


def _non_scalar_key(node: yaml.Node | None) -> yaml.Node | None:
    stack = [node] if node is not None else []
    while stack:
        n = stack.pop()
        if isinstance(n, yaml.MappingNode):
            for k, v in n.value:
                if not isinstance(k, yaml.ScalarNode):
                    return k
                stack.append(v)
        elif isinstance(n, yaml.SequenceNode):
            stack += n.value
    return None


def rel(path: Path, root: Path) -> str:
    """The path as the project names it (never resolved: a symbolic link is named, not followed)."""
    absolute, base = os.path.abspath(path), os.path.abspath(root)
    if os.path.commonpath([absolute, base]) == base:
        return Path(os.path.relpath(absolute, base)).as_posix()
    return Path(absolute).as_posix()


def compose(path: Path) -> yaml.Node:
    """A valid file's node tree, parsed again only when a problem needs its line numbers."""
    st = path.stat()
    return _compose_version(path, st.st_mtime_ns, st.st_size)


@functools.lru_cache(maxsize=256)
def _compose_version(path: Path, mtime_ns: int, size: int) -> yaml.Node:
    return yaml.compose(path.read_bytes().decode("utf-8"), Loader=_Loader)  # already read safely once
