"""Client construction, kept in one place so tests can swap it."""

from __future__ import annotations

from anthropic import AsyncAnthropic

_client: AsyncAnthropic | None = None


def get_client() -> AsyncAnthropic:
    global _client
    if _client is None:
        _client = AsyncAnthropic(timeout=120.0, max_retries=4)
    return _client
