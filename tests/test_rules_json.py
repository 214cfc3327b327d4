"""Each rule on rendered requests: when it fires, where it points, and when it stays silent."""

from __future__ import annotations

import pytest

from tests.conftest import LONG_PROSE, anthropic, codes, text_block


# -- PC301 / PC302: prefix size against the model's minimum --------------------------


def test_field_case_haiku_batch_below_minimum_is_reported_once_with_numbers(lint):
    instructions = (
        "You label product pages for the catalogue team. Read the page and pick the one category below that fits it best.\n"
        "If two categories fit, pick the more specific one, and answer with the category path only.\n"
    )
    categories = "".join(f"- {a} > {b}\n" for a in ("Apparel", "Home", "Garden", "Toys", "Sports") for b in ("Shoes", "Bags", "Lamps", "Tools", "Games", "Outdoor"))
    system = [text_block(instructions + categories * 4, ttl="1h")]
    records = tuple(
        {"custom_id": f"page-{i}", "params": anthropic(system, [{"role": "user", "content": f"Page {i}"}], model="claude-haiku-4-5")}
        for i in range(30)
    )
    found = lint(records, name="batch.jsonl")
    assert codes(found) == ["PC301"]
    (d,) = found
    assert d.span.line == 1
    assert "claude-haiku-4-5 caches only from 4,096" in d.message
    assert "offline estimate" in d.message
    assert "29 more requests" in d.note
    assert d.data["minimum"] == 4096 and d.data["tokens"]["high"] < 4096


def test_prefix_certainly_above_minimum_is_clean(lint):
    assert lint(anthropic([text_block(LONG_PROSE)])) == []


def test_same_prefix_on_a_4096_model_is_certainly_below(lint):
    found = lint(anthropic([text_block(LONG_PROSE)], model="claude-opus-4-6"))
    assert codes(found) == ["PC301"]


def test_prefix_near_minimum_is_uncertain(lint):
    # ~1,000–1,600 tokens of prose against a 1,024 minimum: the band straddles it.
    found = lint(anthropic([text_block(LONG_PROSE[:5200])]))
    assert codes(found) == ["PC302"]
    assert "too close to claude-sonnet-4-6's minimum of 1,024" in found[0].message


def test_minimum_depends_on_platform(lint):
    # Opus 4.7: 2,048 first-party, 4,096 on Bedrock (facts.md §5); ~2,300–3,550 tokens sits between.
    system = [text_block(LONG_PROSE[:8500])]
    assert lint(anthropic(system, model="claude-opus-4-7")) == []
    assert codes(lint(anthropic(system, model="us.anthropic.claude-opus-4-7-v1:0"))) == ["PC301"]


def test_image_before_breakpoint_leaves_size_uncertain(lint):
    image = {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}}
    body = anthropic(
        "Describe images.",
        [{"role": "user", "content": [image, text_block("What is this?")]}],
        model="claude-haiku-4-5",
    )
    found = lint(body)
    assert codes(found) == ["PC302"]
    assert "unknown size" in found[0].message


def test_unknown_model_gives_pl003_and_uncertain_size(lint):
    found = lint(anthropic([text_block("Short system prompt.")], model="claude-nova-9"))
    assert sorted(codes(found)) == ["PC302", "PL003"]
    pl003 = next(d for d in found if d.code == "PL003")
    assert pl003.span.line == 2  # the "model" key


def test_default_model_from_config_sizes_unknown_models(lint):
    found = lint(anthropic([text_block("Short system prompt.")], model="my-proxy-model"), default_model="claude-haiku-4-5")
    assert sorted(codes(found)) == ["PC301", "PL003"]


# -- PC101: volatile values in the cached prefix -------------------------------------


def test_date_in_system_before_breakpoint(lint):
    found = lint(anthropic([text_block(LONG_PROSE + " Today is 2026-11-22.")]))
    assert codes(found) == ["PC101"]
    assert "'2026-11-22'" in found[0].message
    assert found[0].span.pointer == "/system/0/text"


def test_volatile_value_after_the_last_breakpoint_is_fine(lint):
    messages = [{"role": "user", "content": "Today is 2026-11-22 14:03:11. What changed?"}]
    assert lint(anthropic([text_block(LONG_PROSE)], messages)) == []


