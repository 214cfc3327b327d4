"""A JSONL request file simulated as it is read: a log of any size in bounded memory.

Each record is lowered, analysed, fed to the simulator and dropped. What stays is per
prefix group, plus 8 bytes per line (where it starts in the file), so that the first
request of a group can be read again for the advice at the end. Records are simulated in
file order, the order a log is written in; records that start earlier than the one
before them are counted and said.
"""

from __future__ import annotations

from array import array
from pathlib import Path
from typing import IO, Iterator

from ..checks.analysis import Analysis, Context
from ..frontends import ParseError
from ..frontends.jsonreq import Record, looks_like_requests, records, set_kind
from ..registry import Registry
from .simulate import Clock, Simulation, Simulator

# Outcomes listed request by request (text, JSON, HTML); the totals count every request.
KEPT_REQUESTS = 10_000
ERRORS_KEPT = 1_000
_MARKER_WINDOW = 1 << 20


class _Lines:
    """The file's lines, remembering where each starts."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.starts = array("q")

    def __iter__(self) -> Iterator[bytes]:
        position = 0
        for raw in self.handle:
            self.starts.append(position)
            position += len(raw)
            yield raw


def simulate_jsonl(path: Path, shown: str, ctx: Context, keep: int = KEPT_REQUESTS) -> tuple[Simulation | None, list[ParseError], int]:
    """The simulation of one JSONL file (None if it holds no requests), its first parse errors, and their count."""
    registry: Registry = ctx.registry
    with path.open("rb") as handle:
        if not looks_like_requests(handle.read(_MARKER_WINDOW)):
            return None, [], 0
        handle.seek(0)
        lines = _Lines(handle)
        numbers = array("q")  # each request's line
        errors: list[ParseError] = []
        error_count = 0
        kinds: set[str] = set()

        def fetch(i: int) -> Analysis | None:
            """Request ``i`` read again from the file (the reading position is kept)."""
            number = numbers[i]
            here = handle.tell()
            handle.seek(lines.starts[number - 1])
            raw = handle.readline()
            handle.seek(here)
            again = next((r for r in records(shown, [raw], registry, first=number) if isinstance(r, Record)), None)
            return Analysis(again.request, ctx) if again is not None else None

        simulator = Simulator(shown, "bodies", ctx, fetch, keep=keep)
        clock = Clock("bodies")
        for item in records(shown, lines, registry):
            if isinstance(item, ParseError):
                error_count += 1
                if len(errors) < ERRORS_KEPT:
                    errors.append(item)
                continue
            kinds.add(item.kind)
            numbers.append(item.number)
            simulator.feed(len(numbers) - 1, Analysis(item.request, ctx), clock.at(item.timestamp), item.usage)
        if not numbers:
            return None, errors, error_count
        simulator.kind = clock.kind = set_kind(kinds)
        result = simulator.finish(clock.assumption())
    if clock.backwards:
        result.notes.append(
            f"{clock.backwards} record{'s' if clock.backwards != 1 else ''} start earlier than the record before them: "
            "simulated in file order"
        )
    return result, errors, error_count

