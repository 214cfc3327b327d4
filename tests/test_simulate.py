"""The cache simulator (`promptlint simulate`), with hand-computed expected numbers.

Token counts come from a test counter that counts the word ``zq`` and nothing else, so a
prefix's size is known by construction ("zq " * 5000 is 5,000 tokens; JSON keys, tool names
and other words are free). Prices, minimums, TTL choices and the batch discount are read
from the bundled registry, never written here.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from promptlint.checks.analysis import Context
from promptlint.cli import cli
from promptlint.frontends.jsonreq import read_jsonl
from promptlint.registry import bundled
from promptlint.sets import simulate
from promptlint.sets.report import document
from promptlint.tokens import Estimate

REG = bundled()
HAIKU = REG.get("claude-haiku-4-5")
SONNET = REG.get("claude-sonnet-4-6")
ANTHROPIC = REG.provider("anthropic")


class ZqCounter:
    name = "test count"

    def count(self, segments, family):
        n = sum(text.split().count("zq") for text, _ in segments)
        return Estimate(n, n, n, self.name)


def zq(n: int) -> str:
    return " ".join(["zq"] * n)


def run(tmp_path: Path, records: list[dict]):
    path = tmp_path / "set.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    parsed = read_jsonl(path, "set.jsonl", REG)
    assert not parsed.errors and len(parsed.sets) == 1
    ctx = Context(registry=REG, counter=ZqCounter(), as_of=dt.date(2026, 11, 22), safety_margin=0.1)
    return simulate(parsed.sets[0], ctx)


def cc(ttl: str | None = None) -> dict:
    return {"type": "ephemeral", **({"ttl": ttl} if ttl else {})}


def test_registry_facts_the_tests_rely_on():
    # Sanity: the fixtures below are sized against these; if the registry moves, resize them.
    assert HAIKU.minimum("anthropic") == 4096 and SONNET.minimum("anthropic") == 1024
    assert ANTHROPIC.lookback_positions == 20 and ANTHROPIC.lookback_tool_runs_as_one


# -- (1) a two-stage batch: the shared stage prompt pays, one-request subtrees never do ---


def stage2(custom_id: str, subtree: str, page: int) -> dict:
    return {
        "custom_id": custom_id,
        "params": {
            "model": "claude-haiku-4-5",
            "max_tokens": 64,
            "system": [
                {"type": "text", "text": "stage prompt " + zq(5000), "cache_control": cc("1h")},
                {"type": "text", "text": f"subtree {subtree} " + zq(1000), "cache_control": cc("1h")},
            ],
            "messages": [{"role": "user", "content": f"page {page} " + zq(10)}],
        },
    }


def test_batch_one_request_subtrees_with_1h_are_written_and_never_read(tmp_path):
    # Subtrees A (3 pages), B (2), C (1), D (1); no timestamps: file order, 1 s apart.
    pages = [("A", 1), ("A", 2), ("A", 3), ("B", 4), ("B", 5), ("C", 6), ("D", 7)]
    sim = run(tmp_path, [stage2(f"p{n}", s, n) for s, n in pages])
    assert sim.kind == "batch" and "file order" in sim.assumption and "best-effort" in sim.assumption
    # Prefix at bp1 = 5,000 tokens, at bp2 = 6,000, whole prompt = 6,010.
    # A1: nothing cached: 1h writes 6,000 (bp1 5,000 + bp2 1,000), uncached 10.
    # A2, A3, B2: read their subtree entry: 6,000 each.
    # B1, C1, D1: the lookback from bp2 finds the stage prompt: read 5,000, 1h write 1,000.
    r = sim.requests
    assert (r[0].wrote, r[0].read_block) == ([1, 2], None)
    assert (r[1].wrote, r[1].read_block, r[1].read_group) == ([], 1, "g2")
    assert (r[3].wrote, r[3].read_block, r[3].read_group) == ([2], 0, "g1")
    # read = 3 × 6,000 + 3 × 5,000 = 33,000; write 1h = 6,000 + 3 × 1,000 = 9,000; uncached = 7 × 10
    assert sim.tokens == {"read": 33_000, "write_5m": 0, "write_1h": 9_000, "uncached": 70}
    assert sim.hit_rate == pytest.approx(6 / 7)
    p, off = HAIKU.prices, 1 - ANTHROPIC.batch_discount  # haiku 4.5: 1 / 2 (1h) / 0.1; batch 50% off
    with_, without, unpriced = sim.cost()
    # (33,000 × 0.1 + 9,000 × 2 + 70 × 1) / 1e6 × 0.5 = 21,370 / 1e6 × 0.5 = 0.010685
    assert with_ == pytest.approx((33_000 * p.read + 9_000 * p.write_1h + 70 * p.input) / 1e6 * off)
    assert with_ == pytest.approx(0.010685)
    # 42,070 × 1 / 1e6 × 0.5 = 0.021035
    assert without == pytest.approx(0.021035) and unpriced == 0

    g = {x.id: x for x in sim.groups}
    shared, a, b, c, d = g["g1"], g["g2"], g["g3"], g["g4"], g["g5"]
    assert (shared.size, shared.writes, shared.reads, shared.covered) == (7, 1, 3, 3)
    # The stage prompt pays: (5,000 × 2 + 3 × 5,000 × 0.1) / 1e6 × 0.5 = 0.00575 vs 20,000 / 1e6 × 0.5 = 0.01
    assert (shared.cost_with, shared.cost_without) == (pytest.approx(0.00575), pytest.approx(0.01))
    assert shared.action == "keep-1h"  # a batch: the docs suggest 1h (the order is not guaranteed)
    # 1h break-even: (2 − 1) / (1 − 0.1) = 1.11 reads per write
    assert shared.break_even_reads == pytest.approx((p.write_1h - p.input) / (p.input - p.read))
    assert shared.break_even_reads == pytest.approx(1.1111, abs=1e-4)
    assert (a.size, a.reads, a.action) == (3, 2, "keep-1h")
    assert (b.size, b.reads) == (2, 1)
    for one in (c, d):  # written once (1,000 × 2 / 1e6 × 0.5 = 0.001), never read: drop the marker
        assert (one.size, one.writes, one.reads, one.action) == (1, 1, 0, "drop-marker")
        assert one.cost_with == pytest.approx(0.001) and one.cost_without == pytest.approx(0.0005)


# -- (2) a log whose tool order changes on one request -------------------------------------


TOOLS = [
    {"name": "lookup", "description": "a " + zq(600) + " b", "input_schema": {"type": "object", "properties": {}}},
    {"name": "refund", "description": "a " + zq(600) + " b", "input_schema": {"type": "object", "properties": {}}},
]


def logged(t: float | str, body: dict, usage: dict | None = None) -> dict:
    record = {"timestamp": t, "request": {"model": "claude-sonnet-4-6", "max_tokens": 64, **body}}
    if usage is not None:
        record["response"] = {"usage": usage}
    return record


def test_log_where_one_request_reorders_its_tools_misses(tmp_path):
    def body(tools, n):
        return {
            "tools": tools,
            "system": [{"type": "text", "text": zq(500), "cache_control": cc()}],
            "messages": [{"role": "user", "content": f"question {n} zq zq"}],
        }

    sim = run(tmp_path, [logged(0, body(TOOLS, 1)), logged(60, body(TOOLS, 2)), logged(120, body(TOOLS[::-1], 3)), logged(180, body(TOOLS, 4))])
    assert sim.assumption is None  # every record has a timestamp
    # Prefix at the system breakpoint = 600 + 600 + 500 = 1,700 (sonnet 4.6 minimum 1,024); 2 more uncached.
    # 1: write 1,700. 2: read 1,700. 3 (tools reversed: a new prefix from block 0): write 1,700.
    # 4: original order again, entry touched at 60 s, 120 s ago < 5 min: read 1,700.
    assert [(r.wrote, r.read_block) for r in sim.requests] == [([1], None), ([], 2), ([1], None), ([], 2)]
    assert sim.tokens == {"read": 3_400, "write_5m": 3_400, "write_1h": 0, "uncached": 8}
    p = SONNET.prices  # 3 / 3.75 (5m) / 0.3
    with_, without, _ = sim.cost()
    # (3,400 × 0.3 + 3,400 × 3.75 + 8 × 3) / 1e6 = (1,020 + 12,750 + 24) / 1e6 = 0.013794
    assert with_ == pytest.approx((3_400 * p.read + 3_400 * p.write_5m + 8 * p.input) / 1e6) == pytest.approx(0.013794)
    assert without == pytest.approx(6_808 * 3 / 1e6)
    reordered = sim.groups[1]
    assert (reordered.size, reordered.writes, reordered.reads, reordered.line) == (1, 1, 0, 3)


# -- (3) a gap longer than the TTL expires the entry; a read refreshes it ------------------


def test_a_prompt_over_the_long_tier_is_priced_at_it(tmp_path):
    # Haiku 5.5 has two price tiers (facts.md §1.6): prompts over 100k tokens cost 5x. Two batch
    # entries sharing a 150,000-token marked system prompt: one 5m write, one read, at 50% off.
    model = REG.get("claude-haiku-5-5")
    short, long = model.prices, model.prices_long
    assert model.long_above == 100_000 and (long.input, long.write_5m, long.read) == (0.50, 0.625, 0.05) and short.input == 0.10
    entry = lambda n: {"custom_id": f"e{n}", "params": {"model": "claude-haiku-5-5", "max_tokens": 8, "system": [{"type": "text", "text": zq(150_000), "cache_control": cc()}], "messages": [{"role": "user", "content": f"q{n}"}]}}
    s = run(tmp_path, [entry(1), entry(2)])
    with_, without, _ = s.cost()
    assert with_ == pytest.approx((150_000 * 0.625 + 150_000 * 0.05) * 0.5 / 1e6)
    assert without == pytest.approx(300_000 * 0.50 * 0.5 / 1e6)


def test_log_gap_longer_than_ttl_expires_the_entry(tmp_path):
    def body(n):
        return {"system": [{"type": "text", "text": zq(2000), "cache_control": cc()}], "messages": [{"role": "user", "content": f"q{n} zq zq zq"}]}

    start = dt.datetime(2026, 11, 21, 10, 0, tzinfo=dt.timezone.utc)
    stamps = [start + dt.timedelta(seconds=s) for s in (0, 120, 400, 1000)]
    sim = run(tmp_path, [logged(t.isoformat().replace("+00:00", "Z"), body(n)) for n, t in enumerate(stamps)])
    # 0 s: write. 120 s: read (refreshes: lives to 420 s). 400 s: read, although 400 s after the
    # write (> 5 min): the read at 120 s refreshed it. 1,000 s: 600 s since the last touch > 300 s: write.
    assert [(r.wrote, r.read_block) for r in sim.requests] == [([1], None), ([], 0), ([], 0), ([1], None)]
    assert sim.tokens == {"read": 4_000, "write_5m": 4_000, "write_1h": 0, "uncached": 12}
    with_, without, _ = sim.cost()
    # (4,000 × 0.3 + 4,000 × 3.75 + 12 × 3) / 1e6 = (1,200 + 15,000 + 36) / 1e6 = 0.016236
    assert with_ == pytest.approx(0.016236) and without == pytest.approx(8_012 * 3 / 1e6)
    group = sim.groups[0]
    assert (group.size, group.writes, group.reads) == (4, 2, 2)
    # What-if over the uses at 0, 120, 400, 1,000 s, 2,000 tokens each:
    # 5m: 2,000 × (3.75 + 0.3 + 0.3 + 3.75) = 16,200; 1h: 2,000 × (6 + 3 × 0.3) = 13,800; off: 24,000
    assert group.action == "use-1h" and "$0.0138" in group.advice and "$0.0162" in group.advice


# -- (4) a conversation that crosses the 20-position lookback --------------------------------


def conversation(extra: list[dict]) -> list[dict]:
    system = [{"type": "text", "text": zq(1500)}]
    first = [{"role": "user", "content": [{"type": "text", "text": "hello zq", "cache_control": cc()}]}]
    rest = [dict(m) for m in extra]
    last = rest[-1]
    content = last["content"] if isinstance(last["content"], list) else [{"type": "text", "text": last["content"]}]
    last["content"] = [*content[:-1], {**content[-1], "cache_control": cc()}]
    plain_first = [{"role": "user", "content": [{"type": "text", "text": "hello zq"}]}]
    return [logged(0, {"system": system, "messages": first}), logged(10, {"system": system, "messages": plain_first + rest})]


def test_conversation_beyond_the_lookback_misses(tmp_path):
    # Request 1 marks its first user message: system (block 0) + message (block 1) = 1,501 tokens.
    # Request 2 appends 25 messages (blocks 2..26) and marks the last: 26 − 1 = 25 positions back,
    # beyond the 20 the lookback checks (counting the breakpoint): no read, the whole 1,526 is written.
    extra = [{"role": "assistant" if i % 2 else "user", "content": f"m{i} zq"} for i in range(1, 26)]
    assert extra[-1]["role"] == "assistant"
    extra.append({"role": "user", "content": "m26 zq"})  # 26 appended: blocks 2..27, 27 − 1 = 26 > 19
    sim = run(tmp_path, conversation(extra))
    first, second = sim.requests
    assert (first.wrote, first.tokens["write_5m"]) == ([1], 1_501)
    assert (second.read_block, second.wrote, second.tokens["write_5m"]) == (None, [1], 1_501 + 26)


def test_conversation_within_the_lookback_reads(tmp_path):
    # 19 appended messages: blocks 2..20; 20 − 1 = 19 positions back, inside the window of 20.
    extra = [{"role": "assistant" if i % 2 else "user", "content": f"m{i} zq"} for i in range(1, 20)]
    sim = run(tmp_path, conversation(extra))
    second = sim.requests[1]
    assert (second.read_block, second.tokens["read"], second.tokens["write_5m"]) == (1, 1_501, 19)


def test_runs_of_tool_use_and_tool_result_count_as_one_position(tmp_path):
    # 24 tool calls: one assistant message of 24 tool_use blocks and one user message of 24
    # tool_result blocks (48 blocks, but 2 positions), then text turns: 2 + 2 = 4 positions back.
    calls = [{"type": "tool_use", "id": f"t{i}", "name": "lookup", "input": {}} for i in range(24)]
    results = [{"type": "tool_result", "tool_use_id": f"t{i}", "content": "zq"} for i in range(24)]
    extra = [
        {"role": "assistant", "content": calls},
        {"role": "user", "content": results},
        {"role": "assistant", "content": "done zq"},
        {"role": "user", "content": "thanks zq"},
    ]
    sim = run(tmp_path, conversation(extra))
    second = sim.requests[1]
    # read the 1,501 of request 1; write 24 results + 2 = 26 (tool_use inputs hold no zq)
    assert (second.read_block, second.tokens["read"], second.tokens["write_5m"]) == (1, 1_501, 26)


# -- the command ------------------------------------------------------------------------------


def test_json_document_shape(tmp_path):
    doc = document([run(tmp_path, [stage2("p1", "A", 1), stage2("p2", "A", 2)])])
    assert doc["version"] == 1 and set(doc["sets"][0]) >= {"hit_rate", "tokens", "cost", "groups", "per_request", "assumption"}
    group = doc["sets"][0]["groups"][0]
    assert set(group) >= {"id", "size", "writes", "reads", "break_even_reads", "recommendation"}
    assert set(doc["sets"][0]["per_request"][0]["tokens"]) == {"read", "write_5m", "write_1h", "uncached"}


def test_cli_simulate_on_the_labeling_example():
    root = Path(__file__).resolve().parents[1]
    result = CliRunner().invoke(cli, ["simulate", str(root / "examples/labeling/stage1_batch.jsonl")], catch_exceptions=False)
    assert result.exit_code == 0
    assert "below claude-haiku-4-5's minimum of 4,096" in result.output and "drop-marker" in result.output
    assert "assumption:" in result.output and "estimates" in result.output
    result = CliRunner().invoke(cli, ["simulate", "--format", "json", str(root / "examples/labeling/stage1_batch.jsonl")], catch_exceptions=False)
    doc = json.loads(result.output)
    assert doc["sets"][0]["requests"] == 40 and doc["sets"][0]["hit_rate"] == 0


# -- (5) recorded usage against the simulation ------------------------------------------------


def usage(read: int, written: int) -> dict:
    return {"input_tokens": 5, "cache_read_input_tokens": read, "cache_creation_input_tokens": written, "output_tokens": 9}


def marked_system(size: int, n: int) -> dict:
    return {"system": [{"type": "text", "text": zq(size), "cache_control": cc()}], "messages": [{"role": "user", "content": f"q{n} zq"}]}


def test_usage_with_no_cache_activity_below_the_minimum_is_the_silent_minimum_as_simulated(tmp_path):
    # 600 tokens < sonnet 4.6's 1,024: the simulation writes nothing, and the log agrees.
    records = [logged(60 * n, marked_system(600, n), usage(0, 0)) for n in range(3)]
    sim = run(tmp_path, records)
    assert sim.tokens["read"] == sim.tokens["write_5m"] == 0
    o = sim.observed
    assert (o.requests, o.agree, o.lines) == (3, 3, {"silent-minimum": [1, 2, 3]})
    [finding] = document([sim])["sets"][0]["observed"]["findings"]
    assert finding["kind"] == "silent-minimum" and finding["as_simulated"] and "below the model's minimum" in finding["meaning"]


def test_usage_with_no_cache_activity_where_reads_were_expected_names_the_silent_minimum(tmp_path):
    # 1,500 tokens: the simulation writes once and reads twice; the provider did nothing at all.
    records = [logged(60 * n, marked_system(1500, n), usage(0, 0)) for n in range(3)]
    sim = run(tmp_path, records)
    assert [r.read_block for r in sim.requests] == [None, 0, 0]
    o = sim.observed
    assert (o.requests, o.agree, o.lines) == (3, 0, {"silent-minimum-unexpected": [1, 2, 3]})
    assert o.simulated == {"read": 3_000, "write": 1_500} and o.observed == {"read": 0, "write": 0}
    text = o.summary()[0]
    assert text.startswith("3 requests (lines 1, 2, 3)") and "silent-minimum symptom" in text and "--tokens api" in text


def test_usage_that_writes_where_a_read_was_expected_and_reads_from_outside_the_log(tmp_path):
    records = [
        logged(0, marked_system(1500, 1), usage(1_500, 0)),  # read: written by a request before the log
        logged(60, marked_system(1500, 2), usage(0, 1_500)),  # written again: expected a read
        logged(120, marked_system(1500, 3), usage(1_500, 0)),  # as simulated
    ]
    o = run(tmp_path, records).observed
    assert (o.requests, o.agree, o.lines) == (3, 1, {"read-unexpected": [1], "read-expected": [2]})


def test_generated_trace_usage_agrees_with_the_simulation_on_every_request(tmp_path):
    # gen_trace records usage from its own small cache model (TTL refreshed at every breakpoint,
    # 20-block lookback): whether each request read or wrote must match ours.
    import subprocess
    import sys

    from tests.test_gen_trace import SCRIPT

    out = tmp_path / "trace.jsonl"
    subprocess.run([sys.executable, str(SCRIPT), str(out), "--requests", "600", "--sessions", "150", "--breaks", "80"], check=True)
    parsed = read_jsonl(out, "trace.jsonl", REG)
    from promptlint.tokens import select

    ctx = Context(registry=REG, counter=select.offline_counter(), as_of=dt.date(2026, 11, 22), safety_margin=0.1)
    sim = simulate(parsed.sets[0], ctx)
    assert sim.observed is not None and sim.observed.requests == 600
    assert sim.observed.lines == {} and sim.observed.agree == 600


def test_a_streamed_log_simulates_exactly_as_one_read_whole(tmp_path):
    import subprocess
    import sys

    from promptlint.sets.stream import simulate_jsonl
    from promptlint.tokens import select
    from tests.test_gen_trace import SCRIPT

    out = tmp_path / "trace.jsonl"
    subprocess.run([sys.executable, str(SCRIPT), str(out), "--requests", "400", "--sessions", "100", "--breaks", "40"], check=True)
    with out.open("ab") as f:  # a broken line is reported and the rest still read
        f.write(b'{"timestamp": "2026-11-21T09:00:00Z", "request": {\n')
    ctx = Context(registry=REG, counter=select.offline_counter(), as_of=dt.date(2026, 11, 22), safety_margin=0.1)
    whole = simulate(read_jsonl(out, "trace.jsonl", REG).sets[0], ctx)
    streamed, errors, count = simulate_jsonl(out, "trace.jsonl", ctx)
    assert count == 1 and errors[0].span.line == 401
    assert document([streamed]) == document([whole])
    # Only the outcomes listed one by one are capped; the totals still count every request.
    capped, _, _ = simulate_jsonl(out, "trace.jsonl", ctx, keep=50)
    doc, full = document([capped])["sets"][0], document([whole])["sets"][0]
    assert len(doc["per_request"]) == 50 and doc["per_request_omitted"] == 350
    assert {k: v for k, v in doc.items() if not k.startswith("per_request")} == {k: v for k, v in full.items() if not k.startswith("per_request")}
    # A report that lists only the costliest groups advises only those, each as it would be advised anyway.
    shown, _, _ = simulate_jsonl(out, "trace.jsonl", ctx, advised=5)
    listed = document([shown], max_groups=5)["sets"][0]["groups"]
    assert len(listed) == 5 and listed == document([whole], max_groups=5)["sets"][0]["groups"]
    assert all(g["recommendation"]["action"] for g in listed)
    assert sum(1 for g in shown.groups if g.action) == 5 < len(shown.groups)


def test_a_streamed_log_needs_no_more_memory_for_more_requests_over_the_same_prefixes(tmp_path):
    # The memory a log needs grows with its prefix groups, not with its requests: 4x the
    # requests over the same three prompts must not hold noticeably more once simulated.
    import tracemalloc

    from promptlint.sets.stream import simulate_jsonl

    ctx = Context(registry=REG, counter=ZqCounter(), as_of=dt.date(2026, 11, 22), safety_margin=0.1)

    def held(n: int, keep: int | None) -> int:
        path = tmp_path / f"log{n}.jsonl"
        with path.open("w", encoding="utf-8") as f:
            for k in range(n):
                body = marked_system(1500 + 100 * (k % 3), 0)  # three prompts, each with the same question
                f.write(json.dumps(logged(10 * k, body, usage(0, 0))) + "\n")
        tracemalloc.start()
        try:
            sim, _, _ = simulate_jsonl(path, path.name, ctx, keep=keep)
            used = tracemalloc.get_traced_memory()[0]  # what the finished simulation holds
        finally:
            tracemalloc.stop()
        assert sim is not None and len(sim.groups) == 3 and sim.count == n
        return used

    held(50, 100)  # first use: the registry and the schemas are loaded once
    small, large = held(100, 100), held(400, 100)
    assert large - small < 32 * 1024, (small, large)  # 300 more requests: only their line offsets
    # The check can see growth: keeping every outcome holds far more.
    assert held(400, None) - held(100, None) > 8 * (large - small) + 64 * 1024


def test_json_written_group_by_group_is_the_document(tmp_path):
    import io

    from promptlint.sets.report import write_json

    sim = run(tmp_path, [stage2(f"p{n}", s, n) for s, n in [("A", 1), ("A", 2), ("B", 3)]])
    out = io.StringIO()
    write_json([sim, sim], out)
    assert json.loads(out.getvalue()) == document([sim, sim])
    # The document for a page keeps the costliest groups only, and says how many it left out.
    doc = document([sim], max_groups=1)["sets"][0]
    assert len(doc["groups"]) == 1 and doc["groups_omitted"] == len(sim.groups) - 1
    assert doc["groups"][0]["id"] == max(sim.groups, key=lambda g: g.cost_with).id


# -- timestamps as logs write them ------------------------------------------------------------


def test_a_log_in_epoch_milliseconds_simulates_as_the_same_log_in_seconds(tmp_path):
    # JavaScript's Date.now() writes milliseconds; as seconds they would lie 50,000 years away.
    def body(n):
        return {"system": [{"type": "text", "text": zq(2000), "cache_control": cc()}], "messages": [{"role": "user", "content": f"q{n} zq"}]}

    seconds = [1_796_000_000 + s for s in (0, 120, 400, 1000)]
    documents = []
    for stamps in (seconds, [s * 1000 for s in seconds], [str(s) for s in seconds], [s * 10**9 for s in seconds]):
        sim = run(tmp_path, [logged(t, body(n)) for n, t in enumerate(stamps)])
        assert [r.time for r in sim.requests] == seconds and sim.assumption is None
        documents.append(document([sim]))
    assert all(d == documents[0] for d in documents)
    result = CliRunner().invoke(cli, ["simulate", str(tmp_path / "set.jsonl")], catch_exceptions=False)
    assert result.exit_code == 0 and "00:53:20" in result.output  # 1,796,000,000 s is 00:53:20 UTC


@pytest.mark.parametrize("stamp", ["NaN", "Infinity", "-Infinity", "1e300", "-1e300", "1" + "0" * 400])
def test_a_timestamp_that_is_no_time_is_a_missing_one(tmp_path, stamp):
    line = json.dumps(logged(0, marked_system(2000, 0))).replace('"timestamp": 0', f'"timestamp": {stamp}')
    path = tmp_path / "log.jsonl"
    path.write_text(line + "\n" + json.dumps(logged(1_796_000_000, marked_system(2000, 1))) + "\n", encoding="utf-8")
    for fmt in ("text", "json", "html"):
        result = CliRunner().invoke(cli, ["simulate", "--format", fmt, str(path)], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    doc = json.loads(CliRunner().invoke(cli, ["simulate", "--format", "json", str(path)]).output)
    (s,) = doc["sets"]
    assert s["assumption"].startswith("1 of 2 records have no timestamp")
    assert [r["time"] for r in s["per_request"]] == [0, 1_796_000_000]
    assert CliRunner().invoke(cli, ["check", "--no-cache", str(path)]).exit_code in (0, 1)


def test_a_bom_before_a_log_is_no_part_of_its_first_record(tmp_path):
    from promptlint.sets.members import read_jsonl as stream

    path = tmp_path / "log.jsonl"
    records = [logged(1_796_000_000 + 60 * n, marked_system(2000, n)) for n in range(2)]
    path.write_bytes(b"\xef\xbb\xbf" + "".join(json.dumps(r) + "\n" for r in records).encode())
    ctx = Context(registry=REG, counter=ZqCounter(), as_of=dt.date(2026, 11, 22), safety_margin=0.1)

    def consume(members, fetch, assumption):
        read = list(members)
        return read, fetch(0)  # the first record read again, by its line number

    read, again = stream(path, "log.jsonl", ctx, consume)
    assert [m.request.span.line for m in read] == [1, 2] and again is not None
    assert again.request.blocks[0].text.known_text() == zq(2000)
