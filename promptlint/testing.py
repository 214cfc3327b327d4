"""Lint the requests an app really sends, from its own tests.

Prompts built at run time (a date in the system prompt, a tool list from a set, user
data in a cached block) only show their bytes when the app renders them. This module
gives an SDK client an HTTP client whose transport records every request body and
answers it with a minimal valid response, without touching the network, so the app's
real code path runs to the end; then promptlint lints what was sent::

    import anthropic
    from promptlint.testing import capture_requests, assert_cache_friendly

    def test_prompts_are_cache_friendly():
        with capture_requests() as captured:
            client = anthropic.Anthropic(api_key="test", http_client=captured.http_client())
            my_app.answer(client, "hello")
        assert_cache_friendly(captured)

Supported: the ``anthropic`` SDK (``Anthropic``, ``AsyncAnthropic`` with
``captured.async_http_client()``, and its Vertex and Bedrock clients, whose model
travels in the URL), and the ``openai`` SDK when it is installed
(``captured.http_client("openai")``): Messages, count_tokens and Message Batches
creation; Chat Completions and Responses; streamed or not.
Any other endpoint is answered with a 404 that names it.

A pytest fixture, ``promptlint_capture``, is available with
``pytest_plugins = ["promptlint.testing"]`` in a ``conftest.py``.
"""

from __future__ import annotations

import base64
import datetime as dt
import importlib
import itertools
import json
import re
import struct
import threading
import time
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, Mapping, Union
from urllib.parse import unquote

from .api import REQUESTS_PATH, _with_model, check_requests
from .diagnostic import Diagnostic
from .sets.checking import repeat_note

__all__ = [
    "CapturedCall",
    "CapturedRequests",
    "assert_cache_friendly",
    "capture_requests",
    "format_diagnostics",
]

# Endpoints whose bodies are LLM requests (count_tokens is not: facts of a prefix, not a call).
REQUEST_ENDPOINTS = ("messages", "chat.completions", "responses")

Reply = Union[str, Callable[["CapturedCall"], str]]


@dataclass(frozen=True)
class CapturedCall:
    """One HTTP request an SDK client sent through the helper's transport.

    ``body`` is the decoded JSON body exactly as sent (None when it was not JSON);
    ``model`` is the model named in the URL (Bedrock ``/model/{id}/invoke``, Vertex
    ``…/models/{id}:rawPredict``), else None, and ``platform`` then names the cloud.
    ``endpoint`` is one of ``messages``,
    ``count_tokens``, ``batches`` (Anthropic), ``chat.completions``, ``responses``
    (OpenAI) or ``other``. Headers are not kept: they hold the API key.
    """

    method: str
    url: str
    provider: str
    endpoint: str
    body: Any
    model: str | None = None
    stream: bool = False
    platform: str | None = None  # "bedrock" or "vertex" when the URL says so


    @property
    def is_request(self) -> bool:
        """Whether this call is an LLM request (a message, a completion, a response)."""
        return self.endpoint in REQUEST_ENDPOINTS and isinstance(self.body, dict)

    def records(self) -> list[dict[str, Any]]:
        """The requests this call carries, as promptlint reads them.

        A request body, or each entry ``{"custom_id", "params"}`` of a Message Batch;
        nothing for other calls. When the SDK moved the model into the URL (Bedrock,
        Vertex), the body gets it back, with a ``"provider"`` hint naming the platform
        (the body's ``anthropic_version`` no longer says it), so minimums and lifecycle
        are the platform's.
        """
        if self.is_request:
            record = dict(_with_model(self.body, self.model))
            if self.platform and "provider" not in record:
                record["provider"] = self.platform
            return [record]
        if self.endpoint == "batches" and isinstance(self.body, dict) and isinstance(self.body.get("requests"), list):
            return [entry for entry in self.body["requests"] if isinstance(entry, dict)]
        return []


