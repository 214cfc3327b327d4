"""``sarif``: SARIF 2.1.0 as GitHub code scanning reads it (style.md §4).

One run. ``tool.driver`` lists every rule that fired, with its summary, the "What it
does" section of its page as the full description, the whole page as help, and its URL.
Results carry a relative ``%SRCROOT%`` URI, a 1-based region (SARIF's ``endColumn`` is
exclusive, a Span's end is inclusive) and a ``primaryLocationLineHash`` that does not
depend on line numbers (see ``fingerprint``), so alerts survive edits above them.

Suppressed findings are not dropped: ``write_sarif(..., suppressed=...)`` emits them
with a ``suppressions`` entry so code scanning shows them as dismissed: ``{"kind":
"external"}`` for a baselined finding (a ``Diagnostic``), ``{"kind": "inSource"}`` with the
comment's place and its reason as ``justification`` for one a ``# promptlint: ignore``
comment silenced (a ``suppression.Suppressed``).

A file promptlint could not check (an internal error; the run exits 2) is not a finding:
it is a ``toolExecutionNotifications`` entry of the run's invocation, whose
``executionSuccessful`` is then false, so code scanning shows that the analysis was
incomplete rather than that the file is clean.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path, PureWindowsPath
from typing import TYPE_CHECKING, Any, Sequence, TextIO
from urllib.parse import quote

from .. import __version__, docs
from ..checks import DOCS_URL, Rule, all_rules
from ..diagnostic import Diagnostic, Severity
from ..suppression import Suppressed
from . import fingerprint, paths

if TYPE_CHECKING:
    from ..engine import FileFailure

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/promptlint/promptlint"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_PAGES_URL = DOCS_URL.split("{code}")[0]  # …/blob/main/rules/
# Links between rule pages are relative (PC205-invalid-cache-control.md); GitHub shows the
# help away from the rules/ folder, so they are made absolute.
_PAGE_LINK = re.compile(r"\]\((P[A-Z]\d{3}-[a-z0-9-]+\.md(?:#[^)\s]*)?)\)")


def write(diagnostics: Sequence[Diagnostic], out: TextIO) -> None:
    write_sarif(diagnostics, out)


def write_sarif(
    diagnostics: Sequence[Diagnostic], out: TextIO, suppressed: Sequence[Diagnostic | Suppressed] = (), failures: Sequence[FileFailure] = ()
) -> None:
    json.dump(log(diagnostics, suppressed, failures), out, indent=2, ensure_ascii=False, default=str)
    out.write("\n")


def log(diagnostics: Sequence[Diagnostic], suppressed: Sequence[Diagnostic | Suppressed] = (), failures: Sequence[FileFailure] = ()) -> dict[str, Any]:
    """The SARIF log as a dict: findings first, then suppressed ones, each in the order given."""
    everything = [*diagnostics, *(s.diagnostic if isinstance(s, Suppressed) else s for s in suppressed)]
    catalog = all_rules()
    codes = sorted({d.code for d in everything})
    index = {code: i for i, code in enumerate(codes)}
    fired = {d.code: d for d in reversed(everything)}  # the first diagnostic of each code
    prints = fingerprint.fingerprints(everything)
    results = []
    for i, (d, print_) in enumerate(zip(everything, prints)):
        r = result(d, index[d.code], print_)
        if i >= len(diagnostics):
            r["suppressions"] = [suppression_object(suppressed[i - len(diagnostics)])]
        results.append(r)
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "promptlint",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [descriptor(catalog.get(code), fired[code]) for code in codes],
                    }
                },
                "invocations": [invocation(failures)],
                "originalUriBaseIds": {"%SRCROOT%": {"uri": paths.top().as_uri() + "/"}},
                # Span columns count Unicode code points; SARIF's default is UTF-16 code units.
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def invocation(failures: Sequence[FileFailure]) -> dict[str, Any]:
    """Whether every file was checked, and a notification for each one that was not."""
    return {
        "executionSuccessful": not failures,
        "workingDirectory": {"uri": Path.cwd().resolve().as_uri() + "/"},
        "toolExecutionNotifications": [
            {
                "level": "error",
                "descriptor": {"id": failure.kind},
                "message": {"text": failure.sentence},
                "locations": [{"physicalLocation": {"artifactLocation": artifact(failure.path)}}],
            }
            for failure in failures
        ],
    }


def descriptor(rule: Rule | None, example: Diagnostic) -> dict[str, Any]:
    """A ``reportingDescriptor``; ``example`` stands in for a rule missing from the catalog."""
    code = example.code
    name = rule.name if rule else example.name
    summary = rule.summary if rule else example.message
    severity = rule.severity if rule else example.severity
    url = rule.url if rule else DOCS_URL.format(code=code, name=name)
    page = docs.page(code, name)
    page = _PAGE_LINK.sub(lambda m: f"]({_PAGES_URL}{m.group(1)})", page) if page else None
    return {
        "id": code,
        "name": name,
        "shortDescription": {"text": summary},
        "fullDescription": {"text": _what_it_does(page) or summary},
        "help": {
            "text": page or f"{summary}\n\nSee {url}",
            "markdown": page or f"{summary}\n\nSee [{code} {name}]({url}).",
        },
        "helpUri": url,
        "defaultConfiguration": {"level": LEVELS[severity]},
    }


def suppression_object(item: Diagnostic | Suppressed) -> dict[str, Any]:
    """A ``suppression`` object: a baselined finding's, or an inline comment's."""
    if not isinstance(item, Suppressed):
        return {"kind": "external"}
    comment = item.comment
    region: dict[str, Any] = {"startLine": comment.line, "startColumn": comment.column}
    if comment.end_line is not None and comment.end_column is not None:
        region.update(endLine=comment.end_line, endColumn=comment.end_column + 1)
    out: dict[str, Any] = {"kind": "inSource", "location": {"physicalLocation": {"artifactLocation": artifact(comment.path), "region": region}}}
    if item.reason:
        out["justification"] = item.reason
    return out


def _what_it_does(page: str | None) -> str | None:
    """The body of a page's ``## What it does`` section."""
    if not page:
        return None
    match = re.search(r"^## What it does[ \t]*\n(.*?)(?=^## |\Z)", page, re.M | re.S)
    if match is None:
        return None
    return match.group(1).strip() or None


