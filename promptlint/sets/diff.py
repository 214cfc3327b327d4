"""Why request B misses request A's cache: ``promptlint diff A B``.

The comparison follows the provider (facts.md §1): the same request shape, platform and
model; the same tools (any change invalidates everything); the request parameters, each
of which invalidates a cache level (§1.8); then the prefix block by block over tools →
system → messages, as exact bytes. A block's bytes are the compact JSON of the block as
sent, key order kept (an unstable key order is a real miss), without its breakpoint
marker (moving a marker does not change what is cached before it); a string ``system``
or message ``content`` is compared as the one text block the API makes of it.

When the prefixes agree up to one of A's breakpoints, what is left is whether A's entry
exists (the model's minimum, a request the API rejects), whether it is still alive when B
is sent (record timestamps and the breakpoint's TTL), and whether one of B's breakpoints
finds it: at or after it, within the lookback window (20 positions counting the
breakpoint itself; a run of consecutive ``tool_use`` or ``tool_result`` blocks is one).
"""

from __future__ import annotations

import itertools
import json
import marshal
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..checks.analysis import Analysis, Context, Marked
from ..frontends.jsonreq import parse_jsonl, read_json
from ..registry import Registry
from ..request import Block, Request, Section
from ..tokens.verdict import Verdict
from .simulate import has_images, ttl_seconds

EXCERPT = 40  # characters of context on each side of a divergence
_MARKER_KEYS = ("cache_control", "prompt_cache_breakpoint", "cachePoint")
_SECTION_ORDER = (Section.TOOLS, Section.SYSTEM, Section.MESSAGES)
_MISSING = object()

# Anthropic request parameters: the first cache level a change invalidates (that level and
# every later one), and what facts.md §1.8 adds. Tools and model are compared before these.
_ANTHROPIC_PARAMS: dict[str, tuple[Section, str | None]] = {
    "speed": (Section.SYSTEM, None),
    "tool_choice": (Section.MESSAGES, None),
    "disable_parallel_tool_use": (Section.MESSAGES, None),
    "thinking": (Section.MESSAGES, "on some models it invalidates the system and tools caches too"),
    "output_config": (
        Section.MESSAGES,
        "facts.md documents `effort` (on some models it invalidates the system and tools caches too; "
        "sending the model's default equals omitting it)",
    ),
}


class DiffError(Exception):
    """A usage problem: a bad FILE:LINE, an unreadable file, a file that is not a request."""


# -- selecting the two requests --------------------------------------------------------------


@dataclass
class Selected:
    """One side of the comparison: a request and where it came from."""

    label: str  # as the user named it: "a.json" or "log.jsonl:12"
    request: Request
    timestamp: float | None = None  # seconds since the epoch (log records)
    kind: str = "body"  # body, bodies, batch, log


_LINE = re.compile(r"(?P<path>.+):(?P<line>[^:/\\]*)")


def _split(arg: str) -> tuple[Path, int | None]:
    try:
        return _split_path(arg)
    except OSError as exc:  # a name the system cannot even look up (too long, …)
        raise DiffError(f"{arg}: cannot read it ({exc.strerror or exc})") from None


def _split_path(arg: str) -> tuple[Path, int | None]:
    if Path(arg).exists():
        return Path(arg), None
    match = _LINE.fullmatch(arg)
    if match and match.group("path") and Path(match.group("path")).exists():
        line = match.group("line")
        if not line.isdigit() or int(line) < 1:
            raise DiffError(f"{arg}: {line!r} is not a line number (FILE:LINE counts lines from 1)")
        return Path(match.group("path")), int(line)
    shown = match.group("path") if match and match.group("line").isdigit() else arg
    raise DiffError(f"{shown}: no such file")


def select_pair(a: str, b: str, registry: Registry) -> tuple[Selected, Selected]:
    """Read both arguments; a .jsonl named by both is read once, up to the later line."""
    where = [_split(a), _split(b)]
    lines: dict[Path, set[int]] = {}
    for path, line in where:
        if line is not None:
            lines.setdefault(path, set()).add(line)
    records = {path: _read_lines(path, wanted) for path, wanted in lines.items()}
    return tuple(  # type: ignore[return-value]
        _select(arg, path, line, registry, records.get(path, {})) for arg, (path, line) in zip((a, b), where)
    )