class CapturedRequests:
    """What ``capture_requests()`` yields: HTTP clients for SDKs, and what went through them."""

    def __init__(self, reply: Reply = "OK") -> None:
        self.reply = reply
        self._calls: list[CapturedCall] = []
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._clients: list[Any] = []

    # -- what was sent --------------------------------------------------------------

    @property
    def calls(self) -> list[CapturedCall]:
        """Every HTTP call, in the order the transport received them."""
        with self._lock:
            return list(self._calls)

    @property
    def requests(self) -> list[dict[str, Any]]:
        """The LLM request bodies, exactly as sent, in order (Batch entries one by one).

        Bodies the Bedrock and Vertex clients send have no ``model`` (it is in the URL):
        pass ``captured`` itself to :func:`assert_cache_friendly` so it is known.
        """
        out: list[dict[str, Any]] = []
        for call in self.calls:
            if call.is_request:
                out.append(call.body)
            else:
                out.extend(call.records())
        return out

    def clear(self) -> None:
        """Forget what was captured so far (e.g. after an app's warm-up)."""
        with self._lock:
            self._calls.clear()

    # -- clients ----------------------------------------------------------------------

    def http_client(self, sdk: str = "anthropic", **kwargs: Any) -> Any:
        """A synchronous HTTP client for ``sdk``'s ``http_client=`` argument.

        It is a client of the HTTP library the SDK's ``_base_client`` imports
        (``httpx2.Client`` for anthropic 2.x; ``httpx.Client`` for an SDK still on httpx),
        with the capturing transport; extra keyword arguments go to its constructor. It
        never opens a connection.
        """
        library = _http_library(sdk)
        client = library.Client(transport=library.MockTransport(self._handler(library, sdk)), **kwargs)
        self._clients.append(client)
        return client

    def async_http_client(self, sdk: str = "anthropic", **kwargs: Any) -> Any:
        """An asynchronous HTTP client for ``AsyncAnthropic`` / ``AsyncOpenAI``."""
        library = _http_library(sdk)
        return library.AsyncClient(transport=library.MockTransport(self._handler(library, sdk)), **kwargs)

    def close(self) -> None:
        for client in self._clients:
            client.close()
        self._clients.clear()

    # -- the transport ------------------------------------------------------------------

    def _handler(self, library: Any, sdk: str) -> Callable[[Any], Any]:
        def handle(request: Any) -> Any:
            return self._answer(library, sdk, request)

        return handle

    def _answer(self, library: Any, sdk: str, request: Any) -> Any:
        raw_path = request.url.raw_path.decode("ascii", "replace").split("?", 1)[0]
        provider, endpoint, model, stream_path, platform = _route(request.method, raw_path, sdk)
        content = request.content
        try:
            body = json.loads(content) if content else None
        except (ValueError, UnicodeDecodeError):
            body = None
        stream = stream_path or (isinstance(body, dict) and body.get("stream") is True)
        call = CapturedCall(request.method, str(request.url), provider, endpoint, body, model, bool(stream), platform)
        with self._lock:
            self._calls.append(call)
            number = next(self._ids)
        if endpoint in REQUEST_ENDPOINTS and not isinstance(body, dict):
            return _error(library, provider, 400, f"promptlint.testing: the body of {request.method} {raw_path} is not a JSON object")
        if endpoint == "other":
            return _error(library, provider, 404, f"promptlint.testing has no canned response for {request.method} {raw_path}")
        try:
            reply = self.reply(call) if callable(self.reply) else self.reply
        except Exception as exc:  # noqa: BLE001 - a 400 is not retried; an exception here would be
            return _error(library, provider, 400, f"promptlint.testing: the reply function raised {type(exc).__name__}: {exc}")
        used_model = model or (body.get("model") if isinstance(body, dict) else None) or "unknown"
        if endpoint == "count_tokens":
            return library.Response(200, json={"input_tokens": 0})
        if endpoint == "batches":
            entries = body.get("requests") if isinstance(body, dict) else None
            return library.Response(200, json=_anthropic_batch(number, len(entries) if isinstance(entries, list) else 0))
        if endpoint == "messages":
            message = _anthropic_message(number, used_model, reply)
            if stream and stream_path and raw_path.endswith("/invoke-with-response-stream"):
                return _aws_event_stream(library, _anthropic_events(message, reply))
            if stream:
                return _sse(library, _anthropic_events(message, reply))
            return library.Response(200, json=message, headers={"request-id": f"req_promptlint_{number:06d}"})
        if endpoint == "chat.completions":
            if stream:
                include_usage = isinstance(body.get("stream_options"), dict) and bool(body["stream_options"].get("include_usage"))
                return _sse(library, _chat_chunks(number, used_model, reply, include_usage), done=True)
            return library.Response(200, json=_chat_completion(number, used_model, reply))
        response = _openai_response(number, used_model, reply)  # endpoint == "responses"
        if stream:
            return _sse(library, _response_events(response, reply))
        return library.Response(200, json=response)


