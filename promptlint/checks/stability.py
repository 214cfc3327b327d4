"""Bytes in the cached prefix that change between requests: PC101."""

from __future__ import annotations

import re
from typing import Iterator

from ..diagnostic import Fix, Severity
from ..request import Block, HoleKind, Section
from . import Finding, rule
from .analysis import Analysis

_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
# Dates and times as prompts write them: 2026-11-22, 11/22/2026, 14:03, Nov 22, 2026, 22 November 2026.
_DATE = re.compile(
    r"\b(?:\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?|\d{1,2}/\d{1,2}/\d{2,4}|\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?"
    rf"|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}})",
    re.I,
)
# Words that say a date is "now" rather than a fixed fact (a cutoff, an example, a deadline).
_NOW_WORDS = re.compile(
    r"\b(?:today(?:'s)?|current(?:ly)?\s+(?:date|time|datetime|timestamp)|the\s+(?:date|time)\s+is|right\s+now"
    r"|now|timestamp|it\s+is\s+currently|date\s*:|time\s*:|generated\s+(?:at|on))",
    re.I,
)
_BEFORE, _AFTER = 48, 24  # how far from a date its "now" word may stand
_TIME_WITH_SECONDS = re.compile(r"(?<![\d:])(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?![\d:])")
_UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[14][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\b", re.I)
# Seconds or milliseconds since the epoch, 2011-2036: wider ranges catch phone numbers and ids.
_EPOCH = re.compile(r"(?<![\w.])(?:1[3-9]\d{8}|20\d{8})(?:\d{3})?(?![\w.])")

# A text longer than this is searched at its start and end only: a prompt that long is
# past any model's context window, and a full search would cost seconds.
_SCAN_LIMIT = 1 << 20
_CACHE_SIZE = 4096
_seen: dict[str, tuple[tuple[str, str], ...]] = {}


def volatile_shapes(text: str) -> tuple[tuple[str, str], ...]:
    """(matched text, what it looks like) for each kind of volatile-looking value in ``text``."""
    found = _seen.get(text)
    if found is None:
        if len(_seen) >= _CACHE_SIZE:
            _seen.clear()
        found = _seen[text] = tuple(_scan(text))
    return found


def _scan(text: str) -> Iterator[tuple[str, str]]:
    if len(text) > _SCAN_LIMIT:
        half = _SCAN_LIMIT // 2
        text = text[:half] + "\n" + text[-half:]
    for match in _DATE.finditer(text):
        start, end = match.span()
        if _NOW_WORDS.search(text, max(0, start - _BEFORE), min(len(text), end + _AFTER)):
            yield match.group(0), "a date or time next to words like 'today' or 'current date'"
            break
    for pattern, label in (
        (_TIME_WITH_SECONDS, "a time of day with seconds"),
        (_UUID, "a UUID (v1 or v4)"),
        (_EPOCH, "epoch seconds or milliseconds"),
    ):
        match = pattern.search(text)
        if match:
            yield match.group(0), label


_SECTION_NAMES = {"tools": "tool definition", "system": "system block", "messages": "message block"}


@rule(
    "PC101",
    "volatile-value-in-prefix",
    Severity.WARNING,
    "A volatile value (time, date, uuid, random, host, env, counter) reaches the cached prefix.",
)
def volatile_value_in_prefix(a: Analysis) -> Iterator[Finding]:
    if a.nothing_cached:  # then PC301 (or nothing) is the finding: no cache to defeat
        return
    for index, block in a.cached_blocks:
        for hole in block.text.holes:
            if hole.kind is HoleKind.VOLATILE:
                yield Finding(
                    hole.origin or block.span,
                    f"{hole.label} reaches the cached prefix ({_where(a, index, block)}): the prefix changes with it, "
                    "so the cache is written again instead of read",
                    fix=_FIX,
                )
        # Literal text in code is a constant; in a rendered request it was filled in. Only the
        # template parts are re-rendered per request: conversation history is re-sent as it was.
        if a.request.origin != "json" or block.section is Section.MESSAGES:
            continue
        for value, label in volatile_shapes(block.text.known_text()):
            where = _where(a, index, block)
            yield Finding(
                block.span,
                f"{where} carries {label} ({_excerpt(value)}): if it is rendered per request, "
                "the prefix changes with it and the cache is written again instead of read",
                fix=_FIX,
                same_as=f"{where}: {label}",
            )
            break


_FIX = Fix("move the volatile value after the last breakpoint (e.g. into the final user message)")


def _where(a: Analysis, index: int, block: Block) -> str:
    name = _SECTION_NAMES[block.section.value]
    before = next((m for m in a.marked if not m.automatic and m.index >= index), None)
    return f"{name} before breakpoint {before.number}" if before else f"{name} (cached automatically)"


def _excerpt(value: str) -> str:
    return repr(value if len(value) <= 40 else value[:37] + "...")
