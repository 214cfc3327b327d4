"""What only a request set shows: PC203 and PC402, and the set forms of PC101, PC104, PC401.

A set is read one request at a time (``SetChecker.feed``), in the order the requests were
sent, so that a log of any size is checked in bounded memory. Three readings:

- the cache simulation (``sets.simulate``): which prefix groups were written, read, and
  never read within their TTL: PC402, and PC401 measured;
- conversations (``sets.conversations``): each turn against the turn before it; where the
  later turn does not read what the earlier one cached, ``sets.diff`` says why: a changed
  model, tools or parameter (PC104), bytes that changed before the breakpoint (PC101), a
  breakpoint beyond the lookback (PC203);
- requests that are in no conversation (a batch, single-turn traffic), by template: ones
  that share their prefix but not the model, tools or a parameter (PC104), and ones that
  differ from each other only in a few bytes before the breakpoint (PC101).

What a set measures also settles what a request rule infers: a simulated request is not
PC202 (PC402 measures it), and a turn that read all the turn before it cached is not PC101
by shape (its prefix was sent unchanged).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Iterator, Mapping

from ..diagnostic import Fix, Severity
from ..request import Request, Section
from ..sets.conversations import Conversations
from ..sets.members import Recent
from ..sets.diff import Selected, canonical, common_prefix, compare, describe_block, describe_divergence, first_divergence, shared_start_may_be_cached
from ..sets.simulate import Group, Simulation, Simulator, block_digest, positions, request_chain, ttl_seconds
from ..tokens.verdict import Verdict
from . import Finding, rule
from .analysis import Analysis, Context

for _code, _name, _summary in (
    ("PC402", "write-never-read", "In a request set, a breakpoint prefix is written and never read within its TTL."),
    ("PC203", "lookback-window-exceeded", "A turn's breakpoint lies more than the lookback window after the previous turn's, so its entry is not found."),
):
    rule(_code, _name, Severity.WARNING, _summary, frontends="request sets", scope="set")(None)

# The codes a request set can report (request rules' set forms included).
CODES = frozenset({"PC101", "PC104", "PC203", "PC401", "PC402"})


@dataclass
class Turn:
    """A request as the set rules remember it while it may still be compared.

    It keeps the prefix identity at its first and last breakpoints, not the request: the
    request is read again (``fetch``) in the rare case it is compared byte by byte, or
    held while it is a template's sample. A long log's memory is then a few hundred bytes
    per conversation under way.
    """

    index: int
    line: int
    timestamp: float | None
    kind: str
    reported: frozenset[str]  # what the request rules reported on it
    read_block: int | None
    last_end: int | None  # its last breakpoint that writes, and the prefix identity there
    last_digest: bytes | None
    first_end: int | None  # its first such breakpoint, and the identity there
    first_digest: bytes | None
    fetch: Callable[[int], Analysis | None]
    held: Analysis | None = None
    template: tuple | None = None  # where it was counted as a request in no conversation

    @classmethod
    def of(cls, i: int, a: Analysis, chain: list[bytes] | None, read_block: int | None, timestamp, kind: str, reported, fetch) -> Turn:
        ends = [m.index for m in a.live]
        if not ends and _caches_by_itself(a):
            # No breakpoint: the tools and system (developer) messages are the prefix every
            # request of a conversation or template shares (rules.md, PC101 for automatic
            # caching), when they are long enough to be cached at all.
            ends = [j for j, b in enumerate(a.request.blocks) if b.section is not Section.MESSAGES][-1:]
            if ends and a.judge_prefix(ends[0])[2] is Verdict.BELOW:
                ends = []
        last, first = (max(ends), min(ends)) if ends else (None, None)
        known = chain is not None
        return cls(
            i, a.request.span.line, timestamp, kind, frozenset(reported), read_block,
            last, chain[last] if known and last is not None else None,  # type: ignore[index]
            first, chain[first] if known and first is not None else None,  # type: ignore[index]
            fetch, a,
        )

    @property
    def analysis(self) -> Analysis:
        if self.held is None:
            self.held = self.fetch(self.index)
            assert self.held is not None, "a request read again must lower again"
        return self.held

    @property
    def request(self) -> Request:
        return self.analysis.request

    def selected(self) -> Selected:
        r = self.request
        return Selected(f"{r.span.path}:{r.span.line}", r, self.timestamp, self.kind)


def _caches_by_itself(a: Analysis) -> bool:
    """A provider that caches prefixes without a breakpoint (OpenAI, DeepSeek, Gemini implicit)."""
    return not a.facts.opt_in and not a.rejected


@dataclass(frozen=True)
class _Break:
    code: str
    later: int  # index of the turn that misses
    earlier: int
    finding: Finding
    shown: bool = True  # False when the request rules already reported the same cause


class SetChecker:
    """The set rules over requests fed one at a time; ``finish`` gives their findings."""

    def __init__(self, path: str, ctx: Context, fetch: Callable[[int], Analysis | None]) -> None:
        self.path, self.ctx = path, ctx
        self.fetch = Recent(fetch)
        self.simulator = Simulator(path, "bodies", ctx, self.fetch, keep=0)
        self.conversations = Conversations()
        self.breaks: list[_Break] = []
        self.bytes_templates: dict[tuple, _Template] = {}
        self.parameter_templates: dict[tuple, _Template] = {}

    def feed(self, i: int, a: Analysis, now: float, timestamp: float | None, usage: Mapping | None, session: str | None, kind: str, reported: set[str]) -> set[str]:
        """Take request ``i``; return the codes of its request findings the set overrules."""
        outcome = self.simulator.feed(i, a, now, usage)
        chain = self.simulator.chain
        if chain is None and _caches_by_itself(a):  # not simulated, but its prefix is still compared
            chain = request_chain(a, i)
        me = Turn.of(i, a, chain, outcome.read_block, timestamp, kind, reported, self.fetch)
        try:
            return self._compare(me, a, chain, session, now, {"PC202"} if outcome.simulated else set())
        finally:
            self.fetch.keep(i, a)
            if me.template is None or not me.template[2]:
                me.held = None  # not a template's sample: fetched (kept or read again) if it is ever compared

    def _compare(self, me: Turn, a: Analysis, chain: list[bytes] | None, session: str | None, now: float, overruled: set[str]) -> set[str]:
        before = self.conversations.link(me, me.index, a.request, session, now)
        if before is None:
            self._count_template(me)
            return overruled
        self._uncount_template(before)
        end = before.last_end
        if end is None or before.last_digest is None or chain is None:
            return overruled
        if me.read_block is not None and me.read_block >= end:
            return overruled | {"PC101"}  # it read all the turn before it cached: its prefix did not change
        if end < len(chain) and before.last_digest == chain[end]:
            found = _out_of_reach(before, me, end)
        else:
            found = _explain(compare(before.selected(), me.selected(), self.ctx, (before.analysis, a)), before, me)
        if found is not None:
            self.breaks.append(_Break(found[0], me.index, before.index, found[1], shown=found[0] not in me.reported))
        return overruled

    def finish(self, kind: str, assumption: str | None) -> Iterator[tuple[str, Finding]]:
        self.simulator.kind = kind
        simulation = self.simulator.finish(assumption, advise=False)
        for found in self.breaks:
            if found.shown:
                yield found.code, found.finding
        for template in self.bytes_templates.values():
            yield from (("PC101", f) for f in _template_bytes(template))
        for template in self.parameter_templates.values():
            yield from (("PC104", f) for f in _template_parameters(template, self.ctx))
        if kind not in ("batch", "log"):
            return  # a file of request bodies may be a list of templates, each sent many times: not traffic
        explained = {i for found in self.breaks for i in (found.earlier, found.later)}
        timed = assumption is None
        for group in simulation.groups:
            if not _measured(group):
                continue
            # Never read: one write whose lifetime the set runs past proves it. Read too
            # little: every write's lifetime must be over, or a later read may still come.
            unread_seen = _lifetime_seen(group, group.first_write, simulation, timed)
            all_seen = _lifetime_seen(group, group.last_write, simulation, timed)
            if not ((unread_seen and _unexplained_unread(group, explained)) or (all_seen and group.ttl == "1h")):
                continue  # neither rule can report it: spare its advice (it may read a request again)
            self.simulator.advise(group)
            for finding in write_never_read(group, simulation, explained, unread_seen):
                yield "PC402", finding
            for finding in long_ttl_measured(group, simulation, all_seen):
                yield "PC401", finding

    # -- templates: requests in no conversation -------------------------------------------

    def _count_template(self, me: Turn) -> None:
        a = me.analysis
        end = me.first_end
        if end is None or me.first_digest is None:
            return
        blocks = a.request.blocks[: end + 1]
        shape = (a.request.platform, a.request.model, end, tuple((x.section, x.role, x.type) for x in blocks))
        content = hashlib.blake2b(b"".join(block_digest(x, me.index) for x in blocks if x.section is not Section.TOOLS), digest_size=16).digest()
        keys = [(self.bytes_templates, shape)]
        if any(x.section is not Section.TOOLS for x in blocks):  # a breakpoint on the tools has nothing else to compare
            keys.append((self.parameter_templates, (a.request.platform, end, content)))
        sample = False
        for table, key in keys:
            sample = table.setdefault(key, _Template(end)).add(me) or sample
        me.template = (shape, (a.request.platform, end, content), sample)

    def _uncount_template(self, turn: Turn) -> None:
        """An earlier request turned out to start a conversation: it is no template member."""
        if turn.template is None:
            return
        shape, content, _ = turn.template
        for table, key in ((self.bytes_templates, shape), (self.parameter_templates, content)):
            if key in table:
                table[key].remove(turn)
        turn.template, turn.held = None, None


# -- the simulation: PC402, PC401 --------------------------------------------------------------


def _money(value: float) -> str:
    # Cheap models make small sums: show them rather than "$0.0000".
    return f"${value:,.4f}" if abs(value) >= 0.00005 else f"${value:,.6f}"


def _lifetime_seen(group: Group, written: float | None, simulation: Simulation, timed: bool) -> bool:
    """Whether the set runs past the lifetime of the group's write at ``written``."""
    if not timed:
        return True  # a batch: its requests run within the batch's own window
    lifetime = ttl_seconds(group.ttl or "") or 0.0
    return written is not None and written + lifetime <= simulation.end_time


