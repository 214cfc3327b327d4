"""Input that cannot be read as a request: PL001, PL002."""

from __future__ import annotations

from typing import Iterator

from ..diagnostic import Severity
from . import Finding, rule
from .analysis import Analysis

# PL001 is reported by the engine from what the front-ends could not parse.
rule(
    "PL001",
    "parse-error",
    Severity.ERROR,
    "A Python file has a syntax error, or a JSON/JSONL file or line does not parse.",
    scope="file",
)(None)


@rule(
    "PL002",
    "invalid-request",
    Severity.ERROR,
    "A rendered request does not match the provider's request shape.",
    frontends="JSON",
)
def invalid_request(a: Analysis) -> Iterator[Finding]:
    for problem in a.request.shape_problems:
        yield Finding(problem.span, f"{a.shape_name} request: {problem.message}")
