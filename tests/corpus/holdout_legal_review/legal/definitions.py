"""Looks up how a defined term is used; the instructions are short."""

from __future__ import annotations

from legal.client import aclient
from legal.constants import PRIMARY_MODEL

DEFINITIONS_SYSTEM = (
    "You explain defined terms in commercial contracts. Given a term and the contract's definitions "
    "section, quote the definition exactly, then explain in one plain sentence what it covers and "
    "what it leaves out. If the term is not defined, say so and point to the closest defined term. "
    "Do not give legal advice and do not speculate about how a court would read the definition."
)


async def explain_term(term: str, definitions_section: str) -> str:
    message = await aclient.messages.create(
        model=PRIMARY_MODEL,
        max_tokens=300,
        system=[
            {
                "type": "text",
                "text": DEFINITIONS_SYSTEM,
                "cache_control": {"type": "ephemeral"},  # expect: PC301
            }
        ],
        messages=[{"role": "user", "content": f"Term: {term}\n\nDefinitions:\n{definitions_section}"}],
    )
    return message.content[0].text