def _measured(group: Group) -> bool:
    """A group the simulation wrote and can speak for."""
    return group.writes > 0 and group.status != "below-minimum" and not group.newest_turn


def _where_group(group: Group) -> str:
    name = {"tools": "tool", "system": "system block", "messages": "messages block"}[group.section]
    return f"breakpoint {group.breakpoint}, {name} {group.section_index}, ~{group.tokens:,} tokens, {group.ttl} TTL"


def _uses(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


def _unexplained_unread(group: Group, explained: set[int]) -> bool:
    """Written and never read, and not every write the miss of a turn another rule explains."""
    if not _measured(group) or group.reads or group.covered:
        return False
    return not (len(group.writers) == group.writes and explained.issuperset(group.writers))


def write_never_read(group: Group, simulation: Simulation, explained: set[int], ttl_seen: bool) -> Iterator[Finding]:
    """PC402: a prefix group written and never read within its TTL.

    A write that a conversation's next turn fails to read is reported once, as its cause
    (PC101, PC104, PC203), not again here.
    """
    if not ttl_seen or not _unexplained_unread(group, explained):
        return
    wasted = group.cost_with - group.cost_without
    price = f": {_money(wasted)} of write premium at {group.model}'s prices" if group.prices else " (no price for the model)"
    yield Finding(
        group.span,
        f"prefix group {group.id} ({_where_group(group)}) is written {_uses(group.writes, 'time')} by "
        f"{_uses(group.size, 'request')} and never read within its TTL{price}",
        note=f"simulated over {simulation.path}; {group.advice}" if group.advice else None,
        fix=Fix("mark only what later requests share: move the breakpoint to the shared part, or drop it"),
        data={"group": group.id, "size": group.size, "writes": group.writes, "wasted": round(wasted, 6)},
        # Per-request prefixes (a breakpoint on each request's own message) are one problem.
        same_as="PC402 per-request message" if group.section == Section.MESSAGES.value and group.size == 1 else None,
    )


def long_ttl_measured(group: Group, simulation: Simulation, ttl_seen: bool) -> Iterator[Finding]:
    """PC401 measured: a 1h group read fewer times than its write premium needs."""
    if group.ttl != "1h" or not _measured(group) or group.break_even_reads is None or not ttl_seen:
        return
    reads = group.reads + group.covered  # a longer entry read holds this prefix too
    if reads >= group.writes * group.break_even_reads:
        return
    prices = group.prices
    assert prices is not None  # break_even_reads is known only with prices
    yield Finding(
        group.span,
        f"prefix group {group.id} ({_where_group(group)}) is read {_uses(reads, 'time')} for "
        f"{_uses(group.writes, 'write')}: a 1h write costs {prices.write_1h / prices.input:.2g}x the input price and "
        f"pays off only after ~{group.break_even_reads:.2f} reads per write",
        note=f"simulated over {simulation.path}; {group.advice}" if group.advice else None,
        fix=Fix('use the 5m TTL (drop "ttl"), or drop the breakpoint if nothing reads it'),
        data={"group": group.id, "reads": reads, "writes": group.writes},
    )


# -- conversations: PC101, PC104, PC203 ---------------------------------------------------------


def _out_of_reach(earlier: Turn, later: Turn, end: int) -> tuple[str, Finding] | None:
    """PC203: the later turn sends the earlier one's cached prefix, but no breakpoint of it looks back that far."""
    b = later.analysis
    window = b.facts.lookback_positions
    if not window:
        return None
    pos = positions(b.request.blocks, b.facts.lookback_tool_runs_as_one)
    marks = [m for m in b.marked if m.index >= end and m.number not in b.invalid_marks]
    if not marks or min(pos[m.index] - pos[end] for m in marks) < window:
        return None  # within reach: the entry had expired, or was never written
    nearest = min(marks, key=lambda m: m.index)
    request, before = b.request, earlier
    return "PC203", Finding(
        nearest.breakpoint.span,
        f"breakpoint {nearest.number} is {pos[nearest.index] - pos[end] + 1} positions after the last breakpoint of the previous "
        f"turn of this conversation (line {before.line}, {describe_block(request.blocks, end)}), counting itself; the "
        f"lookback checks {window}, so that turn's cached prefix is not found and is written again",
        fix=Fix(f"add a breakpoint within {window} positions of the previous one (up to 4 per request), e.g. on the last block of the earlier turn"),
        data={"previous_line": before.line, "positions": pos[nearest.index] - pos[end] + 1},
        same_as="PC203 conversation",
    )


def _explain(diff, earlier: Turn, later: Turn) -> tuple[str, Finding] | None:
    """The rule a miss between two turns breaks, from ``sets.diff``'s reason."""
    b = later.request
    before = f"line {earlier.line}"
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
            data={"previous_line": earlier.line, "offset": d.offset, "section": d.section, "section_index": d.section_index},
            same_as=f"PC101 conversation {d.section} {d.section_index}",
        )
    return None


