"""Structured usage log lines, one per answer."""

import json
import logging

log = logging.getLogger("docs_qa.usage")


def log_usage(route: str, response) -> None:
    usage = response.usage
    log.info(
        json.dumps(
            {
                "route": route,
                "input": usage.input_tokens,
                "cache_write": usage.cache_creation_input_tokens,
                "cache_read": usage.cache_read_input_tokens,
                "output": usage.output_tokens,
            }
        )
    )