@contextmanager
def capture_requests(reply: Reply = "OK") -> Iterator[CapturedRequests]:
    """Capture what SDK clients built with ``captured.http_client()`` send in this block.

    Every request is answered at once with a minimal valid response whose text is
    ``reply`` (or ``reply(call)`` for a callable, e.g. to give an app the JSON it parses);
    usage counts are zero. Synchronous clients made here are closed when the block ends;
    what was captured stays readable.
    """
    captured = CapturedRequests(reply)
    try:
        yield captured
    finally:
        captured.close()


def assert_cache_friendly(
    requests: CapturedRequests | Iterable[Mapping[str, Any] | CapturedCall],
    *,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] = (),
    default_model: str | None = None,
    as_of: dt.date | None = None,
) -> None:
    """Raise ``AssertionError`` listing promptlint's findings on ``requests``, if there are any.

    ``requests`` is a :class:`CapturedRequests` (or its ``calls``), whose URL models are
    then known, or request bodies (``captured.requests``, or dicts of your own). They are
    checked as one request set, as a batch file is: a finding repeated across requests
    is listed once, with the numbers of the other requests. ``select``, ``ignore``,
    ``default_model`` and ``as_of`` are :func:`promptlint.check_request`'s options.
    An empty list fails too: nothing was captured, so nothing was checked.
    """
    if isinstance(requests, CapturedRequests):
        requests = requests.calls
    records: list[Mapping[str, Any]] = []
    for item in requests:
        if isinstance(item, CapturedCall):
            records.extend(item.records())
        else:
            records.append(item)
    if not records:
        raise AssertionError(
            "promptlint: no requests to check (was the SDK client created with "
            "http_client=captured.http_client() inside capture_requests()?)"
        )
    diagnostics = check_requests(records, as_of=as_of, select=select, ignore=ignore, default_model=default_model)
    if diagnostics:
        raise AssertionError(format_diagnostics(diagnostics, len(records)))


def format_diagnostics(diagnostics: Iterable[Diagnostic], count: int | None = None) -> str:
    """Diagnostics of a request set, one line each (``request N /json/pointer: CODE [sev] message``)."""
    diagnostics = list(diagnostics)
    of = f" in {count} request{'s' if count != 1 else ''}" if count is not None else ""
    lines = [f"promptlint found {len(diagnostics)} problem{'s' if len(diagnostics) != 1 else ''}{of}:"]
    for d in diagnostics:
        where = f"request {d.span.line}" if d.span.path == REQUESTS_PATH else f"{d.span.path}:{d.span.line}:{d.span.column}"
        if d.span.pointer:
            where += f" {d.span.pointer}"
        lines.append(f"{where}: {d.code} [{d.severity.value}] {d.message}")
        repeated = d.data.get("repeated_on_lines") or []
        note = d.note
        if repeated and note:  # said below in our own words
            note = note.removesuffix(repeat_note(repeated, same_kind=d.same_as is not None, wasted=d.data.get("wasted_in_all"))).removesuffix("; ") or None
        if note:
            lines.append(f"    note: {note}")
        if repeated:
            shown = ", ".join(map(str, repeated[:10])) + (", …" if len(repeated) > 10 else "")
            lines.append(f"    also in request{'s' if len(repeated) != 1 else ''} {shown}")
        if d.fix is not None:
            lines.append(f"    help: {d.fix.message}")
    return "\n".join(lines)


# -- routing and canned responses -------------------------------------------------

_VERTEX = re.compile(r"/publishers/anthropic/models/([^/]+):(stream)?[rR]aw[pP]redict$")
_BEDROCK = re.compile(r"/model/([^/]+)/(invoke|invoke-with-response-stream)$")


