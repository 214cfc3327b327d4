"""Breakpoints the API refuses: PC201, PC204, PC205.

The predicates are functions of the analysis because they also decide precedence:
a request the API would reject gets these errors and no cost findings.
"""

from __future__ import annotations

import re
from typing import Iterator

from ..diagnostic import Fix, Severity
from ..request import Hole
from . import Finding, rule
from .analysis import Analysis, Marked, can_carry

# The one `type` each breakpoint style accepts (the providers' request schemas).
_TYPE_FIELD = {"cache_control": "ephemeral", "cachePoint": "default"}


def excess_breakpoints(a: Analysis) -> list[Marked]:
    limit = a.facts.max_breakpoints
    if limit is None:
        return []
    return a.marked[limit:]


def ttl_order_violations(a: Analysis) -> list[tuple[Marked, Marked]]:
    """(1h breakpoint, the earlier 5m breakpoint it follows) pairs."""
    if not {"5m", "1h"} <= set(a.facts.ttls):
        return []
    violations = []
    first_short: Marked | None = None
    for marked in a.marked:
        ttl = a.ttl(marked.breakpoint)
        if ttl == "5m" and first_short is None:
            first_short = marked
        elif ttl == "1h" and first_short is not None and first_short.index != marked.index:
            violations.append((marked, first_short))  # on one block: PC205's TTL mismatch, not an order
    return violations


def invalid_breakpoints(a: Analysis) -> list[tuple[Marked, str]]:
    problems = []
    for marked in a.marked:
        problem = _breakpoint_problem(a, marked)
        if problem:
            problems.append((marked, problem))
    return problems


def _breakpoint_problem(a: Analysis, marked: Marked) -> str | None:
    bp = marked.breakpoint
    value = bp.value
    if isinstance(value, Hole):  # set from a value code computes: nothing to judge
        return None
    if not isinstance(value, dict):
        return f"{bp.style} must be an object, not {_json_type(value)}"
    expected = _TYPE_FIELD.get(bp.style)
    if expected and value.get("type") != expected:
        got = f"type {value['type']!r}" if "type" in value else "no type"
        return f"{bp.style} has {got}; the only type is {expected!r}"
    if "ttl" in value and a.facts.ttls and value["ttl"] not in a.facts.ttls:
        return f"{bp.style} ttl {value['ttl']!r} is not one of {', '.join(map(repr, a.facts.ttls))}"
    if marked.automatic:
        own = a.request.blocks[marked.index].breakpoint
        if own is not None and isinstance(own.value, dict) and None not in (a.ttl(own), a.ttl(bp)) and a.ttl(own) != a.ttl(bp):
            # Same TTL there is a no-op; a different one is refused (facts.md §1.7).
            return f"top-level {bp.style} asks for a {a.ttl(bp)} TTL, but the last block it lands on has its own marker asking for {a.ttl(own)}"
        return None
    if bp.on_message:
        return f"{bp.style} sits on a message, not on one of its content blocks (put it on the message's last block)"
    block = a.request.blocks[marked.index]
    if bp.style == "prompt_cache_breakpoint" and block.section.value == "tools":
        return "prompt_cache_breakpoint cannot sit on a tool definition"
    since = a.facts.explicit_breakpoints_from
    if bp.style == "prompt_cache_breakpoint" and since and a.model is not None and _older(a.model.id, since):
        return f"prompt_cache_breakpoint exists from {since} on, and {a.model.id} rejects the field"
    if not can_carry(block):
        what = "an empty text block" if block.type == "text" else f"a {block.type} block"
        if block.type == "cachePoint":
            what = "nothing (no block before it)"
        return f"{bp.style} sits on {what}, which cannot carry a breakpoint"
    return None


def _older(model: str, since: str) -> bool:
    """Whether OpenAI model ``model`` comes before ``since``, by the version in its name
    (gpt-4o, gpt-5.5 < gpt-5.6; the o-series came before GPT-5). Unknown names: not judged."""
    mine, theirs = _version(model), _version(since)
    return mine is not None and theirs is not None and mine < theirs


