"""Nightly labelling of new listings through the Message Batches API."""

from anthropic import Anthropic

from fewshot import fewshot_block
from listings import render_listing
from taxonomy import TAXONOMY

MODEL = "claude-sonnet-4-6"

client = Anthropic()


def submit_batch(listings: list[dict]) -> str:
    examples = fewshot_block()
    batch = client.messages.batches.create(
        requests=[
            {
                "custom_id": f"listing-{listing['id']}",
                "params": {
                    "model": MODEL,
                    "max_tokens": 400,
                    "system": [
                        {"type": "text", "text": TAXONOMY},
                        {
                            "type": "text",
                            "text": examples,
                            # Batch requests run in any order over a long window: 1h is the documented advice.
                            "cache_control": {"type": "ephemeral", "ttl": "1h"},  # expect: PC501
                        },
                    ],
                    "messages": [{"role": "user", "content": render_listing(listing)}],
                },
            }
            for listing in listings
        ]
    )
    return batch.id


def collect_results(batch_id: str) -> dict[str, str]:
    labels = {}
    for result in client.messages.batches.results(batch_id):
        if result.result.type == "succeeded":
            labels[result.custom_id] = result.result.message.content[0].text
    return labels