def _route(method: str, path: str, sdk: str) -> tuple[str, str, str | None, bool, str | None]:
    """(provider, endpoint, model from the URL, whether the URL asks for a stream, platform)."""
    post = method.upper() == "POST"
    if post and (path.endswith("/messages/count_tokens") or path.endswith("/models/count-tokens:rawPredict")):
        return "anthropic", "count_tokens", None, False, None
    if post and path.endswith("/messages/batches"):
        return "anthropic", "batches", None, False, None
    if post and path.endswith("/v1/messages"):
        return "anthropic", "messages", None, False, None
    if post:
        vertex = _VERTEX.search(path)
        if vertex:
            return "anthropic", "messages", unquote(vertex.group(1)), bool(vertex.group(2)), "vertex"
        bedrock = _BEDROCK.search(path)
        if bedrock:
            return "anthropic", "messages", unquote(bedrock.group(1)), bedrock.group(2) != "invoke", "bedrock"
        if path.endswith("/chat/completions"):
            return "openai", "chat.completions", None, False, None
        if path.endswith("/responses"):
            return "openai", "responses", None, False, None
    return ("openai" if sdk == "openai" else "anthropic"), "other", None, False, None


def _http_library(sdk: str) -> Any:
    """The HTTP library ``sdk`` takes clients of: what its base client module imports."""
    try:
        base = importlib.import_module(f"{sdk}._base_client")
    except ImportError as exc:
        raise ImportError(f"promptlint.testing: the {sdk!r} SDK is not installed ({exc})") from exc
    for name in ("httpx2", "httpx"):
        library = getattr(base, name, None)
        if library is not None and hasattr(library, "MockTransport"):
            return library
    raise ImportError(f"promptlint.testing: cannot tell which HTTP library the {sdk!r} SDK uses")


def _now() -> int:
    return int(time.time())


def _anthropic_message(number: int, model: str, reply: str) -> dict[str, Any]:
    return {
        "id": f"msg_promptlint_{number:06d}",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [{"type": "text", "text": reply}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {
            "input_tokens": 0,
            "output_tokens": 1,
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 0,
        },
    }


def _anthropic_events(message: dict[str, Any], reply: str) -> list[tuple[str | None, dict[str, Any]]]:
    start = dict(message, content=[], stop_reason=None, usage=dict(message["usage"], output_tokens=0))
    return [
        ("message_start", {"type": "message_start", "message": start}),
        ("content_block_start", {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
        ("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": reply}}),
        ("content_block_stop", {"type": "content_block_stop", "index": 0}),
        (
            "message_delta",
            {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": None}, "usage": {"output_tokens": 1}},
        ),
        ("message_stop", {"type": "message_stop"}),
    ]


def _anthropic_batch(number: int, count: int) -> dict[str, Any]:
    created = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    return {
        "id": f"msgbatch_promptlint_{number:06d}",
        "type": "message_batch",
        "processing_status": "in_progress",
        "request_counts": {"processing": count, "succeeded": 0, "errored": 0, "canceled": 0, "expired": 0},
        "created_at": created.isoformat().replace("+00:00", "Z"),
        "expires_at": (created + dt.timedelta(days=1)).isoformat().replace("+00:00", "Z"),
        "ended_at": None,
        "archived_at": None,
        "cancel_initiated_at": None,
        "results_url": None,
    }


def _chat_completion(number: int, model: str, reply: str) -> dict[str, Any]:
    return {
        "id": f"chatcmpl-promptlint{number:06d}",
        "object": "chat.completion",
        "created": _now(),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": reply, "refusal": None},
                "finish_reason": "stop",
                "logprobs": None,
            }
        ],
        "usage": {"prompt_tokens": 0, "completion_tokens": 1, "total_tokens": 1, "prompt_tokens_details": {"cached_tokens": 0}},
    }


def _chat_chunks(number: int, model: str, reply: str, include_usage: bool) -> list[tuple[str | None, dict[str, Any]]]:
    base = {"id": f"chatcmpl-promptlint{number:06d}", "object": "chat.completion.chunk", "created": _now(), "model": model}
    chunks: list[tuple[str | None, dict[str, Any]]] = [
        (None, dict(base, choices=[{"index": 0, "delta": {"role": "assistant", "content": reply}, "finish_reason": None}])),
        (None, dict(base, choices=[{"index": 0, "delta": {}, "finish_reason": "stop"}])),
    ]
    if include_usage:
        chunks.append((None, dict(base, choices=[], usage={"prompt_tokens": 0, "completion_tokens": 1, "total_tokens": 1})))
    return chunks


