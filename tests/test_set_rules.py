"""The set rules on request sets (`promptlint check` on batch files and logs), exactly.

Sizes come from test_simulate's counter (only the word ``zq`` counts), so which groups are
read is known by construction; prices and minimums are the bundled registry's. Each test
asserts every finding of the file: (line, code), no more and no fewer.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest

from promptlint.config import Settings
from promptlint.engine import Engine
from promptlint.sets.members import RECENT_BYTES
from tests.conftest import AS_OF
from tests.test_simulate import HAIKU, SONNET, TOOLS, ZqCounter, cc, logged, stage2, zq


def check(tmp_path: Path, records: list[dict], name: str = "set.jsonl"):
    path = tmp_path / name
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    engine = Engine(Settings(root=tmp_path, as_of=AS_OF, cache=False))
    engine.context = dataclasses.replace(engine.context, counter=ZqCounter())
    result = engine.check_paths([path])
    assert not result.failures, result.failures
    return result.diagnostics


def found(diagnostics) -> list[tuple[int, str]]:
    return sorted((d.span.line, d.code) for d in diagnostics)


# -- a two-stage batch: 29 subtree prompts, 7 of them used by one page ---------------------


def test_batch_of_29_subtrees_reports_exactly_the_7_used_once(tmp_path):
    # 22 subtrees get 3 pages each, 7 get one: 73 requests; no timestamps (file order, 1 s apart).
    records, once = [], []
    for s in range(29):
        pages = 1 if s % 4 == 3 else 3
        for p in range(pages):
            records.append(stage2(f"s{s}-p{p}", f"T{s:02d}", len(records)))
            if pages == 1:
                once.append(len(records))  # its line
    assert len(once) == 7 and len(records) == 73
    diagnostics = check(tmp_path, records)
    # Each one-page subtree: its 1h write (1,000 tokens) is never read: PC402; 0 reads < 1.11: PC401.
    assert found(diagnostics) == sorted([(line, "PC401") for line in once] + [(line, "PC402") for line in once])
    # The shared stage prompt (5,000 tokens, read by 72 requests) and the subtrees read twice pay: silent.
    pc402 = [d for d in diagnostics if d.code == "PC402"]
    p, off = HAIKU.prices, 0.5  # the Batch API's 50% (asserted in test_simulate)
    for d in pc402:
        # the 1h premium on 1,000 tokens: 1,000 × (2 − 1) / 1e6 × 0.5 = $0.0005
        assert d.data["wasted"] == pytest.approx(1_000 * (p.write_1h - p.input) / 1e6 * off) == pytest.approx(0.0005)
        assert "written 1 time by 1 request and never read" in d.message and "$0.0005" in d.message
        assert d.note and "drop the marker" in d.note
    pc401 = next(d for d in diagnostics if d.code == "PC401")
    assert "read 0 times for 1 write" in pc401.message and "1.11 reads per write" in pc401.message


def test_per_request_message_groups_are_one_pc402_with_their_waste_added_up(tmp_path):
    # Each batch entry marks its own 2,000-token question: 4 groups, each written once, never read.
    entry = lambda n: {"custom_id": f"q{n}", "params": {"model": "claude-sonnet-4-6", "max_tokens": 8, "system": "Answer.", "messages": [
        {"role": "user", "content": [{"type": "text", "text": f"question {n} " + zq(2000), "cache_control": cc()}]}]}}
    (d,) = check(tmp_path, [entry(n) for n in range(4)])
    one = 2000 * (SONNET.prices.write_5m - SONNET.prices.input) / 1e6 * 0.5  # the batch discount
    assert d.code == "PC402" and d.data["wasted"] == pytest.approx(one)
    assert d.data["repeated_on_lines"] == [2, 3, 4] and d.data["wasted_in_all"] == pytest.approx(4 * one)
    assert f"${4 * one:,.4f} wasted in all 4" in d.note


def test_batch_where_caching_pays_has_no_set_findings(tmp_path):
    # Every subtree has 3 pages: every entry is read at least twice.
    records = [stage2(f"s{s}-p{p}", f"T{s}", 3 * s + p) for s in range(5) for p in range(3)]
    assert found(check(tmp_path, records)) == []


def test_a_subtree_read_once_is_pc401_but_not_pc402(tmp_path):
    # T1 has two pages: its 1h entry is read once, below the 1.11 reads a 1h write needs.
    records = [stage2("a", "T0", 1), stage2("b", "T0", 2), stage2("c", "T0", 3), stage2("d", "T1", 4), stage2("e", "T1", 5)]
    assert found(check(tmp_path, records)) == [(4, "PC401")]


def test_a_log_that_rewrites_an_expired_entry_is_pc402_though_it_ends_within_the_ttl(tmp_path):
    # The same 1,500-token system prompt 6 minutes apart: the first write expired unread, so the
    # second writes again. The log ends a minute after that, within its TTL: the first write
    # alone proves the group is never read.
    record = lambda t, q: logged(t, {"system": [{"type": "text", "text": zq(1500), "cache_control": cc()}], "messages": [{"role": "user", "content": q}]})
    diagnostics = check(tmp_path, [record("2026-12-01T10:00:00Z", "Hi"), record("2026-12-01T10:06:00Z", "Hello")])
    assert found(diagnostics) == [(1, "PC402")]
    assert "written 2 times by 2 requests and never read" in diagnostics[0].message


def test_a_single_write_whose_ttl_the_log_does_not_outlast_is_not_judged(tmp_path):
    record = lambda t, q: logged(t, {"system": [{"type": "text", "text": zq(1500), "cache_control": cc()}], "messages": [{"role": "user", "content": q}]})
    assert found(check(tmp_path, [record("2026-12-01T10:00:00Z", "Hi"), record("2026-12-01T10:04:00Z", "Hello")])) == []


def test_a_1h_group_read_once_is_pc401_only_when_the_log_outlasts_its_writes(tmp_path):
    record = lambda t, q: logged(t, {"system": [{"type": "text", "text": zq(1500), "cache_control": cc("1h")}], "messages": [{"role": "user", "content": q}]})
    early = [record("2026-12-01T10:00:00Z", "a"), record("2026-12-01T10:20:00Z", "b")]
    assert found(check(tmp_path, early)) == []  # a third request within the hour may still read it
    assert found(check(tmp_path, early + [logged("2026-12-01T11:30:00Z", {"messages": [{"role": "user", "content": "other"}]})])) == [(1, "PC401")]


# -- conversations in a log -------------------------------------------------------------------


def turn(session: str, t: float, messages: list[dict], model: str = "claude-sonnet-4-6", **extra) -> dict:
    record = logged(t, {"system": [{"type": "text", "text": zq(1500), "cache_control": cc()}], "messages": messages, **extra})
    record["request"]["model"] = model
    record["request"]["metadata"] = {"user_id": session}
    return record


def said(*texts: str) -> list[dict]:
    """A conversation's messages, user first, the last one marked."""
    out = [{"role": "user" if i % 2 == 0 else "assistant", "content": [{"type": "text", "text": t}]} for i, t in enumerate(texts)]
    out[-1]["content"][0]["cache_control"] = cc()
    return out


