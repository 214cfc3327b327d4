"""Exact prefix counts through Anthropic's ``count_tokens`` endpoint (tokens.md §6 step 4).

Used only with ``--tokens api``: the ``anthropic`` SDK is imported the first time a
count misses the cache, never on the offline path. The prefix body is sent exactly as
``anthropic_prefix_body`` built it (tools, system, messages through the breakpoint, with
``cache_control``). Counts are cached per (tokenizer family, sha256 of the body without
its model, and of the endpoint when it is not Anthropic's), so CI asks once per changed prefix.

The SDK retries 408/409/429/5xx and connection errors with its own backoff (honouring
``retry-after-ms`` and ``retry-after``). On top of that, a small middleware holds each
count to ``timeout`` seconds in all: an attempt that times out is not retried, no attempt
outlives what is left of the budget, and a retry whose wait would go past it is not made.

No prompt text goes into logs, errors or the cache, and the API key is never printed:
``last_error`` is built from status codes and the API's own short message, with anything
key-shaped removed.
"""

from __future__ import annotations

import email.utils
import hashlib
import inspect
import json
import logging
import re
import threading
import time
import urllib.parse
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .cache import CountCache

# Fields of the body that count_tokens takes as keyword arguments; others go in extra_body.
_NOT_BODY = {"self", "extra_headers", "extra_query", "extra_body", "timeout", "output_format"}
_KEYLIKE = re.compile(r"sk-ant-[A-Za-z0-9_\-]+")
_MAX_MESSAGE = 200
_INITIAL_RETRY_DELAY, _MAX_RETRY_DELAY = 0.5, 8.0  # the SDK's backoff (anthropic/_constants.py)


def body_digest(body: dict, endpoint: str | None = None) -> str:
    """sha256 of the canonical JSON of ``body`` without its model: the cache key within a family.

    Counts from another endpoint than Anthropic's (``ANTHROPIC_BASE_URL``: a proxy, a gateway,
    a test stand-in) are kept apart from Anthropic's own: ``endpoint`` goes into the key.
    """
    canonical = json.dumps({k: v for k, v in body.items() if k != "model"}, sort_keys=True, separators=(",", ":"))
    if endpoint:
        canonical = f"{endpoint}\n{canonical}"
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class _GaveUp(Exception):
    """Raised by the middleware to end a count; not an SDK error, so the SDK does not retry it."""


