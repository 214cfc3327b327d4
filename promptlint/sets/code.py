"""Request sets from Python code: the calls one call site sends in a loop or a fan-out.

The code gives one request per call site, with holes where a value is only known at run
time. A call that repeats (in a loop, a handler, a function called from a loop; not
module-level script code that runs once) sends a copy of that request each time, its
holes filled in anew: a set of ``iterations`` copies, one after another, or all at once
when the code starts them concurrently (``CallSite.fanouts``). How many there are and how
fast they come is not in the code: the simulation says what it assumed.

Left out: a call whose messages are a history a later call extends (each call sends more
than the one before; the code does not say how much), and requests the API would reject.
A Batch API request built in code is already a set (``Parsed.sets``); one built in a loop
over values the code does not show stands for ``iterations`` requests (``batches``).
"""

from __future__ import annotations

from ..checks.analysis import Analysis, Context
from ..frontends import Parsed
from ..request import Request, RequestSet
from .simulate import Clock, Simulation, Simulator

# How many calls a repeated call site is assumed to make when the user does not say.
DEFAULT_ITERATIONS = 100


def repeated_calls(parsed: Parsed, path: str, iterations: int = DEFAULT_ITERATIONS) -> list[RequestSet]:
    """A set of ``iterations`` copies of each request a call site sends repeatedly, in source order."""
    batched = {id(request) for members in parsed.sets for request in members.requests}
    found = []
    for request in parsed.requests:
        if id(request) in batched or not _repeats(request):
            continue
        assert request.call is not None
        kind = "fan-out" if request.call.fanouts else "loop"
        found.append(RequestSet(kind, f"{path}:{request.span.line}", [request] * iterations))
    return found


def batches(parsed: Parsed, iterations: int = DEFAULT_ITERATIONS) -> list[tuple[RequestSet, str | None]]:
    """The Batch API sets the code builds, each with what was assumed of it: one built in a loop
    over values the code does not show has its requests repeated to ``iterations`` in all."""
    out: list[tuple[RequestSet, str | None]] = []
    for members in parsed.sets:
        if not members.open_ended or not members.requests:
            out.append((members, None))
            continue
        copies = max(1, -(-iterations // len(members.requests)))  # rounded up
        requests = members.requests * copies
        said = f"the batch's requests are built in a loop over values the code does not show: {len(requests):,} assumed (--iterations)"
        out.append((RequestSet(members.kind, members.path, requests), said))
    return out


def _repeats(request: Request) -> bool:
    call = request.call
    return call is not None and not call.runs_once and not call.extended


def simulate_calls(members: RequestSet, ctx: Context, keep: int | None = None) -> Simulation:
    """A set ``repeated_calls`` made, simulated: one call analysed once, fed once per copy.

    ``keep``: how many outcomes are listed request by request (the totals count every copy).
    """
    analysis = Analysis(members.requests[0], ctx)  # every member is that one request
    simulator = Simulator(members.path, members.kind, ctx, lambda i: analysis, keep=keep)
    clock = Clock(members.kind)
    for index in range(len(members.requests)):
        simulator.feed(index, analysis, clock.at(None))
    return simulator.finish(clock.assumption())