# -- requests in no conversation: templates -----------------------------------------------------

# Bytes that differ this little between requests built from one template are a value
# rendered into it (an id, a time, a name), not a different prompt: characters per side.
SMALL_DIFFERENCE = 80
# A template renders a per-request value when most requests have a prefix of their own.
MOSTLY_UNIQUE = 0.5


class _Template:
    """Requests in no conversation that share a template: a count per prefix, and samples."""

    SAMPLES = 16  # variants kept to compare; a count is kept for every one

    def __init__(self, end: int) -> None:
        self.end = end
        self.members = 0
        self.variants: Counter[bytes] = Counter()
        self.samples: dict[bytes, Turn] = {}  # the first request of each variant (up to SAMPLES)
        self.lines: dict[bytes, list[int]] = {}  # the first lines of each variant

    def add(self, turn: Turn) -> bool:
        """Count ``turn``; whether it is kept as a sample (its request is then held)."""
        assert turn.first_digest is not None
        identity = turn.first_digest
        self.members += 1
        if identity in self.variants or len(self.variants) < VARIANTS_KEPT:
            self.variants[identity] += 1
        sample = identity not in self.samples and len(self.samples) < self.SAMPLES
        if sample:
            self.samples[identity] = turn
        lines = self.lines.setdefault(identity, []) if identity in self.samples else None
        if lines is not None and len(lines) < 5:
            lines.append(turn.line)
        return sample

    def remove(self, turn: Turn) -> None:
        assert turn.first_digest is not None
        identity = turn.first_digest
        self.members -= 1
        if self.variants.get(identity):
            self.variants[identity] -= 1
            if not self.variants[identity]:
                del self.variants[identity]
        if self.samples.get(identity) is turn:
            del self.samples[identity]
            self.lines.pop(identity, None)
        elif identity in self.lines and turn.line in self.lines[identity]:
            self.lines[identity].remove(turn.line)

    @property
    def capped(self) -> bool:
        return len(self.variants) >= VARIANTS_KEPT


