"""``github``: GitHub Actions workflow commands, which the runner turns into annotations.

``::error title=promptlint (PC204),file=…,line=…,col=…,endLine=…,endColumn=…::message``

Severity error is ``error``, warning is ``warning`` and info is ``notice``. Values are
escaped exactly as @actions/core's ``command.js`` does it. ``col`` and ``endColumn``
are left out when a span covers several lines, which GitHub rejects (ruff #22074).

GitHub shows at most 10 error, 10 warning and 10 notice annotations per step and drops
the rest without a word (actions/toolkit PR #734; style.md §2). When a run has more,
a last ``::notice::`` line gives the true counts and points at SARIF upload, which has
no such cap. (That notice is itself dropped when there are more than 10 info
findings, since it is one notice too many; the counts are still in the log.)

A file promptlint could not check (an internal error) gets an ``::error`` annotation on the
file, so the pull request shows that it was not checked, not only the job's log.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Sequence, TextIO

from ..diagnostic import Diagnostic, Severity
from . import paths

if TYPE_CHECKING:
    from ..engine import FileFailure

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
PER_STEP_CAP = 10  # annotations of each kind per step


def escape_data(value: str) -> str:
    """@actions/core ``escapeData``: the message after ``::``."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """@actions/core ``escapeProperty``: a ``key=value`` before ``::``."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def command(name: str, properties: dict[str, object], message: str) -> str:
    """``::name key=value,…::message`` as @actions/core's ``issueCommand`` writes it."""
    line = f"::{name}"
    if properties:
        line += " " + ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
    return f"{line}::{escape_data(message)}"


def _file(path: str) -> str:
    """The path GitHub matches against the checkout: from the repository's top folder."""
    return paths.in_repository(path) or path


def annotation(d: Diagnostic) -> str:
    span = d.span
    end_line = span.end_line or span.line
    properties: dict[str, object] = {"title": f"promptlint ({d.code})", "file": _file(span.path), "line": span.line}
    if end_line == span.line:
        properties["col"] = span.column
        properties["endLine"] = end_line
        properties["endColumn"] = span.end_column or span.column
    else:
        properties["endLine"] = end_line
    return command(COMMANDS[d.severity], properties, d.message)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def cap_notice(diagnostics: Sequence[Diagnostic]) -> str | None:
    """The closing notice when GitHub will not show every annotation, else None."""
    counts = Counter(COMMANDS[d.severity] for d in diagnostics)
    if all(n <= PER_STEP_CAP for n in counts.values()):
        return None
    found = ", ".join(
        [_count(counts["error"], "error"), _count(counts["warning"], "warning"), _count(counts["notice"], "notice")]
    )
    return command(
        "notice",
        {},
        f"promptlint found {found}, but GitHub Actions shows at most {PER_STEP_CAP} error, "
        f"{PER_STEP_CAP} warning and {PER_STEP_CAP} notice annotations per step, so some findings are not annotated. "
        "To see every finding, run `promptlint check --format sarif -o promptlint.sarif` "
        "and upload the file with github/codeql-action/upload-sarif (code scanning).",
    )


def write(diagnostics: Sequence[Diagnostic], out: TextIO, failures: Sequence[FileFailure] = ()) -> None:
    for failure in failures:
        title = "promptlint (internal error)" if failure.internal else "promptlint (file not read)"
        out.write(command("error", {"title": title, "file": _file(failure.path)}, failure.sentence) + "\n")
    for d in diagnostics:
        out.write(annotation(d) + "\n")
    notice = cap_notice(diagnostics)
    if notice:
        out.write(notice + "\n")
