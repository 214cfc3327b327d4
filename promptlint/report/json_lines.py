"""``json-lines``: the ``json`` format's objects, one per line (Ruff's ``json-lines``)."""

from __future__ import annotations

import json
from typing import Sequence, TextIO

from ..diagnostic import Diagnostic
from .json_format import as_dict

_LINE_BREAKS = {ord(c): f"\\u{ord(c):04x}" for c in "\x85\u2028\u2029"}


def dumps(d: Diagnostic) -> str:
    text = json.dumps(as_dict(d), ensure_ascii=False, default=str)
    # NEL, U+2028 and U+2029 are legal raw in a JSON string, but str.splitlines() and
    # some line readers break records on them; escaped, every record stays on one line.
    return text.translate(_LINE_BREAKS)


def write(diagnostics: Sequence[Diagnostic], out: TextIO) -> None:
    for d in diagnostics:
        out.write(dumps(d) + "\n")