def test_conversation_that_reads_each_turn_is_clean(tmp_path):
    records = [turn("s1", 0, said("hi zq")), turn("s1", 20, said("hi zq", "hello zq", "more zq")), turn("s1", 40, said("hi zq", "hello zq", "more zq", "ok zq", "bye zq"))]
    assert found(check(tmp_path, records)) == []


def test_conversation_where_an_earlier_message_is_edited_is_pc101_with_the_bytes(tmp_path):
    records = [
        turn("s1", 0, said("my order zq")),
        turn("s1", 20, said("my order zq", "which one? zq", "the last zq")),
        turn("s1", 40, said("my order zq (edited)", "which one? zq", "the last zq", "ok zq", "thanks zq")),
    ]
    [d] = check(tmp_path, records)
    assert (d.span.line, d.code) == (3, "PC101")
    assert "previous turn of this conversation (line 2)" in d.message and "messages block 0" in d.message
    assert "now:  (edited)" in d.note


def test_conversation_whose_model_changes_is_pc104(tmp_path):
    records = [
        turn("s1", 0, said("q zq")),
        turn("s1", 20, said("q zq", "a zq", "q2 zq"), model="claude-opus-4-8"),
        turn("s2", 30, said("other zq")),
    ]
    [d] = check(tmp_path, records)
    assert (d.span.line, d.code) == (2, "PC104") and "the model changed" in d.message
    assert d.span.pointer == "/request/model"


