"""Nightly: summarise every article of the day with the Message Batches API (50% off)."""

from __future__ import annotations

import anthropic

from digest.settings import CLAUDE_MODEL, PROMPT_DIR

anthropic_client = anthropic.Anthropic()

DIGEST_SYSTEM = (PROMPT_DIR / "digest_system.md").read_text(encoding="utf-8")


def submit_nightly(articles: list[dict]) -> str:
    requests = []
    for article in articles:
        requests.append(
            {
                "custom_id": f"article-{article['id']}",
                "params": {
                    "model": CLAUDE_MODEL,
                    "max_tokens": 700,
                    "system": [
                        {
                            "type": "text",
                            "text": DIGEST_SYSTEM,
                            "cache_control": {"type": "ephemeral", "ttl": "1h"},
                        }
                    ],
                    "messages": [{"role": "user", "content": article["body"]}],
                },
            }
        )
    batch = anthropic_client.messages.batches.create(requests=requests)
    return batch.id


def collect(batch_id: str) -> dict[str, str]:
    results = {}
    for entry in anthropic_client.messages.batches.results(batch_id):
        if entry.result.type == "succeeded":
            results[entry.custom_id] = entry.result.message.content[0].text
    return results
