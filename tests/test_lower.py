"""Rendered request bodies lowered to the request model, per provider shape."""

from __future__ import annotations

import json

import pytest

from promptlint.frontends import jsonreq
from promptlint.registry import bundled
from promptlint.request import ContentKind, Section


def lower(body: dict, indent: int | None = 2):
    parsed = jsonreq.parse_json("r.json", json.dumps(body, indent=indent), bundled())
    assert not parsed.errors
    (request,) = parsed.requests
    return request


def test_anthropic_sections_roles_and_breakpoints():
    request = lower({
        "model": "claude-sonnet-4-6",
        "max_tokens": 10,
        "tools": [{"name": "t", "input_schema": {"type": "object"}, "cache_control": {"type": "ephemeral", "ttl": "1h"}}],
        "system": [{"type": "text", "text": "sys"}],
        "messages": [
            {"role": "user", "content": "hi"},
            {"role": "assistant", "content": [{"type": "tool_use", "id": "1", "name": "t", "input": {}}]},
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "1", "content": "ok"}, {"type": "image", "source": {}}]},
        ],
        "tool_choice": {"type": "auto", "disable_parallel_tool_use": True},
        "thinking": {"type": "enabled", "budget_tokens": 1024},
    })
    assert [(b.section, b.type, b.role, b.message_index) for b in request.blocks] == [
        (Section.TOOLS, "tool", None, None),
        (Section.SYSTEM, "text", None, None),
        (Section.MESSAGES, "text", "user", 0),
        (Section.MESSAGES, "tool_use", "assistant", 1),
        (Section.MESSAGES, "tool_result", "user", 2),
        (Section.MESSAGES, "image", "user", 2),
    ]
    tool = request.blocks[0]
    assert tool.content is ContentKind.JSON and "cache_control" not in tool.text.known_text()
    assert tool.breakpoint.ttl == "1h" and tool.breakpoint.span.json_path == ("tools", 0, "cache_control")
    assert request.blocks[-1].content is ContentKind.MEDIA
    assert request.params["disable_parallel_tool_use"] is True and "thinking" in request.params
    assert request.model_span.line == 2 and request.platform == "anthropic"


def test_platform_from_spelling_and_version():
    assert lower({"model": "us.anthropic.claude-haiku-4-5-20251001-v1:0", "max_tokens": 1, "messages": []}).platform == "bedrock"
    assert lower({"model": "claude-haiku-4-5@20251001", "max_tokens": 1, "messages": []}).platform == "vertex"
    assert lower({"anthropic_version": "bedrock-2023-05-31", "max_tokens": 1, "messages": []}).platform == "bedrock"
    assert lower({"provider": "vertex", "model": "claude-haiku-4-5", "max_tokens": 1, "messages": []}).platform == "vertex"


def test_openai_chat_system_roles_and_parts():
    request = lower({
        "model": "gpt-5.6",
        "prompt_cache_key": "conv-1",
        "tools": [{"type": "function", "function": {"name": "f"}}],
        "messages": [
            {"role": "developer", "content": "rules"},
            {"role": "user", "content": [{"type": "text", "text": "q", "prompt_cache_breakpoint": {"mode": "explicit"}}, {"type": "image_url", "image_url": {"url": "x"}}]},
        ],
    })
    assert request.provider == "openai-chat" and request.platform == "openai"
    assert [(b.section, b.type) for b in request.blocks] == [
        (Section.TOOLS, "tool"), (Section.SYSTEM, "text"), (Section.MESSAGES, "text"), (Section.MESSAGES, "image_url")
    ]
    assert request.blocks[2].breakpoint.style == "prompt_cache_breakpoint"
    assert request.params["prompt_cache_key"] == "conv-1"


def test_openai_responses():
    request = lower({"model": "gpt-4.1", "instructions": "be brief", "input": [{"role": "user", "content": [{"type": "input_text", "text": "hi"}]}, {"type": "function_call_output", "call_id": "c", "output": "42"}]})
    assert request.provider == "openai-responses"
    assert [(b.section, b.type) for b in request.blocks] == [
        (Section.SYSTEM, "text"), (Section.MESSAGES, "input_text"), (Section.MESSAGES, "function_call_output")
    ]


