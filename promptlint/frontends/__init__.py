"""Front-ends turn files into requests; the engine picks one by file name."""

from __future__ import annotations

from dataclasses import dataclass, field

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
