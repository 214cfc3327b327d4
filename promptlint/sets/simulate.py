"""Simulate the provider's prompt cache over a request set (facts.md §1.2–§1.8).

What is modelled, for providers with explicit breakpoints (the Claude API, Bedrock,
Google Cloud; the registry's ``lookback_positions`` says which):

- prefix identity: a chained hash over tools → system → messages, block by block, of
  each block's exact bytes (its JSON as sent, minus its own ``cache_control``, key order
  kept), salted with the request-level parameters that invalidate each level: model and
  platform before everything, ``speed`` before system, ``tool_choice``,
  ``disable_parallel_tool_use``, ``thinking``, ``output_config.effort`` and whether any
  image is present before messages (facts.md §1.8);
- a read: each live breakpoint looks for an entry at its own position and then up to the
  provider's lookback (20 positions, counting the breakpoint; a run of consecutive
  ``tool_use`` or ``tool_result`` blocks is one position where the registry says so); the
  highest hit wins, and reading refreshes the entry's lifetime, as it does the live
  entries of the request's breakpoints inside the read prefix (each breakpoint is looked up);
- writes: every live breakpoint after the hit writes an entry with its own TTL; the
  tokens are billed as the docs say (reads up to the hit, 1h writes up to the last 1h
  breakpoint, 5m writes up to the last breakpoint, the rest uncached);
- time: record timestamps, or (without them) file order one second apart, stated in the
  result; an entry can be read only by a request that starts after the writer started;
- the minimum: a breakpoint whose prefix is certainly below the model's minimum writes
  nothing; one the offline count cannot settle is assumed to write, and says so.

Token counts are the offline point estimates of ``Analysis.prefix_estimate``; prices are
the registry's first-party list prices (write and read prices include the multipliers),
with the platform's batch discount for Batch API entries.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from ..checks.analysis import Analysis, Context, can_carry
from ..registry import Prices
from ..request import Block, ContentKind, Hole, HoleKind, Request, RequestSet, Section, Span
from ..tokens.verdict import Verdict
from .observed import Observed

# Not a provider fact: how far apart requests without timestamps are assumed to start.
ASSUMED_GAP_SECONDS = 1.0

_RUNS = {"tool_use": "tool_use", "toolUse": "tool_use", "tool_result": "tool_result", "toolResult": "tool_result"}
_SYSTEM_LEVEL = ("speed",)
_MESSAGES_LEVEL = ("tool_choice", "disable_parallel_tool_use", "thinking")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
TOKEN_CLASSES = ("read", "write_5m", "write_1h", "uncached")
_CALLS = ("loop", "fan-out")  # sets of the calls one call site in code repeats (sets.code)


@lru_cache(maxsize=64)
def ttl_seconds(ttl: str) -> float | None:
    match = re.fullmatch(r"(\d+)([smhd])", ttl or "")
    return float(int(match.group(1)) * _UNITS[match.group(2)]) if match else None


@dataclass(slots=True)
class _Option:
    """What one caching choice (no marker, or a TTL) would have cost a group, use by use."""

    write: float  # price per token of the first use (a write; the input price for "off")
    read: float
    lifetime: float  # seconds an entry lives after its last use (0: never read)
    cost: float = 0.0  # in price units per token
    last: float | None = None

    def use(self, t: float) -> None:
        fresh = self.last is not None and self.last < t and t - self.last <= self.lifetime
        self.cost += self.read if fresh else self.write
        self.last = t  # a write starts a lifetime, a read refreshes it


@dataclass(slots=True)
class Group:
    """Requests whose breakpoint closes the same prefix (one cache entry)."""

    id: str
    path: str
    line: int  # the first request's line
    model: str | None
    breakpoint: int  # its number in the first request
    section: str
    block: int  # index of the marked block in the first request
    section_index: int  # ... and its index within its section
    tokens: int  # point estimate of the whole prefix
    own_tokens: int  # beyond the request's previous breakpoint: what this entry adds
    ttl: str | None
    status: str  # "cached", "uncertain" (may be below the minimum), "below-minimum"
    span: Span  # the breakpoint in the first request
    minimum: int | None
    prices: Prices | None
    discount: float
    first_request: int = 0
    options: dict[str, _Option] = field(default_factory=dict)  # "off", "5m", "1h": what each would cost
    size: int = 0
    uses: int = 0  # requests that used the entry: its own, and those whose lookback found it
    writes: int = 0
    reads: int = 0
    covered: int = 0  # uses served inside a longer entry this request read
    cost_with: float = 0.0
    cost_without: float = 0.0
    first_read: bool = False  # whether its first request read the cache
    first_write: float | None = None
    last_write: float | None = None
    writers: list[int] = field(default_factory=list)  # requests (by number) that wrote it, the first WRITERS_KEPT
    break_even_reads: float | None = None
    newest_turn: bool = False  # a conversation's last turn, written for a next turn not in the set
    action: str = ""
    advice: str = ""

    def use(self, t: float) -> None:
        self.uses += 1
        for option in self.options.values():
            option.use(t)


@dataclass(slots=True)
class RequestOutcome:
    path: str
    line: int
    model: str | None
    time: float
    simulated: bool
    wrote: list[int] = field(default_factory=list)  # breakpoint numbers that wrote an entry
    read_breakpoint: int | None = None  # the breakpoint whose lookback found an entry
    read_block: int | None = None  # the block index the entry ends at
    read_group: str | None = None
    groups: list[str] = field(default_factory=list)  # group id of each breakpoint, in order
    tokens: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TOKEN_CLASSES, 0))
    cost_with: float | None = None
    cost_without: float | None = None
    batch_discount: float = 0.0
    notes: list[str] = field(default_factory=list)


@dataclass
class Simulation:
    path: str
    kind: str
    requests: list[RequestOutcome]  # each request's outcome, in file order (the first KEPT of a stream)
    groups: list[Group]
    assumption: str | None
    notes: list[str]
    count: int = 0  # requests in the set
    simulated_count: int = 0
    hits: int = 0  # simulated requests that read an entry
    tokens: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TOKEN_CLASSES, 0))
    simulated_tokens: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TOKEN_CLASSES, 0))
    cost_with: float = 0.0
    cost_without: float = 0.0
    unpriced: int = 0
    end_time: float = 0.0  # the last request's start time
    observed: Observed | None = None  # the log's recorded usage against the simulation

    @property
    def hit_rate(self) -> float | None:
        """Share of the simulated requests that read an entry."""
        return self.hits / self.simulated_count if self.simulated_count else None

    @property
    def token_hit_rate(self) -> float | None:
        """Share of the simulated requests' input tokens that were read from the cache."""
        total = sum(self.simulated_tokens.values())
        return self.simulated_tokens["read"] / total if total else None

    def cost(self) -> tuple[float, float, int]:
        """(with caching, without caching, requests that have no price)."""
        return self.cost_with, self.cost_without, self.unpriced


