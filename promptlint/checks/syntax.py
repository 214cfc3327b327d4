"""Input that cannot be read as a request: PL001, PL002; suppression comments that do nothing: PL004."""

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

# PL005 is reported by the engine for a file it did not read (over the size limit).
rule(
    "PL005",
    "file-too-large",
    Severity.INFO,
    "A Python file over the configured size limit is not checked.",
    frontends="Python",
    scope="file",
)(None)

# PL004 is reported by the engine from the `# promptlint: ignore` comments of Python files
# (promptlint/suppression.py).
rule(
    "PL004",
    "unused-suppression",
    Severity.WARNING,
    "A `# promptlint: ignore` comment suppresses nothing, or names a rule that does not exist.",
    frontends="Python",
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
