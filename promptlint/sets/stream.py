"""A JSONL request file simulated as it is read: a log of any size in bounded memory.

Each record is lowered, analysed, fed to the simulator and dropped (``sets.members``).
What stays is per prefix group, plus 8 bytes per line, so that the first request of a
group can be read again for the advice at the end. Records are simulated in file order,
the order a log is written in; records that start earlier than the one before them are
counted and said.
"""

from __future__ import annotations

from pathlib import Path

from ..checks.analysis import Context
from ..frontends import ParseError
from ..frontends.jsonreq import set_kind
from .members import read_jsonl
from .report import costliest
from .simulate import Simulation, Simulator

# Outcomes listed request by request (text, JSON, HTML); the totals count every request.
KEPT_REQUESTS = 10_000
ERRORS_KEPT = 1_000


def simulate_jsonl(
    path: Path, shown: str, ctx: Context, keep: int = KEPT_REQUESTS, advised: int | None = None
) -> tuple[Simulation | None, list[ParseError], int]:
    """The simulation of one JSONL file (None if it holds no requests), its first parse errors, and their count.

    ``advised``: only the costliest groups get a recommendation, when the report shows no more
    (advice on a group may read its first request again).
    """
    errors: list[ParseError] = []
    error_count = 0

    def consume(members, fetch, assumption) -> Simulation | None:
        nonlocal error_count
        simulator = Simulator(shown, "bodies", ctx, fetch, keep=keep)
        kinds: set[str] = set()
        for member in members:
            if isinstance(member, ParseError):
                error_count += 1
                if len(errors) < ERRORS_KEPT:
                    errors.append(member)
                continue
            kinds.add(member.kind)
            simulator.feed(member.index, member.analysis(ctx), member.now, member.usage)
        if not kinds:
            return None
        simulator.kind = set_kind(kinds)
        result = simulator.finish(assumption(), advise=advised is None)
        for group in costliest(result.groups, advised) if advised is not None else ():
            simulator.advise(group)
        return result

    result = read_jsonl(path, shown, ctx, consume, scout=True)
    return result, errors, error_count