class _NoRequestBodies(logging.Filter):
    """Drops the SDK's debug record of each request's options, which holds the prompt text."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (isinstance(record.msg, str) and record.msg.startswith("Request options"))


def _quiet_request_bodies() -> None:
    logger = logging.getLogger("anthropic._base_client")
    if not any(isinstance(f, _NoRequestBodies) for f in logger.filters):
        logger.addFilter(_NoRequestBodies())


def _server_wait(headers: Any) -> float | None:
    """Seconds the server asks to wait before a retry, read as the SDK reads it."""
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            return float(value) * scale
        except ValueError:
            if name == "retry-after":
                parsed = email.utils.parsedate_tz(value)
                if parsed is not None:
                    return float(email.utils.mktime_tz(parsed) - time.time())
    return None


def _sdk_retries(status: int, headers: Any) -> bool:
    """Whether the SDK retries a response with this status (anthropic/_base_client.py _should_retry)."""
    flag = headers.get("x-should-retry")
    if flag in ("true", "false"):
        return flag == "true"
    return status in (408, 409, 429) or status >= 500


class ApiCounter:
    """Exact counts of prefix bodies through ``messages.count_tokens``.

    ``timeout`` bounds one ``count`` of one model, retries included; ``max_retries`` is
    handed to the SDK, which retries rate limits, server errors and lost connections.
    """

    name = "count_tokens API"

    def __init__(
        self,
        *,
        api_key: str,
        base_url: str | None = None,
        timeout: float = 10.0,
        max_retries: int = 3,
        cache: "CountCache | None" = None,
    ) -> None:
        self.__key = api_key
        self.base_url = base_url
        self.timeout = float(timeout)
        self.max_retries = max(0, int(max_retries))
        self.cache = cache
        self.last_error: str | None = None
        self._client: Any = None
        self._sdk: Any = None
        self._params: frozenset[str] = frozenset()
        self._host = "the API"
        self._local = threading.local()
        # Why the API is unusable for the rest of the run (unreachable, timed out, key refused):
        # one slow failure, not one per prefix.
        self._down: str | None = None

    def __repr__(self) -> str:
        return f"ApiCounter(base_url={self.base_url!r}, timeout={self.timeout:g}, max_retries={self.max_retries})"

    # -- the public call ------------------------------------------------------------

    def count(self, body: dict, family: str, sibling: str | None = None) -> int | None:
        """input_tokens for the prefix body, or None when it cannot be counted (after retries,
        timeout, no network, auth error); then self.last_error holds a one-line reason that never
        contains the API key. Looks in the cache first (key: family + sha256 of the canonical JSON
        of body with the model removed, sort_keys=True, separators=(",", ":")), stores successes.
        If the API rejects the model id (a 400/404 whose error names the model), retries once
        with `sibling` as the model when given."""
        self.last_error = None
        try:
            digest = body_digest(body, self.base_url)
        except (TypeError, ValueError):
            self.last_error = "count_tokens: the prefix body is not plain JSON"
            return None
        if self.cache is not None:
            cached = self.cache.get(family, digest)
            if cached is not None:
                return cached
        if self._down is not None:
            self.last_error = self._down
            return None
        model = body.get("model")
        count, rejected = self._count(body)
        if count is None and rejected and sibling and sibling != model:
            first = self.last_error
            count, _ = self._count({**body, "model": sibling})
            if count is None:
                self.last_error = f"{first}; and with {sibling}: {self.last_error}"
        if count is not None:
            self.last_error = None
            if self.cache is not None:
                self.cache.put(family, digest, count)
        return count

    # -- one model ------------------------------------------------------------------

    def _count(self, body: dict) -> tuple[int | None, bool]:
        """(count, whether the API rejected the model id); sets last_error on failure."""
        client = self._get_client()
        if client is None:
            return None, False
        sdk = self._sdk
        kwargs = {k: v for k, v in body.items() if k in self._params}
        extra = {k: v for k, v in body.items() if k not in self._params}
        if extra:
            kwargs["extra_body"] = extra
        self._local.deadline = time.monotonic() + self.timeout
        self._local.attempts = 0
        try:
            result = client.messages.count_tokens(**kwargs)
        except _GaveUp as exc:
            self._fail(str(exc), down=True)
            return None, False
        except sdk.APIStatusError as exc:
            self._fail(self._describe_status(exc), down=exc.status_code in (401, 403, 429) or exc.status_code >= 500)
            return None, self._rejects_model(exc, body.get("model"))
        except sdk.APIConnectionError as exc:  # includes APITimeoutError
            self._fail(self._describe_connection(exc), down=True)
            return None, False
        except sdk.AnthropicError as exc:
            self._fail(f"count_tokens failed: {type(exc).__name__}")
            return None, False
        except Exception as exc:  # a body the SDK will not send, and the like: never crash the run
            self._fail(f"count_tokens failed: {type(exc).__name__}")
            return None, False
        count = getattr(result, "input_tokens", None)
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            self._fail("count_tokens: the response has no input_tokens count")
            return None, False
        return count, False

    def _get_client(self) -> Any:
        if self._client is not None:
            return self._client
        try:
            import anthropic
        except ImportError:
            self._fail("count_tokens needs the anthropic package (pip install anthropic)")
            return None
        _quiet_request_bodies()
        try:
            client = anthropic.Anthropic(
                api_key=self.__key,
                base_url=self.base_url,
                timeout=self.timeout,
                max_retries=self.max_retries,
                middleware=[self._guard],
                open_telemetry=False,  # no spans, so no prompt text in a tracer the host set up
            )
        except TypeError:
            version = getattr(anthropic, "__version__", "unknown")
            self._fail(f"count_tokens needs anthropic>=2.12; version {version} is installed")
            return None
        except Exception as exc:
            self._fail(f"count_tokens: could not set up the API client ({type(exc).__name__})")
            return None
        signature = inspect.signature(client.messages.count_tokens).parameters
        self._params = frozenset(signature) - _NOT_BODY
        split = urllib.parse.urlsplit(str(client.base_url))
        if split.hostname:
            self._host = split.hostname + (f":{split.port}" if split.port else "")
        self._sdk = anthropic
        self._client = client
        return client

    def _guard(self, request: Any, call_next: Any) -> Any:
        """SDK middleware, run once per HTTP attempt inside the SDK's retry loop."""
        state = self._local
        state.attempts = request.retries_taken + 1
        remaining = state.deadline - time.monotonic()
        if remaining <= 0:
            raise _GaveUp(f"count_tokens timed out: no answer within the {self.timeout:g}s timeout")
        try:
            response = call_next(request.copy(timeout=remaining))
        except self._sdk.APITimeoutError:
            raise _GaveUp(f"count_tokens timed out: no answer within the {self.timeout:g}s timeout") from None
        status = response.status_code
        if status >= 400 and request.retries_taken < self.max_retries and _sdk_retries(status, response.headers):
            wait = _server_wait(response.headers)
            if wait is None:  # the SDK's backoff, at its longest (no jitter)
                wait = min(_INITIAL_RETRY_DELAY * 2.0**request.retries_taken, _MAX_RETRY_DELAY)
            if time.monotonic() + wait >= state.deadline:
                response.http_response.close()
                what = "rate limited" if status == 429 else "the API failed"
                raise _GaveUp(
                    f"count_tokens: {what} (HTTP {status}, {state.attempts} attempt"
                    f"{'s' if state.attempts != 1 else ''}) and a retry in {wait:g}s would pass"
                    f" the {self.timeout:g}s timeout"
                )
        return response

    # -- reasons --------------------------------------------------------------------

    def _fail(self, reason: str, down: bool = False) -> None:
        self.last_error = self._clean(reason)
        if down:
            self._down = self.last_error

    def _clean(self, text: str) -> str:
        """One line, short, with the key and anything key-shaped removed."""
        if self.__key:
            text = text.replace(self.__key, "[redacted]")
        text = _KEYLIKE.sub("[redacted]", text)
        text = " ".join(text.split())
        return text

    def _api_message(self, exc: Any) -> str:
        message = self._clean(str(getattr(exc, "api_message", None) or ""))
        return message if len(message) <= _MAX_MESSAGE else message[: _MAX_MESSAGE - 1] + "…"

    def _describe_status(self, exc: Any) -> str:
        status = exc.status_code
        attempts = getattr(self._local, "attempts", 1)
        if status == 401:
            what = "the API key was refused"
        elif status == 403:
            what = "the API key may not do this"
        elif status == 429:
            what = "rate limited"
        elif status >= 500:
            what = "the API failed"
        else:
            what = "the API refused the request"
        detail = f"HTTP {status}"
        if getattr(exc, "type", None):
            detail += f" {exc.type}"
        if attempts > 1:
            detail += f", {attempts} attempts"
        message = self._api_message(exc)
        return f"count_tokens: {what} ({detail})" + (f": {message}" if message else "")

    def _describe_connection(self, exc: Any) -> str:
        attempts = getattr(self._local, "attempts", 1)
        if isinstance(exc, self._sdk.APITimeoutError):
            return f"count_tokens timed out: no answer within the {self.timeout:g}s timeout"
        cause = exc.__cause__
        why = f"{type(cause).__name__}: {cause}" if cause is not None else type(exc).__name__
        tries = f" after {attempts} attempts" if attempts > 1 else ""
        return f"count_tokens: could not reach {self._host}{tries} ({self._clean(why)[:_MAX_MESSAGE]})"

    @staticmethod
    def _rejects_model(exc: Any, model: Any) -> bool:
        """A 400/404 whose error names the model id: count_tokens does not take this model."""
        if exc.status_code not in (400, 404) or not isinstance(model, str) or not model:
            return False
        message = getattr(exc, "api_message", None)
        if not message:
            try:
                message = json.dumps(exc.body)
            except (TypeError, ValueError):
                message = str(exc.body)
        return model in message
