"""``path:line:col: CODE [severity] message``, one line per diagnostic.

The positions are 1-based and the path relative to the working folder, so editors and
terminals turn each line into a link (style.md, "What promptlint should absorb" 17).
"""

from __future__ import annotations

from typing import Sequence, TextIO

from ..diagnostic import Diagnostic


def line(d: Diagnostic) -> str:
    return f"{d.span.path}:{d.span.line}:{d.span.column}: {d.code} [{d.severity.value}] {d.message}"


def write(diagnostics: Sequence[Diagnostic], out: TextIO) -> None:
    for d in diagnostics:
        out.write(line(d) + "\n")
