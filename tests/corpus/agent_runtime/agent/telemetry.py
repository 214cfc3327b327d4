"""Cache and token telemetry for agent requests."""

import logging

log = logging.getLogger("relay.agent")


def record(response) -> None:
    usage = response.usage
    log.info(
        "agent_usage input=%d cache_read=%d cache_write=%d output=%d",
        usage.input_tokens,
        getattr(usage, "cache_read_input_tokens", 0) or 0,
        getattr(usage, "cache_creation_input_tokens", 0) or 0,
        usage.output_tokens,
    )
