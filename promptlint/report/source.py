"""The source lines that reporters quote (``full``) or hash (``sarif`` fingerprints).

Reporters get diagnostics only, so they read the files again, but only the lines they
need, in one streaming pass per file: a JSONL log can be far larger than memory should
hold. Nothing here raises: a file that is gone, unreadable or binary, or a line that is
out of range, simply has no text, and the reporter leaves the excerpt out.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Iterable, Mapping

# Same test as the JSON front-end: NUL bytes near the start mean "not text".
_BINARY_WINDOW = 8192


def read_lines(path: str, numbers: Iterable[int]) -> dict[int, str]:
    """The 1-based lines ``numbers`` of ``path`` that exist, decoded as the front-ends do.

    Lines are split on ``\\n`` (the JSON decoder's line numbering), a trailing ``\\r`` is
    dropped, a UTF-8 BOM on the first line is dropped (``utf-8-sig``), and bytes that are
    not UTF-8 become U+FFFD so the columns of the rest of the line still line up.
    """
    wanted = {n for n in numbers if n >= 1}
    if not wanted:
        return {}
    last = max(wanted)
    found: dict[int, str] = {}
    try:
        with Path(path).open("rb") as handle:
            if b"\x00" in handle.read(_BINARY_WINDOW):
                return {}
            handle.seek(0)
            for number, raw in enumerate(handle, start=1):
                if number in wanted:
                    text = raw.decode("utf-8", errors="replace").rstrip("\n").rstrip("\r")
                    found[number] = text.lstrip("\ufeff") if number == 1 else text
                if number >= last:
                    break
    except (OSError, ValueError):
        return {}
    return found


def read_all(wanted: Mapping[str, Iterable[int]]) -> dict[str, dict[int, str]]:
    """``read_lines`` for several files: path -> line number -> text."""
    return {path: read_lines(path, numbers) for path, numbers in wanted.items()}


def is_jsonl(path: str) -> bool:
    return path.endswith(".jsonl")


def printable(text: str) -> str:
    """``text`` safe to print in a terminal, one character per character.

    Tabs become one space and other control characters (ANSI escapes, NUL, DEL, C1)
    become U+FFFD, so a source line cannot drive the terminal and columns still count.
    """
    return "".join(" " if ch == "\t" else "\ufffd" if unicodedata.category(ch) == "Cc" else ch for ch in text)


def display_width(text: str) -> int:
    """Terminal cells ``text`` takes: wide East Asian characters take two, combining marks none."""
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width
