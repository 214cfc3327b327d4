"""Front-ends turn files into requests; the engine picks one by file name."""

from __future__ import annotations

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
