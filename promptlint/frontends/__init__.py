"""Front-ends turn files into requests; the engine picks one by file name."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ..request import Request, RequestSet, Span


@dataclass(frozen=True, slots=True)
class ParseError:
    """A file, or one line of it, that could not be read as its format."""

    message: str
    span: Span


@dataclass(slots=True)
class Parsed:
    requests: list[Request] = field(default_factory=list)
    sets: list[RequestSet] = field(default_factory=list)
    errors: list[ParseError] = field(default_factory=list)
    # Other files the result depends on (modules and prompt files code reads).
    depends: list[Path] = field(default_factory=list)
    # Functions whose callers anywhere in the run the result depends on (what they pass
    # builds a request here): a file added later that calls one changes the result.
    callers_of: list[str] = field(default_factory=list)
    # What run-level rules need from this file (the Python front-end's FileFacts).
    facts: object = None
    # Why the file was not read at all, when it was skipped (too large).
    skipped: str | None = None


def sniff_suffix(data: bytes) -> str:
    """The kind of file unnamed content is, by its look: ``.json`` (one document), ``.jsonl``
    (a JSON value on each line) or ``.py``."""
    text = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text[:1] not in (b"{", b"["):
        return ".py"
    first, _, rest = text.partition(b"\n")
    if not rest.strip():
        return ".json"
    # A record on a line of its own among the first few (the first may be cut off): JSONL;
    # none (an object spread over lines, or no JSON at all, which its reader says): one body.
    lines = [line for line in text.split(b"\n", 6)[:6] if line[:1] in (b"{", b"[")]  # records start a line; an indented line is inside a value
    return ".jsonl" if any(_one_value(line) for line in lines) else ".json"


def _one_value(line: bytes) -> bool:
    try:
        return isinstance(json.loads(line), (dict, list))
    except ValueError:
        return False
