"""`promptlint simulate` output: a compact text report, and a stable JSON document.

The JSON shape (``version`` 1) is documented in the README ("Simulating a batch or a log").
"""

from __future__ import annotations

import datetime as dt
import json
from typing import IO, Sequence

from .simulate import TOKEN_CLASSES, Group, RequestOutcome, Simulation

JSON_VERSION = 1
ESTIMATES = "token counts are offline point estimates (promptlint tokens shows their bands); costs are input-side only, at the registry's first-party list prices"
# Text output lists at most this many requests; JSON lists every one.
TEXT_REQUESTS = 30
TEXT_GROUPS = 40


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def group_json(g: Group) -> dict:
    return {
        "id": g.id,
        "path": g.path,
        "line": g.line,
        "model": g.model,
        "breakpoint": g.breakpoint,
        "section": g.section,
        "block": g.block,
        "section_index": g.section_index,
        "tokens": g.tokens,
        "own_tokens": g.own_tokens,
        "ttl": g.ttl,
        "status": g.status,
        "minimum": g.minimum,
        "size": g.size,
        "writes": g.writes,
        "reads": g.reads,
        "break_even_reads": _round(g.break_even_reads),
        "cost": {"with_caching": _round(g.cost_with), "without_caching": _round(g.cost_without)},
        "recommendation": {"action": g.action, "text": g.advice},
    }


def request_json(r: RequestOutcome) -> dict:
    return {
        "path": r.path,
        "line": r.line,
        "model": r.model,
        "time": r.time,
        "simulated": r.simulated,
        "groups": r.groups,
        "wrote": r.wrote,
        "read": None if r.read_block is None else {"breakpoint": r.read_breakpoint, "block": r.read_block, "group": r.read_group},
        "tokens": dict(r.tokens),
        "cost": {"with_caching": _round(r.cost_with), "without_caching": _round(r.cost_without)},
        "batch_discount": r.batch_discount,
        "notes": r.notes,
    }


def simulation_json(s: Simulation, max_groups: int | None = None, lists: bool = True) -> dict:
    """One set as JSON; ``max_groups`` keeps the costliest; without ``lists``, no groups or requests."""
    with_, without, unpriced = s.cost()
    return {
        "path": s.path,
        "kind": s.kind,
        "requests": s.count,
        "simulated": s.simulated_count,
        "assumption": s.assumption,
        "notes": s.notes,
        "hit_rate": _round(s.hit_rate),
        "token_hit_rate": _round(s.token_hit_rate),
        "tokens": s.tokens,
        "cost": {
            "currency": "USD",
            "with_caching": _round(with_),
            "without_caching": _round(without),
            "saving": _round(without - with_),
            "unpriced_requests": unpriced,
        },
        "groups": [group_json(g) for g in costliest(s.groups, max_groups)] if lists else [],
        "groups_omitted": len(s.groups) - min(len(s.groups), max_groups if max_groups is not None else len(s.groups)),
        "per_request": [request_json(r) for r in s.requests] if lists else [],
        "per_request_omitted": s.count - len(s.requests),  # a streamed log lists only its first requests
        "observed": s.observed.as_json() if s.observed else None,
    }


def document(simulations: Sequence[Simulation], max_groups: int | None = None) -> dict:
    return {"version": JSON_VERSION, "estimates": ESTIMATES, "sets": [simulation_json(s, max_groups) for s in simulations]}


def write_json(simulations: Sequence[Simulation], out: IO[str]) -> None:
    """``document`` as indented JSON, written group by group: a huge log's report is never one string."""
    out.write('{\n  "version": %d,\n  "estimates": %s,\n  "sets": [' % (JSON_VERSION, json.dumps(ESTIMATES, ensure_ascii=False)))
    for n, s in enumerate(simulations):
        head = simulation_json(s, lists=False)
        del head["groups"], head["per_request"]
        text = json.dumps(head, indent=2, ensure_ascii=False)
        out.write(("," if n else "") + "\n" + _indent(text[: text.rindex("\n}")], 4))
        for key, items in (("groups", map(group_json, s.groups)), ("per_request", map(request_json, s.requests))):
            out.write(f',\n      "{key}": [')
            for k, item in enumerate(items):
                out.write(("," if k else "") + "\n" + _indent(json.dumps(item, indent=2, ensure_ascii=False), 8))
            out.write("\n      ]")
        out.write("\n    }")
    out.write("\n  ]\n}\n")


def _indent(text: str, width: int) -> str:
    pad = " " * width
    return "\n".join(pad + line for line in text.split("\n"))


def costliest(groups: Sequence[Group], limit: int | None) -> list[Group]:
    """All groups, or the ``limit`` costliest of them, in their order."""
    if limit is None or len(groups) <= limit:
        return list(groups)
    keep = set(map(id, sorted(groups, key=lambda g: g.cost_with, reverse=True)[:limit]))
    return [g for g in groups if id(g) in keep]