def test_fixed_dates_are_not_volatile(lint):
    system = [text_block(LONG_PROSE + " Your knowledge cutoff is 2025-01-31. Refunds close on 12/24/2026.")]
    assert lint(anthropic(system)) == []


def test_uuid_and_epoch_and_seconds(lint):
    for text in ("request 3f2b8c1e-9d4a-4e6b-8f0a-2c5d7e9b1a3f", "ts 1763812345", "at 09:41:07 UTC"):
        found = lint(anthropic([text_block(LONG_PROSE + " " + text)]))
        assert codes(found) == ["PC101"], text


def test_no_caching_means_no_volatile_finding(lint):
    # No breakpoint on an opt-in provider: nothing is cached, so nothing is defeated.
    assert lint(anthropic("Today is 2026-11-22. Be brief.")) == []


def test_automatic_caching_covers_system(lint):
    body = anthropic("Today is 2026-11-22. " + LONG_PROSE, cache_control={"type": "ephemeral"})
    assert codes(lint(body)) == ["PC101"]


# -- PC201 / PC204 / PC205: requests the API rejects -----------------------------------


def test_fifth_breakpoint_is_reported_at_the_fifth(lint):
    system = [text_block(LONG_PROSE)] + [text_block(f"Section {i}: more rules.") for i in range(4)]
    found = lint(anthropic(system))
    assert codes(found) == ["PC201"]
    assert found[0].span.pointer == "/system/4/cache_control"
    assert "breakpoint 5 of 5" in found[0].message


def test_automatic_caching_takes_a_slot(lint):
    system = [text_block(LONG_PROSE)] + [text_block(f"Section {i}.") for i in range(3)]
    found = lint(anthropic(system, cache_control={"type": "ephemeral"}))
    assert codes(found) == ["PC201"]
    assert "automatic" in found[0].message


def test_1h_after_5m_is_rejected(lint):
    system = [text_block(LONG_PROSE), text_block("More.", ttl="1h")]
    found = lint(anthropic(system))
    assert codes(found) == ["PC204"]
    assert found[0].span.pointer == "/system/1/cache_control"


def test_1h_before_5m_is_fine(lint):
    system = [text_block(LONG_PROSE, ttl="1h"), text_block("More rules for the reply.", ttl="5m")]
    assert lint(anthropic(system)) == []


def test_invalid_cache_control_shapes(lint):
    cases = [
        ({"type": "persistent"}, "only type is 'ephemeral'"),
        ({"type": "ephemeral", "ttl": "10m"}, "ttl '10m'"),
        ("ephemeral", "must be an object"),
    ]
    for value, expected in cases:
        system = [{"type": "text", "text": LONG_PROSE, "cache_control": value}]
        found = lint(anthropic(system))
        assert codes(found) == ["PC205"], value
        assert expected in found[0].message


def test_cache_control_on_empty_text_and_thinking(lint):
    messages = [
        {"role": "user", "content": "Plan it."},
        {
            "role": "assistant",
            "content": [
                {"type": "thinking", "thinking": "Let me think.", "signature": "sig", "cache_control": {"type": "ephemeral"}},
                {"type": "text", "text": "", "cache_control": {"type": "ephemeral"}},
            ],
        },
        {"role": "user", "content": "Go on."},
    ]
    found = lint(anthropic(LONG_PROSE, messages))
    assert codes(found) == ["PC205", "PC205"]
    assert "thinking block" in found[0].message and "empty text block" in found[1].message


def test_bedrock_cachepoint_type_must_be_default(lint):
    body = {
        "modelId": "anthropic.claude-sonnet-4-6",
        "system": [{"text": LONG_PROSE}, {"cachePoint": {"type": "persistent"}}],
        "messages": [{"role": "user", "content": [{"text": "Hi"}]}],
    }
    found = lint(body)
    assert codes(found) == ["PC205"]
    assert "'default'" in found[0].message


def test_rejected_request_gets_no_cost_findings(lint):
    # A big static prefix with no breakpoint would be PC206, but the body is invalid (PL002).
    body = anthropic(LONG_PROSE, [{"role": "user", "content": [{"text": "no type"}]}])
    assert codes(lint(body)) == ["PL002"]


