"""What only a request set shows: PC203 and PC402, and the set forms of PC101, PC104, PC401.

A set is read three ways:

- the cache simulation (``sets.simulate``): which prefix groups were written, read, and
  never read within their TTL: PC402, and PC401 measured;
- conversations (``sets.conversations``): each turn against the turn before it; where the
  later turn does not read what the earlier one cached, ``sets.diff`` says why: a changed
  model, tools or parameter (PC104), bytes that changed before the breakpoint (PC101), a
  breakpoint beyond the lookback (PC203);
- requests that are in no conversation (a batch, single-turn traffic), by template: ones
  that share their prefix but not the model, tools or a parameter (PC104), and ones that
  differ from each other only in a few bytes before the breakpoint (PC101).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cached_property
from typing import Iterator

from ..diagnostic import Fix, Severity
from ..request import RequestSet, Section
from ..sets.conversations import turns
from ..sets.diff import Selected, canonical, compare, describe_block, describe_divergence, first_divergence
from ..sets.simulate import Group, Simulation, positions, start_times, ttl_seconds
from . import Finding, rule, set_form
from .analysis import Analysis, Context


@dataclass
class SetView:
    """A request set as the set rules read it."""

    members: RequestSet
    analyses: list[Analysis]
    simulation: Simulation
    ctx: Context
    reported: list[set[str]]  # the codes request rules reported on each request

    @classmethod
    def of(cls, members: RequestSet, analyses: list[Analysis], ctx: Context, reported: list[set[str]]) -> SetView:
        from ..sets.simulate import simulate

        return cls(members, analyses, simulate(members, ctx, analyses), ctx, reported)

    @cached_property
    def order(self) -> list[int]:
        times, _ = start_times(self.members)
        return sorted(range(len(self.members.requests)), key=lambda i: times[i])

    @cached_property
    def turns(self) -> list[tuple[int, int]]:
        return turns(self.members, self.order)

    @cached_property
    def breaks(self) -> list[_Break]:
        return _breaks(self)

    @cached_property
    def continued(self) -> set[int]:
        """Turns that read everything the turn before them cached: their prefix is measured stable."""
        out = set()
        for earlier, later in self.turns:
            end = _last_live(self.analyses[earlier])
            read = self.simulation.requests[later].read_block
            if end is not None and read is not None and read >= end:
                out.add(later)
        return out

    @property
    def traffic(self) -> bool:
        """Whether the set is requests really sent: a batch or a log, not a file of request bodies,
        which may be a list of templates each sent many times."""
        return self.members.kind in ("batch", "log")

    @property
    def timed(self) -> bool:
        """Whether the records carry their own timestamps (a TTL can then run out in the set)."""
        return self.simulation.assumption is None


# -- the simulation: PC402, PC401 --------------------------------------------------------------


def _money(value: float) -> str:
    # Cheap models make small sums: show them rather than "$0.0000".
    return f"${value:,.4f}" if abs(value) >= 0.00005 else f"${value:,.6f}"


def _ttl_seen(group: Group, view: SetView) -> bool:
    """Whether the set runs long enough after every write to say it was never read."""
    if not view.timed:
        return True  # a batch: its requests run within the batch's own window
    lifetime = ttl_seconds(group.ttl or "") or 0.0
    return group.last_write is not None and group.last_write + lifetime <= view.simulation.end_time


def _measured(group: Group) -> bool:
    """A group the simulation wrote and can speak for."""
    return group.writes > 0 and group.status != "below-minimum" and not group.newest_turn


def _where_group(group: Group) -> str:
    name = {"tools": "tool", "system": "system block", "messages": "messages block"}[group.section]
    return f"breakpoint {group.breakpoint}, {name} {group.section_index}, ~{group.tokens:,} tokens, {group.ttl} TTL"


def _uses(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


@rule(
    "PC402",
    "write-never-read",
    Severity.WARNING,
    "In a request set, a breakpoint prefix is written and never read within its TTL.",
    frontends="request sets",
    scope="set",
)
def write_never_read(view: SetView) -> Iterator[Finding]:
    # A write that a conversation's next turn fails to read is reported once, as its cause
    # (PC101, PC104, PC203), not again here.
    if not view.traffic:
        return
    explained = {i for found in view.breaks for i in (found.earlier, found.later)}
    for group in view.simulation.groups:
        if not _measured(group) or group.reads or group.covered or not _ttl_seen(group, view):
            continue
        if len(group.writers) == group.writes and explained.issuperset(group.writers):
            continue
        wasted = group.cost_with - group.cost_without
        price = f": {_money(wasted)} of write premium at {group.model}'s prices" if group.prices else " (no price for the model)"
        yield Finding(
            group.span,
            f"prefix group {group.id} ({_where_group(group)}) is written {_uses(group.writes, 'time')} by "
            f"{_uses(group.size, 'request')} and never read within its TTL{price}",
            note=f"simulated over {view.members.path}; {group.advice}" if group.advice else None,
            fix=Fix("mark only what later requests share: move the breakpoint to the shared part, or drop it"),
            data={"group": group.id, "size": group.size, "writes": group.writes, "wasted": round(wasted, 6)},
            # Per-request prefixes (a breakpoint on each request's own message) are one problem.
            same_as="PC402 per-request message" if group.section == Section.MESSAGES.value and group.size == 1 else None,
        )


@set_form("PC401")
def long_ttl_measured(view: SetView) -> Iterator[Finding]:
    if not view.traffic:
        return
    for group in view.simulation.groups:
        if group.ttl != "1h" or not _measured(group) or group.break_even_reads is None or not _ttl_seen(group, view):
            continue
        reads = group.reads + group.covered  # a longer entry read holds this prefix too
        if reads >= group.writes * group.break_even_reads:
            continue
        prices = group.prices
        assert prices is not None  # break_even_reads is known only with prices
        yield Finding(
            group.span,
            f"prefix group {group.id} ({_where_group(group)}) is read {_uses(reads, 'time')} for "
            f"{_uses(group.writes, 'write')}: a 1h write costs {prices.write_1h / prices.input:.2g}x the input price and "
            f"pays off only after ~{group.break_even_reads:.2f} reads per write",
            note=f"simulated over {view.members.path}; {group.advice}" if group.advice else None,
            fix=Fix('use the 5m TTL (drop "ttl"), or drop the breakpoint if nothing reads it'),
            data={"group": group.id, "reads": reads, "writes": group.writes},
        )


# -- conversations: PC101, PC104, PC203 ---------------------------------------------------------


@dataclass(frozen=True)
class _Break:
    code: str
    later: int  # index of the turn that misses
    earlier: int
    finding: Finding


def _breaks(view: SetView) -> list[_Break]:
    """Each turn that does not read what the turn before it cached, and why."""
    out = []
    sim, members = view.simulation, view.members
    for earlier, later in view.turns:
        a, b = view.analyses[earlier], view.analyses[later]
        end = _last_live(a)
        chain_a, chain_b = sim.chains.get(earlier), sim.chains.get(later)
        if end is None or chain_a is None or chain_b is None:
            continue
        if later in view.continued:
            continue  # the later turn reads all the earlier one cached: the usual case
        if end < len(chain_b) and chain_a[end] == chain_b[end]:
            found = _out_of_reach(view, earlier, later, end)
        else:
            diff = compare(_selected(members, earlier), _selected(members, later), view.ctx, (a, b))
            found = _explain(diff, view, earlier, later)
        if found is not None:
            out.append(_Break(found[0], later, earlier, found[1]))
    return out


def _last_live(a: Analysis) -> int | None:
    ends = [m.index for m in a.marked if m.number not in a.invalid_marks and m.number not in a.ignored_breakpoints]
    return max(ends) if ends else None


def _out_of_reach(view: SetView, earlier: int, later: int, end: int) -> tuple[str, Finding] | None:
    """PC203: the later turn sends the earlier one's cached prefix, but no breakpoint of it looks back that far."""
    b = view.analyses[later]
    window = b.facts.lookback_positions
    if not window:
        return None
    pos = positions(b.request.blocks, b.facts.lookback_tool_runs_as_one)
    marks = [m for m in b.marked if m.index >= end and m.number not in b.invalid_marks]
    if not marks or min(pos[m.index] - pos[end] for m in marks) < window:
        return None  # within reach: the entry had expired, or was never written
    nearest = min(marks, key=lambda m: m.index)
    request, before = b.request, view.members.requests[earlier]
    return "PC203", Finding(
        nearest.breakpoint.span,
        f"breakpoint {nearest.number} is {pos[nearest.index] - pos[end] + 1} positions after the last breakpoint of the previous "
        f"turn of this conversation (line {before.span.line}, {describe_block(request.blocks, end)}), counting itself; the "
        f"lookback checks {window}, so that turn's cached prefix is not found and is written again",
        fix=Fix(f"add a breakpoint within {window} positions of the previous one (up to 4 per request), e.g. on the last block of the earlier turn"),
        data={"previous_line": before.span.line, "positions": pos[nearest.index] - pos[end] + 1},
        same_as="PC203 conversation",
    )


