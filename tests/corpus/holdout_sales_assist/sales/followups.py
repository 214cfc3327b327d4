"""Follow-up emails. Someone thought a random opener would make them feel less templated."""

from __future__ import annotations

import random

from sales.assistant import SalesAssistant
from sales.config import DEFAULT_MODEL, Lead
from sales.prompts import PLAYBOOK

OPENERS = [
    "Start with a one-line reference to the previous email.",
    "Start with a short question about their current process.",
    "Start with a relevant customer result in one sentence.",
]


def follow_up(assistant: SalesAssistant, lead: Lead, last_email: str) -> str:
    opener = random.choice(OPENERS)  # expect: PC101
    response = assistant.client.messages.create(
        model=DEFAULT_MODEL,
        max_tokens=600,
        system=[
            {
                "type": "text",
                "text": f"{PLAYBOOK}\n\n{opener}",
                "cache_control": {"type": "ephemeral"},
            }
        ],
        messages=[
            {"role": "user", "content": f"Previous email to {lead.name}:\n{last_email}\n\nWrite the follow-up."}
        ],
    )
    return response.content[0].text
