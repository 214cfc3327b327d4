"""Plain-language contract summaries for the sales team."""

from __future__ import annotations

from legal.client import aclient
from legal.constants import LEGACY_MODEL
from legal.review import PLAYBOOK


async def summarise_contract(contract_text: str) -> str:
    message = await aclient.messages.create(
        model=LEGACY_MODEL,
        max_tokens=1200,
        system=[
            {
                "type": "text",
                "text": PLAYBOOK,
                "cache_control": {"type": "ephemeral", "ttl": "10m"},  # expect: PC205
            }
        ],
        messages=[{"role": "user", "content": f"Summarise for a salesperson:\n\n{contract_text}"}],
    )
    return message.content[0].text