@dataclass(slots=True)
class _Entry:
    written: float
    touched: float
    lifetime: float

    def alive(self, now: float) -> bool:
        """Readable by a request starting at ``now``: written before it started, not expired."""
        return self.written < now and now - self.touched <= self.lifetime


def _hash(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


_SECTION_NAMES = {section: section.value for section in Section}


def block_digest(block: Block, request_number: int) -> bytes:
    """A block's identity for the cache: the digest of its exact JSON value (marker left out),
    or of its text with holes no other request has.

    A plain text block's is worked out once per distinct text: a log sends the same system
    prompt, and each turn the turns before it, request after request.
    """
    text = _plain_text(block.raw)
    if text is not None:
        digest = _text_digest if len(text) <= _KEPT_TEXT else _text_digest.__wrapped__  # the memo holds its texts
        return digest(block.section, block.role, block.message_index, block.type, text)
    return _hash(_other_bytes(block, request_number))


_KEPT_TEXT = 64 << 10  # 4,096 texts of at most 64 KiB: the memo stays within a log's memory budget


@lru_cache(maxsize=4096)
def _text_digest(section: Section, role: str | None, message_index: int | None, kind: str, text: str) -> bytes:
    # A plain text block's JSON is fixed by its text: skip encoding it. The \x02 cannot
    # start JSON, so this never equals the bytes of a block with other keys or order.
    return _hash((_head(section, role, message_index, kind) + "\x02" + text).encode("utf-8", "surrogatepass"))


def _other_bytes(block: Block, request_number: int) -> bytes:
    head = _head(block.section, block.role, block.message_index, block.type)
    raw = block.raw
    if raw is not None:
        if isinstance(raw, dict) and "cache_control" in raw:
            raw = {k: v for k, v in raw.items() if k != "cache_control"}
        try:
            # marshal's bytes tell two values apart exactly as their JSON would (types, key
            # order and text kept) at a fraction of the cost; \x03 starts neither other form.
            return head.encode("utf-8", "surrogatepass") + b"\x03" + marshal.dumps(raw, 2)
        except ValueError:  # a value marshal cannot write: its JSON
            body = json.dumps(raw, ensure_ascii=False, separators=(",", ":"), default=str)
    else:  # no exact bytes: the text, and a hole that changes from call to call never equals another request's
        body = "".join(p if isinstance(p, str) else _hole_bytes(p, i, request_number) for i, p in enumerate(block.text.pieces))
    return (head + body).encode("utf-8", "surrogatepass")


def _head(section: Section, role: str | None, message_index: int | None, kind: str) -> str:
    return f"{_SECTION_NAMES[section]}\x1f{role}\x1f{message_index}\x1f{kind}\x1f"


# Holes whose value one run of the program computes the same way each time (a set's
# iteration order, a dict dumped unsorted, a value made at import): they split the cache
# between processes, not calls.
_FIXED_IN_A_RUN = frozenset((HoleKind.UNORDERED, HoleKind.UNSORTED_JSON))


def _hole_bytes(hole: Hole, position: int, request_number: int) -> str:
    if hole.kind in _FIXED_IN_A_RUN or hole.at_import:
        return f"\x00hole {position} {hole.kind.value} {hole.label}\x00"
    return f"\x00hole {request_number} {position}\x00"


def _plain_text(raw: object) -> str | None:
    """The text of a block that is only ``{"type": "text", "text": ...}`` (in that order), or a string."""
    if isinstance(raw, str):  # string content is the API's shorthand for one text block
        return raw
    if isinstance(raw, dict) and raw.get("type") == "text" and tuple(raw) in _PLAIN_KEYS:
        text = raw["text"]
        return text if isinstance(text, str) else None
    return None


# "type" before "text", with or without the marker (left out of a block's identity) anywhere.
_PLAIN_KEYS = frozenset(
    (("type", "text"), ("cache_control", "type", "text"), ("type", "cache_control", "text"), ("type", "text", "cache_control"))
)


def _salt(request: Request, names: tuple[str, ...], extra: bool | None = None) -> bytes:
    params = request.params
    values = {n: params[n] for n in names if n in params}
    config = params.get("output_config")
    if names is _MESSAGES_LEVEL and isinstance(config, dict) and "effort" in config:
        values["effort"] = config["effort"]
    return json.dumps([values, extra], sort_keys=True, default=str).encode() if values else _no_values(extra)


@lru_cache(maxsize=None)
def _no_values(extra: bool | None) -> bytes:
    return json.dumps([{}, extra]).encode()


@lru_cache(maxsize=1024)
def _start(platform: str, model: str | None) -> bytes:
    return _hash(json.dumps([platform, model]).encode())


def has_images(request: Request) -> bool:
    """Whether the request carries images or documents: adding or removing them anywhere
    invalidates the messages cache (facts.md §1.8)."""
    return any(b.content is ContentKind.MEDIA and b.type in ("image", "document") for b in request.blocks)


def request_chain(a: Analysis, request_number: int) -> list[bytes]:
    """``prefix_chain`` of request ``request_number`` of its set, for the model it is sized
    for, unless another process worked it out already (``sets.scout``)."""
    known = a.known_chain
    if known is not None and known[0] == request_number:
        return known[1]
    model = a.sizing_model
    return prefix_chain(a.request, request_number, model.id if model else a.request.model)


def prefix_chain(request: Request, request_number: int, model: str | None) -> list[bytes]:
    """The identity of the prefix through each block: equal digests, equal prefixes."""
    state = _start(request.platform, model)
    images = has_images(request)
    levels: set[Section] = set()
    chain = []
    for block in request.blocks:
        if block.section is not Section.TOOLS and Section.SYSTEM not in levels:
            levels.add(Section.SYSTEM)
            state = _hash(state + b"system" + _salt(request, _SYSTEM_LEVEL))
        if block.section is Section.MESSAGES and Section.MESSAGES not in levels:
            levels.add(Section.MESSAGES)
            state = _hash(state + b"messages" + _salt(request, _MESSAGES_LEVEL, images))
        if block.type != "cachePoint":  # a Bedrock marker element: no content of its own
            state = _hash(state + block_digest(block, request_number))
        chain.append(state)
    return chain


def positions(blocks: list[Block], runs_as_one: bool) -> list[int]:
    """The lookback position of each block: runs of tool_use / tool_result share one."""
    out, pos, previous = [], -1, None
    for block in blocks:
        kind = _RUNS.get(block.type) if runs_as_one else None
        if block.type == "cachePoint" and out:
            out.append(pos)
            continue
        if kind is None or kind != previous:
            pos += 1
        previous = kind
        out.append(pos)
    return out


def start_times(members: RequestSet) -> tuple[list[float], str | None]:
    """When each request starts: its timestamp, or (without one) a second after the one before."""
    clock = Clock(members.kind)
    times = [clock.at(members.timestamps[i] if i < len(members.timestamps) else None) for i in range(len(members.requests))]
    return times, clock.assumption()


class Clock:
    """Start times for a stream of records, some of which may lack a timestamp."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.count = self.missing = self.backwards = 0
        self.last: float | None = None

    def at(self, stamp: float | None) -> float:
        self.count += 1
        if stamp is None:
            self.missing += 1
            # The calls of a fan-out start together; anything else one after another.
            gap = 0.0 if self.kind == "fan-out" else ASSUMED_GAP_SECONDS
            stamp = self.last + gap if self.last is not None else 0.0
        elif self.last is not None and stamp < self.last:
            self.backwards += 1
        self.last = stamp
        return stamp

    def assumption(self) -> str | None:
        said = self._missing()
        if self.backwards:
            order = f"{self.backwards} record{'s' if self.backwards != 1 else ''} start earlier than the record before them: simulated in file order"
            said = f"{said}; {order}" if said else order
        return said

    def _missing(self) -> str | None:
        if not self.missing:
            return None
        if self.missing == self.count and self.kind == "loop":
            return (
                f"the calls of a loop: {self.count:,} assumed (--iterations), each {ASSUMED_GAP_SECONDS:g} s after the one "
                "before has started responding; values the code does not show differ from call to call and count as 0 tokens"
            )
        if self.missing == self.count and self.kind == "fan-out":
            return (
                f"the calls of a fan-out: {self.count:,} assumed (--iterations), all started at once with no warm-up "
                "request before them, so none can read what another writes; values the code does not show differ from call to call "
                "and count as 0 tokens"
            )
        if self.missing == self.count:
            said = f"no timestamps: the requests are assumed to start in file order, {ASSUMED_GAP_SECONDS:g} s apart, each after the one before has started responding"
            if self.kind == "batch":
                said += "; the Batch API really runs them concurrently and in any order, so its hits are best-effort and can be fewer"
            return said
        return f"{self.missing} of {self.count} records have no timestamp: each is assumed to start {ASSUMED_GAP_SECONDS:g} s after the record before it"


def _price(prices: Prices, cls: str) -> float | None:
    field = _PRICE_FIELDS.get(cls)
    return getattr(prices, field) if field else None


_PRICE_FIELDS = {"read": "read", "uncached": "input", "write_5m": "write_5m", "write_1h": "write_1h"}


# Bounds that keep a streamed log's memory independent of its length.
WRITERS_KEPT = 32
SHARED_KEPT = 200_000  # distinct prefixes counted for "move the breakpoint" advice (~25 MB)
PRUNE_EVERY = 1_000  # requests between sweeps of expired entries


def simulate(members: RequestSet, ctx: Context, analyses: list[Analysis] | None = None) -> Simulation:
    """Run every request of ``members`` through a model of the provider's cache, in time order.

    ``analyses``, one per request when the caller has them already, saves analysing twice.
    """
    times, assumption = start_times(members)
    order = sorted(range(len(members.requests)), key=lambda i: times[i])  # stable: file order on ties

    def fetch(i: int) -> Analysis:
        return analyses[i] if analyses is not None else Analysis(members.requests[i], ctx)

    sim = Simulator(members.path, members.kind, ctx, fetch)
    usages = members.usage
    for i in order:
        sim.feed(i, fetch(i), times[i], usages[i] if i < len(usages) else None)
    result = sim.finish(assumption)
    by_index: list[RequestOutcome] = [None] * len(order)  # type: ignore[list-item]
    for fed, i in enumerate(order):  # fed in time order; reported in file order
        by_index[i] = result.requests[fed]
    result.requests = by_index
    return result


class Simulator:
    """The cache model, fed one request at a time in the order they were sent.

    Memory grows with the prefix groups, not with the requests: what is kept per request
    is its outcome (the first ``keep`` of them).
    ``fetch(i)`` gives request ``i``'s analysis again, for the advice on a group at the end.
    """

    def __init__(self, path: str, kind: str, ctx: Context, fetch, keep: int | None = None) -> None:
        self.path, self.kind, self.ctx, self.fetch = path, kind, ctx, fetch
        self.keep = keep
        self.entries: dict[bytes, _Entry] = {}
        self.groups: dict[bytes, Group] = {}
        self.shared: Counter[bytes] = Counter()
        self.result = Simulation(path, kind, [], [], None, [])
        self.notes: set[str] = set()
        self.observed = Observed()

    def feed(self, i: int, a: Analysis, now: float, usage=None) -> RequestOutcome:
        request, result, entries, groups = a.request, self.result, self.entries, self.groups
        self.chain: list[bytes] | None = None  # the request's prefix identity, once simulated
        model = a.sizing_model
        out = RequestOutcome(request.span.path, request.span.line, model.id if model else request.model, now, simulated=False)
        result.count += 1
        result.end_time = max(result.end_time, now)
        if self.keep is None or len(result.requests) < self.keep:
            result.requests.append(out)
        if result.count % PRUNE_EVERY == 0:
            self._prune(now)
        facts = a.facts
        out.batch_discount = (facts.batch_discount or 0.0) if request.in_batch else 0.0
        if request.in_batch and not facts.batch_discount:
            self.notes.add(f"no batch discount is recorded for {a.platform}: batch requests are priced at the on-demand rate")
        total = a.prefix_estimate(len(request.blocks) - 1).point if request.blocks else 0
        prices = model.prices_for(total) if model else None  # a long prompt may have its own tier
        why = _not_simulated(a)
        if why:
            out.notes.append(why)
            self.notes.add(why)
            out.tokens["uncached"] = total
            self._settle(out, prices, usage)
            return out
        out.simulated = True
        chain = self.chain = request_chain(a, i)
        if len(self.shared) < SHARED_KEPT:
            self.shared.update(set(chain))
        else:
            for digest in set(chain):
                if digest in self.shared:
                    self.shared[digest] += 1
        pos = positions(request.blocks, facts.lookback_tool_runs_as_one)
        window = facts.lookback_positions or 1

        def tokens(end: int) -> int:
            return a.prefix_estimate(end).point

        live: list[tuple[int, str, Group]] = []  # (marked index into a.marked, ttl, group)
        created: list[Group] = []
        previous_end = -1
        seen_ends: set[int] = set()
        for k, m in enumerate(a.marked):
            if m.number in a.invalid_marks or m.index in seen_ends:
                continue
            seen_ends.add(m.index)
            _, minimum, verdict = a.judge_prefix(m.index)
            ttl = a.ttl(m.breakpoint) or facts.default_ttl or "5m"
            group = groups.get(chain[m.index])
            if group is None:
                block = request.blocks[m.index]
                size = tokens(m.index)
                group = Group(
                    id=f"g{len(groups) + 1}",
                    path=request.span.path,
                    line=request.span.line,
                    model=out.model,
                    breakpoint=m.number,
                    section=block.section.value,
                    block=m.index,
                    section_index=sum(1 for b in request.blocks[: m.index] if b.section is block.section),
                    tokens=size,
                    own_tokens=size - (tokens(previous_end) if previous_end >= 0 else 0),
                    ttl=ttl,
                    status={Verdict.BELOW: "below-minimum", Verdict.UNCERTAIN: "uncertain"}.get(verdict, "cached"),
                    span=m.breakpoint.span,
                    minimum=minimum,
                    prices=prices,
                    discount=out.batch_discount,
                    first_request=i,
                    options=_options(prices, facts.ttls),
                )
                groups[chain[m.index]] = group
                created.append(group)
            group.size += 1
            group.use(now)
            out.groups.append(group.id)
            previous_end = m.index
            if verdict is Verdict.BELOW:
                out.notes.append(f"breakpoint {m.number}: the prefix is below {out.model}'s minimum of {minimum:,} tokens: it writes nothing")
                continue
            if verdict is Verdict.UNCERTAIN:
                out.notes.append(f"breakpoint {m.number}: the offline count cannot tell whether the prefix reaches the minimum; assumed to write")
            live.append((k, ttl, group))

        # The read: the highest entry any live breakpoint's lookback finds.
        hit: tuple[int, int] | None = None  # (block index, breakpoint number)
        for k, _, _ in live:
            m = a.marked[k]
            for j in range(m.index, -1, -1):
                if pos[m.index] - pos[j] >= window:
                    break
                entry = entries.get(chain[j])
                if entry is not None and entry.alive(now):
                    if hit is None or j > hit[0]:
                        hit = (j, m.number)
                    break
        for group in created:
            group.first_read = hit is not None
        factor = (1.0 - out.batch_discount) / 1_000_000
        done = 0
        if hit is not None:
            j, number = hit
            entries[chain[j]].touched = now
            # Each breakpoint looks its own prefix up: one inside the read prefix finds its
            # entry too, and that lookup refreshes it (a shared system prompt stays alive
            # while conversations read their own longer entries).
            for k, _, _ in live:
                inner = entries.get(chain[a.marked[k].index])
                if a.marked[k].index < j and inner is not None and inner.alive(now):
                    inner.touched = now
            done = tokens(j)
            out.read_breakpoint, out.read_block = number, j
            group = groups[chain[j]]
            out.read_group = group.id
            group.reads += 1
            if group.id not in out.groups:  # found by the lookback: a use of that entry too
                group.use(now)
            for k, _, own in live:
                if own is not group and a.marked[k].index < j:
                    own.covered += 1
            out.tokens["read"] = done
            if prices:
                group.cost_with += done * prices.read * factor
                group.cost_without += done * prices.input * factor
        for k, ttl, group in sorted(live, key=lambda item: a.marked[item[0]].index):
            m = a.marked[k]
            if hit is not None and m.index <= hit[0]:
                continue
            lifetime = ttl_seconds(ttl) or 0.0
            entries[chain[m.index]] = _Entry(now, now, lifetime)
            end = tokens(m.index)
            added = max(0, end - done)
            done = max(done, end)
            cls = f"write_{ttl}" if f"write_{ttl}" in out.tokens else "write_5m"
            out.tokens[cls] += added
            out.wrote.append(m.number)
            group.writes += 1
            if group.first_write is None:
                group.first_write = now
            group.last_write = now
            if len(group.writers) < WRITERS_KEPT:
                group.writers.append(i)
            if prices:
                group.cost_with += added * (_price(prices, cls) or prices.input) * factor
                group.cost_without += added * prices.input * factor
        out.tokens["uncached"] = max(0, total - done)
        result.simulated_count += 1
        result.hits += hit is not None
        for cls, n in out.tokens.items():
            result.simulated_tokens[cls] += n
        self._settle(out, prices, usage)
        return out

    def _settle(self, out: RequestOutcome, prices: Prices | None, usage) -> None:
        """Price the request and add it to the set's totals."""
        _price_request(out, prices)
        result = self.result
        for cls, n in out.tokens.items():
            result.tokens[cls] += n
        if out.cost_with is None:
            result.unpriced += 1
        else:
            result.cost_with += out.cost_with
            result.cost_without += out.cost_without or 0.0
        self.observed.add(out, usage)

    def _prune(self, now: float) -> None:
        # Records may be slightly out of time order: keep an hour's slack.
        self.entries = {k: e for k, e in self.entries.items() if now - e.touched <= e.lifetime + 3600}

    def finish(self, assumption: str | None, advise: bool = True) -> Simulation:
        """The result; without ``advise``, groups get their recommendation only from ``advise()``."""
        result = self.result
        result.kind = self.kind
        result.groups = list(self.groups.values())
        result.assumption = assumption
        result.notes = sorted(self.notes)
        result.observed = self.observed if self.observed.requests else None
        for group in result.groups:
            # The request read the cache and wrote its newest message for a next turn the set does not show
            # (the calls code repeats are each whole: a call that continues a conversation is not simulated).
            group.newest_turn = (
                group.reads == 0 and group.uses == 1 and group.section == Section.MESSAGES.value and group.first_read and self.kind not in _CALLS
            )
            if advise:
                _advise(group, self)
        return result

    def advise(self, group: Group) -> None:
        """The group's recommendation (may read its first request again)."""
        if not group.action:
            _advise(group, self)


def _options(prices: Prices | None, ttls) -> dict[str, _Option]:
    if prices is None:
        return {}
    out = {"off": _Option(prices.input, prices.input, 0.0)}
    for ttl in ttls:
        price, lifetime = {"5m": prices.write_5m, "1h": prices.write_1h}.get(ttl), ttl_seconds(ttl)
        if price is not None and lifetime is not None:
            out[ttl] = _Option(price, prices.read, lifetime)
    return out


def _not_simulated(a: Analysis) -> str | None:
    facts = a.facts
    if not facts.opt_in or facts.lookback_positions is None:
        return f"{a.shape_name} caching on {a.platform} is not simulated yet: its tokens count as uncached"
    if a.rejected:
        return "the API rejects this request (see `promptlint check`): nothing is cached"
    if a.request.in_batch and not facts.batch_caching:
        return f"{a.platform} does not cache inside its batch API: nothing is cached"
    return None


def _price_request(out: RequestOutcome, prices: Prices | None) -> None:
    if prices is None:
        out.notes.append(f"no price for {out.model or 'the model'}: not priced")
        return
    factor = (1.0 - out.batch_discount) / 1_000_000
    out.cost_with = sum(n * (_price(prices, cls) or prices.input) for cls, n in out.tokens.items()) * factor
    out.cost_without = sum(out.tokens.values()) * prices.input * factor


def _advise(group: Group, sim: Simulator) -> None:
    prices = group.prices
    about = f"~{group.tokens:,} tokens"
    if group.status == "below-minimum":
        group.action = "drop-marker"
        group.advice = (
            f"the prefix ({about}) is below {group.model}'s minimum of {group.minimum:,}: the marker is ignored and nothing "
            "is cached; drop it, or put more shared content before it"
        )
        return
    if prices is None:
        group.action, group.advice = "unknown", f"no price for {group.model or 'the model'}: cannot say whether caching pays"
        return
    write = {"5m": prices.write_5m, "1h": prices.write_1h}.get(group.ttl or "", prices.write_5m)
    saved = prices.input - prices.read
    group.break_even_reads = (write - prices.input) / saved if saved > 0 else None
    options = {name: option.cost * group.own_tokens for name, option in group.options.items()}
    current = group.ttl or "5m"
    best = min(options, key=lambda k: (round(options[k], 9), k != current, k != "off"))
    money = lambda v: f"${v * (1 - group.discount) / 1_000_000:,.4f}"  # noqa: E731
    if sim.kind == "fan-out" and group.reads == 0 and group.uses > 1 and current in group.options:
        # Concurrent calls: what each writes exists only once its response starts. One call
        # sent first (a warm-up) turns every other write into a read.
        option = group.options[current]
        warm = (option.write + (group.uses - 1) * option.read) * group.own_tokens
        group.action = "warm-up"
        group.advice = (
            f"the {group.uses} calls start at once, so none reads what another writes: send one first and start the rest "
            f"once it has begun responding; this part would then cost {money(warm)} instead of {money(options[current])}"
        )
    elif group.newest_turn:
        group.action = f"keep-{current}"
        group.advice = (
            "the newest turn of a conversation: written for a next turn the set does not show (the request itself read "
            "the cache); keep the marker if the conversation goes on"
        )
    elif best == "off" or (group.reads == 0 and group.uses == 1):
        moved = _move_target(group, sim)
        if moved:
            group.action, group.advice = "move-breakpoint", moved
        elif group.uses == 1:
            group.action = "drop-marker"
            group.advice = f"used by one request: the {current} write ({money(options.get(current, 0))}) is never read; drop the marker"
        else:
            group.action = "leave-off"
            group.advice = (
                f"caching cannot pay here: {group.size} uses, {group.reads} read{'s' if group.reads != 1 else ''}; "
                f"without a marker its own ~{group.own_tokens:,} tokens cost {money(options['off'])} over its {group.uses} uses, "
                f"with {current} {money(options.get(current, 0))}; leave it off"
            )
    elif best == current or (sim.kind == "batch" and current == "1h" and options.get("1h", float("inf")) < options["off"]):
        # In a batch the requests run concurrently and in any order, over up to hours: the docs suggest 1h there.
        group.action = f"keep-{current}"
        inside = f" (and {group.covered} inside a longer cached prefix)" if group.covered else ""
        group.advice = (
            f"keep {current}: {group.reads} read{'s' if group.reads != 1 else ''}{inside} for {group.writes} "
            f"write{'s' if group.writes != 1 else ''}; its own ~{group.own_tokens:,} tokens cost about {money(options[current])} "
            f"cached vs {money(options['off'])} uncached over its {group.uses} uses"
        )
    else:
        group.action = f"use-{best}"
        why = "reads come more than the current TTL apart" if (ttl_seconds(best) or 0) > (ttl_seconds(current) or 0) else "every read comes within the shorter TTL"
        group.advice = f"use {best}: {why}; it would cost {money(options[best])} instead of {money(options[current])}"


def _move_target(group: Group, sim: Simulator) -> str | None:
    """Advice to move a breakpoint no other request shares back to the last block others do."""
    a = sim.fetch(group.first_request)
    if a is None:
        return None
    chain = request_chain(a, group.first_request)
    shared = sim.shared
    marked_ends = {m.index for m in a.marked}
    for j in range(group.block - 1, -1, -1):
        if shared[chain[j]] < 2 or not can_carry(a.request.blocks[j]):
            continue
        if j in marked_ends:  # the shared part is already cached by its own breakpoint
            return None
        if a.judge_prefix(j)[2] is Verdict.BELOW:
            return None
        from .diff import describe_block  # diff builds on this module

        block = a.request.blocks[j]
        return (
            f"no other request shares this prefix, but {shared[chain[j]]} share the one through {describe_block(a.request.blocks, j)} "
            f"(block {j} overall; line {block.span.line}, ~{a.prefix_estimate(j).point:,} tokens): move the breakpoint there"
        )
    return None