def _read_lines(path: Path, wanted: set[int]) -> dict[int, bytes]:
    """The wanted lines of a file, streamed: nothing after the last of them is read."""
    last, found = max(wanted), {}
    try:
        with path.open("rb") as handle:
            count = 0
            for count, raw in enumerate(itertools.islice(handle, last), start=1):
                if count in wanted:
                    found[count] = raw
    except IsADirectoryError:
        raise DiffError(f"{path}: is a folder, not a request file") from None
    except OSError as exc:
        raise DiffError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    if count < last:
        raise DiffError(f"{path}:{last}: the file has only {count} line{'s' if count != 1 else ''}")
    return found


def _select(arg: str, path: Path, line: int | None, registry: Registry, records: dict[int, bytes]) -> Selected:
    shown = str(path)
    if path.suffix == ".py":
        raise DiffError(f"{arg}: diff compares rendered requests (a .json body, or FILE:LINE of a .jsonl), not Python code")
    if line is not None and path.suffix == ".json":
        raise DiffError(f"{arg}: a .json file holds one request: name it without :LINE (FILE:LINE selects a line of a .jsonl)")
    if line is None:
        if path.suffix == ".jsonl":
            raise DiffError(f"{arg}: a .jsonl holds one request per line: name one as {shown}:LINE")
        if path.is_dir():
            raise DiffError(f"{arg}: is a folder, not a request file")
        try:
            parsed = read_json(path, shown, registry)
        except OSError as exc:
            raise DiffError(f"{arg}: cannot read it ({exc.strerror or exc})") from None
        if parsed.errors:
            error = parsed.errors[0]
            raise DiffError(f"{error.span.path}:{error.span.line}:{error.span.column}: {error.message}")
        if not parsed.requests:
            raise DiffError(f"{arg}: not a request body (no messages, system, input or params of a request)")
        return Selected(arg, parsed.requests[0])
    raw = records[line]
    if not raw.strip():
        raise DiffError(f"{shown}:{line}: the line is blank")
    # Blank stand-ins for the lines before keep the front-end's line numbers (and spans) right.
    parsed = parse_jsonl(shown, itertools.chain(itertools.repeat(b"", line - 1), (raw,)), registry)
    if parsed.errors:
        error = parsed.errors[0]
        raise DiffError(f"{shown}:{line}: {error.message}")
    if not parsed.requests or not parsed.sets:
        raise DiffError(f"{shown}:{line}: not a request (a body, a Batch API entry or a log record)")
    members = parsed.sets[0]
    return Selected(arg, parsed.requests[0], members.timestamps[0] if members.timestamps else None, members.kind)


# -- comparing blocks ------------------------------------------------------------------------


def canonical(block: Block) -> str:
    """The bytes of a block that the cache hashes, as text."""
    raw = block.raw
    if isinstance(raw, str) and block.type == "text":
        raw = {"type": "text", "text": raw}
    elif isinstance(raw, dict):
        raw = {k: v for k, v in raw.items() if k not in _MARKER_KEYS}
    elif raw is None:
        raw = {"type": block.type, "text": block.text.known_text()}
    return json.dumps(raw, ensure_ascii=False, separators=(",", ":"), default=str)


def _same_value(x: Block, y: Block) -> bool:
    """Whether two blocks certainly have the same ``canonical`` bytes, told without rendering them.

    marshal keeps types and key order, as the JSON does: equal bytes, equal JSON. (Unequal
    bytes settle nothing: the caller renders both.)
    """
    if x.raw is None or y.raw is None:
        return False
    try:
        return marshal.dumps(_comparable(x), 2) == marshal.dumps(_comparable(y), 2)
    except ValueError:  # a value marshal cannot write
        return False


def _comparable(block: Block) -> Any:
    raw = block.raw
    if isinstance(raw, str) and block.type == "text":
        return {"type": "text", "text": raw}
    if isinstance(raw, dict):
        return {k: v for k, v in raw.items() if k not in _MARKER_KEYS}
    return raw


def _first_field(a: Any, b: Any, path: str = "") -> str:
    """The JSON path, inside the block, of the first value that differs."""
    if isinstance(a, dict) and isinstance(b, dict):
        for (ka, va), (kb, vb) in zip(a.items(), b.items()):
            if ka != kb:
                return path or "(keys)"
            if va != vb:
                return _first_field(va, vb, f"{path}.{ka}" if path else str(ka))
        return path or "(keys)"
    if isinstance(a, list) and isinstance(b, list):
        for i, (va, vb) in enumerate(zip(a, b)):
            if va != vb:
                return _first_field(va, vb, f"{path}[{i}]")
        return path or "(items)"
    return path


