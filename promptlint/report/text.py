"""``text``: the original human format, now an alias of ``concise``; and the summary line.

The CLI prints ``summary`` on stderr after every human format (text, concise, full).
"""

from __future__ import annotations

from collections import Counter
from typing import Sequence

from ..diagnostic import Diagnostic
from .concise import line, write

__all__ = ["line", "write", "summary"]


def summary(diagnostics: Sequence[Diagnostic], files: int, failed: int = 0) -> str:
    if failed:
        return f"{failed} of {files} files could not be checked (see above); {len(diagnostics)} problems found in the others."
    if not diagnostics:
        return f"All checks passed ({files} file{'s' if files != 1 else ''} checked)."
    counts = Counter(d.severity.value for d in diagnostics)
    parts = [f"{counts[s]} {s}{'s' if counts[s] != 1 and s != 'info' else ''}" for s in ("error", "warning", "info") if counts[s]]
    total = len(diagnostics)
    return f"Found {total} problem{'s' if total != 1 else ''} ({', '.join(parts)}) in {files} file{'s' if files != 1 else ''} checked."
