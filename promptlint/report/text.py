"""``path:line:col: CODE [severity] message``, one line per diagnostic."""

from __future__ import annotations

from collections import Counter
from typing import Sequence, TextIO

from ..diagnostic import Diagnostic


def line(d: Diagnostic) -> str:
    return f"{d.span.path}:{d.span.line}:{d.span.column}: {d.code} [{d.severity.value}] {d.message}"


def write(diagnostics: Sequence[Diagnostic], out: TextIO) -> None:
    for d in diagnostics:
        out.write(line(d) + "\n")
        if d.note:
            out.write(f"  note: {d.note}\n")
        if d.fix:
            out.write(f"  help: {d.fix.message}\n")


def summary(diagnostics: Sequence[Diagnostic], files: int, failed: int = 0) -> str:
    if failed:
        return f"{failed} of {files} files could not be checked (internal error); {len(diagnostics)} problems found in the others."
    if not diagnostics:
        return f"All checks passed ({files} file{'s' if files != 1 else ''} checked)."
    counts = Counter(d.severity.value for d in diagnostics)
    parts = [f"{counts[s]} {s}{'s' if counts[s] != 1 and s != 'info' else ''}" for s in ("error", "warning", "info") if counts[s]]
    total = len(diagnostics)
    return f"Found {total} problem{'s' if total != 1 else ''} ({', '.join(parts)}) in {files} file{'s' if files != 1 else ''} checked."