def test_converse_cachepoint_marks_the_block_before_it():
    request = lower({
        "modelId": "anthropic.claude-sonnet-4-6",
        "toolConfig": {"tools": [{"toolSpec": {"name": "a", "inputSchema": {"json": {}}}}, {"cachePoint": {"type": "default"}}]},
        "system": [{"text": "sys"}, {"cachePoint": {"type": "default", "ttl": "1h"}}],
        "messages": [{"role": "user", "content": [{"cachePoint": {"type": "default"}}, {"text": "hi"}]}],
    })
    assert request.provider == "bedrock-converse" and request.platform == "bedrock"
    assert [(b.section, b.type, b.breakpoint is not None) for b in request.blocks] == [
        (Section.TOOLS, "toolSpec", True),
        (Section.SYSTEM, "text", True),
        (Section.MESSAGES, "cachePoint", True),  # nothing before it in the message: an empty carrier
        (Section.MESSAGES, "text", False),
    ]
    assert request.blocks[1].breakpoint.ttl == "1h"


def test_batch_and_log_records():
    lines = [
        json.dumps({"custom_id": "a", "params": {"model": "claude-haiku-4-5", "max_tokens": 1, "messages": [{"role": "user", "content": "x"}]}}),
        "",
        json.dumps({"timestamp": "2026-11-21T10:00:00Z", "request": {"model": "claude-haiku-4-5", "max_tokens": 1, "messages": []}, "response": {"usage": {"cache_read_input_tokens": 0}}}),
        json.dumps({"timestamp": 1795255200, "request": {"model": "claude-haiku-4-5", "max_tokens": 1, "messages": []}}),
        json.dumps({"unrelated": True}),
    ]
    parsed = jsonreq.parse_jsonl("log.jsonl", (l.encode() for l in lines), bundled())
    (members,) = parsed.sets
    assert [r.span.line for r in members.requests] == [1, 3, 4]
    assert [r.in_batch for r in members.requests] == [True, False, False]
    assert members.timestamps == [None, 1795255200.0, 1795255200.0]  # ISO and epoch agree
    assert members.usage[1] == {"cache_read_input_tokens": 0}
    assert members.kind == "bodies"  # a mix of kinds


def test_openai_batch_input_records_are_batch_requests():
    # The OpenAI Batch API's input: {"custom_id", "method", "url", "body"}, for chat and responses.
    lines = [
        json.dumps({"custom_id": "a", "method": "POST", "url": "/v1/chat/completions", "body": {"model": "gpt-4.1", "messages": [{"role": "user", "content": "x"}]}}),
        json.dumps({"custom_id": "b", "method": "POST", "url": "/v1/responses", "body": {"model": "gpt-5", "input": "x"}}),
    ]
    (members,) = jsonreq.parse_jsonl("batch.jsonl", (l.encode() for l in lines), bundled()).sets
    assert [(r.provider, r.model, r.in_batch) for r in members.requests] == [("openai-chat", "gpt-4.1", True), ("openai-responses", "gpt-5", True)]
    assert members.kind == "batch"


def test_log_timestamps_in_the_units_logs_write_them():
    def stamps(*values):
        lines = [json.dumps({"timestamp": v, "request": {"model": "claude-haiku-4-5", "max_tokens": 1, "messages": []}}) for v in values]
        return jsonreq.parse_jsonl("log.jsonl", (l.encode() for l in lines), bundled()).sets[0].timestamps

    # Seconds; milliseconds (JavaScript's Date.now()), microseconds, nanoseconds; numbers in strings.
    assert stamps(1796000000, 1796000000123, 1796000000123456, 1796000000123456789) == pytest.approx([1796000000, 1796000000.123, 1796000000.123456, 1796000000.123456789])
    assert stamps("1796000000", " 1796000000.5 ", "1796000000000", "2026-11-21T10:00:00Z") == [1796000000, 1796000000.5, 1796000000, 1795255200]
    # No time in any unit: none at all, as an unreadable one is.
    assert stamps(float("nan"), float("inf"), -float("inf"), 1e300, -1e300, 10**400, "1e999", "soon", True, None) == [None] * 10


def test_a_text_of_the_wrong_type_is_no_empty_text():
    request = lower({"model": "claude-sonnet-4-6", "max_tokens": 1, "system": [{"type": "text", "text": 12345}, {"type": "text", "text": ""}], "messages": []})
    wrong, empty = request.blocks
    assert wrong.content is ContentKind.JSON and wrong.text.known_text() and not empty.text.known_text()