def _selected(members: RequestSet, i: int) -> Selected:
    request = members.requests[i]
    stamp = members.timestamps[i] if i < len(members.timestamps) else None
    return Selected(f"{request.span.path}:{request.span.line}", request, stamp, members.kind)


def _explain(diff, view: SetView, earlier: int, later: int) -> tuple[str, Finding] | None:
    """The rule a miss between two turns breaks, from ``sets.diff``'s reason."""
    a, b = view.members.requests[earlier], view.members.requests[later]
    before = f"line {a.span.line}"
    reason = diff.reason if diff.verdict == "miss" else diff.lost
    if reason in ("model", "tools", "parameter"):
        what = _changed(diff)
        effect = diff.message if reason != "parameter" else "; ".join(p["effect"] for p in diff.parameters if p["invalidates"])
        return "PC104", Finding(
            b.model_span if reason == "model" and b.model_span else b.span,
            f"{what} changed since the previous turn of this conversation ({before}), so what that turn cached is written "
            f"again: {effect}",
            note=_parameters_note(diff),
            fix=Fix("keep the model, tools and cache parameters fixed for a conversation; choose them once, when it starts"),
            same_as=f"PC104 conversation {what}",
        )
    if reason == "prefix" and diff.divergence is not None:
        d = diff.divergence
        excerpt = d.excerpt or {}
        return "PC101", Finding(
            b.blocks[d.index].span if d.index < len(b.blocks) else b.span,
            f"the prefix changed since the previous turn of this conversation ({before}), at {describe_divergence(d)}, before a "
            "breakpoint both send: what that turn cached cannot be read and is written again",
            note=f"same: {excerpt.get('before', '')} | before: {excerpt.get('a', '')} | now: {excerpt.get('b', '')}" if excerpt else d.detail or None,
            fix=Fix("re-send earlier turns and the system prompt byte for byte; put what changes after the last breakpoint"),
            data={"previous_line": a.span.line, "offset": d.offset, "section": d.section, "section_index": d.section_index},
            same_as=f"PC101 conversation {d.section} {d.section_index}",
        )
    return None