def _openai_response(number: int, model: str, reply: str) -> dict[str, Any]:
    return {
        "id": f"resp_promptlint{number:06d}",
        "object": "response",
        "created_at": _now(),
        "status": "completed",
        "model": model,
        "output": [
            {
                "type": "message",
                "id": f"msg_promptlint{number:06d}",
                "status": "completed",
                "role": "assistant",
                "content": [{"type": "output_text", "text": reply, "annotations": []}],
            }
        ],
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [],
        "usage": {
            "input_tokens": 0,
            "output_tokens": 1,
            "total_tokens": 1,
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens_details": {"reasoning_tokens": 0},
        },
    }


def _response_events(response: dict[str, Any], reply: str) -> list[tuple[str | None, dict[str, Any]]]:
    item = response["output"][0]
    part = item["content"][0]
    started = dict(response, status="in_progress", output=[], usage=None)
    events = [
        ("response.created", {"type": "response.created", "response": started}),
        ("response.in_progress", {"type": "response.in_progress", "response": started}),
        ("response.output_item.added", {"type": "response.output_item.added", "output_index": 0, "item": dict(item, status="in_progress", content=[])}),
        ("response.content_part.added", {"type": "response.content_part.added", "item_id": item["id"], "output_index": 0, "content_index": 0, "part": dict(part, text="")}),
        ("response.output_text.delta", {"type": "response.output_text.delta", "item_id": item["id"], "output_index": 0, "content_index": 0, "delta": reply}),
        ("response.output_text.done", {"type": "response.output_text.done", "item_id": item["id"], "output_index": 0, "content_index": 0, "text": reply}),
        ("response.content_part.done", {"type": "response.content_part.done", "item_id": item["id"], "output_index": 0, "content_index": 0, "part": part}),
        ("response.output_item.done", {"type": "response.output_item.done", "output_index": 0, "item": item}),
        ("response.completed", {"type": "response.completed", "response": response}),
    ]
    return [(name, dict(data, sequence_number=n)) for n, (name, data) in enumerate(events)]


def _sse(library: Any, events: list[tuple[str | None, dict[str, Any]]], done: bool = False) -> Any:
    text = "".join(
        (f"event: {name}\n" if name else "") + f"data: {json.dumps(data, separators=(',', ':'))}\n\n" for name, data in events
    )
    if done:
        text += "data: [DONE]\n\n"
    return library.Response(200, content=text.encode("utf-8"), headers={"content-type": "text/event-stream"})


def _aws_event_stream(library: Any, events: list[tuple[str | None, dict[str, Any]]]) -> Any:
    """Bedrock's InvokeModelWithResponseStream framing: each event's JSON, base64, in a chunk frame."""
    frames = []
    for _, data in events:
        payload = json.dumps({"bytes": base64.b64encode(json.dumps(data).encode("utf-8")).decode("ascii")}).encode("utf-8")
        headers = b"".join(
            bytes([len(name)]) + name + b"\x07" + struct.pack(">H", len(value)) + value
            for name, value in ((b":event-type", b"chunk"), (b":content-type", b"application/json"), (b":message-type", b"event"))
        )
        prelude = struct.pack(">II", 12 + len(headers) + len(payload) + 4, len(headers))
        message = prelude + struct.pack(">I", zlib.crc32(prelude)) + headers + payload
        frames.append(message + struct.pack(">I", zlib.crc32(message)))
    return library.Response(200, content=b"".join(frames), headers={"content-type": "application/vnd.amazon.eventstream"})


def _error(library: Any, provider: str, status: int, message: str) -> Any:
    if provider == "openai":
        payload: dict[str, Any] = {"error": {"message": message, "type": "invalid_request_error", "param": None, "code": None}}
    else:
        kind = "not_found_error" if status == 404 else "invalid_request_error"
        payload = {"type": "error", "error": {"type": kind, "message": message}}
    return library.Response(status, json=payload)


try:  # a fixture for suites that load this module as a plugin
    import pytest as _pytest
except ImportError:  # pragma: no cover - pytest is only needed for the fixture
    _pytest = None  # type: ignore[assignment]

if _pytest is not None:

    @_pytest.fixture
    def promptlint_capture() -> Iterator[CapturedRequests]:
        """``capture_requests()`` as a fixture (``pytest_plugins = ["promptlint.testing"]``)."""
        with capture_requests() as captured:
            yield captured
