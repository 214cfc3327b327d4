"""``full``: a Ruff/rustc-style block per diagnostic, with the source it points at.

::

    PC204 [error] 1h breakpoint 2 comes after 5m breakpoint 1 (line 8); every 1h …
      --> requests/support.json:17:71
       |
    16 |       "content": [
    17 |         {"type": "text", "text": "Order NL-20417.", "cache_control": {"type": "ephemeral", "ttl": "1h"}}
       |                                                     ^
    18 |       ]
       |
       = note: a cache_control without ttl is 5m
       = help: give the earlier breakpoints ttl "1h", or the later ones ttl "5m"

A diagnostic that ``--fix`` would fix has ``[*]`` before its message, as in Ruff.

The excerpt is the line before, the line and the line after; for JSONL, where every
line is a whole record, only the line itself. Lines longer than ``WIDTH`` characters
are cut to a window around the column. When the file cannot be read (gone,
unreadable, binary) or the line is not in it, the block has no excerpt.
"""

from __future__ import annotations

from typing import Sequence, TextIO

from ..diagnostic import Diagnostic
from ..fixes import applicable
from . import source
from .concise import FIXABLE

WIDTH = 160  # characters of a source line shown around the column
ELLIPSIS = "…"


def _wanted(d: Diagnostic) -> set[int]:
    line = d.span.line
    return {line} if source.is_jsonl(d.span.path) else {line - 1, line, line + 1}


def write(diagnostics: Sequence[Diagnostic], out: TextIO, *, unsafe_fixes: bool = False) -> None:
    """``unsafe_fixes``: whether unsafe fixes count as fixable (``--unsafe-fixes``)."""
    wanted: dict[str, set[int]] = {}
    for d in diagnostics:
        wanted.setdefault(d.span.path, set()).update(_wanted(d))
    lines = source.read_all(wanted)
    for d in diagnostics:
        out.write(render(d, lines.get(d.span.path, {}), applicable(d, unsafe_fixes)) + "\n\n")


def render(d: Diagnostic, lines: dict[int, str], fixable: bool = False) -> str:
    """One block, without the blank line that separates it from the next."""
    span = d.span
    numbers = sorted(n for n in _wanted(d) if n in lines) if span.line in lines else []
    gutter = len(str(max(numbers or [span.line])))
    pad = " " * gutter
    mark = FIXABLE if fixable else ""
    out = [f"{d.code} [{d.severity.value}] {mark}{d.message}", f"{pad}--> {span.path}:{span.line}:{span.column}"]
    if numbers:
        out.append(f"{pad} |")
        start = _window_start(lines[span.line], span.column)
        for n in numbers:
            out.append(f"{n:>{gutter}} | {_cut(lines[n], start)}".rstrip())
            if n == span.line:
                out.append(f"{pad} | {_marker(d, lines[n], start)}")
        out.append(f"{pad} |")
    if d.note:
        out.append(f"{pad} = note: {d.note}")
    if d.fix:
        out.append(f"{pad} = help: {d.fix.message}")
    return "\n".join(out)


def _window_start(text: str, column: int) -> int:
    """Where the shown part of the excerpt starts: 0, or WIDTH characters around ``column``."""
    if len(text) <= WIDTH:
        return 0
    index = min(max(column - 1, 0), len(text))
    return max(0, min(index - WIDTH // 2, len(text) - WIDTH))


def _cut(text: str, start: int) -> str:
    """Characters ``start`` to ``start + WIDTH`` of a line, with an ellipsis where it was cut."""
    shown = source.printable(text[start : start + WIDTH])
    if start > 0:
        shown = ELLIPSIS + shown
    if len(text) > start + WIDTH:
        shown += ELLIPSIS
    return shown


def _marker(d: Diagnostic, text: str, start: int) -> str:
    """Carets under the span's columns on this line (one when the end is not known)."""
    span = d.span
    end = start + WIDTH
    first = min(max(span.column - 1, 0), len(text))
    last = first + 1
    if span.end_line == span.line and span.end_column and span.end_column >= span.column:
        last = min(span.end_column, len(text))  # end column is inclusive
    first = min(max(first, start), end)
    last = min(max(last, first + 1), end + 1)
    lead = ELLIPSIS if start > 0 else ""
    before = source.display_width(lead + source.printable(text[start:first]))
    width = max(1, source.display_width(source.printable(text[first:last])))
    return " " * before + "^" * width