# -- PC206: static prefix with no breakpoint ------------------------------------------


def test_uncached_static_prefix(lint):
    found = lint(anthropic(LONG_PROSE))
    assert codes(found) == ["PC206"]
    assert found[0].severity.value == "info"
    assert "above claude-sonnet-4-6's minimum of 1,024" in found[0].message


def test_small_uncached_prefix_is_fine(lint):
    assert lint(anthropic("You are terse.")) == []


def test_bedrock_batch_caching_is_not_suggested(lint):
    # Converse has no batch entries here; InvokeModel bodies in a batch file on Bedrock:
    records = tuple(
        {"custom_id": f"r{i}", "params": {"anthropic_version": "bedrock-2023-05-31", "max_tokens": 10, "system": LONG_PROSE, "messages": [{"role": "user", "content": "x"}]}}
        for i in range(2)
    )
    assert "PC206" not in codes(lint(records, name="b.jsonl", default_model="claude-sonnet-4-6"))


# -- PC303: lifecycle ---------------------------------------------------------------------


def test_deprecated_and_retired_models(lint):
    deprecated = lint(anthropic("Hi.", model="claude-sonnet-4-5-20250929"))
    assert codes(deprecated) == ["PC303"] and deprecated[0].severity.value == "warning"
    assert "retires on 2026-11-30" in deprecated[0].message and "claude-sonnet-5-5" in deprecated[0].message
    retired = lint(anthropic("Hi.", model="claude-3-5-haiku-20241022"))
    assert codes(retired) == ["PC303"] and retired[0].severity.value == "error"


def test_as_of_moves_the_verdict(lint):
    import datetime as dt

    before = lint(anthropic("Hi.", model="claude-sonnet-4-5"), as_of=dt.date(2026, 9, 1))
    after = lint(anthropic("Hi.", model="claude-sonnet-4-5"), as_of=dt.date(2026, 12, 1))
    assert before == [] and after[0].severity.value == "error"


def test_lifecycle_on_bedrock_is_not_anthropics(lint):
    # Bedrock sets its own retirement dates (facts.md §3): Anthropic's do not apply there.
    body = {"modelId": "anthropic.claude-3-5-haiku-20241022-v1:0", "messages": [{"role": "user", "content": [{"text": "Hi"}]}]}
    assert "PC303" not in codes(lint(body))


# -- PL002: request shapes -------------------------------------------------------------------


def test_missing_messages_points_at_the_request(lint):
    body = {"model": "claude-sonnet-4-6", "max_tokens": 100, "system": "x"}
    found = lint(body)
    assert codes(found) == ["PL002"]
    assert "'messages' is required" in found[0].message


def test_block_without_type_points_at_the_block(lint):
    body = anthropic("x", [{"role": "user", "content": [{"text": "hi"}]}])
    found = lint(body)
    assert codes(found) == ["PL002"]
    assert found[0].span.pointer == "/messages/0/content/0"
    assert found[0].span.line == 9  # the block's opening brace


def test_a_shape_is_validated_once_for_requests_that_differ_only_where_the_schema_does_not_look():
    from promptlint.frontends.jsonreq import shapes

    shapes._results.clear()
    for session in range(20):
        body = anthropic("x", [{"role": "user", "content": f"Question {session}"}])
        body["metadata"] = {"user_id": f"session-{session}", "tags": [session]}
        body["tools"] = [{"name": f"tool_{session}", "description": "d" * session, "input_schema": {"type": "object", "properties": {str(session): {}}}}]
        assert shapes.problems("anthropic", body) == []
    # the frame, the system-less message and the tool: one validation each, not one per session
    assert len(shapes._results) == 3


def test_a_wrong_type_is_still_reported_after_a_valid_value_was_remembered(lint):
    good = anthropic("x")
    good["metadata"] = {"user_id": "u1"}
    assert lint(good) == []
    bad = anthropic("x")
    bad["metadata"] = "u1"
    found = lint(bad)
    assert codes(found) == ["PL002"] and "metadata: expected an object, got a string" in found[0].message
    negative = anthropic("x")
    negative["max_tokens"] = -1  # a field with a constraint beyond its type keeps its value in the key
    assert codes(lint(negative)) == ["PL002"]