@rule(
    "PC203",
    "lookback-window-exceeded",
    Severity.WARNING,
    "A turn's breakpoint lies more than the lookback window after the previous turn's, so its entry is not found.",
    frontends="request sets",
    scope="set",
)
def lookback_window_exceeded(view: SetView) -> Iterator[Finding]:
    for found in view.breaks:
        if found.code == "PC203":
            yield found.finding


@set_form("PC101")
def prefix_bytes_differ(view: SetView) -> Iterator[Finding]:
    for found in view.breaks:
        if found.code == "PC101" and "PC101" not in view.reported[found.later]:
            yield found.finding
    yield from _template_bytes(view)


@set_form("PC104")
def parameter_differs(view: SetView) -> Iterator[Finding]:
    for found in view.breaks:
        if found.code == "PC104":
            yield found.finding
    yield from _template_parameters(view)


# -- requests in no conversation: templates -----------------------------------------------------

# Bytes that differ this little between requests built from one template are a value
# rendered into it (an id, a time, a name), not a different prompt: characters per side.
SMALL_DIFFERENCE = 80
# A template renders a per-request value when most requests have a prefix of their own.
MOSTLY_UNIQUE = 0.5


def _lone(view: SetView) -> list[int]:
    """Requests in no conversation of two or more turns, with a live breakpoint."""
    paired = {i for pair in view.turns for i in pair}
    return [i for i in range(len(view.members.requests)) if i not in paired and view.simulation.chains.get(i) and _first_live(view.analyses[i]) is not None]


def _first_live(a: Analysis) -> int | None:
    ends = [m.index for m in a.marked if m.number not in a.invalid_marks and m.number not in a.ignored_breakpoints]
    return min(ends) if ends else None


