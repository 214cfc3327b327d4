"""The exact-count path: the real anthropic SDK against a local stand-in for count_tokens.

Nothing here reaches the internet: every counter points at a ThreadingHTTPServer on
127.0.0.1 that records what it was sent and answers as each test scripts it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import socket
import subprocess
import sys
import textwrap
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable

import pytest

pytest.importorskip("anthropic")

from promptlint.frontends.jsonreq import parse_json  # noqa: E402
from promptlint.registry import bundled  # noqa: E402
from promptlint.tokens.api import ApiCounter, body_digest  # noqa: E402
from promptlint.tokens.cache import CountCache  # noqa: E402
from promptlint.tokens.prefix import anthropic_prefix_body  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
KEY = "sk-ant-test-SECRET"
PROMPT_WORD = "Zanzibar"  # appears in every prompt below, and must appear in no log, error or cache file
ENDPOINT = "/v1/messages/count_tokens"


def tokens_for(body: dict) -> int:
    """What the stand-in answers: a pure function of the body it received."""
    return len(json.dumps(body, sort_keys=True, separators=(",", ":"))) // 4


# -- the stand-in ---------------------------------------------------------------------


@dataclass
class Reply:
    status: int = 200
    payload: Any = None  # None: {"input_tokens": tokens_for(body)}
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class StandIn:
    url: str = ""
    requests: list[dict] = field(default_factory=list)
    script: Callable[[int, dict], Reply] = lambda n, body: Reply()
    stopping: threading.Event = field(default_factory=threading.Event)

    def bodies(self) -> list[dict]:
        return [r["body"] for r in self.requests]


class _Handler(BaseHTTPRequestHandler):
    server: Any

    def do_POST(self) -> None:  # noqa: N802
        stand_in: StandIn = self.server.stand_in
        raw = self.rfile.read(int(self.headers.get("content-length") or 0))
        body = json.loads(raw)
        n = len(stand_in.requests)
        stand_in.requests.append({"path": self.path, "body": body, "headers": dict(self.headers.items())})
        if self.path.split("?")[0] != ENDPOINT:
            reply = Reply(404, {"type": "error", "error": {"type": "not_found_error", "message": "no such path"}})
        else:
            reply = stand_in.script(n, body)
        if reply.delay and stand_in.stopping.wait(reply.delay):
            return  # the test is over
        payload = {"input_tokens": tokens_for(body)} if reply.payload is None else reply.payload
        data = json.dumps(payload).encode()
        try:
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up first (the timeout tests)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@pytest.fixture(autouse=True)
def _no_outside_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """No proxy, key or SDK setting from the environment may steer these tests."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    for name in list(os.environ):
        if name.startswith("ANTHROPIC_"):
            monkeypatch.delenv(name)


@pytest.fixture
def stand_in():
    state = StandIn()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.stand_in = state  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield state
    state.stopping.set()
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def counter_for(stand_in: StandIn, cache: CountCache | None = None, **options: Any) -> ApiCounter:
    return ApiCounter(api_key=KEY, base_url=stand_in.url, cache=cache, **{"timeout": 5.0, "max_retries": 3, **options})


def prefix_body(model: str = "claude-sonnet-4-6", question: str = "Where is my order?") -> dict:
    """A prefix body as anthropic_prefix_body builds it: tools, system, messages, cache_control."""
    return {
        "model": model,
        "tools": [
            {
                "name": "lookup_order",
                "description": "Find an order by its number.",
                "input_schema": {"type": "object", "properties": {"number": {"type": "string"}}, "required": ["number"]},
                "cache_control": {"type": "ephemeral"},
            }
        ],
        "system": [
            {"type": "text", "text": f"You are the {PROMPT_WORD} Trading support assistant.", "cache_control": {"type": "ephemeral", "ttl": "1h"}}
        ],
        "messages": [
            {"role": "user", "content": [{"type": "text", "text": question, "cache_control": {"type": "ephemeral"}}]}
        ],
    }


def files_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


# -- counting -------------------------------------------------------------------------


