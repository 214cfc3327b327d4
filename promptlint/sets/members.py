"""A request set's members as they were sent, one at a time, from a file or from memory.

Whatever reads a set in order (``promptlint check``'s set rules, ``promptlint simulate``)
is a *consumer*: it takes the members, a way to analyse member ``i`` again (for advice
at the end, when the member itself is long gone), and the timing assumption once all are
read. A `.jsonl` file is read as it is consumed, so a log of any size is read in bounded
memory; records are taken in file order, the order a log is written in.
"""

from __future__ import annotations

from array import array
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Mapping, Protocol, TypeVar

from ..checks.analysis import Analysis, Context
from ..frontends import ParseError
from ..frontends.jsonreq import MARKER_WINDOW, READ_AHEAD, Record, line_bytes, looks_like_requests, not_text, records
from ..request import Request, RequestSet
from . import scout as scouting
from .scout import RequestRules, Scouted
from .simulate import Clock, start_times

T = TypeVar("T", covariant=True)
# The members kept in hand after they are consumed: a conversation's next turn usually comes
# within a few dozen requests, and comparing it with the turn before must not read and lower
# that turn again. Bounded in count and in size (text, and a generous allowance for each
# block's objects), so a log of huge requests or long conversations stays small.
RECENT_KEPT = 64
RECENT_BYTES = 1_000_000
_BLOCK_BYTES = 1_000


@dataclass(slots=True)
class Member:
    """One request of a set, as sent."""

    index: int
    request: Request
    now: float  # when it starts (its timestamp, or assumed)
    timestamp: float | None
    usage: Mapping | None
    session: str | None
    kind: str
    scouted: Scouted | None = None  # what a scout worked out for it already

    def analysis(self, ctx: Context) -> Analysis:
        a = Analysis(self.request, ctx)
        if self.scouted is not None:
            self.scouted.give(a)
        return a


class Consumer(Protocol[T]):
    def __call__(
        self, members: Iterable[Member | ParseError], fetch: Callable[[int], Analysis | None], assumption: Callable[[], str | None]
    ) -> T: ...


def in_memory(members: RequestSet, ctx: Context, consume: Consumer[T]) -> T:
    """Feed a set held in memory to ``consume`` in the order its requests were sent."""
    times, assumption = start_times(members)
    order = sorted(range(len(members.requests)), key=lambda i: times[i])  # stable: file order on ties

    def member(i: int) -> Member:
        def at(values: list):
            return values[i] if i < len(values) else None

        return Member(i, members.requests[i], times[i], at(members.timestamps), at(members.usage), at(members.sessions), members.kind)

    def fetch(i: int) -> Analysis:
        return Analysis(members.requests[i], ctx)

    return consume((member(i) for i in order), fetch, lambda: assumption)


class _Lines:
    """A file's lines, remembering where each starts (8 bytes a line)."""

    def __init__(self, handle, path: Path) -> None:
        self.handle, self.path = handle, path
        self.starts = array("q")
        self.reread = None  # a second, small-buffered handle: a line read again must not drop the read-ahead

    def __iter__(self):
        position = 0
        for raw in self.handle:
            self.starts.append(position)
            position += len(raw)
            yield raw

    def again(self, number: int) -> bytes:
        """Line ``number`` read again."""
        if self.reread is None:
            self.reread = self.path.open("rb")
        self.reread.seek(self.starts[number - 1])
        return self.reread.readline()

    def close(self) -> None:
        if self.reread is not None:
            self.reread.close()


def read_jsonl(path: Path, shown: str, ctx: Context, consume: Consumer[T], scout: bool = False, rules: RequestRules | None = None) -> T | None:
    """Feed a JSONL file's requests to ``consume`` as they are read, with a way to read one again.

    Records are taken in file order, the order a log is written in. Returns what
    ``consume`` returns, or None when the file holds no requests at all. ``scout``: let a
    second process work ahead where it pays (``sets.scout``), running ``rules`` too, their
    findings given as ``member.scouted.findings``.
    """
    registry = ctx.registry
    with path.open("rb", buffering=READ_AHEAD) as handle:
        start = handle.read(MARKER_WINDOW)
        binary = not_text(start, shown, ".jsonl")
        if binary is not None:  # one error, as a file of one broken record would have
            return consume([binary], lambda i: None, lambda: None)
        if not looks_like_requests(start):
            return None
        handle.seek(0)
        lines = _Lines(handle, path)
        numbers = array("q")  # each request's line
        clock = Clock("bodies")
        helper: scouting.Scout | None = None

        def members() -> Iterable[Member | ParseError]:
            known_shape = (lambda line: helper.shape_problems(line, len(numbers))) if helper is not None else None
            for item in records(shown, lines, registry, known_shape=known_shape):
                if isinstance(item, ParseError):
                    yield item
                    continue
                numbers.append(item.number)
                found = helper.take(item.number, len(numbers) - 1) if helper is not None else None
                yield Member(len(numbers) - 1, item.request, clock.at(item.timestamp), item.timestamp, item.usage, item.session, item.kind, found)

        def fetch(i: int) -> Analysis | None:
            number = numbers[i]
            again = next((r for r in records(shown, [lines.again(number)], registry, first=number) if isinstance(r, Record)), None)
            return Analysis(again.request, ctx) if again is not None else None

        try:
            if scout:
                helper = scouting.start(handle, shown, ctx, rules)
            return consume(members(), fetch, clock.assumption)
        finally:
            lines.close()
            if helper is not None:
                helper.close()


def read_lines(path: Path, numbers: set[int], longest: int) -> dict[int, str]:
    """The text of each line in ``numbers`` that is at most ``longest`` bytes, read in one pass,
    as the front-end reads it (so the columns found in it are the front-end's)."""
    found: dict[int, str] = {}
    last = max(numbers, default=0)
    with path.open("rb", buffering=READ_AHEAD) as handle:
        for number, raw in enumerate(handle, start=1):
            if number in numbers and len(raw) <= longest:
                found[number] = line_bytes(number, raw).decode("utf-8", "replace").rstrip("\r\n")
            if number >= last:
                break
    return found


class Recent:
    """``fetch`` with the last few analyses consumed kept in hand (``keep``)."""

    def __init__(self, fetch: Callable[[int], Analysis | None], kept: int = RECENT_KEPT, budget: int = RECENT_BYTES) -> None:
        self.again = fetch
        self.kept, self.budget = kept, budget
        self.held: OrderedDict[int, tuple[Analysis, int]] = OrderedDict()
        self.size = 0

    def keep(self, i: int, a: Analysis) -> None:
        size = _BLOCK_BYTES * len(a.request.blocks) + a.text_length()
        if size > self.budget:
            return
        self.held[i] = (a, size)
        self.size += size
        while len(self.held) > self.kept or self.size > self.budget:
            _, (_, dropped) = self.held.popitem(last=False)
            self.size -= dropped

    def __call__(self, i: int) -> Analysis | None:
        found = self.held.get(i)
        return found[0] if found is not None else self.again(i)
