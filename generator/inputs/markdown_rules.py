"""The rules content Markdown must follow to be published as is: no raw HTML, no attribute lists (braces outside
code), no images, no abbreviation definitions, only web links and links to this site's pages. Every check is linear
in the text (no nested quantifiers over user text)."""
from __future__ import annotations

import re

MAX_TEXT = 20_000  # characters in one content string; keeps every check linear and every page bounded

_HTML = re.compile(r"</?[a-zA-Z!?]")
_LINK_TARGET = re.compile(r"\]\(([^()\s]*)")  # the start of every inline link target: linear, no backtracking
_REF_DEF = re.compile(r"(?m)^\s{0,3}\[[^\]\n]{1,200}\]:\s*(\S*)")
_SAFE_TARGET = re.compile(r"^(?:https?://[^\s<>\"'`{}|\\^]+|#[\w-]+|(?:\.\./)*[\w-]+(?:/[\w-]+)*(?:\.md|/)(?:#[\w-]+)?)$")
_BACKTICKS = re.compile(r"`+")


def strip_code(text: str) -> str:
    """Text with fenced blocks and code spans removed, in linear time (CommonMark's rules, simplified: a run of N
    backticks opens a span that the next run of exactly N closes; a fence line opens a block that the next fence
    line of the same kind closes)."""
    lines, kept, fence = text.split("\n"), [], None
    for line in lines:
        stripped = line.lstrip()
        if fence is None and (stripped.startswith("```") or stripped.startswith("~~~")):
            fence = stripped[:3]
            continue
        if fence is not None:
            if stripped.startswith(fence):
                fence = None
            continue
        kept.append(line)
    prose = "\n".join(kept)
    runs = [(m.start(), m.end()) for m in _BACKTICKS.finditer(prose)]
    by_length: dict[int, list[int]] = {}
    for i, (a, b) in enumerate(runs):
        by_length.setdefault(b - a, []).append(i)
    cursor = {n: 0 for n in by_length}
    out, pos, i = [], 0, 0
    while i < len(runs):
        n = runs[i][1] - runs[i][0]
        same, c = by_length[n], cursor[n]
        while c < len(same) and same[c] <= i:
            c += 1
        cursor[n] = c
        if c < len(same):  # closed by the next run of the same length
            j = same[c]
            out.append(prose[pos:runs[i][0]])
            pos, i = runs[j][1], j + 1
        else:
            i += 1
    out.append(prose[pos:])
    return "".join(out)


def text_problem(text: str) -> str | None:
    """Why a content string cannot be published as Markdown, or None. Every check is linear in the text."""
    if len(text) > MAX_TEXT:
        return f"text is {len(text):,} characters long; at most {MAX_TEXT:,} are allowed"
    prose = strip_code(text)
    if _HTML.search(prose):
        return "raw HTML is not allowed in content; write Markdown (put code in backticks)"
    if "{" in prose or "}" in prose:
        return "braces are not allowed outside code (they are attribute-list syntax); put code in backticks"
    if "![" in prose:
        return "images are not allowed in content (they would load from a third-party host)"
    if re.search(r"(?m)^\s*\*\[", prose):
        return "abbreviation definitions are not allowed in content"
    if re.search(r"(?m)^[ \t]*/{3,}", prose):
        return "block syntax (a line starting with ///) is not allowed in content: its options can set attributes"
    for m in (*_LINK_TARGET.finditer(prose), *_REF_DEF.finditer(prose)):
        target = m.group(1).strip("<>")
        if re.match(r"(?i)\s*(javascript|vbscript|data)\s*:", target):
            return "javascript:, vbscript: and data: URLs are not allowed"
        if not _SAFE_TARGET.match(target):
            return "links must be http:// or https:// URLs or relative links to pages of this site " \
                   "(percent-encode parentheses as %28 %29)"
    return None


def unsafe_text(data, loc: tuple = ()) -> list[tuple[tuple, str]]:
    """Content text that could create markup, attributes or requests on the page: refused at load."""
    out: list[tuple[tuple, str]] = []
    stack = [(data, loc)]
    while stack:
        value, where = stack.pop()
        if isinstance(value, dict):
            stack += [(v, where + (k,)) for k, v in value.items()]
        elif isinstance(value, list):
            stack += [(v, where + (i,)) for i, v in enumerate(value)]
        elif isinstance(value, str):
            why = text_problem(value)
            if why:
                out.append((where, why))
    return sorted(out, key=lambda item: str(item[0]))
