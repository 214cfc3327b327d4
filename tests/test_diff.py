"""`promptlint diff A B`: why request B misses request A's cache."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from promptlint.cli import cli

# A system prompt far above every minimum (about 2,600 tokens by any band).
POLICY = "You are a careful support agent for Acme. " + " ".join(
    f"Policy {i}: refunds within {i} days need a receipt and a reason." for i in range(150)
)
TOOLS = [
    {"name": "lookup", "description": "Look up an order", "input_schema": {"type": "object", "properties": {"id": {"type": "string"}}}},
    {"name": "refund", "description": "Refund an order", "input_schema": {"type": "object", "properties": {"id": {"type": "string"}}}},
]
EPHEMERAL = {"type": "ephemeral"}


def body(system: str = "Today is 2026-11-21 09:14:07 UTC.\n" + POLICY, messages: list | None = None, **extra) -> dict:
    request = {
        "model": "claude-sonnet-4-5",
        "max_tokens": 512,
        "tools": copy.deepcopy(TOOLS),
        "system": [{"type": "text", "text": system, "cache_control": EPHEMERAL}],
        "messages": messages if messages is not None else [{"role": "user", "content": "Where is my order 42?"}],
    }
    request.update(extra)
    return request


def marked_turn(role: str, text: str) -> dict:
    return {"role": role, "content": [{"type": "text", "text": text, "cache_control": EPHEMERAL}]}


def run(tmp_path: Path, a, b, *options: str):
    """Write A and B (dicts become .json files; strings are passed as given) and diff them."""
    args = []
    for name, value in (("a", a), ("b", b)):
        if isinstance(value, dict):
            (tmp_path / f"{name}.json").write_text(json.dumps(value, indent=2), encoding="utf-8")
            args.append(str(tmp_path / f"{name}.json"))
        else:
            args.append(value)
    return CliRunner().invoke(cli, ["diff", *args, *options], catch_exceptions=False)


def diff_json(tmp_path: Path, a, b) -> tuple[int, dict]:
    result = run(tmp_path, a, b, "--format", "json")
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def test_timestamp_in_system_prompt_diverges_at_system_block_0(tmp_path):
    b = body(system="Today is 2026-11-22 10:02:55 UTC.\n" + POLICY)
    code, out = diff_json(tmp_path, body(), b)
    assert code == 1 and out["verdict"] == "miss" and out["reason"] == "prefix"
    d = out["divergence"]
    assert (d["kind"], d["section"], d["section_index"], d["index"]) == ("bytes", "system", 0, 2)  # after the 2 tools
    # {"type":"text","text":" is 23 bytes, "Today is 2026-11-2" 18 more: the first difference is byte 41.
    assert d["offset"] == 41 and d["field"] == "text"
    assert d["excerpt"]["before"].endswith("Today is 2026-11-2")
    assert d["excerpt"]["a"].startswith("1 09:14:07 UTC.\\nYou are")  # the newline escaped
    assert d["excerpt"]["b"].startswith("2 10:02:55 UTC.\\nYou are")
    assert len(d["excerpt"]["a"]) <= 41 and d["a"]["pointer"] == "/system/0/text"
    assert out["common_blocks"] == 2 and out["read"] is None

    text = run(tmp_path, body(), b)
    assert text.exit_code == 1
    assert "MISS: the prefix differs at system block 0 (block 2 overall), byte 41 in text" in text.stdout
    assert "    A:    1 09:14:07 UTC.\\nYou are" in text.stdout
    assert "    B:    2 10:02:55 UTC.\\nYou are" in text.stdout


def test_reordered_tools_invalidate_everything(tmp_path):
    b = body(tools=list(reversed(copy.deepcopy(TOOLS))))
    code, out = diff_json(tmp_path, body(), b)
    assert code == 1 and out["reason"] == "tools"
    assert out["divergence"]["section"] == "tools" and out["divergence"]["index"] == 0
    assert "the same tools in a different order" in out["message"]
    assert "invalidates the tools, system and messages caches" in out["message"]


def test_changed_tool_description_is_a_tools_change(tmp_path):
    tools = copy.deepcopy(TOOLS)
    tools[1]["description"] = "Refund an order in full"
    code, out = diff_json(tmp_path, body(), body(tools=tools))
    assert code == 1 and out["reason"] == "tools" and "the tool definitions differ" in out["message"]
    assert out["divergence"]["section_index"] == 1 and out["divergence"]["field"] == "description"


def test_model_change_invalidates_everything(tmp_path):
    code, out = diff_json(tmp_path, body(), body(model="claude-opus-4-8"))
    assert code == 1 and out["reason"] == "model"
    assert "claude-sonnet-4-5 → claude-opus-4-8" in out["message"]
    assert out["divergence"] is None  # the prefixes themselves agree


def test_tool_choice_change_invalidates_the_messages_level(tmp_path):
    messages = [marked_turn("user", "Where is my order 42?")]
    a = body(messages=messages, tool_choice={"type": "auto"})
    b = body(messages=copy.deepcopy(messages), tool_choice={"type": "any"})
    a["system"][0].pop("cache_control")  # only the messages breakpoint: it is lost
    b["system"][0].pop("cache_control")
    code, out = diff_json(tmp_path, a, b)
    assert code == 1 and out["reason"] == "parameter"
    assert out["parameters"] == [
        {"name": "tool_choice", "a": {"type": "auto"}, "b": {"type": "any"}, "invalidates": ["messages"], "effect": "invalidates the messages cache"}
    ]
    assert out["divergence"] is None and out["reusable_blocks"] == 3  # tools and system survive

    # With a system breakpoint too, B still reads that one.
    code, out = diff_json(tmp_path, body(messages=messages, tool_choice={"type": "auto"}), body(messages=messages, tool_choice={"type": "any"}))
    assert code == 0 and out["verdict"] == "read"
    assert out["read"]["a_breakpoint"] == 1 and out["read"]["section"] == "system"
    assert any("breakpoint 2 cannot be read: a parameter change invalidates the messages level" in n for n in out["notes"])


def test_an_image_added_in_the_next_turn_invalidates_the_messages_level(tmp_path):
    image = {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}}
    a = body(messages=[{"role": "user", "content": "Where is my order 42?"}], cache_control=EPHEMERAL)
    b = body(
        messages=[
            {"role": "user", "content": "Where is my order 42?"},
            {"role": "assistant", "content": "Which one?"},
            {"role": "user", "content": [image, {"type": "text", "text": "This one."}]},
        ],
        cache_control=EPHEMERAL,
    )
    a["system"][0].pop("cache_control"), b["system"][0].pop("cache_control")  # only the automatic breakpoint
    code, out = diff_json(tmp_path, a, b)
    assert code == 1 and out["reason"] == "parameter"
    assert [(p["name"], p["a"], p["b"], p["invalidates"]) for p in out["parameters"]] == [("images", False, True, ["messages"])]


def test_batch_records_on_a_platform_that_does_not_cache_batches_share_nothing(tmp_path):
    record = lambda n: {"recordId": f"r{n}", "modelInput": {"anthropic_version": "bedrock-2023-05-31", "max_tokens": 64, **{k: v for k, v in body().items() if k in ("system", "messages")}}}
    _log(tmp_path / "bedrock.jsonl", [record(1), record(2)])
    code, out = diff_json(tmp_path, f"{tmp_path / 'bedrock.jsonl'}:1", f"{tmp_path / 'bedrock.jsonl'}:2")
    assert code == 1 and out["reason"] == "batch" and "does not cache inside its batch API" in out["message"]


def test_openai_requests_that_differ_late_in_the_system_message_share_its_start(tmp_path):
    a = {"model": "gpt-4.1", "messages": [{"role": "system", "content": POLICY + " The user is Alice."}, {"role": "user", "content": "Hi"}]}
    b = {"model": "gpt-4.1", "messages": [{"role": "system", "content": POLICY + " The user is Bob."}, {"role": "user", "content": "Hi"}]}
    code, out = diff_json(tmp_path, a, b)
    assert code == 0 and out["verdict"] == "read" and "B may read the start A and B share" in out["message"]
    early = {"model": "gpt-4.1", "messages": [{"role": "system", "content": "Ref 7. " + POLICY}, {"role": "user", "content": "Hi"}]}
    code, out = diff_json(tmp_path, a, early)
    assert code == 1 and out["reason"] == "prefix"


def test_identical_prefix_in_a_growing_conversation_reads(tmp_path):
    a = body(messages=[marked_turn("user", "Where is my order 42?")])
    b = body(
        messages=[
            {"role": "user", "content": [{"type": "text", "text": "Where is my order 42?"}]},  # the marker moved on
            {"role": "assistant", "content": "It shipped yesterday."},
            marked_turn("user", "And order 43?"),
        ]
    )
    code, out = diff_json(tmp_path, a, b)
    assert code == 0 and out["verdict"] == "read" and out["reason"] == "read"
    read = out["read"]
    assert (read["a_breakpoint"], read["b_breakpoint"], read["index"], read["section"]) == (2, 2, 3, "messages")
    assert read["positions_back"] == 2 and read["ttl"] == "5m"
    assert read["tokens_low"] > 1024 and read["tokens_low"] <= read["tokens"]
    assert out["divergence"] is None and out["common_blocks"] == 4

    text = run(tmp_path, a, b)
    assert text.exit_code == 0
    assert "READ: B reads A's entry at breakpoint 2 (messages block 0, block 3)" in text.stdout
    assert "found by B's breakpoint 2 at 2 positions back" in text.stdout


def test_string_content_equals_one_text_block(tmp_path):
    a = body()
    b = body(messages=[{"role": "user", "content": [{"type": "text", "text": "Where is my order 42?"}]}])
    a["system"] = [{"type": "text", "text": POLICY, "cache_control": EPHEMERAL}]
    b["system"] = [{"type": "text", "text": POLICY, "cache_control": EPHEMERAL}]
    code, out = diff_json(tmp_path, a, b)
    assert code == 0 and out["divergence"] is None


def test_prefix_below_the_minimum_writes_nothing(tmp_path):
    a = body(system="You are terse.")
    b = body(system="You are terse.", messages=[{"role": "user", "content": "Where is my order 43?"}])
    code, out = diff_json(tmp_path, a, b)
    assert code == 1 and out["reason"] == "minimum"
    assert "below claude-sonnet-4-5's minimum of 1,024 tokens" in out["message"]
    assert "writes nothing" in out["message"]


def _turns(n: int) -> list[dict]:
    out = []
    for i in range(n):
        out.append({"role": "assistant" if i % 2 == 0 else "user", "content": f"turn {i}"})
    return out


def test_lookback_exceeded_in_a_growing_conversation(tmp_path):
    first = marked_turn("user", "Start the audit.")
    a = body(messages=[first])
    a["system"][0].pop("cache_control")
    # B appends 24 one-block turns and marks the last: 25 positions counting its own.
    grown = [{"role": "user", "content": [{"type": "text", "text": "Start the audit."}]}, *_turns(24)]
    grown[-1] = {"role": grown[-1]["role"], "content": [{"type": "text", "text": "turn 23", "cache_control": EPHEMERAL}]}
    b = body(messages=grown)
    b["system"][0].pop("cache_control")
    code, out = diff_json(tmp_path, a, b)
    assert code == 1 and out["reason"] == "lookback"
    assert "is 25 positions from A's breakpoint 1" in out["message"] and "the lookback checks 20" in out["message"]
    assert out["divergence"] is None


def test_a_run_of_tool_blocks_is_one_position(tmp_path):
    a = body(messages=[marked_turn("user", "Check every order.")])
    a["system"][0].pop("cache_control")
    uses = [{"type": "tool_use", "id": f"t{i}", "name": "lookup", "input": {"id": str(i)}} for i in range(15)]
    results = [{"type": "tool_result", "tool_use_id": f"t{i}", "content": "shipped"} for i in range(15)]
    b = body(
        messages=[
            {"role": "user", "content": [{"type": "text", "text": "Check every order."}]},
            {"role": "assistant", "content": uses},
            {"role": "user", "content": [*results, {"type": "text", "text": "Summarise.", "cache_control": EPHEMERAL}]},
        ]
    )
    b["system"][0].pop("cache_control")
    code, out = diff_json(tmp_path, a, b)
    # 31 blocks after A's breakpoint, but 3 positions: the tool_use run, the tool_result run, the text.
    assert code == 0 and out["read"]["positions_back"] == 3


def test_b_without_a_breakpoint_after_the_shared_prefix(tmp_path):
    a = body(messages=[marked_turn("user", "Where is my order 42?")])
    a["system"][0].pop("cache_control")
    b = body(messages=[{"role": "user", "content": "Where is my order 42?"}, {"role": "assistant", "content": "Shipped."}])
    b["system"][0].pop("cache_control")
    code, out = diff_json(tmp_path, a, b)
    assert code == 1 and out["reason"] == "b-no-breakpoint"


def _log(path: Path, records: list[dict]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def test_file_line_selection_in_a_log(tmp_path):
    log = tmp_path / "log.jsonl"
    other = body(system="Something else entirely.")
    _log(
        log,
        [
            {"timestamp": "2026-11-21T09:00:00Z", "request": body()},
            {"timestamp": "2026-11-21T09:01:00Z", "request": other},
            {"timestamp": "2026-11-21T09:03:00Z", "request": body(messages=[{"role": "user", "content": "And order 43?"}])},
            {"timestamp": "2026-11-21T09:30:00Z", "request": body(messages=[{"role": "user", "content": "And order 44?"}])},
        ],
    )
    code, out = diff_json(tmp_path, f"{log}:1", f"{log}:3")
    assert code == 0 and out["read"]["a_breakpoint"] == 1
    assert out["a"]["line"] == 1 and out["b"]["line"] == 3 and out["a"]["kind"] == "log"
    assert out["b"]["timestamp"] - out["a"]["timestamp"] == 180

    code, out = diff_json(tmp_path, f"{log}:1", f"{log}:4")  # 30 minutes later: past the 5m TTL
    assert code == 1 and out["reason"] == "ttl" and "30 min after A" in out["message"]

    code, out = diff_json(tmp_path, f"{log}:3", f"{log}:1")
    assert code == 1 and out["reason"] == "order"

    code, out = diff_json(tmp_path, f"{log}:1", f"{log}:2")
    assert code == 1 and out["divergence"]["section"] == "system"
    assert out["divergence"]["a"] == {"path": str(log), "line": 1, "pointer": "/request/system/0/text"}


def test_file_line_selection_in_a_batch_and_a_json_body(tmp_path):
    batch = tmp_path / "batch.jsonl"
    _log(batch, [{"custom_id": "p1", "params": body()}, {"custom_id": "p2", "params": body(messages=[{"role": "user", "content": "Hi"}])}])
    (tmp_path / "one.json").write_text(json.dumps(body()), encoding="utf-8")
    code, out = diff_json(tmp_path, str(tmp_path / "one.json"), f"{batch}:2")
    assert code == 0 and out["b"]["kind"] == "batch"
    assert any("best-effort" in n for n in out["notes"])


@pytest.mark.parametrize(
    ("a", "b", "message"),
    [
        ("missing.json", "{ok}", "missing.json: no such file"),
        ("{log}:x", "{ok}", "'x' is not a line number"),
        ("{log}:0", "{ok}", "'0' is not a line number"),
        ("{log}:9", "{ok}", "the file has only 2 lines"),
        ("{log}", "{ok}", "a .jsonl holds one request per line"),
        ("{ok}:1", "{ok}", "a .json file holds one request: name it without :LINE"),
        ("{broken}", "{ok}", "invalid JSON: trailing comma"),
        ("{notreq}", "{ok}", "not a request body"),
        ("{log}:2", "{ok}", "the line is blank"),
        ("{badlog}:1", "{ok}", "invalid JSON"),
        ("{folder}", "{ok}", "is a folder"),
        ("{code}", "{ok}", "not Python code"),
    ],
)
def test_bad_arguments_exit_2_with_a_message(tmp_path, a, b, message):
    (tmp_path / "ok.json").write_text(json.dumps(body()), encoding="utf-8")
    (tmp_path / "log.jsonl").write_text(json.dumps({"custom_id": "x", "params": body()}) + "\n\n", encoding="utf-8")
    (tmp_path / "bad.jsonl").write_text('{"custom_id": "x",\n', encoding="utf-8")
    (tmp_path / "broken.json").write_text('{"messages": [1,],}', encoding="utf-8")
    (tmp_path / "notreq.json").write_text('{"name": "package", "version": "1.0"}', encoding="utf-8")
    (tmp_path / "folder").mkdir()
    (tmp_path / "app.py").write_text("print(1)\n", encoding="utf-8")
    names = {
        "ok": tmp_path / "ok.json",
        "log": tmp_path / "log.jsonl",
        "badlog": tmp_path / "bad.jsonl",
        "broken": tmp_path / "broken.json",
        "notreq": tmp_path / "notreq.json",
        "folder": tmp_path / "folder",
        "code": tmp_path / "app.py",
    }
    result = run(tmp_path, a.format(**names), b.format(**names))
    assert result.exit_code == 2
    assert result.stderr.startswith("promptlint: error: ") and message in result.stderr
    assert "Traceback" not in result.output and result.stdout == ""


def test_json_shape_is_stable(tmp_path):
    _, out = diff_json(tmp_path, body(), body(system="Today is 2026-11-22 10:02:55 UTC.\n" + POLICY))
    assert list(out) == [
        "version", "verdict", "reason", "message", "a", "b", "divergence", "parameters",
        "common_blocks", "reusable_blocks", "read", "notes",
    ]
    assert list(out["a"]) == ["label", "path", "line", "kind", "provider", "platform", "model", "timestamp", "blocks", "breakpoints"]
    assert list(out["a"]["breakpoints"][0]) == ["number", "index", "section", "section_index", "ttl", "automatic"]
    assert list(out["divergence"]) == ["kind", "section", "section_index", "index", "offset", "field", "excerpt", "a", "b", "detail"]
    assert list(out["divergence"]["excerpt"]) == ["before", "a", "b"]
