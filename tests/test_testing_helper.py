"""promptlint.testing with the real SDKs: what an app sends is captured, answered offline, linted."""

from __future__ import annotations

import asyncio
import datetime as dt
import socket
from typing import Any

import anthropic
import pytest

from promptlint.testing import CapturedCall, CapturedRequests, assert_cache_friendly, capture_requests
from tests.conftest import AS_OF, LONG_PROSE

pytest_plugins = ["pytester"]

MODEL = "claude-sonnet-4-6"


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Any attempt to open a connection fails the test (and is recorded)."""
    attempts: list[Any] = []

    def refuse(self: socket.socket, address: Any) -> None:
        attempts.append(address)
        raise AssertionError(f"promptlint.testing opened a connection to {address!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    return attempts


def test_the_network_guard_works(no_network: list[Any]) -> None:
    """Without the helper's client, the SDK does try to connect, and the guard catches it."""
    client = anthropic.Anthropic(api_key="test", base_url="http://127.0.0.1:9", max_retries=0)
    with pytest.raises(anthropic.APIConnectionError):
        client.messages.create(model=MODEL, max_tokens=8, messages=[{"role": "user", "content": "hi"}])
    assert no_network


# -- a tiny app, as a user would have one ------------------------------------------

def dated_app(client: anthropic.Anthropic, question: str, clock: Any = dt.datetime.now) -> str:
    """Puts the current time into the cached system prompt: a new cache entry every second."""
    now = clock().strftime("%Y-%m-%d %H:%M:%S")  # promptlint: ignore[PC101] -- the bad app the helper must catch
    response = client.messages.create(
        model=MODEL,
        max_tokens=256,
        system=[
            {"type": "text", "text": f"Current date: {now}\n\n{LONG_PROSE}", "cache_control": {"type": "ephemeral"}},
        ],
        messages=[{"role": "user", "content": question}],
    )
    return response.content[0].text


def clean_app(client: anthropic.Anthropic, question: str) -> str:
    """The static prompt is cached; what changes comes after the breakpoint."""
    response = client.messages.create(
        model=MODEL,
        max_tokens=256,
        system=[{"type": "text", "text": LONG_PROSE, "cache_control": {"type": "ephemeral"}}],
        messages=[{"role": "user", "content": question}],
    )
    return response.content[0].text


def test_volatile_date_in_cached_system_prompt_is_reported(no_network: list[Any]) -> None:
    with capture_requests() as captured:
        client = anthropic.Anthropic(api_key="test", http_client=captured.http_client())
        assert dated_app(client, "hello") == "OK"
    with pytest.raises(AssertionError) as raised:
        assert_cache_friendly(captured.requests, as_of=AS_OF)
    report = str(raised.value)
    assert "PC101 [warning]" in report
    assert "request 1 /system/0/text" in report
    assert report.splitlines()[0] == "promptlint found 1 problem in 1 request:"
    assert no_network == []


def test_clean_app_passes(no_network: list[Any]) -> None:
    with capture_requests() as captured:
        client = anthropic.Anthropic(api_key="test", http_client=captured.http_client())
        clean_app(client, "hello")
        clean_app(client, "what is my order status?")
    assert len(captured.requests) == 2
    assert_cache_friendly(captured.requests, as_of=AS_OF)
    assert_cache_friendly(captured, as_of=AS_OF)
    assert no_network == []


def test_captured_body_is_what_the_sdk_sent() -> None:
    system = [{"type": "text", "text": LONG_PROSE, "cache_control": {"type": "ephemeral", "ttl": "1h"}}]
    messages = [{"role": "user", "content": [{"type": "text", "text": "hi", "cache_control": {"type": "ephemeral"}}]}]
    with capture_requests() as captured:
        client = anthropic.Anthropic(api_key="test", http_client=captured.http_client())
        message = client.messages.create(
            model=MODEL, max_tokens=64, system=system, messages=messages, stop_sequences=["END"]
        )
    assert captured.requests == [
        {"model": MODEL, "max_tokens": 64, "system": system, "messages": messages, "stop_sequences": ["END"]}
    ]
    (call,) = captured.calls
    assert (call.method, call.url, call.endpoint, call.provider, call.model, call.stream) == (
        "POST", "https://api.anthropic.com/v1/messages", "messages", "anthropic", None, False
    )
    # The SDK got a well-formed message back.
    assert message.model == MODEL and message.content[0].type == "text"
    assert message.usage.input_tokens == 0 and message.usage.cache_read_input_tokens == 0


