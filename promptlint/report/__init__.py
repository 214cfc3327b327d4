"""Reporters: diagnostics in, text out. They never re-run analysis.

Human formats: ``concise`` (``text`` is its old name), ``full``. Machine formats, which
write nothing but the report: ``json``, ``json-lines``, ``github``, ``sarif``, ``junit``.
"""

from __future__ import annotations

from typing import Callable, Sequence, TextIO

from ..diagnostic import Diagnostic
from . import concise, full, github, json_format, json_lines, junit, sarif

Reporter = Callable[[Sequence[Diagnostic], TextIO], None]

REPORTERS: dict[str, Reporter] = {
    "text": concise.write,  # the original name of concise, kept for scripts that use it
    "concise": concise.write,
    "full": full.write,
    "json": json_format.write,
    "json-lines": json_lines.write,
    "github": github.write,
    "sarif": sarif.write,
    "junit": junit.write,
}