def _shown(groups: Sequence[Group]) -> list[Group]:
    """The groups the text lists: all of a few, else the costliest, in their order."""
    return costliest(groups, TEXT_GROUPS)


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def _usd(value: float | None) -> str:
    return "n/a" if value is None else f"${value:,.4f}"


def _when(r: RequestOutcome, s: Simulation) -> str:
    if s.assumption and r.time < 10**8:  # assumed seconds from the start, not a date
        return f"+{r.time:g}s"
    try:
        return dt.datetime.fromtimestamp(r.time, dt.timezone.utc).strftime("%H:%M:%S")
    except (OverflowError, OSError, ValueError):  # a time this platform's clock cannot show
        return f"{r.time:g}"


def write_text(simulations: Sequence[Simulation], out: IO[str]) -> None:
    for n, s in enumerate(simulations):
        if n:
            out.write("\n")
        with_, without, unpriced = s.cost()
        tokens = s.tokens
        out.write(f"{s.path}: {s.kind}, {s.count} request{'s' if s.count != 1 else ''} ({s.simulated_count} simulated)\n")
        discounts = sorted({r.batch_discount for r in s.requests if r.batch_discount})
        if discounts:
            out.write("  batch: " + ", ".join(f"{d:.0%}" for d in discounts) + " discount applied to input prices\n")
        if s.assumption:
            out.write(f"  assumption: {s.assumption}\n")
        for note in s.notes:
            out.write(f"  note: {note}\n")
        out.write(f"  hit rate {_pct(s.hit_rate)} of requests, {_pct(s.token_hit_rate)} of input tokens\n")
        out.write("  tokens (estimates): " + ", ".join(f"{k.replace('_', ' ')} {tokens[k]:,}" for k in TOKEN_CLASSES) + "\n")
        saving = without - with_
        verdict = f"saves {_usd(saving)}" if saving > 0 else f"costs {_usd(-saving)} more" if saving < 0 else "no difference"
        out.write(f"  input cost: {_usd(with_)} with caching, {_usd(without)} without ({verdict})")
        out.write(f"; {unpriced} request{'s' if unpriced != 1 else ''} without a price\n" if unpriced else "\n")
        if s.observed:
            o = s.observed
            out.write(
                f"  observed usage ({o.requests} request{'s' if o.requests != 1 else ''} with a breakpoint report it): "
                f"read {o.observed['read']:,}, written {o.observed['write']:,} tokens; simulated ~{o.simulated['read']:,} and "
                f"~{o.simulated['write']:,}; {o.agree} as simulated\n"
            )
            for sentence in o.summary():
                out.write(f"    {sentence}\n")
        if s.groups:
            out.write("\n  prefix groups\n")
            head = f"  {'group':<5} {'first':>6} {'bp':>3} {'tokens':>8} {'ttl':>4} {'size':>5} {'writes':>6} {'reads':>6} {'b/even':>6} {'with':>10} {'without':>10}  action\n"
            out.write(head)
            for g in _shown(s.groups):
                even = f"{g.break_even_reads:.2f}" if g.break_even_reads is not None else "-"
                out.write(
                    f"  {g.id:<5} {g.line:>6} {g.breakpoint:>3} {g.tokens:>8,} {g.ttl or '-':>4} {g.size:>5} {g.writes:>6} {g.reads:>6} "
                    f"{even:>6} {_usd(g.cost_with):>10} {_usd(g.cost_without):>10}  {g.action}\n"
                )
            if len(s.groups) > TEXT_GROUPS:
                out.write(f"  … {len(s.groups) - TEXT_GROUPS:,} more groups, each costing less (--format json lists every group)\n")
            out.write("  with/without: the tokens the simulation charged to the group (its writes, and the reads it served)\n")
            out.write("\n")
            for g in _shown(s.groups):
                out.write(f"  {g.id}: {g.advice}\n")
        out.write("\n  requests\n")
        out.write(f"  {'line':>6} {'time':>9} {'wrote':>11} {'read':>10} {'read tok':>9} {'write tok':>9} {'uncached':>9}\n")
        for r in s.requests[:TEXT_REQUESTS]:
            wrote = ",".join(f"bp{b}" for b in r.wrote) or "-"
            read = f"{r.read_group}@{r.read_block}" if r.read_block is not None else ("-" if r.simulated else "n/sim")
            writes = r.tokens["write_5m"] + r.tokens["write_1h"]
            out.write(f"  {r.line:>6} {_when(r, s):>9} {wrote:>11} {read:>10} {r.tokens['read']:>9,} {writes:>9,} {r.tokens['uncached']:>9,}\n")
        if s.count > TEXT_REQUESTS:
            listed = "every request" if len(s.requests) == s.count else f"the first {len(s.requests):,}"
            out.write(f"  … {s.count - TEXT_REQUESTS:,} more (--format json lists {listed})\n")
    if simulations:  # nothing simulated: the notes on stderr say why, and no figure needs the footnote
        out.write(f"\n{ESTIMATES}.\n")