def test_repeated_finding_is_reported_once_for_the_set() -> None:
    with capture_requests() as captured:
        client = anthropic.Anthropic(api_key="test", http_client=captured.http_client())
        for question in ("a", "b", "c"):  # within one second: the same message each time
            dated_app(client, question, clock=lambda: dt.datetime(2026, 11, 22, 14, 3, 11))
    with pytest.raises(AssertionError) as raised:
        assert_cache_friendly(captured, as_of=AS_OF)
    report = str(raised.value)
    assert report.count("PC101") == 1
    assert "also in requests 2, 3" in report
    assert "of this file" not in report


def test_select_and_ignore() -> None:
    with capture_requests() as captured:
        dated_app(anthropic.Anthropic(api_key="test", http_client=captured.http_client()), "hi")
    assert_cache_friendly(captured, ignore=["PC101"], as_of=AS_OF)
    assert_cache_friendly(captured, select=["PC3"], as_of=AS_OF)


def test_reply_and_streaming() -> None:
    with capture_requests(reply=lambda call: f'{{"model": "{call.body["model"]}"}}') as captured:
        client = anthropic.Anthropic(api_key="test", http_client=captured.http_client())
        with client.messages.stream(model=MODEL, max_tokens=8, messages=[{"role": "user", "content": "hi"}]) as stream:
            text = stream.get_final_text()
    assert text == '{"model": "claude-sonnet-4-6"}'
    assert captured.calls[0].stream and captured.requests[0]["stream"] is True


def test_a_failing_reply_function_is_a_400_not_a_retried_connection_error() -> None:
    def reply(call: CapturedCall) -> str:
        raise KeyError("expected")

    with capture_requests(reply=reply) as captured:
        client = anthropic.Anthropic(api_key="test", http_client=captured.http_client())
        with pytest.raises(anthropic.BadRequestError, match="the reply function raised KeyError"):
            client.messages.create(model=MODEL, max_tokens=8, messages=[{"role": "user", "content": "hi"}])
    assert len(captured.calls) == 1


def test_async_client() -> None:
    with capture_requests() as captured:
        client = anthropic.AsyncAnthropic(api_key="test", http_client=captured.async_http_client())

        async def run() -> str:
            message = await client.messages.create(model=MODEL, max_tokens=8, messages=[{"role": "user", "content": "hi"}])
            return message.content[0].text

        assert asyncio.run(run()) == "OK"
    assert captured.requests[0]["messages"] == [{"role": "user", "content": "hi"}]


def test_count_tokens_and_batches() -> None:
    params = {"model": MODEL, "max_tokens": 8, "system": "Current date: 2026-11-22 14:03:11", "messages": [{"role": "user", "content": "x"}]}
    with capture_requests() as captured:
        client = anthropic.Anthropic(api_key="test", http_client=captured.http_client())
        assert client.messages.count_tokens(model=MODEL, messages=[{"role": "user", "content": "x"}]).input_tokens == 0
        batch = client.messages.batches.create(requests=[{"custom_id": "a", "params": params}, {"custom_id": "b", "params": params}])
    assert batch.request_counts.processing == 2
    assert [c.endpoint for c in captured.calls] == ["count_tokens", "batches"]
    # count_tokens is not a request; each batch entry is one.
    assert captured.requests == [{"custom_id": "a", "params": params}, {"custom_id": "b", "params": params}]


def test_unknown_endpoint_is_a_404_that_names_it() -> None:
    with capture_requests() as captured:
        client = anthropic.Anthropic(api_key="test", http_client=captured.http_client(), max_retries=0)
        with pytest.raises(anthropic.NotFoundError, match="no canned response for GET /v1/models"):
            client.models.list()
    assert captured.requests == []


def test_vertex_model_from_the_url_is_used() -> None:
    with capture_requests() as captured:
        client = anthropic.AnthropicVertex(
            region="us-east5", project_id="p", access_token="token", http_client=captured.http_client()
        )
        client.messages.create(model="claude-sonnet-4-6", max_tokens=8, messages=[{"role": "user", "content": "hi"}])
    (body,) = captured.requests
    assert "model" not in body and body["anthropic_version"]
    (call,) = captured.calls
    assert (call.model, call.platform) == ("claude-sonnet-4-6", "vertex")
    assert call.records() == [dict(body, model="claude-sonnet-4-6", provider="vertex")]
    # The bodies alone name no model; with the calls, promptlint knows the one in the URL.
    with pytest.raises(AssertionError, match="PL003 .*names no model"):
        assert_cache_friendly(captured.requests, as_of=AS_OF)
    assert_cache_friendly(captured, as_of=AS_OF)


