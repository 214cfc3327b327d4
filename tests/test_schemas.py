"""The request-shape JSON Schemas behind PL002 (invalid-request).

Each provider gets realistic bodies that must validate (including odd `cache_control` /
`cachePoint` values, which are PC205's business, never PL002's) and broken bodies that
must not.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

SCHEMA_DIR = Path(__file__).resolve().parents[1] / "promptlint/frontends/jsonreq/schemas"

SCHEMA_NAMES = ["anthropic_messages", "openai_chat", "openai_responses", "bedrock_converse"]


def load_schema(name: str) -> dict:
    return json.loads((SCHEMA_DIR / f"{name}.json").read_text(encoding="utf-8"))


def validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(load_schema(name))


# --------------------------------------------------------------------------- the schemas


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_schema_is_valid_draft_2020_12(name: str) -> None:
    schema = load_schema(name)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"https://promptlint.dev/schemas/{name}.json"
    assert schema["title"]
    assert schema["description"]


def _walk(node, path=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield path + (key,), value
            yield from _walk(value, path + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, path + (i,))


CACHE_KEYS = {"cache_control", "cachePoint", "prompt_cache_breakpoint"}


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_cache_markers_are_never_constrained(name: str) -> None:
    """Any subschema for a cache marker property carries no assertion keywords."""
    schema = load_schema(name)
    defs = schema.get("$defs", {})
    for path, value in _walk(schema):
        if len(path) >= 2 and path[-2] == "properties" and path[-1] in CACHE_KEYS:
            sub = value
            while isinstance(sub, dict) and "$ref" in sub:
                sub = defs[sub["$ref"].rsplit("/", 1)[-1]]
            assert sub is True or set(sub) <= {"description", "title"}, (path, sub)


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_provider_hint_always_allowed(name: str) -> None:
    body = VALID[name][0][1]
    for hint in ("anthropic", "bedrock", {"whatever": 1}, None):
        assert not list(validator(name).iter_errors({**body, "provider": hint}))


# --------------------------------------------------------------------------- fixtures

BIG_TOOL_SCHEMA = {
    "type": "object",
    "properties": {"city": {"type": "string"}, "unit": {"enum": ["c", "f"]}},
    "required": ["city"],
}

PNG_B64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="

ANTHROPIC_VALID = [
    (
        "minimal",
        {
            "model": "claude-sonnet-4-5",
            "max_tokens": 1024,
            "messages": [{"role": "user", "content": "Hello"}],
        },
    ),
    (
        "cache_control_on_tools_system_messages",
        {
            "model": "claude-opus-4-7",
            "max_tokens": 2048,
            "tools": [
                {
                    "name": "get_weather",
                    "description": "Weather for a city",
                    "input_schema": BIG_TOOL_SCHEMA,
                    "cache_control": {"type": "ephemeral", "ttl": "1h"},
                },
                {"type": "web_search_20250305", "name": "web_search", "max_uses": 3},
                {"type": "mcp_toolset", "mcp_server_name": "docs"},
            ],
            "tool_choice": {"type": "auto", "disable_parallel_tool_use": True},
            "system": [
                {"type": "text", "text": "You are a weather bot."},
                {"type": "text", "text": "Long context " * 50, "cache_control": {"type": "ephemeral"}},
            ],
            "messages": [
                {
                    "role": "user",
                    "content": [
                        {"type": "text", "text": "Weather in Paris?", "cache_control": {"type": "ephemeral"}}
                    ],
                }
            ],
        },
    ),
    (
        "invalid_looking_cache_control_still_passes_the_schema",
        {
            "model": "claude-haiku-4-5",
            "max_tokens": 10,
            "cache_control": "yes please",
            "system": [{"type": "text", "text": "Be brief.", "cache_control": {"type": "persistent"}}],
            "tools": [{"name": "t", "input_schema": {"type": "object"}, "cache_control": 7}],
            "messages": [
                {"role": "user", "content": [{"type": "text", "text": "", "cache_control": {"type": "ephemeral", "ttl": "2h"}}]},
                {"role": "assistant", "content": [{"type": "thinking", "thinking": "hmm", "signature": "s", "cache_control": None}]},
            ],
        },
    ),
    (
        "image_and_document_blocks",
        {
            "model": "claude-sonnet-4-6",
            "max_tokens": 512,
            "messages": [
                {
                    "role": "user",
                    "content": [
                        {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": PNG_B64}},
                        {"type": "image", "source": {"type": "url", "url": "https://example.com/a.png"}},
                        {
                            "type": "document",
                            "source": {"type": "text", "media_type": "text/plain", "data": "doc"},
                            "cache_control": {"type": "ephemeral"},
                        },
                        {"type": "text", "text": "Describe these."},
                    ],
                }
            ],
        },
    ),
    (
        "tool_use_and_tool_result_turns_with_thinking",
        {
            "model": "claude-opus-4-5",
            "max_tokens": 4096,
            "thinking": {"type": "enabled", "budget_tokens": 2048},
            "tools": [{"name": "get_weather", "input_schema": BIG_TOOL_SCHEMA}],
            "messages": [
                {"role": "user", "content": "Weather in Paris?"},
                {
                    "role": "assistant",
                    "content": [
                        {"type": "thinking", "thinking": "I should call the tool.", "signature": "abc"},
                        {"type": "redacted_thinking", "data": "ENCRYPTED"},
                        {"type": "tool_use", "id": "toolu_01", "name": "get_weather", "input": {"city": "Paris"}},
                    ],
                },
                {
                    "role": "user",
                    "content": [
                        {
                            "type": "tool_result",
                            "tool_use_id": "toolu_01",
                            "content": [{"type": "text", "text": "18C, sunny"}],
                            "cache_control": {"type": "ephemeral"},
                        },
                        {"type": "tool_result", "tool_use_id": "toolu_02", "content": "plain string", "is_error": True},
                        {"type": "tool_result", "tool_use_id": "toolu_03"},
                    ],
                },
            ],
        },
    ),
    (
        "bedrock_invoke_model_body_without_model",
        {
            "anthropic_version": "bedrock-2023-05-31",
            "max_tokens": 0,
            "system": "You are terse.",
            "messages": [{"role": "user", "content": [{"type": "text", "text": "warm up"}]}],
        },
    ),
    (
        "system_role_message_unknown_block_type_and_new_fields",
        {
            "model": "claude-fable-5-1",
            "max_tokens": 100,
            "thinking": {"type": "adaptive"},
            "output_config": {"effort": "high"},
            "speed": "fast",
            "messages": [
                {"role": "user", "content": "hi"},
                {"role": "system", "content": "Today is a good day."},
                {"role": "user", "content": [{"type": "tool_addition", "tool": {"name": "x"}}, {"type": "search_result", "source": "s", "title": "t", "content": []}]},
            ],
        },
    ),
]

ANTHROPIC_INVALID = [
    ("messages_missing", {"model": "claude-sonnet-4-5", "max_tokens": 10}),
    ("max_tokens_missing", {"model": "claude-sonnet-4-5", "messages": [{"role": "user", "content": "x"}]}),
    ("max_tokens_negative", {"max_tokens": -1, "messages": [{"role": "user", "content": "x"}]}),
    ("max_tokens_string", {"max_tokens": "100", "messages": [{"role": "user", "content": "x"}]}),
    ("role_misspelled", {"max_tokens": 10, "messages": [{"role": "usr", "content": "x"}]}),
    ("message_without_content", {"max_tokens": 10, "messages": [{"role": "user"}]}),
    ("block_without_type", {"max_tokens": 10, "messages": [{"role": "user", "content": [{"text": "x"}]}]}),
    ("text_block_without_text", {"max_tokens": 10, "messages": [{"role": "user", "content": [{"type": "text"}]}]}),
    ("system_block_without_type", {"max_tokens": 10, "system": [{"text": "x"}], "messages": []}),
    ("tool_without_name", {"max_tokens": 10, "messages": [], "tools": [{"input_schema": {"type": "object"}}]}),
    ("custom_tool_without_input_schema", {"max_tokens": 10, "messages": [], "tools": [{"name": "t"}]}),
    ("server_tool_without_name", {"max_tokens": 10, "messages": [], "tools": [{"type": "bash_20250124"}]}),
    (
        "tool_use_input_not_object",
        {"max_tokens": 10, "messages": [{"role": "assistant", "content": [{"type": "tool_use", "id": "a", "name": "t", "input": "{}"}]}]},
    ),
    (
        "tool_result_without_tool_use_id",
        {"max_tokens": 10, "messages": [{"role": "user", "content": [{"type": "tool_result", "content": "x"}]}]},
    ),
    ("image_without_source", {"max_tokens": 10, "messages": [{"role": "user", "content": [{"type": "image"}]}]}),
    ("tool_choice_without_type", {"max_tokens": 10, "messages": [], "tool_choice": {"name": "t"}}),
    ("thinking_without_type", {"max_tokens": 10, "messages": [], "thinking": {"budget_tokens": 1024}}),
    ("messages_not_array", {"max_tokens": 10, "messages": {"role": "user", "content": "x"}}),
]

OPENAI_CHAT_VALID = [
    ("minimal", {"model": "gpt-4o", "messages": [{"role": "user", "content": "Hello"}]}),
    (
        "system_developer_and_tools_with_cache_key",
        {
            "model": "gpt-5.6",
            "prompt_cache_key": "session-42",
            "prompt_cache_options": {"mode": "explicit", "ttl": "30m"},
            "prompt_cache_retention": "24h",
            "tools": [
                {"type": "function", "function": {"name": "get_weather", "parameters": BIG_TOOL_SCHEMA, "strict": True}},
                {"type": "custom", "custom": {"name": "grammar_tool"}},
            ],
            "tool_choice": "auto",
            "messages": [
                {"role": "system", "content": "You are helpful."},
                {
                    "role": "developer",
                    "content": [
                        {"type": "text", "text": "Rules " * 100, "prompt_cache_breakpoint": {"mode": "explicit", "ttl": "12h"}}
                    ],
                },
                {"role": "user", "content": "Weather in Paris?"},
            ],
        },
    ),
    (
        "tool_call_turns",
        {
            "model": "gpt-4.1",
            "messages": [
                {"role": "user", "content": "Weather in Paris?"},
                {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [
                        {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}}
                    ],
                },
                {"role": "tool", "tool_call_id": "call_1", "content": "18C"},
                {"role": "assistant", "content": "It is 18C."},
            ],
        },
    ),
    (
        "image_audio_file_parts",
        {
            "model": "gpt-4o",
            "messages": [
                {
                    "role": "user",
                    "content": [
                        {"type": "text", "text": "What is this?"},
                        {"type": "image_url", "image_url": {"url": "https://example.com/a.png", "detail": "high"}},
                        {"type": "input_audio", "input_audio": {"data": "AAAA", "format": "wav"}},
                        {"type": "file", "file": {"file_id": "file-abc"}},
                    ],
                }
            ],
        },
    ),
    (
        "odd_breakpoint_values_and_unknown_fields",
        {
            "model": "gpt-5.6",
            "provider": "openai",
            "messages": [
                {"role": "user", "content": [{"type": "text", "text": "x", "prompt_cache_breakpoint": "persistent"}]},
                {"role": "assistant", "content": [{"type": "refusal", "refusal": "no", "prompt_cache_breakpoint": 3}]},
                {"role": "user", "content": [{"type": "brand_new_part", "payload": 1}]},
                {"role": "function", "name": "legacy_fn", "content": "result"},
            ],
            "reasoning_effort": "low",
            "some_future_field": {"a": 1},
        },
    ),
]

OPENAI_CHAT_INVALID = [
    ("messages_missing", {"model": "gpt-4o"}),
    ("model_missing", {"messages": [{"role": "user", "content": "x"}]}),
    ("role_misspelled", {"model": "gpt-4o", "messages": [{"role": "sytem", "content": "x"}]}),
    ("user_without_content", {"model": "gpt-4o", "messages": [{"role": "user"}]}),
    ("content_part_without_type", {"model": "gpt-4o", "messages": [{"role": "user", "content": [{"text": "x"}]}]}),
    ("text_part_without_text", {"model": "gpt-4o", "messages": [{"role": "user", "content": [{"type": "text"}]}]}),
    ("tool_without_type", {"model": "gpt-4o", "messages": [], "tools": [{"function": {"name": "f"}}]}),
    ("function_tool_without_name", {"model": "gpt-4o", "messages": [], "tools": [{"type": "function", "function": {"parameters": {}}}]}),
    ("tool_message_without_tool_call_id", {"model": "gpt-4o", "messages": [{"role": "tool", "content": "x"}]}),
    ("prompt_cache_key_not_string", {"model": "gpt-4o", "messages": [], "prompt_cache_key": 12345}),
    ("content_number", {"model": "gpt-4o", "messages": [{"role": "user", "content": 5}]}),
]

OPENAI_RESPONSES_VALID = [
    ("string_input", {"model": "gpt-4.1", "input": "Tell me a story."}),
    (
        "instructions_tools_and_cache_options",
        {
            "model": "gpt-5.6",
            "instructions": "You are helpful.",
            "prompt_cache_key": "tenant-7",
            "prompt_cache_options": {"mode": "implicit", "ttl": "12h", "prewarm": True},
            "tools": [
                {"type": "function", "name": "get_weather", "parameters": BIG_TOOL_SCHEMA, "strict": True},
                {"type": "web_search"},
                {"type": "mcp", "server_label": "docs", "server_url": "https://example.com/mcp"},
            ],
            "input": [
                {
                    "role": "user",
                    "content": [
                        {"type": "input_text", "text": "Context " * 100, "prompt_cache_breakpoint": {"mode": "explicit"}},
                        {"type": "input_image", "image_url": "https://example.com/a.png", "detail": "auto"},
                        {"type": "input_file", "file_id": "file-1", "prompt_cache_breakpoint": {"ttl": "forever"}},
                    ],
                }
            ],
        },
    ),
    (
        "function_call_round_trip",
        {
            "model": "o4-mini",
            "instructions": None,
            "input": [
                {"role": "user", "content": "Weather in Paris?"},
                {"type": "reasoning", "id": "rs_1", "summary": []},
                {"type": "function_call", "call_id": "call_1", "name": "get_weather", "arguments": "{\"city\":\"Paris\"}"},
                {"type": "function_call_output", "call_id": "call_1", "output": "18C"},
            ],
        },
    ),
    (
        "typed_messages_and_assistant_output",
        {
            "model": "gpt-5",
            "previous_response_id": "resp_1",
            "input": [
                {"type": "message", "role": "developer", "content": "Be terse."},
                {
                    "type": "message",
                    "role": "assistant",
                    "id": "msg_1",
                    "status": "completed",
                    "content": [{"type": "output_text", "text": "Earlier answer", "annotations": []}],
                },
                {"type": "item_reference", "id": "msg_0"},
                {"role": "user", "content": [{"type": "input_text", "text": "Go on"}]},
            ],
        },
    ),
    (
        "no_input_with_prompt_template_and_unknown_fields",
        {
            "model": "gpt-5.6",
            "provider": {"name": "openai", "api": "responses"},
            "prompt": {"id": "pmpt_1", "variables": {"x": "y"}},
            "reasoning": {"effort": "high"},
            "input": [{"type": "brand_new_item", "blob": 1}],
        },
    ),
]

OPENAI_RESPONSES_INVALID = [
    ("model_missing", {"input": "hi"}),
    ("input_wrong_type", {"model": "gpt-5", "input": 42}),
    ("message_role_misspelled", {"model": "gpt-5", "input": [{"role": "assistent", "content": "x"}]}),
    ("message_without_content", {"model": "gpt-5", "input": [{"role": "user"}]}),
    ("content_part_without_type", {"model": "gpt-5", "input": [{"role": "user", "content": [{"text": "x"}]}]}),
    ("input_text_without_text", {"model": "gpt-5", "input": [{"role": "user", "content": [{"type": "input_text"}]}]}),
    ("tool_without_type", {"model": "gpt-5", "input": "x", "tools": [{"name": "f"}]}),
    ("function_tool_without_name", {"model": "gpt-5", "input": "x", "tools": [{"type": "function", "parameters": {}}]}),
    ("function_call_output_without_call_id", {"model": "gpt-5", "input": [{"type": "function_call_output", "output": "x"}]}),
    ("instructions_not_string", {"model": "gpt-5", "input": "x", "instructions": ["a"]}),
]

BEDROCK_VALID = [
    (
        "minimal",
        {
            "modelId": "anthropic.claude-3-5-sonnet-20241022-v2:0",
            "messages": [{"role": "user", "content": [{"text": "Hello"}]}],
        },
    ),
    (
        "cache_points_in_system_messages_and_tools",
        {
            "modelId": "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
            "system": [
                {"text": "You are a weather bot. " * 50},
                {"cachePoint": {"type": "default", "ttl": "1h"}},
            ],
            "toolConfig": {
                "tools": [
                    {"toolSpec": {"name": "get_weather", "description": "Weather", "inputSchema": {"json": BIG_TOOL_SCHEMA}}},
                    {"cachePoint": {"type": "default"}},
                ],
                "toolChoice": {"auto": {}},
            },
            "messages": [
                {"role": "user", "content": [{"text": "Weather in Paris?"}, {"cachePoint": {"type": "default"}}]},
            ],
            "inferenceConfig": {"maxTokens": 512, "temperature": 0.2},
        },
    ),
    (
        "invalid_looking_cache_points_still_pass_the_schema",
        {
            "modelId": "anthropic.claude-haiku-4-5-20251001-v1:0",
            "system": [{"text": "x"}, {"cachePoint": {"type": "persistent"}}, {"cachePoint": "yes"}],
            "toolConfig": {"tools": [{"toolSpec": {"name": "t", "inputSchema": {"json": {"type": "object"}}}}, {"cachePoint": {}}]},
            "messages": [
                {
                    "role": "user",
                    "content": [
                        {"text": "hi", "cachePoint": {"type": "default"}},
                        {"text": "anthropic-style marker in Converse", "cache_control": {"type": "ephemeral"}},
                        {"cachePoint": {"type": "default", "ttl": "2h"}},
                    ],
                }
            ],
        },
    ),
    (
        "image_document_and_tool_turns",
        {
            "modelId": "amazon.nova-pro-v1:0",
            "toolConfig": {
                "tools": [{"toolSpec": {"name": "lookup", "inputSchema": {"json": {"type": "object", "properties": {}}}}}],
                "toolChoice": {"tool": {"name": "lookup"}},
            },
            "messages": [
                {
                    "role": "user",
                    "content": [
                        {"image": {"format": "png", "source": {"bytes": PNG_B64}}},
                        {"document": {"format": "pdf", "name": "report", "source": {"s3Location": {"uri": "s3://b/k.pdf"}}}},
                        {"text": "Summarise and look things up."},
                    ],
                },
                {
                    "role": "assistant",
                    "content": [
                        {"reasoningContent": {"reasoningText": {"text": "thinking", "signature": "sig"}}},
                        {"toolUse": {"toolUseId": "tooluse_1", "name": "lookup", "input": {"q": "x"}}},
                    ],
                },
                {
                    "role": "user",
                    "content": [
                        {
                            "toolResult": {
                                "toolUseId": "tooluse_1",
                                "content": [{"json": {"answer": 42}}, {"text": "done"}],
                                "status": "success",
                            }
                        },
                        {"guardContent": {"text": {"text": "check me"}}},
                    ],
                },
            ],
        },
    ),
    (
        "unknown_fields_and_new_members",
        {
            "modelId": "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-opus-4-7-v1:0",
            "provider": "bedrock",
            "additionalModelRequestFields": {"thinking": {"type": "enabled", "budget_tokens": 1024}},
            "performanceConfig": {"latency": "optimized"},
            "someFutureField": True,
            "messages": [{"role": "user", "content": [{"brandNewBlock": {"x": 1}}]}],
        },
    ),
    ("prompt_management_without_messages", {"modelId": "arn:aws:bedrock:us-east-1:123456789012:prompt/ABCDEFGHIJ", "promptVariables": {"topic": {"text": "x"}}}),
    # The REST body: the model is in the URL (a Bedrock batch record's modelInput: the job's).
    ("rest_body_without_model_id", {"system": [{"text": "x"}, {"cachePoint": {"type": "default"}}], "messages": [{"role": "user", "content": [{"text": "x"}]}], "inferenceConfig": {"maxTokens": 256}}),
]

BEDROCK_INVALID = [
    ("role_system_in_messages", {"modelId": "m", "messages": [{"role": "system", "content": [{"text": "x"}]}]}),
    ("role_misspelled", {"modelId": "m", "messages": [{"role": "User", "content": [{"text": "x"}]}]}),
    ("content_string_not_blocks", {"modelId": "m", "messages": [{"role": "user", "content": "x"}]}),
    ("content_missing", {"modelId": "m", "messages": [{"role": "user"}]}),
    ("empty_content_block", {"modelId": "m", "messages": [{"role": "user", "content": [{}]}]}),
    ("two_members_in_one_block", {"modelId": "m", "messages": [{"role": "user", "content": [{"text": "a", "image": {"format": "png", "source": {}}}]}]}),
    ("anthropic_style_block", {"modelId": "m", "messages": [{"role": "user", "content": [{"type": "text", "text": "x"}]}]}),
    ("system_not_array", {"modelId": "m", "system": "You are helpful."}),
    ("tool_spec_without_name", {"modelId": "m", "toolConfig": {"tools": [{"toolSpec": {"inputSchema": {"json": {}}}}]}}),
    ("tool_spec_without_input_schema_json", {"modelId": "m", "toolConfig": {"tools": [{"toolSpec": {"name": "t", "inputSchema": {"type": "object"}}}]}}),
    ("tool_config_without_tools", {"modelId": "m", "toolConfig": {"toolChoice": {"auto": {}}}}),
    ("tool_use_without_id", {"modelId": "m", "messages": [{"role": "assistant", "content": [{"toolUse": {"name": "t", "input": {}}}]}]}),
    ("tool_result_without_content", {"modelId": "m", "messages": [{"role": "user", "content": [{"toolResult": {"toolUseId": "t"}}]}]}),
    ("image_without_format", {"modelId": "m", "messages": [{"role": "user", "content": [{"image": {"source": {"bytes": "AA"}}}]}]}),
    ("tool_choice_two_members", {"modelId": "m", "toolConfig": {"tools": [{"cachePoint": {}}], "toolChoice": {"auto": {}, "any": {}}}}),
]

VALID = {
    "anthropic_messages": ANTHROPIC_VALID,
    "openai_chat": OPENAI_CHAT_VALID,
    "openai_responses": OPENAI_RESPONSES_VALID,
    "bedrock_converse": BEDROCK_VALID,
}
INVALID = {
    "anthropic_messages": ANTHROPIC_INVALID,
    "openai_chat": OPENAI_CHAT_INVALID,
    "openai_responses": OPENAI_RESPONSES_INVALID,
    "bedrock_converse": BEDROCK_INVALID,
}


def _cases(table: dict[str, list[tuple[str, dict]]]):
    return [pytest.param(name, body, id=f"{name}-{case}") for name, cases in table.items() for case, body in cases]


@pytest.mark.parametrize(("name", "body"), _cases(VALID))
def test_valid_request_bodies(name: str, body: dict) -> None:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator(name).iter_errors(body)]
    assert errors == []


@pytest.mark.parametrize(("name", "body"), _cases(INVALID))
def test_invalid_request_bodies(name: str, body: dict) -> None:
    assert list(validator(name).iter_errors(body)), "expected a schema error"


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_enough_cases_per_provider(name: str) -> None:
    assert len(VALID[name]) >= 5
    assert len(INVALID[name]) >= 5


def test_errors_point_at_the_offending_place() -> None:
    """Errors are plain required/type/enum errors with a path, not opaque oneOf failures."""
    body = {"max_tokens": 10, "messages": [{"role": "user", "content": [{"type": "text", "text": "a"}, {"text": "b"}]}]}
    (error,) = list(validator("anthropic_messages").iter_errors(body))
    assert error.validator == "required"
    assert list(error.absolute_path) == ["messages", 0, "content", 1]
    assert "'type' is a required property" in error.message

    body = {"max_tokens": 10, "messages": [{"role": "usr", "content": "x"}]}
    (error,) = list(validator("anthropic_messages").iter_errors(body))
    assert error.validator == "enum"
    assert list(error.absolute_path) == ["messages", 0, "role"]

    body = {"modelId": "m", "toolConfig": {"tools": [{"toolSpec": {"inputSchema": {"json": {}}}}]}}
    (error,) = list(validator("bedrock_converse").iter_errors(body))
    assert error.validator == "required"
    assert list(error.absolute_path) == ["toolConfig", "tools", 0, "toolSpec"]


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_schemas_do_not_use_one_of(name: str) -> None:
    assert "oneOf" not in json.dumps(load_schema(name))
