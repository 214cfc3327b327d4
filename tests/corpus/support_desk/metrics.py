"""Per-endpoint token accounting, so a drop in cache hits shows up on the dashboard."""

import logging
from collections import defaultdict

log = logging.getLogger("support.metrics")

_totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))


def record_usage(endpoint: str, usage) -> None:
    totals = _totals[endpoint]
    totals["input"] += usage.input_tokens
    totals["output"] += usage.output_tokens
    totals["cache_read"] += usage.cache_read_input_tokens or 0
    totals["cache_write"] += usage.cache_creation_input_tokens or 0


def hit_rate(endpoint: str) -> float:
    totals = _totals[endpoint]
    cached = totals["cache_read"]
    fresh = totals["input"] + totals["cache_write"]
    return cached / (cached + fresh) if cached + fresh else 0.0


def log_summary() -> None:
    for endpoint in sorted(_totals):
        log.info("%s: cache hit rate %.1f%%", endpoint, 100 * hit_rate(endpoint))
