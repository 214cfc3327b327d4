"""Bytes in the cached prefix that change between requests: PC101."""

from __future__ import annotations

import re
from typing import Iterator

from ..diagnostic import Fix, Severity
from ..request import Block, HoleKind
from . import Finding, rule
from .analysis import Analysis

_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_WEEKDAY = r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*,?"
_DATE = (
    r"(?:\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?"
    r"|\d{1,2}/\d{1,2}/\d{2,4}"
    rf"|(?:{_WEEKDAY}\s+)?{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|(?:{_WEEKDAY}\s+)?\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}"
    r"|\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?)"
)
_NOW_WORDS = (
    r"(?:today(?:'s)?|current(?:ly)?\s+(?:date|time|datetime|timestamp)|the\s+(?:date|time)\s+is|right\s+now"
    r"|\bnow\b|timestamp|it\s+is\s+currently|date\s*:|time\s*:|generated\s+(?:at|on))"
)
# Each shape that marks a value rendered fresh for each request, with what to call it.
_SHAPES = (
    (
        re.compile(rf"{_NOW_WORDS}[^\n.]{{0,40}}?(?P<v>{_DATE})|(?P<w>{_DATE})[^\n.]{{0,20}}?\(?{_NOW_WORDS}", re.I),
        "a date or time next to words like 'today' or 'current date'",
    ),
    (re.compile(r"(?<![\d:])(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?![\d:])"), "a time of day with seconds"),
    (
        re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[14][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\b", re.I),
        "a UUID (v1 or v4)",
    ),
    # Seconds or milliseconds since the epoch, 2011-2036: wider ranges catch phone numbers and ids.
    (re.compile(r"(?<![\w.])(?:1[3-9]\d{8}|20\d{8})(?:\d{3})?(?![\w.])"), "epoch seconds or milliseconds"),
)

_SECTION_NAMES = {"tools": "tool definition", "system": "system block", "messages": "message block"}


def volatile_shapes(text: str) -> Iterator[tuple[str, str]]:
    """(matched text, what it looks like) for each volatile-looking value, first of each kind."""
    for pattern, label in _SHAPES:
        match = pattern.search(text)
        if match:
            yield match.group(0).strip(), label


@rule(
    "PC101",
    "volatile-value-in-prefix",
    Severity.WARNING,
    "A volatile value (time, date, uuid, random, host, env, counter) reaches the cached prefix.",
)
def volatile_value_in_prefix(a: Analysis) -> Iterator[Finding]:
    for index, block in a.cached_blocks:
        where = _where(a, index, block)
        for hole in block.text.holes:
            if hole.kind is HoleKind.VOLATILE:
                yield Finding(
                    hole.origin or block.span,
                    f"{hole.label} reaches the cached prefix ({where}): the prefix changes with it, "
                    "so the cache is written again instead of read",
                    fix=_FIX,
                )
        # Literal text in code is a constant; in a rendered request it was filled in.
        if a.request.origin != "json":
            continue
        for value, label in volatile_shapes(block.text.known_text()):
            yield Finding(
                block.span,
                f"{where} carries {label} ({_excerpt(value)}): if it is rendered per request, "
                "the prefix changes with it and the cache is written again instead of read",
                fix=_FIX,
            )
            break


_FIX = Fix("move the volatile value after the last breakpoint (e.g. into the final user message)")


def _where(a: Analysis, index: int, block: Block) -> str:
    name = _SECTION_NAMES[block.section.value]
    before = next((m for m in a.marked if not m.automatic and m.index >= index), None)
    return f"{name} before breakpoint {before.number}" if before else f"{name}, cached automatically"


def _excerpt(value: str) -> str:
    return repr(value if len(value) <= 40 else value[:37] + "...")