def test_bedrock_model_from_the_url_and_streaming() -> None:
    with capture_requests() as captured:
        client = anthropic.AnthropicBedrock(
            aws_access_key="AKIAEXAMPLE", aws_secret_key="secret", aws_region="us-east-1", http_client=captured.http_client()
        )
        model = "global.anthropic.claude-sonnet-4-6"
        client.messages.create(model=model, max_tokens=8, messages=[{"role": "user", "content": "hi"}])
        with client.messages.stream(model=model, max_tokens=8, messages=[{"role": "user", "content": "hi"}]) as stream:
            assert stream.get_final_text() == "OK"
    assert [(c.model, c.platform, c.stream) for c in captured.calls] == [(model, "bedrock", False), (model, "bedrock", True)]
    assert_cache_friendly(captured, as_of=AS_OF)


def test_nothing_captured_fails() -> None:
    with capture_requests() as captured:
        pass
    with pytest.raises(AssertionError, match="no requests to check"):
        assert_cache_friendly(captured.requests)


def test_plain_dicts_and_calls_are_accepted() -> None:
    body = {"model": MODEL, "max_tokens": 8, "messages": [{"role": "user", "content": "hi"}]}
    assert_cache_friendly([body], as_of=AS_OF)
    call = CapturedCall("POST", "https://x/model/m/invoke", "anthropic", "messages", {"anthropic_version": "bedrock-2023-05-31", **{k: v for k, v in body.items() if k != "model"}}, MODEL)
    assert call.records() == [{"anthropic_version": "bedrock-2023-05-31", "max_tokens": 8, "messages": body["messages"], "model": MODEL}]
    assert_cache_friendly([call], as_of=AS_OF)


def test_openai_chat_completions() -> None:
    import openai
    with capture_requests() as captured:
        client = openai.OpenAI(api_key="test", http_client=captured.http_client("openai"))
        completion = client.chat.completions.create(
            model="gpt-4o", messages=[{"role": "system", "content": "Be brief."}, {"role": "user", "content": "hi"}]
        )
        chunks = list(client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}], stream=True))
        response = client.responses.create(model="gpt-4.1", input="hi")
    assert completion.choices[0].message.content == "OK"
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == "OK"
    assert response.output_text == "OK"
    assert [c.endpoint for c in captured.calls] == ["chat.completions", "chat.completions", "responses"]
    assert captured.requests[0] == {
        "model": "gpt-4o",
        "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "hi"}],
    }
    assert_cache_friendly(captured, as_of=AS_OF)


def test_transport_answers_openai_shapes_without_the_sdk() -> None:
    """The canned OpenAI answers, through the HTTP client alone (the SDK may not be installed)."""
    captured = CapturedRequests()
    client = captured.http_client()  # anthropic's HTTP library; the routing is by path
    chat = client.post("https://api.openai.com/v1/chat/completions", json={"model": "gpt-4o", "messages": []}).json()
    assert chat["object"] == "chat.completion" and chat["choices"][0]["message"]["content"] == "OK"
    streamed = client.post("https://api.openai.com/v1/chat/completions", json={"model": "gpt-4o", "messages": [], "stream": True})
    assert streamed.headers["content-type"] == "text/event-stream" and streamed.text.endswith("data: [DONE]\n\n")
    response = client.post("https://api.openai.com/v1/responses", json={"model": "gpt-4.1", "input": "hi"}).json()
    assert response["output"][0]["content"][0]["text"] == "OK"
    assert [c.provider for c in captured.calls] == ["openai"] * 3
    captured.close()


def test_fixture_plugin(pytester: pytest.Pytester) -> None:
    pytester.makeconftest('pytest_plugins = ["promptlint.testing"]')
    pytester.makepyfile(
        """
        import anthropic

        def test_it(promptlint_capture):
            client = anthropic.Anthropic(api_key="x", http_client=promptlint_capture.http_client())
            client.messages.create(model="claude-sonnet-4-6", max_tokens=8, messages=[{"role": "user", "content": "hi"}])
            assert len(promptlint_capture.requests) == 1
        """
    )
    pytester.runpytest_inprocess("-q", "-p", "no:cacheprovider").assert_outcomes(passed=1)
