"""Shared async client and usage logging."""

from __future__ import annotations

import logging

from anthropic import AsyncAnthropic

log = logging.getLogger("legal.usage")

aclient = AsyncAnthropic(max_retries=4)


def log_usage(message) -> None:
    usage = message.usage
    log.info(
        "input=%s cache_read=%s cache_write=%s output=%s",
        usage.input_tokens,
        usage.cache_read_input_tokens,
        usage.cache_creation_input_tokens,
        usage.output_tokens,
    )