def test_a_schema_that_constrains_unlisted_keys_elides_nothing():
    from promptlint.frontends.jsonreq.shapes import _free_fields

    schema = {"properties": {"note": {"type": "string"}, "id": {"type": "string", "pattern": "^a"}}}
    assert _free_fields(schema) == (frozenset({"note"}), frozenset({"note"}))
    assert _free_fields(schema | {"$defs": {"x": {"additionalProperties": {"maxLength": 3}}}}) == (frozenset(), frozenset())


def test_non_request_json_is_ignored(lint):
    assert lint({"name": "my-app", "version": "1.0.0", "dependencies": {}}, name="package.json") == []
    assert lint({"input": "not a request", "expected": 3}, name="fixture.json") == []
    # Request-like keys alone are not enough: an i18n table, a build config.
    assert lint({"messages": {"hello": "Hello", "bye": "Goodbye"}, "locale": "en"}, name="en.json") == []
    assert lint({"input": "src/", "model": "tree", "output": "dist/"}, name="build.json") == []
    # A request whose messages are of the wrong type is still a request, with a shape problem.
    assert [d.code for d in lint({"model": "claude-sonnet-4-6", "max_tokens": 10, "messages": "hi"})] == ["PL002"]
    assert lint({"model": "gpt-5.6", "input": "hi"}) == []


# -- Reported by the rule-page work ---------------------------------------------------


def test_null_cache_control_is_no_breakpoint(lint):
    system = [{"type": "text", "text": "Be terse.", "cache_control": None}]
    assert lint(anthropic(system, cache_control=None)) == []


def test_rejected_breakpoint_is_not_also_too_short(lint):
    system = [{"type": "text", "text": "Be terse.", "cache_control": "ephemeral"}]
    assert codes(lint(anthropic(system))) == ["PC205"]


def test_unknown_openai_family_model_is_read_as_openai(lint):
    found = lint({"model": "gpt-7-turbo", "messages": [{"role": "user", "content": "Hello"}]})
    assert codes(found) == ["PL003"]


def test_bodies_without_a_model_use_the_default_quietly(lint):
    body = {"anthropic_version": "bedrock-2023-05-31", "max_tokens": 10, "system": "x", "messages": [{"role": "user", "content": "Hi"}]}
    assert codes(lint(body)) == ["PL003"]
    assert lint(body, default_model="claude-sonnet-4-6") == []


def test_bedrock_batch_inference_records_are_read(lint):
    record = {"recordId": "r1", "modelInput": {"anthropic_version": "bedrock-2023-05-31", "max_tokens": 10, "system": [{"type": "text", "text": "Be terse.", "cache_control": {"type": "persistent"}}], "messages": [{"role": "user", "content": "Hi"}]}}
    found = lint((record,), name="batch.jsonl", default_model="claude-sonnet-4-6")
    assert codes(found) == ["PC205"]
    assert found[0].span.json_path == ("modelInput", "system", 0, "cache_control")


def test_a_jsonl_finding_points_at_its_key_in_the_line(lint, tmp_path):
    record = {"custom_id": "r1", "params": anthropic([text_block("Be terse.")], model="claude-haiku-4-5")}
    found = lint((record, record), name="batch.jsonl")
    assert codes(found) == ["PC301"]
    line = (tmp_path / "batch.jsonl").read_text(encoding="utf-8").splitlines()[0]
    span = found[0].span
    assert span.line == 1 and span.json_path == ("params", "system", 0, "cache_control")
    assert line[span.column - 1 :].startswith('"cache_control": {"type": "ephemeral"}'), span.column


def test_a_jsonl_line_too_long_to_walk_again_keeps_its_findings_at_column_1(lint, monkeypatch):
    from promptlint.sets import checking

    monkeypatch.setattr(checking, "PIN_LONGEST", 100)
    record = {"custom_id": "r1", "params": anthropic([text_block("Be terse.")], model="claude-haiku-4-5")}
    found = lint((record,), name="batch.jsonl")
    assert codes(found) == ["PC301"] and found[0].span.column == 1