# Distinct prefixes counted per template; past it, the template is taken as rendering a
# value per request (it has that many prefixes at least).
VARIANTS_KEPT = 50_000


def _template_bytes(t: _Template) -> Iterator[Finding]:
    """PC101: requests of one template whose prefixes differ in a few bytes, nearly each its own."""
    end = t.end
    if t.members < 3 or len(t.variants) < 2:
        return
    singles = sum(1 for n in t.variants.values() if n == 1)
    if not t.capped and singles < MOSTLY_UNIQUE * t.members:
        return
    samples = sorted(t.samples.values(), key=lambda turn: turn.index)
    if len(samples) < 2:
        return
    first, other = samples[0], samples[1]
    ra, rb = first.request, other.request
    d = first_divergence(ra.blocks[: end + 1], rb.blocks[: end + 1])
    if d is None or d.offset is None or d.excerpt is None:
        return
    if d.index == end and d.section == Section.MESSAGES.value:
        return  # the marked message itself differs: a breakpoint on a per-request message (PC402)
    if not first.analysis.marked and shared_start_may_be_cached(first.analysis, d):
        return  # automatic caching reuses the longest shared start: the requests still read it
    if not _small(canonical(ra.blocks[d.index]), canonical(rb.blocks[d.index])):
        return
    if "PC101" in first.reported:
        return
    yield Finding(
        ra.blocks[d.index].span,
        f"requests built from one template differ {'before breakpoint 1' if first.analysis.marked else 'in the prefix cached automatically'} at {describe_divergence(d)} (line {ra.span.line} vs "
        f"line {rb.span.line}): {singles:,} of {t.members:,} have a prefix no other request shares, so each writes the cache "
        "and none reads it",
        note=f"same: {d.excerpt['before']} | line {ra.span.line}: {d.excerpt['a']} | line {rb.span.line}: {d.excerpt['b']}",
        fix=Fix("move the value that changes after the last breakpoint (into the user message)"),
        data={"requests": t.members, "unique": singles, "offset": d.offset},
    )


