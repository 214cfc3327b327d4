"""What a rule reports: a diagnostic with a place, a message and maybe a fix.

Imports nothing of the package except the request model's Span.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from .request import Span


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


class Applicability(str, enum.Enum):
    SAFE = "safe"
    UNSAFE = "unsafe"
    DISPLAY_ONLY = "display-only"


@dataclass(frozen=True, slots=True)
class Edit:
    content: str
    start: tuple[int, int]  # (line, column), 1-based
    end: tuple[int, int]


@dataclass(frozen=True, slots=True)
class Fix:
    message: str
    applicability: Applicability = Applicability.DISPLAY_ONLY
    edits: tuple[Edit, ...] = ()


@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: str
    name: str
    severity: Severity
    message: str
    span: Span
    note: str | None = None
    fix: Fix | None = None
    # Extra machine-readable facts (token band, minimum, model), for json output.
    data: dict = field(default_factory=dict, compare=False, hash=False)
    # What makes two findings in a request set the same, when the message quotes a value
    # that differs between requests (a timestamp, an id); None: the message itself.
    same_as: str | None = field(default=None, compare=False, hash=False)

    def sort_key(self) -> tuple:
        return (self.span.path, self.span.line, self.span.column, self.code, self.message)
