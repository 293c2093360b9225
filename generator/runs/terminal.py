"""Captured output as a terminal would have shown it: styled lines, then plain text, HTML or ANSI again.

A snippet's stdout is a file, but what it wrote was meant for a terminal: Keras redraws its progress bar with
backspaces and carriage returns and colours it with SGR escapes. `screen` replays the text on a small line-based
terminal: `\\r` returns to the start of the line, backspace moves left, erase-in-line and cursor moves are obeyed,
colours and styles become a *fixed* set of class names, and every other control sequence or character is dropped.
The SGR codes are interpreted by rich's ANSI decoder (the style state), so colours of every form (16, 256, true
colour) come out as one of the 16 standard colours.

`html` builds the page's markup from those spans in this module alone: class names from the fixed set, every
character of text escaped, so no output can create an element or an attribute. `plain` is what search and
`verification.json` hold; `ansi` re-encodes the final screen (notebooks render it, without the frames).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

MAX_COLUMN = 4096   # a cursor move beyond this is clamped: no escape can make a line huge
MAX_LINES = 20_000  # more lines than this are cut (the record's text cap keeps real output far below)
TAB = 8

# One token: an escape sequence (CSI, OSC, DCS/SOS/PM/APC strings, two-character escapes), a C0/C1 control
# character, or a run of printable text.
_TOKEN = re.compile(r"""
    (?P<csi>(?:\x1b\[|\x9b)(?P<params>[0-?]*)(?P<inter>[\x20-/]*)(?P<final>[@-~]))
  | (?P<osc>(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?)
  | (?P<str>(?:\x1b[PX^_]|[\x90\x98\x9e\x9f])[^\x1b\x9c]*(?:\x1b\\|\x9c)?)
  | (?P<esc>\x1b[\x20-/]*[0-~]?)
  | (?P<ctl>[\x00-\x1f\x7f-\x9f])
  | (?P<text>[^\x00-\x1f\x7f-\x9f]+)
""", re.VERBOSE)

# The only classes a span can carry.
STYLE_CLASSES = ("ansi-bold", "ansi-dim", "ansi-italic", "ansi-underline", "ansi-strike", "ansi-reverse")
COLOUR_CLASSES = tuple(f"ansi-fg-{n}" for n in range(16)) + tuple(f"ansi-bg-{n}" for n in range(16))
CLASSES = frozenset(STYLE_CLASSES + COLOUR_CLASSES)


@dataclass(frozen=True)
class Span:
    text: str
    classes: tuple[str, ...] = ()


Line = list[Span]


@lru_cache(maxsize=512)
def _classes(style) -> tuple[str, ...]:
    """rich Style -> class names from the fixed set (colours reduced to the 16 standard ones)."""
    from rich.color import ColorSystem, ColorType
    if style is None:
        return ()
    out = [name for name, on in (("ansi-bold", style.bold), ("ansi-dim", style.dim), ("ansi-italic", style.italic),
                                 ("ansi-underline", style.underline or style.underline2), ("ansi-strike", style.strike),
                                 ("ansi-reverse", style.reverse)) if on]
    for prefix, colour in (("fg", style.color), ("bg", style.bgcolor)):
        if colour is None or colour.type is ColorType.DEFAULT:
            continue
        number = colour.downgrade(ColorSystem.STANDARD).number
        if number is not None and 0 <= number < 16:
            out.append(f"ansi-{prefix}-{number}")
    assert CLASSES.issuperset(out)
    return tuple(out)


class _Terminal:
    def __init__(self) -> None:
        try:  # styles need rich (installed where the site is built); the plain text never does, so a machine that
            from rich.ansi import AnsiDecoder  # only records runs (pydantic and PyYAML) checks expected output alike
            self.decoder = AnsiDecoder()   # keeps the SGR style state
        except ImportError:
            self.decoder = None
        self.lines: list[list[tuple[str, tuple[str, ...]]]] = [[]]
        self.row = self.col = 0
        self.style: tuple[str, ...] = ()

    def sgr(self, params: str) -> None:
        if self.decoder is None:
            return
        self.decoder.decode_line(f"\x1b[{params}m")
        self.style = _classes(self.decoder.style or None)

    def put(self, text: str) -> None:
        line = self.lines[self.row]
        for ch in text:
            if self.col >= MAX_COLUMN:
                break
            if self.col < len(line):
                line[self.col] = (ch, self.style)
            else:
                line.extend([(" ", ())] * (self.col - len(line)))
                line.append((ch, self.style))
            self.col += 1

    def newline(self) -> bool:
        self.row += 1
        self.col = 0
        if self.row == len(self.lines):
            if len(self.lines) >= MAX_LINES:
                return False
            self.lines.append([])
        return True

    def csi(self, params: str, final: str) -> None:
        if final == "m":
            self.sgr(params)
            return
        if not params.replace(";", "").isdigit() and params:
            return  # private modes (?25l ...): nothing to show
        numbers = [int(p) if p else 0 for p in params.split(";")] if params else [0]
        n = max(1, min(numbers[0], MAX_COLUMN))
        line = self.lines[self.row]
        if final == "K":  # erase in line: 0 to the end, 1 to the start, 2 all
            if numbers[0] == 0:
                del line[self.col:]
            elif numbers[0] == 1:
                line[:self.col + 1] = [(" ", ())] * min(self.col + 1, len(line))
            elif numbers[0] == 2:
                line.clear()
        elif final == "G":
            self.col = min(n, MAX_COLUMN) - 1
        elif final == "C":
            self.col = min(self.col + n, MAX_COLUMN)
        elif final == "D":
            self.col = max(0, self.col - n)
        elif final in "AF":  # up (F: and to the start), never above the first line of this output
            self.row = max(0, self.row - n)
            self.col = 0 if final == "F" else self.col
        elif final in "BE":
            for _ in range(n):
                if self.row + 1 < len(self.lines):
                    self.row += 1
                elif not self.newline():
                    break
            self.col = 0 if final == "E" else self.col

    def feed(self, text: str) -> None:
        for m in _TOKEN.finditer(text):
            kind = m.lastgroup
            if kind == "text":
                self.put(m.group())
            elif kind == "csi":
                if not m.group("inter"):
                    self.csi(m.group("params"), m.group("final"))
            elif kind == "ctl":
                ch = m.group()
                if ch == "\n":
                    if not self.newline():
                        return
                elif ch == "\r":
                    self.col = 0
                elif ch == "\b":
                    self.col = max(0, self.col - 1)
                elif ch == "\t":
                    self.put(" " * (TAB - self.col % TAB))
            # osc, str, esc and every other control character: dropped

    def result(self) -> list[Line]:
        out = []
        for cells in self.lines:
            spans: Line = []
            for ch, style in cells:
                if spans and spans[-1].classes == style:
                    spans[-1] = Span(spans[-1].text + ch, style)
                else:
                    spans.append(Span(ch, style))
            while spans and not spans[-1].text.rstrip() and not spans[-1].classes:
                spans.pop()  # trailing blanks, as a terminal shows them: nothing
            if spans and not spans[-1].classes:
                spans[-1] = Span(spans[-1].text.rstrip(), ())
            out.append(spans)
        return out


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # what only the terminal can replay (not \n or \t)


def screen(text: str) -> list[Line]:
    """The lines a terminal shows after receiving `text`, each a list of styled spans."""
    text = text.replace("\r\n", "\n")
    if not _CONTROL.search(text):  # plain text (most output): the same lines, without replaying it cell by cell
        return [[Span(t)] if (t := line.expandtabs(TAB)[:MAX_COLUMN].rstrip()) else []
                for line in text.split("\n", MAX_LINES)[:MAX_LINES]]
    term = _Terminal()
    term.feed(text)
    return term.result()


def line_text(line: Line) -> str:
    return "".join(s.text for s in line)


def plain(lines: list[Line]) -> str:
    return "\n".join(line_text(line) for line in lines)


# every character HTML or a Markdown preprocessor (fences, blocks, snippets) could read as syntax
_ESCAPE = re.compile(r"[&<>\"'`~\\\-:|{}\[\]*_#!=$^+/]")


def escape(text: str) -> str:
    return _ESCAPE.sub(lambda m: f"&#{ord(m.group())};", text)


def html(lines: list[Line], css_class: str = "ansi-output") -> str:
    """One raw HTML block, `<div class="ansi-output"><pre><code>…</code></pre></div>`, on lines of its own. Every
    text is escaped (no `<`, `&`, backtick or tilde survives, so neither HTML nor a Markdown fence can start inside
    it); class names come from the fixed set."""
    assert css_class in ("ansi-output",)
    body = []
    for line in lines:
        parts = []
        for span in line:
            text = escape(span.text)
            classes = [c for c in span.classes if c in CLASSES]
            parts.append(f'<span class="{" ".join(classes)}">{text}</span>' if classes else text)
        body.append("".join(parts))
    return f'<div class="{css_class}"><pre><code>' + "\n".join(body) + "</code></pre></div>"


_SGR = {"ansi-bold": "1", "ansi-dim": "2", "ansi-italic": "3", "ansi-underline": "4", "ansi-reverse": "7",
        "ansi-strike": "9"}


def _sgr(cls: str) -> str:
    if cls in _SGR:
        return _SGR[cls]
    kind, n = cls.split("-")[1], int(cls.rsplit("-", 1)[1])
    base = (30 if n < 8 else 90) + (10 if kind == "bg" else 0)
    return str(base + n % 8)


def ansi(lines: list[Line]) -> str:
    """The final screen as text with SGR codes only (no cursor moves, no frames): what a notebook shows."""
    out = []
    for line in lines:
        parts = []
        for span in line:
            if span.classes:
                parts.append(f"\x1b[{';'.join(_sgr(c) for c in span.classes)}m{span.text}\x1b[0m")
            else:
                parts.append(span.text)
        out.append("".join(parts))
    return "\n".join(out)
