"""Escaping for generated Markdown: every character Markdown or HTML could read as syntax becomes an entity, so no
text from content, snippets or their output can create markup. Trusted Markdown (from content, checked at load) passes
through `md`."""
from __future__ import annotations

import re

from markupsafe import Markup

# every character Markdown or HTML could read as syntax becomes a numeric character reference
_SPECIAL = re.compile(r"[&<>\"'`*_{}\[\]()#+!|~:\\=$^]")


def text(value) -> Markup:
    """Plain text, safe anywhere in Markdown: a table cell, a heading, an admonition title, an attribute value.
    Markdown and HTML syntax characters become character references, line breaks spaces."""
    s = str(value).replace("\r", " ").replace("\n", " ")
    return Markup(_SPECIAL.sub(lambda m: f"&#{ord(m.group())};", s))


def fence(value: str, lang: str = "") -> Markup:
    """A fenced code block that no backtick run inside the text can close early."""
    longest = max((len(m) for m in re.findall(r"`+", value)), default=0)
    ticks = "`" * max(3, longest + 1)
    return Markup(f"{ticks}{lang}\n{value.rstrip()}\n{ticks}")


_CODE_SPAN = re.compile(r"(`+)(?:.+?)\1")


def inline(value: str) -> Markup:
    """Markdown from content/ on one line: a list item, a table cell. Line breaks become spaces and a pipe outside code
    is escaped, so the text cannot end a table cell or a list item early."""
    s = " ".join(str(value).split())
    out, pos = [], 0
    for m in _CODE_SPAN.finditer(s):
        out += [s[pos:m.start()].replace("|", "\\|"), m.group()]
        pos = m.end()
    out.append(s[pos:].replace("|", "\\|"))
    return Markup("".join(out))


def indent(value: str, width: int = 4) -> Markup:
    pad = " " * width
    return Markup("\n".join(pad + line if line.strip() else "" for line in str(value).split("\n")))


def md(value: str) -> Markup:
    """Markdown from content/ (checked by the loader: no raw HTML, no attribute lists, only web links)."""
    return Markup(value.strip())


DEPRECATED_MARK = '{ .fc-api-deprecated title="deprecated on the versions this site verifies" }'


def mark_deprecated(markdown: str, names: frozenset[str]) -> Markup:
    """Trusted Markdown with every code span that names a deprecated API marked as such (an attribute list of ours:
    content itself may carry none, so no text of the content chooses the class or the title)."""
    if not names:
        return Markup(markdown)
    return Markup(_CODE_SPAN.sub(lambda m: m.group() + DEPRECATED_MARK if m.group().strip("`").strip() in names
                                 else m.group(), str(markdown)))


def line(value) -> Markup:
    """`text`, and `/` as a character reference: the text can start a line inside a block without closing it."""
    return Markup(str(text(value)).replace("/", "&#47;"))
