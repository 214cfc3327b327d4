"""Relabel one listing on request from the review tool."""

import json

from fewshot import featured_examples
from labeler import MODEL, client
from listings import render_listing
from taxonomy import TAXONOMY


def relabel(listing: dict, reviewer_note: str) -> dict:
    response = client.messages.create(
        model=MODEL,
        max_tokens=400,
        system=[
            {"type": "text", "text": TAXONOMY},
            {"type": "text", "text": featured_examples(), "cache_control": {"type": "ephemeral"}},
        ],
        messages=[
            {"role": "user", "content": f"{render_listing(listing)}\n\nReviewer note: {reviewer_note}"},
        ],
    )
    return json.loads(response.content[0].text)
