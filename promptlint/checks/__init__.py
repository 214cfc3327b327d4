"""The rule catalog: every rule's identity, and the functions that check it.

A rule is a function that reads an analysed request (``Analysis``) and yields
``Finding``s; the decorator gives it its stable code, name and default severity.
Rules never see a front-end's syntax tree or raw JSON.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from ..diagnostic import Fix, Severity
from ..request import Span

DOCS_URL = "https://github.com/promptlint/promptlint/blob/main/rules/{code}-{name}.md"


@dataclass(frozen=True, slots=True)
class Finding:
    span: Span
    message: str
    note: str | None = None
    fix: Fix | None = None
    severity: Severity | None = None  # when the rule's severity depends on the case
    data: dict = field(default_factory=dict)
    same_as: str | None = None  # see Diagnostic.same_as


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    summary: str
    frontends: str  # "both", "JSON", "Python"
    # "request": called with each request's Analysis; "set", "file" and "run": reported by
    # the engine itself (a set's by checks.request_sets.SetChecker).
    scope: str = "request"
    check: Callable[..., Iterable[Finding]] | None = None

    @property
    def url(self) -> str:
        return DOCS_URL.format(code=self.code, name=self.name)


RULES: dict[str, Rule] = {}

# Modules whose import registers rules; one per family.
_FAMILIES = ("syntax", "models", "stability", "structure", "size", "cost", "observability", "request_sets")


def rule(code: str, name: str, severity: Severity, summary: str, frontends: str = "both", scope: str = "request"):
    def register(fn: Callable[..., Iterable[Finding]] | None) -> Callable[..., Iterable[Finding]] | None:
        RULES[code] = Rule(code, name, severity, summary, frontends, scope, fn)
        return fn

    return register


def all_rules() -> dict[str, Rule]:
    for family in _FAMILIES:
        importlib.import_module(f"{__name__}.{family}")
    return dict(sorted(RULES.items()))


def request_rules(enabled: Iterable[str]) -> Iterator[Rule]:
    rules = all_rules()
    for code in sorted(enabled):
        if rules[code].scope == "request" and rules[code].check is not None:
            yield rules[code]