def test_conversation_whose_tool_choice_changes_loses_the_messages_level(tmp_path):
    records = [turn("s1", 0, said("q zq")), turn("s1", 20, said("q zq", "a zq", "q2 zq"), tool_choice={"type": "any"}, tools=[TOOLS[0]])]
    # Adding tools changes everything; keep tools fixed and change only tool_choice.
    records[0]["request"]["tools"] = [TOOLS[0]]
    [d] = check(tmp_path, records)
    assert (d.span.line, d.code) == (2, "PC104")
    assert "tool_choice changed" in d.message and "invalidates the messages cache" in d.message


def test_conversation_that_adds_an_image_is_pc104(tmp_path):
    image = {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}}
    later = said("hi zq", "hello zq", "more zq")
    later[-1]["content"].insert(0, image)
    records = [turn("s1", 0, said("hi zq")), turn("s1", 20, later)]
    diagnostics = check(tmp_path, records)
    assert found(diagnostics) == [(2, "PC104")]
    assert "images" in diagnostics[0].message


def test_conversation_that_crosses_the_lookback_is_pc203(tmp_path):
    first = said("hello zq")
    history = ["hello zq"] + [f"m{i} zq" for i in range(1, 27)]  # 27 messages: 26 positions after the first
    records = [turn("s1", 0, first), turn("s1", 10, said(*history))]
    [d] = check(tmp_path, records)
    assert (d.span.line, d.code) == (2, "PC203")
    assert "27 positions after the last breakpoint of the previous turn" in d.message and "lookback checks 20" in d.message
    # Within the window: no finding.
    records = [turn("s1", 0, first), turn("s1", 10, said(*history[:20]))]
    assert found(check(tmp_path, records, "near.jsonl")) == []


def test_turns_are_linked_by_their_opening_message_without_an_id(tmp_path):
    records = [turn("x", 0, said("my order zq")), turn("x", 20, said("my order zq", "which? zq", "last zq"))]
    for r in records:
        del r["request"]["metadata"]
    records[1]["request"]["model"] = "claude-opus-4-8"
    assert found(check(tmp_path, records)) == [(2, "PC104")]


# -- single-turn traffic: requests in no conversation ----------------------------------------


def test_log_where_one_request_reorders_its_tools_is_pc104(tmp_path):
    def body(tools, n):
        return {"tools": tools, "system": [{"type": "text", "text": zq(500), "cache_control": cc()}], "messages": [{"role": "user", "content": f"question {n} zq zq"}]}

    records = [logged(0, body(TOOLS, 1)), logged(60, body(TOOLS, 2)), logged(120, body(TOOLS[::-1], 3)), logged(180, body(TOOLS, 4))]
    [d] = check(tmp_path, records)
    assert (d.span.line, d.code) == (3, "PC104")
    assert "the same tools in a different order" in d.message and "3 others" in d.message


