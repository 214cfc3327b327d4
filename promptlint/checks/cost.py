"""Money left on the table: PC206, and breakpoints that write more than they are
read: PC202, PC401, PC403."""

from __future__ import annotations

from typing import Iterator

from ..diagnostic import Fix, Severity
from ..request import CallSite, Hole, HoleKind, Section
from ..tokens.verdict import Verdict
from . import Finding, rule
from .analysis import Analysis


def _static_prefix_end(a: Analysis) -> int | None:
    """Index of the last block of the prefix that is the same on every request.

    Tools and system for a rendered request (it is a template whose messages vary);
    in code, every block up to the first value that varies.
    """
    end = None
    for index, block in enumerate(a.request.blocks):
        if not block.text.is_static or block.section is Section.MESSAGES:
            break
        end = index
    return end


def _fixed_in_loop(hole: Hole, call: CallSite) -> bool:
    """A parameter of the function the call repeats in a loop (a document passed in, then one
    question after another about it): the loop sends the marked prefix again and again, and
    reads it. A value made by a call (a time, an input) may be made anew on every pass."""
    loop, origin, owner = call.loop, hole.origin, call.loop_owner
    return (
        loop is not None
        and hole.kind is HoleKind.PER_REQUEST
        and hole.label.startswith("parameter '")
        and origin is not None
        and origin.path == loop.path
        and origin.line < loop.line
        and (owner is None or origin.line >= owner.line)
    )


@rule(
    "PC206",
    "uncached-static-prefix",
    Severity.INFO,
    "An opt-in provider request sends a static prefix above the model's minimum with no breakpoint.",
)
def uncached_static_prefix(a: Analysis) -> Iterator[Finding]:
    if not a.facts.opt_in or a.marked or a.rejected or a.sizing_model is None:
        return
    if a.request.call is not None and a.request.call.runs_once:
        return  # code that evidently runs once has nothing to read a cache entry
    if a.request.call is not None and a.request.call.marks_unseen:
        return  # it marks blocks of a list passed in: breakpoints promptlint cannot place
    if a.request.in_batch and not a.facts.batch_caching:
        return
    end = _static_prefix_end(a)
    if end is None:
        return
    estimate, minimum, verdict = a.judge_prefix(end, precise=True)  # its band is printed
    if verdict is not Verdict.ABOVE or minimum is None:
        return
    block = a.request.blocks[end]
    yield Finding(
        block.span if a.request.origin == "json" else a.request.span,  # in code: the call
        f"static {' + '.join(_sections(a, end))} prefix is {estimate.describe()}, above {a.model_name}'s minimum of "
        f"{minimum:,}, but nothing marks it for caching: every request pays full input price for it",
        fix=Fix(_MARK_HINT.get(a.request.provider, _MARK_HINT["anthropic"])),
    )


# How each request shape marks a breakpoint (PC206's fix).
_MARK_HINT = {
    "anthropic": 'add cache_control {"type": "ephemeral"} to this block, the last one that is the same on every request',
    "bedrock-converse": 'add a {"cachePoint": {"type": "default"}} block right after this one, the last that is the same on every request',
}


def _sections(a: Analysis, end: int) -> list[str]:
    seen: list[str] = []
    for block in a.request.blocks[: end + 1]:
        if block.section.value not in seen:
            seen.append(block.section.value)
    return seen


@rule(
    "PC202",
    "breakpoint-on-volatile-suffix",
    Severity.WARNING,
    "The last breakpoint sits on a message that changes every request, in a request nothing extends.",
)
def breakpoint_on_volatile_suffix(a: Analysis) -> Iterator[Finding]:
    call = a.request.call
    live = a.live
    if call is None or call.extended or not live:
        return
    last = live[-1]
    block = a.request.blocks[last.index]
    if block.section is not Section.MESSAGES:
        return
    varying = next((h for h in block.text.holes if h.kind in (HoleKind.PER_REQUEST, HoleKind.VOLATILE) and not _fixed_in_loop(h, call)), None)
    if varying is None:
        return
    where = "the automatic breakpoint lands on" if last.automatic else f"breakpoint {last.number} sits on"
    yield Finding(
        last.breakpoint.span,
        f"{where} a message that changes every request ({varying.label}), and no later request extends this one: "
        "every call writes the whole prefix at the write premium and nothing reads it",
        fix=Fix("put the breakpoint on the last block that is the same on every request (the system prompt or tools)"),
    )


@rule(
    "PC401",
    "long-ttl-unlikely-to-pay",
    Severity.WARNING,
    "A 1h TTL whose 2x write premium is not recovered by enough reads.",
)
def long_ttl_unlikely_to_pay(a: Analysis) -> Iterator[Finding]:
    call = a.request.call
    if call is None or not call.runs_once or a.request.in_batch:
        return
    for marked in a.live:
        if a.ttl(marked.breakpoint) == "1h":
            yield Finding(
                marked.breakpoint.span,
                f"breakpoint {marked.number} asks for a 1h TTL, but the call runs once (script code with no loop "
                "around it): the 1h write costs 2x the input price and nothing reads it",
                fix=Fix('drop the ttl (5m costs 1.25x) or the breakpoint; keep "1h" where reads come more than 5 minutes apart'),
            )


@rule(
    "PC403",
    "cold-concurrent-fanout",
    Severity.WARNING,
    "Requests sharing a cached prefix start concurrently with no warm-up request first.",
    frontends="Python",
)
def cold_concurrent_fanout(a: Analysis) -> Iterator[Finding]:
    call = a.request.call
    if call is None or not call.fanouts or not a.live:
        return
    for fanout in call.fanouts:
        yield Finding(
            fanout,
            "requests sharing a cached prefix start concurrently with no warm-up: a cache entry exists only once the "
            "first response starts, so every request in the fan-out writes the prefix instead of reading it",
            note=f"the request is made at {a.request.span.path}:{a.request.span.line}",
            fix=Fix("await one request (or one with max_tokens=0) before starting the others"),
        )
