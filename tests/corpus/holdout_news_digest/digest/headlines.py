"""Headline polishing: tiny prompt, cheap model."""

from __future__ import annotations

import anthropic

HEADLINE_MODEL = "claude-haiku-4.5"  # expect: PL003

client = anthropic.Anthropic()


def punch_up(headline: str) -> str:
    response = client.messages.create(
        model=HEADLINE_MODEL,
        max_tokens=40,
        system="Rewrite the headline in the active voice, at most twelve words, no clickbait.",
        messages=[{"role": "user", "content": headline}],
    )
    return response.content[0].text.strip()
