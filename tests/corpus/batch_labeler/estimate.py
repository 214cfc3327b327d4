"""Rough cost estimate before a batch is submitted."""

from datetime import datetime

from labeler import MODEL, client
from listings import render_listing
from taxonomy import TAXONOMY


def estimate_input_tokens(sample: list[dict]) -> int:
    total = 0
    for listing in sample:
        # count_tokens sends nothing to the model and caches nothing.
        counted = client.messages.count_tokens(
            model=MODEL,
            system=f"Estimate run {datetime.now():%Y-%m-%d %H:%M}\n\n{TAXONOMY}",
            messages=[{"role": "user", "content": render_listing(listing)}],
        )
        total += counted.input_tokens
    return total