def test_volatile_value_in_a_prompt_too_short_to_cache_is_moot(lint):
    small = {"model": "gpt-5", "messages": [{"role": "system", "content": "Today is 2026-11-22. Be terse."}, {"role": "user", "content": "Hi"}]}
    assert lint(small) == []
    large = {"model": "gpt-5", "messages": [{"role": "system", "content": "Today is 2026-11-22. " + LONG_PROSE}, {"role": "user", "content": "Hi"}]}
    assert codes(lint(large)) == ["PC101"]


def test_model_overrides_reject_unknown_keys(lint, tmp_path):
    from promptlint.config import ConfigError, load
    from promptlint.checks import all_rules

    config = tmp_path / "pyproject.toml"
    config.write_text('[tool.promptlint]\n[[tool.promptlint.models]]\nid = "x"\nretird = 2027-01-15\n', encoding="utf-8")
    rules = all_rules()
    import pytest

    with pytest.raises(ConfigError, match="retird"):
        load(config, rules, {c: r.name for c, r in rules.items()})


def test_a_timestamp_rendered_into_every_request_is_one_finding(lint):
    records = tuple(
        {"timestamp": f"2026-11-21T10:00:{i:02d}Z", "request": anthropic([text_block(f"Current time: 2026-11-21 10:00:{i:02d}. " + LONG_PROSE)])}
        for i in range(12)
    )
    found = lint(records, name="log.jsonl")
    assert codes(found) == ["PC101"]
    assert "the same kind of value in 11 more requests" in found[0].note


def test_an_epoch_at_the_end_of_a_sentence_is_volatile(lint):
    for text in ("Timestamp: 1796000000.", "Session started 1796000000.\nBe brief.", "Generated at 1796000000123."):
        found = lint(anthropic([text_block(LONG_PROSE + " " + text)]))
        assert codes(found) == ["PC101"], text
        assert "1796000000" in found[0].message


def test_a_phone_number_in_the_epoch_range_is_not(lint):
    for text in ("Fax: 1415550101.", "Call us on 2065550101 any day.", "Phone (support line) 2065550101", "For billing issues call 1800555123 (toll free)."):
        assert lint(anthropic([text_block(LONG_PROSE + " " + text)])) == [], text
    found = lint(anthropic([text_block(LONG_PROSE + " Call us on 2065550101. Session 1796000000.")]))
    assert codes(found) == ["PC101"] and "1796000000" in found[0].message
    # A call that started at a time is not a phone number.
    assert codes(lint(anthropic([text_block(LONG_PROSE + " This call started at 1796000000.")]))) == ["PC101"]


def test_an_epoch_inside_a_decimal_version_or_name_is_not(lint):
    for text in ("Ratio 1796000000.5 applies.", "Build 1796000000.2.3 is current.", "See 1796000000.log for details.", "Pi is 3.1796000000 here."):
        assert lint(anthropic([text_block(LONG_PROSE + " " + text)])) == [], text


def test_a_text_of_the_wrong_type_is_pl002_not_an_empty_text(lint):
    for text in (12345, {"value": "hi"}, None):
        found = lint(anthropic([{"type": "text", "text": text, "cache_control": {"type": "ephemeral"}}]))
        assert "PL002" in codes(found) and "PC205" not in codes(found), text


def test_a_model_of_the_wrong_type_is_not_a_missing_model(lint):
    for model, kind in ((4, "a number"), (None, "null"), (["claude-sonnet-4-6"], "an array")):
        found = lint(anthropic(model=model))
        assert [d.message for d in found if d.code == "PL002"] == [f"Anthropic Messages request: model: expected a string, got {kind}"], model
    missing = anthropic()
    del missing["model"]
    assert [d.message for d in lint(missing) if d.code == "PL002"] == ["Anthropic Messages request: request: 'model' is required"]


