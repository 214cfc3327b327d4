"""Bytes in the cached prefix that change between requests, and parameters that split
the cache: PC101, PC102, PC103, PC104, PC404."""

from __future__ import annotations

import re
from typing import Iterator

from ..diagnostic import Applicability, Edit, Fix, Severity
from ..request import Block, Hole, HoleKind, Section, Text
from . import Finding, rule
from .analysis import Analysis

_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
# Dates and times as prompts write them: 2026-11-22, 2026/11/22, 11/22/2026, 22.11.2026, 14:03,
# Nov 22, 2026, 22 November 2026.
_DATE = re.compile(
    r"\b(?:\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?|\d{4}([/.])\d{2}\1\d{2}\b|\d{1,2}\.\d{1,2}\.\d{4}\b|\d{1,2}/\d{1,2}/\d{2,4}|\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?"
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
# The digits must stand alone: not part of a word, a decimal or a dotted version or name
# (1796000000.5, 3.1796000000, 1796000000.2.3, 1796000000.log); a full stop that ends the
# sentence ("Session started 1796000000.") is no part of the number.
_EPOCH = re.compile(r"(?<![\w.])(?:1[3-9]\d{8}|20\d{8})(?:\d{3})?(?!\w|\.\w)")
# Ten digits written right after a word for a phone line are a number to dial (US area codes
# 130-209 fall in the epoch range): "Fax 2065550101", "call us on 1415550101". "This call
# started at 1796000000" is a time.
_PHONE_BEFORE = re.compile(
    r"\b(?:fax|phone|tel|telephone|mobile|cell|sms|whatsapp|hotline|dial|(?:call|text)\s+(?:us|me|them|him|her))\b"
    r"\W{0,3}(?:\([^)]{0,30}\)\W{0,3})?(?:(?:at|on|number|no)\b\W{1,3})?$"
    r"|\b(?:call|text|ring)\W{1,3}$",  # "call 1800555123": the verb right before the number
    re.I,
)

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
    hints = _hints(text)
    if hints is None or hints[0]:
        for match in (_DATE if hints is None or hints[0] is _MONTHS else _DATE_NUMERIC).finditer(text):
            start, end = match.span()
            if _NOW_WORDS.search(text, max(0, start - _BEFORE), min(len(text), end + _AFTER)):
                yield match.group(0), "a date or time next to words like 'today' or 'current date'"
                break
    for pattern, label, hint in (
        (_TIME_WITH_SECONDS, "a time of day with seconds", 1),
        (_UUID, "a UUID (v1 or v4)", 2),
        (_EPOCH, "epoch seconds or milliseconds", 3),
    ):
        if hints is not None and not hints[hint]:
            continue
        for match in pattern.finditer(text):
            if pattern is _EPOCH and _PHONE_BEFORE.search(text, max(0, match.start() - 32), match.start()):
                continue
            yield match.group(0), label
            break


# Each shape above needs digits in some arrangement, and most prompt text has none of
# them; searching it with the patterns costs far more (they cannot skip ahead to a likely
# start) than ruling them out. In ASCII text, bytes mapped to digit "0", space " ", the
# separators kept and all else "x" show the arrangements as plain substrings.
_SHAPE_BYTES = bytes(
    ord("0") if re.fullmatch(r"\d", chr(c)) else ord(" ") if re.fullmatch(r"\s", chr(c)) else c if chr(c) in ":-/." else ord("x")
    for c in range(256)
)
# What a month-name date needs: a month word, then spaces and a digit (on lower-cased
# text). Tried, reversed, only at the digits that follow a space: the text before each.
_MONTH_THEN_DIGIT_REVERSED = re.compile(r"\d\s+,?\.?[a-z]*(?:naj|bef|ram|rpa|yam|nuj|luj|gua|pes|tco|von|ced)")
_MONTHS = "months"  # the _DATE hint when a month-name date may be there
# _DATE without its month-name alternatives, the others made to start with their first
# digit (and \b as "no word character before that digit"): the same matches as _DATE
# where no month-name date can be, found by skipping from digit to digit instead of
# trying the pattern at every word.
_DATE_NUMERIC = re.compile(
    r"\d(?<!\w\d)(?:\d{3}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?|\d{3}([/.])\d{2}\1\d{2}\b|\d?\.\d{1,2}\.\d{4}\b|\d?/\d{1,2}/\d{2,4}|\d?:\d{2}(?:\s*[ap]\.?m\.?)?)",
    re.I,
)
_UUID_HINT = re.compile(r"-[0-9a-f]{4}-[14]", re.I)


def _hints(text: str) -> tuple[object, bool, bool, bool] | None:
    """Whether _DATE, _TIME_WITH_SECONDS, _UUID and _EPOCH could match in ``text``: false
    only when they cannot (for _DATE, _MONTHS when a month-name date may be there too).
    None when not worked out (text that is not ASCII)."""
    if not text.isascii():
        return None
    shape = text.encode("ascii").translate(_SHAPE_BYTES)
    date: object = b"0-0" in shape or b"0/0" in shape or b"0:0" in shape or b"0.0" in shape
    digit = shape.find(b" 0") + 1
    if digit:
        backwards = text.lower()[::-1]
        last = len(text) - 1
        while digit:
            if _MONTH_THEN_DIGIT_REVERSED.match(backwards, last - digit):
                date = _MONTHS
                break
            digit = shape.find(b" 0", digit) + 1
    return date, b"00:00:00" in shape, _UUID_HINT.search(text) is not None, b"0000000000" in shape


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
    newest = _newest_turn(a)
    for index, block in a.cached_blocks:
        for hole in _holes(block.text):
            if hole.kind is HoleKind.VOLATILE and (newest is None or block.message_index != newest):
                effect = (
                    "it is made once, at import, so every process that gets another value (a restart, for a time; "
                    "another host or deploy, for a setting) writes the cache again"
                    if hole.at_import
                    else "the prefix changes with it, so the cache is written again instead of read"
                )
                yield Finding(hole.origin or block.span, f"{hole.label} reaches the cached prefix ({_where(a, index, block)}): {effect}", fix=_FIX)
        # Literal text in code is a constant; in a rendered request it was filled in. Only the
        # template parts are re-rendered per request: conversation history is re-sent as it was.
        if a.request.origin != "json" or block.section is Section.MESSAGES:
            continue
        for value, label in volatile_shapes(_known_text(block.text)):
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


def _newest_turn(a: Analysis) -> int | None:
    """The message the last breakpoint sits on, when it is the request's last message.

    A value in the newest turn is written once: a conversation re-sends that turn as it
    was, and a breakpoint on a turn no request extends is PC202's finding, not this one.
    """
    marked = [m for m in a.marked if not m.automatic] or a.marked
    if not marked:
        return None
    block = a.request.blocks[marked[-1].index]
    last = max((b.message_index for b in a.request.blocks if b.message_index is not None), default=None)
    return block.message_index if block.section is Section.MESSAGES and block.message_index == last else None


def _where(a: Analysis, index: int, block: Block) -> str:
    name = _SECTION_NAMES[block.section.value]
    before = next((m for m in a.marked if not m.automatic and m.index >= index), None)
    return f"{name} before breakpoint {before.number}" if before else f"{name} (cached automatically)"


def _excerpt(value: str) -> str:
    return repr(value if len(value) <= 40 else value[:37] + "...")


def _holes(text: Text) -> tuple[Hole, ...]:
    pieces = text.pieces
    if len(pieces) == 1 and type(pieces[0]) is str:  # a rendered request's block: no holes
        return ()
    return text.holes


def _known_text(text: Text) -> str:
    pieces = text.pieces
    return pieces[0] if len(pieces) == 1 and type(pieces[0]) is str else text.known_text()


def _holes_in_cache(a: Analysis, kind: HoleKind) -> Iterator[tuple[int, Block, Hole]]:
    """Each hole of ``kind`` in the cached part, once per origin."""
    if a.nothing_cached:
        return
    seen: set = set()
    for index, block in a.cached_blocks:
        for hole in _holes(block.text):
            if hole.kind is kind and (hole.origin or hole.label) not in seen:
                seen.add(hole.origin or hole.label)
                yield index, block, hole


@rule(
    "PC102",
    "unsorted-json-in-prefix",
    Severity.WARNING,
    "json.dumps without sort_keys=True (or str()/repr() of a dict) builds cached prefix content.",
    frontends="Python",
)
def unsorted_json_in_prefix(a: Analysis) -> Iterator[Finding]:
    for index, block, hole in _holes_in_cache(a, HoleKind.UNSORTED_JSON):
        if hole.insert is not None:
            line, column, text = hole.insert
            fix = Fix("add sort_keys=True", Applicability.SAFE, (Edit(text, (line, column), (line, column)),))
        else:
            fix = Fix("serialise with json.dumps(..., sort_keys=True) instead")
        yield Finding(
            hole.origin or block.span,
            f"{hole.label} builds the cached prefix ({_where(a, index, block)}): key order follows how the dict "
            "was built, so an equal value can serialise to different bytes and miss the cache",
            fix=fix,
        )


@rule(
    "PC103",
    "unordered-iteration-in-prefix",
    Severity.WARNING,
    "Prefix content is built by iterating something unordered (a set, a directory listing) or shuffled.",
    frontends="Python",
)
def unordered_iteration_in_prefix(a: Analysis) -> Iterator[Finding]:
    for index, block, hole in _holes_in_cache(a, HoleKind.UNORDERED):
        shuffled = "shuffle" in hole.label or "sample" in hole.label or "permutation" in hole.label
        why = "puts the items in a random order" if shuffled else "yields items in an order that can change between processes or machines"
        yield Finding(
            hole.origin or block.span,
            f"{hole.label} {why}, and that order builds the cached prefix ({_where(a, index, block)}): "
            "each order is a different prefix with its own cache entry",
            fix=Fix("pass it through sorted() (or keep a list in a fixed order) before it builds the prompt"),
        )


# What a change of each parameter invalidates (facts.md §1.8): "all", or only the messages level.
_LEVEL = {
    "model": "all", "tools": "all", "tool_choice": "messages", "thinking": "messages", "disable_parallel_tool_use": "messages",
    # Bedrock Converse: the model, the tools (with the tool choice), and thinking among the extra fields.
    "modelId": "all", "toolConfig": "all", "additionalModelRequestFields": "messages",
    "images": "messages",  # added or removed anywhere in the prompt (facts.md §1.8)
}  # fmt: skip


@rule(
    "PC104",
    "cache-scope-parameter-varies",
    Severity.WARNING,
    "A parameter whose change invalidates a cached level is chosen per call.",
)
def cache_scope_parameter_varies(a: Analysis) -> Iterator[Finding]:
    call = a.request.call
    if call is None or not call.varying or a.nothing_cached or a.rejected:
        return
    marked_levels = {a.request.blocks[m.index].section for m in a.marked if m.number not in a.ignored_breakpoints}
    if not a.marked:
        marked_levels = {Section.TOOLS, Section.SYSTEM}
    for name, (span, why) in sorted(call.varying.items(), key=lambda item: (item[1][0].line, item[0])):
        level = _LEVEL.get(name, "messages")
        if level == "messages" and Section.MESSAGES not in marked_levels:
            continue
        scope = "everything cached (tools, system and messages)" if level == "all" else "the cached messages"
        if name == "images":
            yield Finding(
                span,
                f"an image or document is sent on some calls only ({why}): adding or removing images invalidates {scope}, "
                "so calls with and without do not read each other's cache entries",
                fix=Fix("send images the same way on every call that shares cached messages (the tools and system caches are not affected)"),
            )
            continue
        yield Finding(
            span,
            f"{name} is chosen per call ({why}): a change of {name} invalidates {scope}, so calls with "
            "different values do not read each other's cache entries",
            fix=Fix(f"keep {name} fixed for calls that share a cached prefix (one call site per value)"),
        )


_ID_WORDS = re.compile(r"user|uid|customer|cust_|account|acct|email|request|req_|trace|span_id|client_id|visitor|device", re.I)
_CONVERSATION_WORDS = re.compile(r"session|conversation|convo|thread|chat|dialog", re.I)
_SCOPED_WORDS = re.compile(rf"{_CONVERSATION_WORDS.pattern}|topic|prompt|template|version|feature|route|task", re.I)
_ID_LITERAL = re.compile(r"^(?:user|usr|u|uid|customer|cust|account|acct|req|request|trace|visitor)[-_:/.]?[0-9a-f]{2,}", re.I)


@rule(
    "PC404",
    "per-user-cache-key",
    Severity.WARNING,
    "An OpenAI prompt_cache_key built from a user, request or trace id, or a volatile value.",
)
def per_user_cache_key(a: Analysis) -> Iterator[Finding]:
    key = a.request.params.get("prompt_cache_key")
    span = a.request.param_spans.get("prompt_cache_key")
    if key is None or span is None:
        return
    text = key if isinstance(key, Text) else Text((key,)) if isinstance(key, Hole) else Text.literal(key) if isinstance(key, str) else None
    if text is None:
        return
    holes = text.holes
    volatile = next((h for h in holes if h.kind is HoleKind.VOLATILE), None)
    if volatile is not None:
        why = f"{volatile.label}, which changes on every call"
    elif any(_CONVERSATION_WORDS.search(h.label) for h in holes):
        return  # one key per conversation (with its user's id or not) is the scope the rule page recommends
    elif (named := next((h for h in holes if _ID_WORDS.search(h.label) and not _SCOPED_WORDS.search(h.label) and not h.label.startswith("chosen by")), None)) is not None:
        # A per-user part splits the traffic whatever shared parts stand beside it
        # ("{prompt_version}-{user_id}"); a value chosen among fixed ones (KEYS[plan]) is no id.
        why = f"{named.label}, a per-user or per-request id"
    elif holes:
        return
    elif text.is_static and _ID_LITERAL.match(text.known_text()):
        why = f"a per-user or per-request id ({_excerpt(text.known_text())})"
    else:
        return
    yield Finding(
        span,
        f"prompt_cache_key is built from {why}: requests that share a prefix are split into groups too small "
        "to be read (OpenAI routes a key's traffic to one cache)",
        fix=Fix("key by what the requests share: a prompt template and version, a tenant, or a conversation id"),
    )
