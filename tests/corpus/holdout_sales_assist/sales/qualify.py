"""Lead scoring and quick answers."""

from __future__ import annotations

import anthropic

from sales.config import DEFAULT_MODEL, Lead
from sales.prompts import PLAYBOOK

client = anthropic.Anthropic()

QUALIFY_SYSTEM = (
    "Score the inbound lead from 1 (no fit) to 5 (strong fit) for a B2B analytics product. "
    "Consider company size, the role of the contact and whether they describe a reporting problem. "
    "Reply with the digit only."
)


def qualify(lead: Lead) -> int:
    response = client.messages.create(
        model=DEFAULT_MODEL,
        max_tokens=5,
        system=[
            {
                "type": "text",
                "text": QUALIFY_SYSTEM,
                "cache_control": {"type": "ephemeral"},  # expect: PC301
            }
        ],
        messages=[{"role": "user", "content": f"{lead.company}: {lead.notes}"}],
    )
    return int(response.content[0].text.strip()[:1] or 0)


def ask_with_context(context: str, question: str) -> str:
    response = client.messages.create(
        model=DEFAULT_MODEL,
        max_tokens=500,
        system=[
            {
                "type": "text",
                "text": context,
                "cache_control": {"type": "ephemeral"},  # expect: PC301
            }
        ],
        messages=[{"role": "user", "content": question}],
    )
    return response.content[0].text


def answer_pricing_question(question: str) -> str:
    return ask_with_context(PLAYBOOK, question)


def answer_shipping_question(question: str) -> str:
    return ask_with_context("Hardware kits ship from Rotterdam within five business days.", question)
