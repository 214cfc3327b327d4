"""JSON with positions: where each key and element of a document starts.

Python's json module gives values but no positions, and diagnostics must point at
the line of the offending key or block. Parsing the whole document in Python would
be slow, so the document is parsed once by the C decoder (which also reports syntax
errors) and then walked a second time, in Python, only as deep as positions are
needed: below ``max_depth`` the C decoder skips a value in one call.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass
from json.decoder import scanstring  # type: ignore[attr-defined]
from typing import Any

Path = tuple  # of str keys and int indices

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


class LineIndex:
    """Maps offsets in a text to 1-based (line, column)."""

    def __init__(self, text: str, first_line: int = 1) -> None:
        self._newlines = [m.start() for m in re.finditer("\n", text)]
        self._first_line = first_line

    def position(self, offset: int) -> tuple[int, int]:
        row = bisect.bisect_left(self._newlines, offset)
        line_start = self._newlines[row - 1] + 1 if row else 0
        return self._first_line + row, offset - line_start + 1


@dataclass
class Located:
    """A parsed document and the start offset of every element down to a depth."""

    value: Any
    offsets: dict[Path, int]
    lines: LineIndex

    def position(self, path: Path) -> tuple[int, int]:
        """(line, column) of the element at ``path``, or of its nearest located parent."""
        while path not in self.offsets and path:
            path = path[:-1]
        return self.lines.position(self.offsets.get(path, 0))


def locate(text: str, max_depth: int = 8) -> Located:
    """Parse ``text`` and record element offsets.

    Raises ``json.JSONDecodeError`` for invalid JSON and ``RecursionError`` for
    nesting deeper than the decoder allows.
    """
    value = json.loads(text)
    offsets: dict[Path, int] = {}
    start = _WHITESPACE.match(text, 0).end()  # type: ignore[union-attr]
    offsets[()] = start
    _walk(text, start, (), 0, max_depth, offsets)
    return Located(value, offsets, LineIndex(text))


def _skip_ws(text: str, idx: int) -> int:
    return _WHITESPACE.match(text, idx).end()  # type: ignore[union-attr]


def _walk(text: str, idx: int, path: Path, depth: int, max_depth: int, out: dict[Path, int]) -> int:
    """Record offsets below the value starting at ``idx``; return the offset after it.

    The text is known to be valid JSON (``json.loads`` accepted it first).
    """
    char = text[idx]
    if depth >= max_depth or char not in "{[":
        return _DECODER.raw_decode(text, idx)[1]
    if char == "{":
        idx = _skip_ws(text, idx + 1)
        if text[idx] == "}":
            return idx + 1
        while True:
            key_start = idx
            key, idx = scanstring(text, idx + 1)
            idx = _skip_ws(text, _skip_ws(text, idx) + 1)  # past the colon
            child = path + (key,)
            out[child] = key_start
            idx = _skip_ws(text, _walk(text, idx, child, depth + 1, max_depth, out))
            if text[idx] == ",":
                idx = _skip_ws(text, idx + 1)
                continue
            return idx + 1
    idx = _skip_ws(text, idx + 1)
    if text[idx] == "]":
        return idx + 1
    index = 0
    while True:
        child = path + (index,)
        out[child] = idx
        idx = _skip_ws(text, _walk(text, idx, child, depth + 1, max_depth, out))
        if text[idx] == ",":
            idx = _skip_ws(text, idx + 1)
            index += 1
            continue
        return idx + 1