def _template_bytes(view: SetView) -> Iterator[Finding]:
    """PC101: requests of one template whose prefixes differ in a few bytes, nearly each its own."""
    shapes: dict[tuple, list[int]] = defaultdict(list)
    for i in _lone(view):
        a = view.analyses[i]
        end = _first_live(a)
        assert end is not None
        blocks = a.request.blocks[: end + 1]
        shapes[(a.request.platform, a.request.model, end, tuple((x.section, x.role, x.type) for x in blocks))].append(i)
    for (_, _, end, _), members in shapes.items():
        if len(members) < 3:
            continue
        variants = Counter(view.simulation.chains[i][end] for i in members)
        if len(variants) < 2 or sum(1 for n in variants.values() if n == 1) < MOSTLY_UNIQUE * len(members):
            continue
        first = members[0]
        other = next(i for i in members if view.simulation.chains[i][end] != view.simulation.chains[first][end])
        ra, rb = view.members.requests[first], view.members.requests[other]
        d = first_divergence(ra.blocks[: end + 1], rb.blocks[: end + 1])
        if d is None or d.offset is None or d.excerpt is None:
            continue
        if d.index == end and d.section == Section.MESSAGES.value:
            continue  # the marked message itself differs: a breakpoint on a per-request message (PC402)
        if not _small(canonical(ra.blocks[d.index]), canonical(rb.blocks[d.index])):
            continue
        if "PC101" in view.reported[first]:
            continue
        singles = sum(1 for n in variants.values() if n == 1)
        yield Finding(
            ra.blocks[d.index].span,
            f"requests built from one template differ before breakpoint 1 at {describe_divergence(d)} (line {ra.span.line} vs "
            f"line {rb.span.line}): {singles} of {len(members)} have a prefix no other request shares, so each writes the cache "
            "and none reads it",
            note=f"same: {d.excerpt['before']} | line {ra.span.line}: {d.excerpt['a']} | line {rb.span.line}: {d.excerpt['b']}",
            fix=Fix("move the value that changes after the last breakpoint (into the user message)"),
            data={"requests": len(members), "unique": singles, "offset": d.offset},
        )


def _small(x: str, y: str) -> bool:
    start = 0
    for p, q in zip(x, y):
        if p != q:
            break
        start += 1
    end = 0
    for p, q in zip(reversed(x[start:]), reversed(y[start:])):
        if p != q:
            break
        end += 1
    return len(x) - start - end <= SMALL_DIFFERENCE and len(y) - start - end <= SMALL_DIFFERENCE


def _template_parameters(view: SetView) -> Iterator[Finding]:
    """PC104: requests with the same system and messages through a breakpoint, different model, tools or parameters."""
    same: dict[tuple, list[tuple[int, bytes]]] = defaultdict(list)
    for i in _lone(view):
        a = view.analyses[i]
        end = _first_live(a)
        assert end is not None
        content = tuple(canonical(x) for x in a.request.blocks[: end + 1] if x.section is not Section.TOOLS)
        if content:  # a breakpoint on the tools has nothing but the tools to compare
            same[(a.request.platform, end, content)].append((i, view.simulation.chains[i][end]))
    for members in same.values():
        variants = Counter(identity for _, identity in members)
        if len(variants) < 2:
            continue
        common = variants.most_common(1)[0][0]
        ref = next(i for i, identity in members if identity == common)
        odd = [i for i, identity in members if identity != common]
        diff = compare(_selected(view.members, ref), _selected(view.members, odd[0]), view.ctx, (view.analyses[ref], view.analyses[odd[0]]))
        if diff.reason not in ("model", "tools", "parameter"):
            continue
        b = view.members.requests[odd[0]]
        lines = ", ".join(str(view.members.requests[i].span.line) for i in odd[:5]) + (", …" if len(odd) > 5 else "")
        yield Finding(
            b.model_span if diff.reason == "model" and b.model_span else b.span,
            f"{_uses(len(odd), 'request')} (line{'s' if len(odd) > 1 else ''} {lines}) share the prefix through the first "
            f"breakpoint with {len(members) - len(odd)} other{'s' if len(members) - len(odd) > 1 else ''} but not "
            f"{_changed(diff)}: {diff.message}",
            note=_parameters_note(diff),
            fix=Fix("send requests that share a prefix with the same model, tools and cache parameters"),
            data={"requests": len(members), "differing": len(odd)},
        )


def _changed(diff) -> str:
    return {"model": "the model", "tools": "the tools"}.get(diff.reason) or ", ".join(p["name"] for p in diff.parameters if p["invalidates"])


def _parameters_note(diff) -> str | None:
    return "; ".join(f"{p['name']}: {p['a']!r} → {p['b']!r}" for p in diff.parameters) or None
