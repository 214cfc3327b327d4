"""``path:line:col: CODE [severity] message``, one line per diagnostic.

The positions are 1-based and the path relative to the working folder, so editors and
terminals turn each line into a link (style.md, "What promptlint should absorb" 17).
A diagnostic that ``--fix`` would fix has ``[*]`` before its message, as in Ruff.
"""

from __future__ import annotations

from typing import Sequence, TextIO

from ..diagnostic import Diagnostic
from ..fixes import applicable

FIXABLE = "[*] "


def line(d: Diagnostic, fixable: bool = False) -> str:
    mark = FIXABLE if fixable else ""
    return f"{d.span.path}:{d.span.line}:{d.span.column}: {d.code} [{d.severity.value}] {mark}{d.message}"


def write(diagnostics: Sequence[Diagnostic], out: TextIO, *, unsafe_fixes: bool = False) -> None:
    """``unsafe_fixes``: whether unsafe fixes count as fixable (``--unsafe-fixes``)."""
    for d in diagnostics:
        out.write(line(d, applicable(d, unsafe_fixes)) + "\n")