def test_sends_the_exact_body_and_returns_its_count(stand_in: StandIn) -> None:
    body = prefix_body()
    counter = counter_for(stand_in)
    assert counter.count(body, "v3") == tokens_for(body)
    assert counter.last_error is None
    [request] = stand_in.requests
    assert request["path"] == ENDPOINT
    assert request["body"] == body  # tools, system, messages and every cache_control, as built
    headers = {k.lower(): v for k, v in request["headers"].items()}
    assert any(KEY in value for value in headers.values())  # the key went to the API, and only there
    assert "anthropic-version" in headers


def test_body_built_from_a_request_file_is_sent_as_built(stand_in: StandIn) -> None:
    request_file = {
        "model": "claude-sonnet-4-6",
        "max_tokens": 1024,
        "tools": prefix_body()["tools"],
        "system": prefix_body()["system"],
        "messages": [
            {"role": "user", "content": [{"type": "text", "text": "Where is my order?", "cache_control": {"type": "ephemeral"}}]},
            {"role": "assistant", "content": "Let me look."},
        ],
    }
    parsed = parse_json("request.json", json.dumps(request_file, indent=2), bundled())
    [request] = parsed.requests
    end = request.marked_indices()[-1]
    body = anthropic_prefix_body(request.blocks[: end + 1], "claude-sonnet-4-6")
    assert body == prefix_body()  # through the last breakpoint: the assistant turn is not in it
    counter = counter_for(stand_in)
    assert counter.count(body, "v3") == tokens_for(prefix_body())
    assert stand_in.bodies() == [prefix_body()]


def test_rate_limit_twice_then_a_count(stand_in: StandIn) -> None:
    stand_in.script = lambda n, body: (
        Reply(429, {"type": "error", "error": {"type": "rate_limit_error", "message": "slow down"}}, {"retry-after-ms": "1"})
        if n < 2
        else Reply()
    )
    counter = counter_for(stand_in)
    started = time.monotonic()
    assert counter.count(prefix_body(), "v3") == tokens_for(prefix_body())
    # retry-after-ms: 1 was honoured: the SDK's own backoff would wait over a second
    assert time.monotonic() - started < 1.0
    assert len(stand_in.requests) == 3
    assert counter.last_error is None


def test_server_errors_every_time_give_none_after_the_retries(stand_in: StandIn) -> None:
    stand_in.script = lambda n, body: Reply(
        500, {"type": "error", "error": {"type": "api_error", "message": "Internal server error"}}, {"retry-after-ms": "1"}
    )
    counter = counter_for(stand_in, max_retries=3)
    assert counter.count(prefix_body(), "v3") is None
    assert len(stand_in.requests) == 4  # the first try and three retries
    assert "HTTP 500" in counter.last_error and "4 attempts" in counter.last_error
    assert "\n" not in counter.last_error


def test_once_the_api_is_down_the_run_stops_asking(stand_in: StandIn) -> None:
    """A dead API costs one timeout per run, not one per prefix of a 2,000-request log."""
    stand_in.script = lambda n, body: Reply(delay=10)
    counter = counter_for(stand_in, timeout=0.3)
    assert counter.count(prefix_body(question="first"), "v3") is None
    started = time.monotonic()
    assert counter.count(prefix_body(question="second"), "v3") is None
    assert time.monotonic() - started < 0.1
    assert len(stand_in.requests) == 1 and "timeout" in counter.last_error


def test_a_slow_answer_ends_at_the_timeout(stand_in: StandIn) -> None:
    stand_in.script = lambda n, body: Reply(delay=10)
    counter = counter_for(stand_in, timeout=0.5)
    started = time.monotonic()
    assert counter.count(prefix_body(), "v3") is None
    assert time.monotonic() - started < 3.0
    assert "timeout" in counter.last_error and "0.5s" in counter.last_error
    assert len(stand_in.requests) == 1  # a timed-out attempt is not tried again


def test_a_retry_wait_past_the_timeout_is_not_waited_for(stand_in: StandIn) -> None:
    stand_in.script = lambda n, body: Reply(
        429, {"type": "error", "error": {"type": "rate_limit_error", "message": "slow down"}}, {"retry-after": "30"}
    )
    counter = counter_for(stand_in, timeout=1.0)
    started = time.monotonic()
    assert counter.count(prefix_body(), "v3") is None
    assert time.monotonic() - started < 1.0
    assert "rate limited" in counter.last_error and "429" in counter.last_error
    assert len(stand_in.requests) == 1