def test_batch_rendering_a_request_id_into_the_system_prompt_is_pc101(tmp_path):
    def entry(n: int) -> dict:
        text = f"You answer billing questions. Request ref: R{n * 7919 % 10000:04d}. " + zq(1500)
        return {"custom_id": f"r{n}", "params": {"model": "claude-sonnet-4-6", "max_tokens": 64, "system": [{"type": "text", "text": text, "cache_control": cc()}], "messages": [{"role": "user", "content": f"question {n}"}]}}

    diagnostics = check(tmp_path, [entry(n) for n in range(1, 6)])
    assert {d.code for d in diagnostics} == {"PC101", "PC402"}
    [pc101] = [d for d in diagnostics if d.code == "PC101"]
    assert pc101.span.line == 1 and "5 of 5 have a prefix no other request shares" in pc101.message
    assert "line 1: 7919" in pc101.note and "line 2: 5838" in pc101.note
    # Each request's entry is written and never read: one PC402, repeated on the other lines.
    pc402 = [d for d in diagnostics if d.code == "PC402"]
    assert len(pc402) == 5


def test_batch_of_different_prompts_is_not_pc101(tmp_path):
    # Routing: three prompts, each used by several requests, differ in a few bytes. Not volatile.
    def entry(n: int, team: str) -> dict:
        return {"custom_id": f"r{n}", "params": {"model": "claude-sonnet-4-6", "max_tokens": 64, "system": [{"type": "text", "text": f"Team: {team}. " + zq(1500), "cache_control": cc()}], "messages": [{"role": "user", "content": f"q{n}"}]}}

    records = [entry(n, team) for n, team in enumerate(["red", "blue", "green"] * 3)]
    assert found(check(tmp_path, records)) == []


def openai_turn(t: float, messages: list[dict], tools: list[str], system: str = "You answer shipping questions. " + zq(1500)) -> dict:
    return {
        "timestamp": t,
        "request": {
            "model": "gpt-4.1",
            "prompt_cache_key": "support",
            "user": "s1",
            "tools": [{"type": "function", "function": {"name": n, "parameters": {"type": "object"}}} for n in tools],
            "messages": [{"role": "system", "content": system}, *messages],
        },
    }


def test_openai_conversation_whose_tools_reorder_is_pc104(tmp_path):
    # No breakpoint: OpenAI caches the prefix by itself; the tools and system messages are the
    # part every turn shares, and reordering the tools invalidates it.
    first = [{"role": "user", "content": "Where is order 42?"}]
    second = first + [{"role": "assistant", "content": "It shipped."}, {"role": "user", "content": "And 43?"}]
    third = second + [{"role": "assistant", "content": "Not yet."}, {"role": "user", "content": "Why?"}]
    clean = [openai_turn(0, first, ["lookup", "refund"]), openai_turn(20, second, ["lookup", "refund"]), openai_turn(40, third, ["lookup", "refund"])]
    assert found(check(tmp_path, clean)) == []
    reordered = clean[:2] + [openai_turn(40, third, ["refund", "lookup"])]
    diagnostics = check(tmp_path, reordered)
    assert found(diagnostics) == [(3, "PC104")] and "the same tools in a different order" in diagnostics[0].message


def test_openai_batch_whose_system_message_carries_a_request_id_is_pc101(tmp_path):
    records = [
        {"custom_id": f"r{n}", "method": "POST", "url": "/v1/chat/completions", "body": {"model": "gpt-4.1", "messages": [
            {"role": "system", "content": f"Request ref-{n * 7919:06d}. You label support tickets. " + zq(1500)},
            {"role": "user", "content": f"Ticket {n}: my parcel is late."},
        ]}}
        for n in range(6)
    ]
    diagnostics = check(tmp_path, records)
    assert found(diagnostics) == [(1, "PC101")]
    assert "in the prefix cached automatically" in diagnostics[0].message


def test_openai_requests_that_differ_late_or_are_too_short_to_cache_are_not_pc101(tmp_path):
    # Automatic caching reads the longest start two requests share; a prompt under the
    # minimum is never cached at all. Only a difference before the minimum defeats it.
    body = lambda system: {"custom_id": "x", "method": "POST", "url": "/v1/chat/completions", "body": {"model": "gpt-4.1", "messages": [{"role": "system", "content": system}, {"role": "user", "content": "Hi"}]}}
    names = ["Alice", "Bob", "Carol", "Dan", "Eve", "Fay"]
    assert found(check(tmp_path, [body(f"You are helpful. The user is {n}.") for n in names])) == []
    assert found(check(tmp_path, [body("You label support tickets. " + zq(1500) + f" The user is {n}.") for n in names])) == []


