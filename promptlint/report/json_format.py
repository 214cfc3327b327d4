"""A JSON array with Ruff's field names, so tooling written for Ruff carries over."""

from __future__ import annotations

import json
from typing import Any, Sequence, TextIO

from ..checks import DOCS_URL
from ..diagnostic import Diagnostic


def as_dict(d: Diagnostic) -> dict[str, Any]:
    span = d.span
    end_line = span.end_line or span.line
    # Ruff's end_location is exclusive (one past the last character), as SARIF's endColumn;
    # a finding with no known end is a point.
    end_column = span.end_column + 1 if span.end_column else span.column
    fix = None
    if d.fix:
        fix = {
            "applicability": d.fix.applicability.value,
            "message": d.fix.message,
            "edits": [
                {
                    "content": e.content,
                    "location": {"row": e.start[0], "column": e.start[1]},
                    "end_location": {"row": e.end[0], "column": e.end[1]},
                }
                for e in d.fix.edits
            ],
        }
    return {
        "code": d.code,
        "name": d.name,
        "message": d.message,
        "severity": d.severity.value,
        "filename": span.path,
        "location": {"row": span.line, "column": span.column},
        "end_location": {"row": end_line, "column": end_column},
        "pointer": span.pointer,
        "note": d.note,
        "fix": fix,
        "url": DOCS_URL.format(code=d.code, name=d.name),
        "data": d.data or None,
    }


def write(diagnostics: Sequence[Diagnostic], out: TextIO) -> None:
    json.dump([as_dict(d) for d in diagnostics], out, indent=2, ensure_ascii=False, default=str)
    out.write("\n")
