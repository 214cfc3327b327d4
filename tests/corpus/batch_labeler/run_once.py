"""One-off: label a single listing and print the JSON.

    python run_once.py LISTING_ID
"""

import sys

from anthropic import Anthropic

from listings import fetch_listing, render_listing
from taxonomy import TAXONOMY

client = Anthropic()

listing = fetch_listing(sys.argv[1])

# Runs once and exits: the 1h entry is written at 2x the input price and never read.
response = client.messages.create(
    model="claude-sonnet-4-6",
    max_tokens=400,
    system=[{"type": "text", "text": TAXONOMY, "cache_control": {"type": "ephemeral", "ttl": "1h"}}],  # expect: PC401
    messages=[{"role": "user", "content": render_listing(listing)}],
)
print(response.content[0].text)