def test_cache_control_on_a_message_is_refused_where_it_stands(lint):
    # A LiteLLM habit: the Messages API takes cache_control on content blocks, not on a message.
    body = {"model": "claude-sonnet-4-6", "max_tokens": 10, "system": "You are helpful.",
            "messages": [{"role": "user", "content": "hi", "cache_control": {"type": "ephemeral"}}]}
    found = lint(body)
    assert [d.code for d in found] == ["PC205"]
    assert "sits on a message" in found[0].message and found[0].span.json_path == ("messages", 0, "cache_control")


def test_automatic_caching_with_another_ttl_on_the_last_block(lint):
    # facts.md §1.7: the same TTL on the last block is a no-op, a different one a 400.
    def body(ttl: str) -> dict:
        return {"model": "claude-sonnet-4-6", "max_tokens": 10, "cache_control": {"type": "ephemeral"}, "system": "You are helpful.",
                "messages": [{"role": "user", "content": [{"type": "text", "text": "hi", "cache_control": {"type": "ephemeral", "ttl": ttl}}]}]}

    found = lint(body("1h"))
    refused = [d for d in found if d.code == "PC205"]
    assert len(refused) == 1 and "asks for a 5m TTL" in refused[0].message and refused[0].span.json_path == ("cache_control",)
    assert "PC204" not in [d.code for d in found]  # both on one block: a mismatch, not an order
    assert [d for d in lint(body("5m")) if d.code == "PC205"] == []


@pytest.mark.parametrize("model, refused", [("gpt-4o", True), ("gpt-5.5", True), ("o4-mini", True), ("gpt-5.6", False), ("gpt-6", False)])
def test_prompt_cache_breakpoint_on_a_model_before_it_existed(lint, model, refused):
    # facts.md §4 (O1): prompt_cache_breakpoint exists from GPT-5.6 on; older models reject the field.
    body = {"model": model, "messages": [{"role": "developer", "content": [{"type": "text", "text": "You answer billing questions.",
            "prompt_cache_breakpoint": {"mode": "explicit"}}]}, {"role": "user", "content": "hi"}]}
    found = [d for d in lint(body) if d.code == "PC205"]
    assert bool(found) == refused
    if refused:
        assert f"{model} rejects the field" in found[0].message


def test_a_short_prompt_in_other_scripts_is_certainly_below_the_minimum(lint):
    # The bands do not hold for emoji, Arabic or Devanagari, but a token covers at least one
    # byte: a prompt of a few hundred bytes cannot reach 1,024 tokens.
    for text in ("You are Northwind's helper 🚀. Be kind 😊 and brief.", "أنت مساعد خدمة العملاء لمتجر نورثويند. كن موجزا.", "आप नॉर्थविंड स्टोर के सहायक हैं। संक्षेप में उत्तर दें।"):
        found = lint(anthropic([text_block(text)]))
        assert codes(found) == ["PC301"], (text, [d.message for d in found])
    # Long enough in bytes to maybe reach it: the count cannot tell.
    found = lint(anthropic([text_block("مرحبا بكم في متجرنا. " * 200)]))
    assert codes(found) == ["PC302"]


def test_a_converse_rest_body_without_model_id_is_read_as_converse(lint):
    # The model is in the URL (or, in a Bedrock batch, the job's): the body is still Converse.
    for body in (
        {"system": [{"text": "You are a support bot."}, {"cachePoint": {"type": "default"}}], "messages": [{"role": "user", "content": [{"text": "hi"}]}]},
        {"messages": [{"role": "user", "content": [{"text": "hi"}]}], "inferenceConfig": {"maxTokens": 256}},
    ):
        found = lint(body)
        assert "PL002" not in codes(found), [d.message for d in found]
        assert any(d.code == "PL003" and "Bedrock Converse request names no model" in d.message for d in found)


def test_dates_written_with_dots_or_year_first_slashes_next_to_now_words(lint):
    for text in ("Current date: 01.12.2026.", "Today: 2026/12/01.", "Today is 2026.12.01."):
        found = lint(anthropic([text_block(text + " " + LONG_PROSE)]))
        assert codes(found) == ["PC101"], text
    assert lint(anthropic([text_block("Use version 3.14.15 of the API. " + LONG_PROSE)])) == []
    assert lint(anthropic([text_block("The current SDK is 2024.10.1, install it now. " + LONG_PROSE)])) == []