def result(d: Diagnostic, rule_index: int, print_: str) -> dict[str, Any]:
    span = d.span
    region: dict[str, Any] = {"startLine": max(span.line, 1), "startColumn": max(span.column, 1)}
    if span.end_line is not None:
        region["endLine"] = span.end_line
        if span.end_column is not None:
            region["endColumn"] = span.end_column + 1  # SARIF's end column is exclusive
    text = d.message
    extra = [f"note: {d.note}"] if d.note else []
    if d.fix:
        extra.append(f"help: {d.fix.message}")
    if extra:
        text += "\n\n" + "\n".join(extra)
    physical: dict[str, Any] = {"artifactLocation": artifact(span.path), "region": region}
    found: dict[str, Any] = {
        "ruleId": d.code,
        "ruleIndex": rule_index,
        "level": LEVELS[d.severity],
        "message": {"text": text},
        "locations": [{"physicalLocation": physical}],
        "partialFingerprints": {"primaryLocationLineHash": print_},
    }
    if span.pointer is not None:
        # The element's JSON pointer in the request, for readers of the log (GitHub ignores it).
        found["properties"] = {"pointer": span.pointer}
    return found


def artifact(path: str) -> dict[str, str]:
    """A path against ``%SRCROOT%``, the repository's top folder (``paths.top``); one outside
    it as a file URI. GitHub resolves both against the checkout (style.md §4)."""
    windows = PureWindowsPath(path)
    if windows.drive and windows.is_absolute() and os.sep == "/":  # a Windows path, read on a POSIX system
        return {"uri": windows.as_uri()}
    inside = paths.in_repository(path)
    if inside is None:
        return {"uri": Path(os.path.abspath(path)).as_uri()}
    return {"uri": quote(inside, safe="/"), "uriBaseId": "%SRCROOT%"}