def test_no_server_gives_none_and_says_so() -> None:
    with socket.socket() as probe:  # a port that nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    counter = ApiCounter(api_key=KEY, base_url=f"http://127.0.0.1:{port}", timeout=5.0, max_retries=1)
    assert counter.count(prefix_body(), "v3") is None
    assert f"could not reach 127.0.0.1:{port}" in counter.last_error
    assert KEY not in counter.last_error


REJECTED = {
    "type": "error",
    "error": {
        "type": "invalid_request_error",
        "message": "model: claude-fable-5 is not supported for token counting; use claude-opus-4-8",
    },
}


def _fable_rejected(n: int, body: dict) -> Reply:
    return Reply(400, REJECTED) if body["model"] == "claude-fable-5" else Reply()


def test_a_rejected_model_is_counted_as_its_sibling(stand_in: StandIn, tmp_path: Path) -> None:
    stand_in.script = _fable_rejected
    counter = counter_for(stand_in, cache=CountCache(tmp_path / "cache"))
    body = prefix_body("claude-fable-5")
    sibling_body = {**body, "model": "claude-opus-4-8"}
    assert counter.count(body, "v4.8", sibling="claude-opus-4-8") == tokens_for(sibling_body)
    assert counter.last_error is None
    assert [b["model"] for b in stand_in.bodies()] == ["claude-fable-5", "claude-opus-4-8"]
    assert stand_in.bodies()[1] == sibling_body
    # cached under the family and the prefix, so the next run asks nothing
    assert counter.count(body, "v4.8", sibling="claude-opus-4-8") == tokens_for(sibling_body)
    assert len(stand_in.requests) == 2


def test_a_rejected_model_without_a_sibling_says_why(stand_in: StandIn) -> None:
    stand_in.script = _fable_rejected
    counter = counter_for(stand_in)
    assert counter.count(prefix_body("claude-fable-5"), "v4.8") is None
    assert "HTTP 400" in counter.last_error and "not supported for token counting" in counter.last_error
    assert len(stand_in.requests) == 1


def test_other_bad_requests_do_not_try_the_sibling(stand_in: StandIn) -> None:
    stand_in.script = lambda n, body: Reply(
        400, {"type": "error", "error": {"type": "invalid_request_error", "message": "messages: at least one message is required"}}
    )
    counter = counter_for(stand_in)
    assert counter.count(prefix_body("claude-fable-5"), "v4.8", sibling="claude-opus-4-8") is None
    assert len(stand_in.requests) == 1


def test_a_refused_key_never_appears_in_the_reason(stand_in: StandIn, tmp_path: Path) -> None:
    # The stand-in even echoes the key back, which the real API does not: it must still not show.
    stand_in.script = lambda n, body: Reply(
        401, {"type": "error", "error": {"type": "authentication_error", "message": f"invalid x-api-key {KEY}"}}
    )
    counter = counter_for(stand_in, cache=CountCache(tmp_path / "cache"))
    assert counter.count(prefix_body(), "v3") is None
    assert "401" in counter.last_error and "refused" in counter.last_error
    assert KEY not in counter.last_error and "SECRET" not in counter.last_error
    assert KEY not in repr(counter)
    assert len(stand_in.requests) == 1  # not retried
    assert files_in(tmp_path / "cache") == []  # failures are not cached