def _escape(text: str) -> str:
    out = []
    for ch in text:
        if ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 32 or ord(ch) == 127:
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(ch)
    return "".join(out)


def _excerpt(a: str, b: str) -> tuple[int, int, dict[str, str]]:
    """(byte offset of the first differing byte, character index, the excerpt around it)."""
    offset = common_prefix(a.encode("utf-8"), b.encode("utf-8"))
    k = common_prefix(a, b)
    start = max(0, k - EXCERPT)
    before = ("…" if start else "") + _escape(a[start:k])

    def after(s: str) -> str:
        return _escape(s[k : k + EXCERPT]) + ("…" if len(s) > k + EXCERPT else "")

    return offset, k, {"before": before, "a": after(a), "b": after(b)}


def common_prefix(a, b) -> int:
    """The length of the longest common prefix of two strings (or byte strings)."""
    low, high = 0, min(len(a), len(b))
    while low < high:  # slices compare in C: a bisection beats a loop over characters
        middle = (low + high + 1) // 2
        if a[:middle] == b[:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _position_numbers(blocks: list[Block], runs_as_one: bool) -> list[int]:
    """Each block's lookback position: a run of tool_use (or tool_result) blocks is one."""
    numbers, current, previous = [], -1, None
    for block in blocks:
        if not (runs_as_one and block.type in ("tool_use", "tool_result") and block.type == previous):
            current += 1
        numbers.append(current)
        previous = block.type
    return numbers


def _starts_message(blocks: list[Block], i: int) -> bool:
    block = blocks[i]
    return block.section is Section.MESSAGES and (i == 0 or blocks[i - 1].message_index != block.message_index)


def _where(blocks: list[Block], i: int) -> tuple[Section, int]:
    """Section of block ``i`` and its index within the section."""
    section = blocks[i].section
    return section, sum(1 for b in blocks[:i] if b.section is section)


def describe_block(blocks: list[Block], i: int) -> str:
    section, j = _where(blocks, i)
    name = {Section.TOOLS: "tool", Section.SYSTEM: "system block", Section.MESSAGES: "messages block"}[section]
    return f"{name} {j}"


# -- the result ------------------------------------------------------------------------------


@dataclass
class Divergence:
    kind: str  # bytes | role | message-boundary | extra-block
    section: str
    section_index: int
    index: int  # overall, over tools → system → messages
    offset: int | None = None  # byte offset within the block's canonical bytes
    json_field: str | None = None  # JSON path inside the block of the first differing value
    excerpt: dict[str, str] | None = None  # before / a / b
    a: dict | None = None  # where it is in A's file: line, pointer
    b: dict | None = None
    detail: str = ""

    def as_json(self) -> dict:
        return {
            "kind": self.kind,
            "section": self.section,
            "section_index": self.section_index,
            "index": self.index,
            "offset": self.offset,
            "field": self.json_field,
            "excerpt": self.excerpt,
            "a": self.a,
            "b": self.b,
            "detail": self.detail,
        }


@dataclass
class Diff:
    a: Selected
    b: Selected
    verdict: str = "miss"  # read | miss
    reason: str = ""
    message: str = ""
    divergence: Divergence | None = None
    parameters: list[dict] = field(default_factory=list)
    common_blocks: int = 0  # leading blocks with the same bytes
    reusable_blocks: int = 0  # of those, before any cache level a parameter invalidates
    read: dict | None = None
    breakpoints: dict[str, list[dict]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    # When B reads only part of what A cached: why A's later entries are lost ("prefix" or
    # "parameter"), and the first of them.
    lost: str | None = None
    lost_breakpoint: int | None = None

    def as_json(self) -> dict:
        def side(s: Selected, name: str) -> dict:
            r = s.request
            return {
                "label": s.label,
                "path": r.span.path,
                "line": r.span.line,
                "kind": s.kind,
                "provider": r.provider,
                "platform": r.platform,
                "model": r.model,
                "timestamp": s.timestamp,
                "blocks": len(r.blocks),
                "breakpoints": self.breakpoints.get(name, []),
            }

        return {
            "version": 1,
            "verdict": self.verdict,
            "reason": self.reason,
            "message": self.message,
            "a": side(self.a, "a"),
            "b": side(self.b, "b"),
            "divergence": self.divergence.as_json() if self.divergence else None,
            "parameters": self.parameters,
            "common_blocks": self.common_blocks,
            "reusable_blocks": self.reusable_blocks,
            "read": self.read,
            "notes": self.notes,
        }

    def text(self) -> str:
        lines = []
        for name, s in (("A", self.a), ("B", self.b)):
            r = s.request
            marks = len(self.breakpoints.get(name.lower(), []))
            when = f", sent {s.timestamp:.0f}" if s.timestamp is not None else ""
            lines.append(
                f"{name}: {s.label} ({r.model or 'no model'} on {r.platform}; {len(r.blocks)} blocks, "
                f"{marks} breakpoint{'s' if marks != 1 else ''}{when})"
            )
        lines.append(("READ: " if self.verdict == "read" else "MISS: ") + self.message)
        d = self.divergence
        if d is not None:
            if self.reason not in ("prefix", "tools"):
                lead = "after the entry read, the prefixes first differ at" if self.verdict == "read" else "the prefixes also differ, first at"
                lines.append(f"  {lead} {describe_divergence(d)}")
            where = [
                f"{name} {loc['path']}:{loc['line']}" + (f" {loc['pointer']}" if loc.get("pointer") else "")
                for name, loc in (("A", d.a), ("B", d.b))
                if loc
            ]
            if where:
                lines.append("  at " + ", ".join(where))
            if d.excerpt is not None:
                missing = "(no such block)" if d.kind == "extra-block" else "(ends here)"
                lines.append(f"    same: {d.excerpt['before']}")
                lines.append(f"    A:    {d.excerpt['a'] or missing}")
                lines.append(f"    B:    {d.excerpt['b'] or missing}")
        for p in self.parameters:
            lines.append(f"  parameter {p['name']}: {_show(p['a'])} → {_show(p['b'])} ({p['effect']})")
        for note in self.notes:
            lines.append(f"note: {note}")
        return "\n".join(lines) + "\n"


def _show(value: Any) -> str:
    if value is None:
        return "(not set)"
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    return text if len(text) <= 60 else text[:59] + "…"


# -- the comparison --------------------------------------------------------------------------


def compare(a: Selected, b: Selected, ctx: Context, analyses: tuple[Analysis, Analysis] | None = None) -> Diff:
    """Why B misses (or reads) A's cache; ``analyses`` are A's and B's when the caller has them."""
    diff = Diff(a, b)
    ra, rb = a.request, b.request
    aa, ab = analyses if analyses is not None else (Analysis(ra, ctx), Analysis(rb, ctx))
    diff.breakpoints = {"a": _marks_json(aa), "b": _marks_json(ab)}
    blocks_a, blocks_b = ra.blocks, rb.blocks

    # The first place the two prefixes differ, whatever else differs too.
    common, divergence = _diverge(blocks_a, blocks_b)
    diff.common_blocks, diff.divergence = common, divergence

    # What the provider compares before any block: shape, platform, model, tools.
    if ra.provider != rb.provider:
        return _miss(diff, "provider", f"the requests have different shapes ({ra.provider} vs {rb.provider}): nothing is shared")
    if ra.platform != rb.platform:
        return _miss(diff, "platform", f"the platform changed ({ra.platform} → {rb.platform}): caches are per platform, nothing is shared")
    model_a, model_b = _model_id(aa), _model_id(ab)
    if model_a != model_b:
        return _miss(diff, "model", f"the model changed ({ra.model} → {rb.model}): caches are per model, a model change invalidates tools, system and messages")
    if ra.model != rb.model:
        diff.notes.append(f"the model is spelled {ra.model!r} in A and {rb.model!r} in B; both resolve to {model_a}, assumed to share a cache")
    if divergence is not None and divergence.section == Section.TOOLS.value:
        tools_a = sorted(canonical(x) for x in blocks_a if x.section is Section.TOOLS)
        tools_b = sorted(canonical(x) for x in blocks_b if x.section is Section.TOOLS)
        how = "the same tools in a different order" if tools_a == tools_b else "the tool definitions differ"
        return _miss(
            diff,
            "tools",
            f"the tools changed ({how}; first difference at {describe_divergence(divergence)}): "
            "any change to tools invalidates the tools, system and messages caches",
        )

    # Parameters: each invalidates a cache level and every level after it.
    level = _parameters(diff, ra, rb)
    limit = common
    if level is not None:
        start = next((i for i, x in enumerate(blocks_a) if _SECTION_ORDER.index(x.section) >= _SECTION_ORDER.index(level)), len(blocks_a))
        limit = min(limit, start)
    diff.reusable_blocks = limit

    if (ra.in_batch or rb.in_batch) and not aa.facts.batch_caching:
        return _miss(diff, "batch", f"{aa.platform} does not cache inside its batch API: nothing is cached")
    if aa.rejected:
        return _miss(diff, "a-rejected", "the API rejects A (see `promptlint check`), so A writes nothing to read")
    if ab.rejected:
        return _miss(diff, "b-rejected", "the API rejects B (see `promptlint check`), so B reads nothing")

    if not aa.marked and not aa.facts.opt_in:
        return _automatic(diff, aa, limit)
    if not aa.marked:
        return _miss(diff, "a-no-breakpoint", f"A has no breakpoint: {aa.platform} caches only up to a cache_control breakpoint, so A writes nothing")

    shared = [m for m in aa.marked if m.index < limit and m.number not in aa.invalid_marks]
    if not shared:
        return _miss(diff, _lost_reason(diff, level, limit), _lost_message(diff, aa, level, limit))
    _note_lost(diff, aa, level, limit)

    # Which of A's shared entries exist: at or above the model's minimum.
    written = []
    for m in shared:
        estimate, minimum, verdict = aa.judge_prefix(m.index, precise=True)
        if verdict is Verdict.BELOW:
            continue
        if verdict is Verdict.UNCERTAIN:
            diff.notes.append(
                f"A's breakpoint {m.number} prefix is {estimate.describe()}, near or of unknown relation to "
                f"{aa.model_name}'s minimum of {_num(minimum)}: it may write nothing"
            )
        written.append((m, estimate))
    if not written:
        m = shared[-1]
        estimate, minimum, _ = aa.judge_prefix(m.index, precise=True)
        return _miss(
            diff,
            "minimum",
            f"the shared prefix through A's breakpoint {m.number} ({describe_block(blocks_a, m.index)}) is {estimate.describe()}, "
            f"below {aa.model_name}'s minimum of {_num(minimum)} on {aa.platform}: A's breakpoint writes nothing, silently",
        )

    # Time: B must be sent while A's entry lives.
    if a.timestamp is not None and b.timestamp is not None:
        gap = b.timestamp - a.timestamp
        if gap < 0:
            return _miss(diff, "order", f"B was sent {_duration(-gap)} before A: A's entry did not exist yet")
        alive = [(m, e) for m, e in written if _alive(aa, m, gap)]
        if not alive:
            ttls = sorted({aa.ttl(m.breakpoint) or "?" for m, _ in written})
            return _miss(
                diff,
                "ttl",
                f"B was sent {_duration(gap)} after A, past the TTL of A's entries ({', '.join(ttls)}); "
                "unless a request in between read and so refreshed the entry, it has expired",
            )
        written = alive
    else:
        diff.notes.append("the requests carry no timestamps (both are needed): assumed B is sent within the TTL of A's entries")

    # B's breakpoints must find the entry: at or after it, within the lookback.
    if not ab.marked:
        return _miss(diff, "b-no-breakpoint", "B has no breakpoint: it reads nothing from the cache")
    window = ab.facts.lookback_positions or math.inf  # a provider with no documented lookback
    positions = _position_numbers(blocks_b, ab.facts.lookback_tool_runs_as_one)
    best = None
    nearest = None  # the closest miss by lookback, to explain it
    for mb in ab.marked:
        if mb.number in ab.invalid_marks:
            continue
        for m, estimate in written:
            if m.index > mb.index:
                continue
            back = positions[mb.index] - positions[m.index]
            if back < window:
                if best is None or m.index > best[1].index:
                    best = (mb, m, estimate, back)
            elif nearest is None or back < nearest[2]:
                nearest = (mb, m, back)
    if best is None:
        if nearest is not None:
            mb, m, back = nearest
            return _miss(
                diff,
                "lookback",
                f"B's breakpoint {mb.number} ({describe_block(blocks_b, mb.index)}) is {back + 1} positions from A's breakpoint {m.number} "
                f"({describe_block(blocks_a, m.index)}), counting itself; the lookback checks {window}, so A's entry is not found. "
                f"Add a breakpoint within {window} positions of the previous one",
            )
        last = max(m.index for m, _ in written)
        return _miss(
            diff,
            "b-no-breakpoint",
            f"B has no breakpoint at or after A's breakpoint at {describe_block(blocks_a, last)} (block {last}), "
            f"where the prefixes still agree: it looks only at or before its own breakpoints",
        )
    mb, m, estimate, back = best
    diff.verdict, diff.reason = "read", "read"
    how = "its own position" if back == 0 else f"{back} position{'s' if back != 1 else ''} back"
    diff.read = {
        "a_breakpoint": m.number,
        "b_breakpoint": mb.number,
        "index": m.index,
        "section": blocks_a[m.index].section.value,
        "section_index": _where(blocks_a, m.index)[1],
        "positions_back": back,
        "tokens": estimate.point,
        "tokens_low": estimate.low,
        "tokens_high": estimate.high if estimate.bounded else None,
        "ttl": aa.ttl(m.breakpoint),
    }
    diff.message = (
        f"B reads A's entry at breakpoint {m.number} ({describe_block(blocks_a, m.index)}, block {m.index}): "
        f"{estimate.describe()} read, found by B's breakpoint {mb.number} at {how}"
    )
    if a.kind == "batch" or b.kind == "batch" or ra.in_batch or rb.in_batch:
        diff.notes.append("inside a batch, requests run concurrently and in any order: cache hits are best-effort")
    return diff


def _miss(diff: Diff, reason: str, message: str) -> Diff:
    diff.verdict, diff.reason, diff.message = "miss", reason, message
    return diff


def _model_id(analysis: Analysis) -> str | None:
    return analysis.model.id if analysis.model else analysis.request.model


def first_divergence(blocks_a: list[Block], blocks_b: list[Block]) -> Divergence | None:
    """Where two prefixes first differ, or None if one is the other (or the start of it)."""
    return _diverge(blocks_a, blocks_b)[1]


def _diverge(blocks_a: list[Block], blocks_b: list[Block]) -> tuple[int, Divergence | None]:
    """The number of leading blocks the two share, and where they first differ."""
    for i in range(min(len(blocks_a), len(blocks_b))):
        x, y = blocks_a[i], blocks_b[i]
        if x.section is not y.section:
            return i, _extra(blocks_a, blocks_b, i)
        if _same_value(x, y):
            ca = cb = ""
        else:
            ca, cb = canonical(x), canonical(y)
        if ca != cb:
            offset, _, excerpt = _excerpt(ca, cb)
            section, j = _where(blocks_a, i)
            return i, Divergence(
                "bytes", section.value, j, i, offset, _first_field(_comparable(x), _comparable(y)) or None, excerpt,
                _loc(x), _loc(y),
            )
        if x.role != y.role:
            section, j = _where(blocks_a, i)
            return i, Divergence("role", section.value, j, i, a=_loc(x), b=_loc(y), detail=f"the role changed ({x.role} → {y.role})")
        if _starts_message(blocks_a, i) != _starts_message(blocks_b, i):
            section, j = _where(blocks_a, i)
            first = "A" if _starts_message(blocks_a, i) else "B"
            return i, Divergence(
                "message-boundary", section.value, j, i, a=_loc(x), b=_loc(y),
                detail=f"the same block starts a new message in {first} only",
            )
    n = min(len(blocks_a), len(blocks_b))
    if len(blocks_a) == len(blocks_b):
        return n, None
    if len(blocks_a) > n and len(blocks_b) > n:  # pragma: no cover - the loop returns first
        return n, None
    # One request ends where the other goes on: a difference only if A goes on (B is shorter),
    # or in a section B has more blocks of before the next section starts.
    return n, (_extra(blocks_a, blocks_b, n) if len(blocks_a) > n else None)


def _extra(blocks_a: list[Block], blocks_b: list[Block], i: int) -> Divergence:
    """At ``i`` one request has a block of a section the other has no more of (or ends)."""
    x = blocks_a[i] if i < len(blocks_a) else None
    y = blocks_b[i] if i < len(blocks_b) else None
    sections = [z.section for z in (x, y) if z is not None]
    section = min(sections, key=_SECTION_ORDER.index)
    j = sum(1 for z in blocks_a[:i] if z.section is section)
    text_a = canonical(x) if x is not None and x.section is section else ""
    text_b = canonical(y) if y is not None and y.section is section else ""
    offset, _, excerpt = _excerpt(text_a, text_b)
    has = "A" if text_a else "B"
    other = "B" if has == "A" else "A"
    return Divergence(
        "extra-block", section.value, j, i, offset, None, excerpt, _loc(x), _loc(y),
        detail=f"{has} has {section.value} block {j} where {other} has {'none' if (y if has == 'A' else x) is None else 'no more ' + section.value + ' blocks'}",
    )


def _loc(block: Block | None) -> dict | None:
    if block is None:
        return None
    return {"path": block.span.path, "line": block.span.line, "pointer": block.span.pointer}


def describe_divergence(d: Divergence) -> str:
    name = {"tools": "tool", "system": "system block", "messages": "messages block"}[d.section]
    text = f"{name} {d.section_index} (block {d.index} overall)"
    if d.offset is not None and d.kind == "bytes":
        text += f", byte {d.offset}" + (f" in {d.json_field}" if d.json_field else "")
    elif d.detail:
        text += f": {d.detail}"
    return text


def _parameters(diff: Diff, ra: Request, rb: Request) -> Section | None:
    """Record the parameters that differ; the earliest cache level they invalidate."""
    level: Section | None = None
    if ra.provider == "anthropic" and has_images(ra) != has_images(rb):
        # facts.md §1.8: adding or removing images anywhere in the prompt invalidates the messages.
        level = Section.MESSAGES
        diff.parameters.append(
            {
                "name": "images",
                "a": has_images(ra),
                "b": has_images(rb),
                "invalidates": [Section.MESSAGES.value],
                "effect": f"images {'added' if has_images(rb) else 'removed'}: adding or removing images anywhere in the prompt invalidates the messages cache",
            }
        )
    names = list(dict.fromkeys([*ra.params, *rb.params]))
    for name in names:
        va, vb = _param(ra, name), _param(rb, name)
        if va == vb:
            continue
        if ra.provider == "anthropic" and name in _ANTHROPIC_PARAMS:
            first, note = _ANTHROPIC_PARAMS[name]
            invalidated = [s.value for s in _SECTION_ORDER[_SECTION_ORDER.index(first) :]]
            effect = f"invalidates the {' and '.join(invalidated)} cache{'s' if len(invalidated) > 1 else ''}"
            if note:
                effect += f"; {note}"
            if level is None or _SECTION_ORDER.index(first) < _SECTION_ORDER.index(level):
                level = first
        else:
            invalidated, effect = None, "its effect on the cache is not documented in facts.md; not counted"
        diff.parameters.append(
            {"name": name, "a": None if va is _MISSING else va, "b": None if vb is _MISSING else vb, "invalidates": invalidated, "effect": effect}
        )
    return level


def _param(request: Request, name: str) -> Any:
    value = request.params.get(name, _MISSING)
    if name == "tool_choice" and isinstance(value, dict):
        value = {k: v for k, v in value.items() if k != "disable_parallel_tool_use"}
    return value


def _lost_reason(diff: Diff, level: Section | None, limit: int) -> str:
    if diff.divergence is not None and diff.divergence.index <= limit:
        return "prefix"
    if level is not None:
        return "parameter"
    return "a-no-breakpoint"  # every breakpoint of A is one the API rejects (caught earlier as a-rejected)


def _lost_message(diff: Diff, aa: Analysis, level: Section | None, limit: int) -> str:
    reason = _lost_reason(diff, level, limit)
    marks = [m for m in aa.marked if m.number not in aa.invalid_marks]
    first = marks[0] if marks else None
    where = f"A's first breakpoint is at {describe_block(aa.request.blocks, first.index)} (block {first.index} overall)" if first else "A has no valid breakpoint"
    if reason == "prefix":
        d = diff.divergence
        assert d is not None
        return f"the prefix differs at {describe_divergence(d)}; {where}, so nothing A cached matches B"
    if reason == "parameter":
        names = ", ".join(p["name"] for p in diff.parameters if p["invalidates"])
        level_name = level.value if level else ""
        return f"{names} changed, which invalidates the {level_name} cache and every level after it; {where}, so nothing A cached is read"
    return f"{where}: A writes nothing B could read"


def _note_lost(diff: Diff, aa: Analysis, level: Section | None, limit: int) -> None:
    lost = [m for m in aa.marked if m.index >= limit and m.number not in aa.invalid_marks]
    if not lost:
        return
    diff.lost, diff.lost_breakpoint = _lost_reason(diff, level, limit), lost[0].number
    why = describe_divergence(diff.divergence) if diff.lost == "prefix" and diff.divergence else None
    numbers = ", ".join(str(m.number) for m in lost)
    if why:
        diff.notes.append(f"A's breakpoint{'s' if len(lost) > 1 else ''} {numbers} cannot be read: the prefix differs at {why}")
    elif level is not None:
        diff.notes.append(f"A's breakpoint{'s' if len(lost) > 1 else ''} {numbers} cannot be read: a parameter change invalidates the {level.value} level")
    else:
        diff.notes.append(f"A's breakpoint{'s' if len(lost) > 1 else ''} {numbers} cannot be read: B ends before")


def _automatic(diff: Diff, aa: Analysis, limit: int) -> Diff:
    """A provider that caches prefixes by itself (OpenAI, DeepSeek, Gemini implicit)."""
    if limit == 0:
        d = diff.divergence
        if d is not None and not shared_start_may_be_cached(aa, d):
            return _miss(diff, "prefix", f"the prefix differs at {describe_divergence(d)}: nothing is shared")
        if d is not None:
            diff.verdict, diff.reason = "read", "read"
            diff.message = (
                f"{aa.platform} caches prefixes automatically: B may read the start A and B share, the first "
                f"{d.offset:,} bytes of {describe_block(aa.request.blocks, 0)} (best-effort: routing and eviction are the provider's)"
            )
            return diff
        return _miss(diff, "parameter", "a parameter change invalidates the whole prefix")
    estimate, minimum, verdict = aa.judge_prefix(limit - 1, precise=True)
    if verdict is Verdict.BELOW:
        return _miss(
            diff,
            "minimum",
            f"{aa.platform} caches prefixes automatically, but the shared prefix ({limit} blocks, {estimate.describe()}) is below "
            f"{aa.model_name}'s minimum of {_num(minimum)}",
        )
    diff.verdict, diff.reason = "read", "read"
    diff.read = {
        "a_breakpoint": None,
        "b_breakpoint": None,
        "index": limit - 1,
        "section": aa.request.blocks[limit - 1].section.value,
        "section_index": _where(aa.request.blocks, limit - 1)[1],
        "positions_back": None,
        "tokens": estimate.point,
        "tokens_low": estimate.low,
        "tokens_high": estimate.high if estimate.bounded else None,
        "ttl": None,
    }
    diff.message = (
        f"{aa.platform} caches prefixes automatically: B can read the {limit} shared block{'s' if limit != 1 else ''}, {estimate.describe()} "
        "(best-effort: routing and eviction are the provider's)"
    )
    if verdict is Verdict.UNCERTAIN:
        diff.notes.append(f"the shared prefix is near {aa.model_name}'s minimum of {_num(minimum)}: it may not be cached")
    return diff


def shared_start_may_be_cached(a: Analysis, d: Divergence) -> bool:
    """Whether what two requests share before they differ at ``d`` may reach A's minimum (a token
    covers at least a byte): a provider that caches by itself reads that much of it. With no
    minimum known, nothing says it does."""
    minimum = a.minimum()
    before = a.prefix_estimate(d.index - 1).high if d.index > 0 else 0
    return minimum is not None and before + (d.offset or 0) >= minimum


def _alive(analysis: Analysis, marked: Marked, gap: float) -> bool:
    ttl = analysis.ttl(marked.breakpoint)
    seconds = ttl_seconds(ttl or "")
    return seconds is None or gap <= seconds


def _marks_json(analysis: Analysis) -> list[dict]:
    blocks = analysis.request.blocks
    rows = []
    for m in analysis.marked:
        section, j = _where(blocks, m.index)
        rows.append(
            {
                "number": m.number,
                "index": m.index,
                "section": section.value,
                "section_index": j,
                "ttl": analysis.ttl(m.breakpoint),
                "automatic": m.automatic,
            }
        )
    return rows


def _num(value: int | None) -> str:
    return f"{value:,} tokens" if value is not None else "unknown"


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min {seconds % 60} s" if seconds % 60 else f"{seconds // 60} min"
    return f"{seconds / 3600:.1f} h"