def _small(x: str, y: str) -> bool:
    """Whether two texts differ only in a short stretch (after their common start and end)."""
    start = common_prefix(x, y)
    end = common_prefix(x[start:][::-1], y[start:][::-1])
    return len(x) - start - end <= SMALL_DIFFERENCE and len(y) - start - end <= SMALL_DIFFERENCE


def _template_parameters(t: _Template, ctx: Context) -> Iterator[Finding]:
    """PC104: requests with the same system and messages through a breakpoint, different model, tools or parameters."""
    if len(t.variants) < 2:
        return
    common = t.variants.most_common(1)[0][0]
    ref = t.samples.get(common)
    odd = sorted((turn for identity, turn in t.samples.items() if identity != common), key=lambda turn: turn.index)
    if ref is None or not odd:
        return
    diff = compare(ref.selected(), odd[0].selected(), ctx, (ref.analysis, odd[0].analysis))
    if diff.reason not in ("model", "tools", "parameter"):
        return
    b = odd[0].request
    differing = t.members - t.variants[common]
    lines = sorted(line for identity, kept in t.lines.items() if identity != common for line in kept)
    shown = ", ".join(map(str, lines[:5])) + (", …" if differing > 5 else "")
    others = t.members - differing
    shared = "the prefix through the first breakpoint" if ref.analysis.marked else "the system messages"
    yield Finding(
        b.model_span if diff.reason == "model" and b.model_span else b.span,
        f"{_uses(differing, 'request')} (line{'s' if differing > 1 else ''} {shown}) share {shared} "
        f"with {others} other{'s' if others > 1 else ''} but not {_changed(diff)}: {diff.message}",
        note=_parameters_note(diff),
        fix=Fix("send requests that share a prefix with the same model, tools and cache parameters"),
        data={"requests": t.members, "differing": differing},
    )


def _changed(diff) -> str:
    return {"model": "the model", "tools": "the tools"}.get(diff.reason) or ", ".join(p["name"] for p in diff.parameters if p["invalidates"])


def _parameters_note(diff) -> str | None:
    return "; ".join(f"{p['name']}: {p['a']!r} → {p['b']!r}" for p in diff.parameters) or None