def test_set_findings_are_suppressed_like_any_other(tmp_path):
    records = [stage2("a", "T0", 1), stage2("b", "T1", 2), stage2("c", "T1", 3), stage2("d", "T1", 4)]
    path = tmp_path / "set.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    engine = Engine(Settings(root=tmp_path, as_of=AS_OF, cache=False, per_file_ignores={"*.jsonl": ["PC402"]}))
    engine.context = dataclasses.replace(engine.context, counter=ZqCounter())
    assert found(engine.check_paths([path]).diagnostics) == [(1, "PC401")]


def test_sonnet_minimum_is_what_the_conversation_fixtures_assume():
    assert SONNET.minimum("anthropic") == 1024  # 1,500 zq in the system prompt is above it


# -- the benchmark trace: every injected break, and nothing else --------------------------------


def _rule_for(kind: str) -> str:
    # What each injected break is, in rules.md's terms.
    return "PC104" if kind in ("tools-reordered", "tool-description-edited", "model-changed", "tool-choice-changed") else "PC101"


@pytest.mark.parametrize("seed", [0, 7])
def test_generated_trace_finds_exactly_the_injected_breaks(tmp_path, seed):
    from tests.test_gen_trace import SCRIPT

    out = tmp_path / "trace.jsonl"
    subprocess.run([sys.executable, str(SCRIPT), str(out), "--requests", "600", "--sessions", "150", "--breaks", "80", "--seed", str(seed)], check=True)
    breaks = json.loads((tmp_path / "trace.breaks.json").read_text())
    breaks = breaks if isinstance(breaks, list) else breaks["breaks"]
    engine = Engine(Settings(root=tmp_path, as_of=AS_OF, cache=False))
    result = engine.check_paths([out])
    reported = sorted((line, d.code) for d in result.diagnostics for line in [d.span.line, *d.data.get("repeated_on_lines", [])])
    assert reported == sorted((b["line"], _rule_for(b["kind"])) for b in breaks)


def test_a_log_is_checked_as_it_is_read(tmp_path):
    # Peak memory must not grow with the number of requests over the same prefixes: the
    # requests are checked and dropped one at a time (a 1 GB log is the case this is for).
    import tracemalloc

    def peak(n: int) -> int:
        records = [turn(f"s{k % 7}", 30 * k, said(f"question {k} zq")) for k in range(n)]  # 7 users, one turn each time
        path = tmp_path / f"log{n}.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        engine = Engine(Settings(root=tmp_path, as_of=AS_OF, cache=False))
        engine.context = dataclasses.replace(engine.context, counter=ZqCounter())
        tracemalloc.start()
        try:
            result = engine.check_paths([path])
            used = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert not result.failures
        return used

    peak(50)  # the first run loads the registry and the schemas
    small, large = peak(150), peak(600)
    # 450 more requests of ~9 KB each: holding them would add megabytes. What may grow is
    # the window of recent requests kept for comparison, which has a fixed budget.
    assert large - small < 512 * 1024 + RECENT_BYTES, (small, large)
    assert RECENT_BYTES <= 1_000_000  # a window this test cannot tell from holding every request would be a leak


def test_the_repeat_note_counts_its_lines():
    from promptlint.sets.checking import repeat_note

    assert repeat_note([46], same_kind=False) == "the same in 1 more request of this file (line 46)"
    assert repeat_note([2, 4], same_kind=True) == "the same kind of value in 2 more requests of this file (lines 2, 4)"
    assert repeat_note(list(range(1, 8)), same_kind=False).endswith("(lines 1, 2, 3, 4, 5, …)")