def test_no_prompt_text_or_key_in_logs(stand_in: StandIn, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    stand_in.script = lambda n, body: Reply(429, {"type": "error", "error": {"type": "rate_limit_error", "message": "x"}}, {"retry-after-ms": "1"}) if n == 0 else Reply()
    counter = counter_for(stand_in)
    assert counter.count(prefix_body(), "v3") == tokens_for(prefix_body())
    assert caplog.records  # the SDK did log at debug level
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert PROMPT_WORD not in logged
    assert "SECRET" not in logged


# -- the cache ------------------------------------------------------------------------


def test_a_second_identical_count_makes_no_request(stand_in: StandIn, tmp_path: Path) -> None:
    cache = CountCache(tmp_path / "cache")
    first = counter_for(stand_in, cache=cache).count(prefix_body(), "v3")
    again = counter_for(stand_in, cache=cache).count(prefix_body(), "v3")  # a new run, same folder
    assert first == again == tokens_for(prefix_body())
    assert len(stand_in.requests) == 1


def test_the_key_is_family_and_prefix_not_model(stand_in: StandIn, tmp_path: Path) -> None:
    counter = counter_for(stand_in, cache=CountCache(tmp_path / "cache"))
    counter.count(prefix_body("claude-sonnet-4-6"), "v3")
    counter.count(prefix_body("claude-sonnet-4-5"), "v3")  # same family, same prefix: cached
    assert len(stand_in.requests) == 1
    counter.count(prefix_body(question="Where is my parcel?"), "v3")  # a different prefix
    assert len(stand_in.requests) == 2
    counter.count(prefix_body("claude-opus-4-8"), "v4.8")  # another family
    assert len(stand_in.requests) == 3
    assert len(files_in(tmp_path / "cache")) == 3


def test_counts_from_another_endpoint_are_kept_apart(stand_in: StandIn, tmp_path: Path) -> None:
    # A proxy or stand-in on ANTHROPIC_BASE_URL may answer anything: its counts never answer
    # for Anthropic's, nor for another endpoint's.
    cache = CountCache(tmp_path / "cache")
    counter_for(stand_in, cache=cache).count(prefix_body(), "v3")
    elsewhere = ApiCounter(api_key=KEY, base_url=stand_in.url + "/", cache=cache, timeout=5.0, max_retries=1)
    elsewhere.count(prefix_body(), "v3")
    assert len(stand_in.requests) == 2 and len(files_in(tmp_path / "cache")) == 2
    assert body_digest(prefix_body(), stand_in.url) != body_digest(prefix_body())


def test_body_digest_is_sha256_of_canonical_json_without_model() -> None:
    body = prefix_body()
    rest = {k: v for k, v in body.items() if k != "model"}
    expected = hashlib.sha256(json.dumps(rest, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
    assert body_digest(body) == expected
    assert body_digest(dict(reversed(list(body.items())))) == expected  # key order does not matter


def test_cache_entries_hold_no_prompt_text(stand_in: StandIn, tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    counter_for(stand_in, cache=CountCache(folder)).count(prefix_body(), "v3")
    [entry] = files_in(folder)
    text = entry.read_text(encoding="utf-8")
    assert PROMPT_WORD not in text and "Where is my order" not in text and "SECRET" not in text
    assert json.loads(text) == {"family": "v3", "input_tokens": tokens_for(prefix_body())}
    assert PROMPT_WORD not in entry.name
    grep = subprocess.run(["grep", "-r", "-l", PROMPT_WORD, str(folder)], capture_output=True, text=True)
    assert grep.stdout == ""


def test_atomic_writes_leave_no_temporary_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "cache"
    cache = CountCache(folder)
    digests = [hashlib.sha256(str(i).encode()).hexdigest() for i in range(5)]
    for i, digest in enumerate(digests):
        cache.put("v3", digest, 100 + i)
    cache.put("v3", digests[0], 7)  # replacing an entry
    assert [cache.get("v3", d) for d in digests] == [7, 101, 102, 103, 104]
    assert all(p.suffix == ".json" and not p.name.startswith(".") for p in files_in(folder))
    assert len(files_in(folder)) == 5

    def broken_replace(src: Any, dst: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    other = hashlib.sha256(b"other").hexdigest()
    cache.put("v3", other, 9)  # fails quietly, and cleans up after itself
    assert cache.get("v3", other) is None
    assert len(files_in(folder)) == 5


def test_corrupt_entries_count_as_missing(stand_in: StandIn, tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    cache = CountCache(folder)
    digest = body_digest(prefix_body(), stand_in.url)
    counter_for(stand_in, cache=cache).count(prefix_body(), "v3")
    [entry] = files_in(folder)
    for junk in (b"{not json", b"\xff\xfe", b"[]", b'{"family": "v3", "input_tokens": "12"}', b'{"family": "v4.8", "input_tokens": 12}', b'{"family": "v3", "input_tokens": true}'):
        entry.write_bytes(junk)
        assert cache.get("v3", digest) is None
    entry.unlink()
    entry.mkdir()  # unreadable as a file
    assert cache.get("v3", digest) is None
    entry.rmdir()
    entry.write_bytes(b"{not json")
    assert counter_for(stand_in, cache=cache).count(prefix_body(), "v3") == tokens_for(prefix_body())
    assert len(stand_in.requests) == 2  # asked again, and the entry is whole again
    assert cache.get("v3", digest) == tokens_for(prefix_body())
    assert cache.get("v3", "../../etc/passwd") is None


def test_an_unwritable_folder_still_returns_the_count(stand_in: StandIn, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    cache = CountCache(blocker / "cache")  # cannot be created: its parent is a file
    assert counter_for(stand_in, cache=cache).count(prefix_body(), "v3") == tokens_for(prefix_body())
    assert counter_for(stand_in, cache=cache).count(prefix_body(), "v3") == tokens_for(prefix_body())
    assert len(stand_in.requests) == 2


def test_default_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("PROMPTLINT_CACHE_DIR", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    assert CountCache.default_folder() == tmp_path / "home" / ".cache" / "promptlint" / "token-counts"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    assert CountCache.default_folder() == tmp_path / "home" / ".cache" / "promptlint" / "token-counts"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert CountCache.default_folder() == tmp_path / "xdg" / "promptlint" / "token-counts"
    monkeypatch.setenv("PROMPTLINT_CACHE_DIR", str(tmp_path / "own"))
    assert CountCache.default_folder() == tmp_path / "own"


# -- the command line -----------------------------------------------------------------


REQUEST_WITH_BREAKPOINT = {
    "model": "claude-sonnet-4-6",
    "max_tokens": 1024,
    "system": [
        {"type": "text", "text": f"You are the {PROMPT_WORD} Trading support assistant. " * 40, "cache_control": {"type": "ephemeral"}}
    ],
    "messages": [{"role": "user", "content": "Where is my order?"}],
}


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANTHROPIC_") and "proxy" not in k.lower()}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.update(extra)
    return env


def test_the_offline_path_opens_no_connection_and_never_imports_anthropic(tmp_path: Path) -> None:
    request = tmp_path / "request.json"
    request.write_text(json.dumps(REQUEST_WITH_BREAKPOINT, indent=2), encoding="utf-8")
    script = textwrap.dedent(
        """
        import json, socket, sys

        def refuse(*args, **kwargs):
            raise OSError("this test allows no network connection")

        socket.socket.connect = refuse
        socket.socket.connect_ex = refuse
        socket.create_connection = refuse

        from promptlint.cli import main

        try:
            main(["check", sys.argv[1]])
            code = 0
        except SystemExit as exc:
            code = exc.code
        print(json.dumps({
            "code": code,
            "anthropic": sorted(m for m in sys.modules if m == "anthropic" or m.startswith("anthropic.")),
            "api": "promptlint.tokens.api" in sys.modules,
        }))
        """
    )
    cache = tmp_path / "cache"
    result = subprocess.run(
        [sys.executable, "-c", script, str(request)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=_clean_env(PROMPTLINT_CACHE_DIR=str(cache)),
        timeout=60,
    )
    assert result.returncode in (0, 1), result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["code"] in (0, 1), result.stderr
    assert outcome["anthropic"] == []
    assert outcome["api"] is False
    assert not cache.exists()


def test_tokens_command_counts_through_the_api(stand_in: StandIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from promptlint.cli import cli

    request = tmp_path / "request.json"
    request.write_text(json.dumps(REQUEST_WITH_BREAKPOINT, indent=2), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", stand_in.url)
    monkeypatch.setenv("PROMPTLINT_CACHE_DIR", str(tmp_path / "cache"))
    for _ in range(2):  # the second run is answered from the cache
        result = CliRunner().invoke(cli, ["tokens", "--tokens", "api", "--format", "json", str(request)])
        assert result.exit_code == 0, result.output
        [row] = json.loads(result.stdout)
        [prefix] = row["prefixes"]
        assert prefix["method"] == "count_tokens API"
        [sent] = stand_in.bodies()
        assert prefix["point"] == tokens_for(sent)
    assert sent["system"] == REQUEST_WITH_BREAKPOINT["system"]  # cache_control and all
    assert "max_tokens" not in sent
    assert "SECRET" not in result.output