_GPT_VERSION = re.compile(r"gpt-(\d+)(?:\.(\d+))?")


def _version(model: str) -> tuple[int, int] | None:
    found = _GPT_VERSION.match(model)
    if found:
        return int(found.group(1)), int(found.group(2) or 0)
    return (0, 0) if re.match(r"o\d", model) else None


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    return {bool: "a boolean", str: "a string", list: "an array", int: "a number", float: "a number"}.get(
        type(value), type(value).__name__
    )


@rule(
    "PC201",
    "too-many-breakpoints",
    Severity.ERROR,
    "More breakpoints than the provider allows in one request; the API rejects the request.",
)
def too_many_breakpoints(a: Analysis) -> Iterator[Finding]:
    call = a.request.call
    if call is not None:
        for span in call.loop_breakpoints:
            yield Finding(
                span,
                f"a breakpoint is added again and again (on every pass of a loop with no bound, or on every call to a list "
                f"kept across calls), and none is taken off: past {a.facts.max_breakpoints or 4} the request has more "
                f"breakpoints than {a.platform} allows, and the API rejects it with a 400",
                fix=Fix("mark only the last block (e.g. blocks[-1]) after the loop, taking earlier marks off, or bound the loop"),
            )
    excess = excess_breakpoints(a)
    if not excess:
        return
    limit = a.facts.max_breakpoints
    first = excess[0]
    automatic = " (top-level automatic cache_control takes one slot)" if any(m.automatic for m in a.marked) else ""
    yield Finding(
        first.breakpoint.span,
        f"breakpoint {first.number} of {len(a.marked)}: {a.platform} allows {limit} per request{automatic}; "
        "the API rejects the request with a 400",
        fix=Fix(
            f"keep at most {limit}: one on the last block that is the same on every request of a kind "
            "(tools, system, shared history); none on blocks that change with every request"
        ),
        data={"breakpoints": len(a.marked), "limit": limit},
    )


@rule(
    "PC204",
    "ttl-order",
    Severity.ERROR,
    "A 1h breakpoint comes after a 5m one; the API rejects the request.",
)
def ttl_order(a: Analysis) -> Iterator[Finding]:
    for late, short in ttl_order_violations(a):
        yield Finding(
            late.breakpoint.span,
            f"1h breakpoint {late.number} comes after 5m breakpoint {short.number} (line {short.breakpoint.span.line}); "
            "every 1h breakpoint must come before every 5m one, or the API rejects the request",
            note="a cache_control without ttl is 5m",
            fix=Fix('give the earlier breakpoints ttl "1h", or the later ones ttl "5m"'),
        )


@rule(
    "PC205",
    "invalid-cache-control",
    Severity.ERROR,
    "A breakpoint that is malformed or sits on a block that cannot carry it.",
)
def invalid_cache_control(a: Analysis) -> Iterator[Finding]:
    for marked, problem in invalid_breakpoints(a):
        yield Finding(marked.breakpoint.span, problem + "; the API rejects the request", fix=_valid_form(a, marked))


def _valid_form(a: Analysis, marked: Marked) -> Fix:
    style = marked.breakpoint.style
    if not marked.automatic and not can_carry(a.request.blocks[marked.index]):
        return Fix(f"move the {style} to the nearest block before it that has content")
    ttls = " or ".join(f'"{t}"' for t in a.facts.ttls) or "a ttl the provider accepts"
    shape = {
        "cache_control": '{"type": "ephemeral"} or {"type": "ephemeral", "ttl": …}',
        "cachePoint": '{"type": "default"} or {"type": "default", "ttl": …}',
    }.get(style, '{"mode": "explicit"}')
    return Fix(f"write {style} as {shape}, with ttl {ttls}")
