"""One Anthropic client per process, plus a small retry decorator for rate limits."""

from __future__ import annotations

import functools
import logging
import time

import anthropic

log = logging.getLogger(__name__)

client = anthropic.Anthropic()


def with_retries(attempts: int = 3, backoff: float = 1.5):
    def decorator(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            for attempt in range(attempts - 1):
                try:
                    return fn(*args, **kwargs)
                except (anthropic.RateLimitError, anthropic.APIConnectionError) as exc:
                    delay = backoff ** attempt
                    log.warning("retrying %s in %.1fs after %s", fn.__name__, delay, exc)
                    time.sleep(delay)
            return fn(*args, **kwargs)

        return wrapper

    return decorator
