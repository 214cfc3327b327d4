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
    # "request": called with each request's Analysis; "set": with a request set's SetView;
    # "file" and "run": reported by the engine itself.
    scope: str = "request"
    check: Callable[..., Iterable[Finding]] | None = None

    @property
    def url(self) -> str:
        return DOCS_URL.format(code=self.code, name=self.name)


RULES: dict[str, Rule] = {}

# Modules whose import registers rules; one per family.
_FAMILIES = ("syntax", "models", "stability", "structure", "size", "cost", "observability", "request_sets")

# What a request rule also finds in a request set as a whole (PC101's bytes that differ
# between requests, PC104's parameter that changes, PC401 measured): code -> check(SetView).
SET_FORMS: dict[str, Callable[..., Iterable[Finding]]] = {}


def rule(code: str, name: str, severity: Severity, summary: str, frontends: str = "both", scope: str = "request"):
    def register(fn: Callable[..., Iterable[Finding]] | None) -> Callable[..., Iterable[Finding]] | None:
        RULES[code] = Rule(code, name, severity, summary, frontends, scope, fn)
        return fn

    return register


def set_form(code: str):
    def register(fn: Callable[..., Iterable[Finding]]) -> Callable[..., Iterable[Finding]]:
        SET_FORMS[code] = fn
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


def set_checks(enabled: Iterable[str]) -> Iterator[tuple[Rule, Callable[..., Iterable[Finding]]]]:
    """The checks that read a request set as a whole: set rules, and request rules' set forms."""
    rules = all_rules()
    for code in sorted(enabled):
        if rules[code].scope == "set" and rules[code].check is not None:
            yield rules[code], rules[code].check  # type: ignore[misc]
        if code in SET_FORMS:
            yield rules[code], SET_FORMS[code]
