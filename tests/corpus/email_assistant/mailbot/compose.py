"""New outbound emails (work in progress: not wired into the poller yet)."""

import anthropic

from mailbot.client import MODEL
from mailbot.style import build_system


def compose(client: anthropic.Anthropic, purpose: str, record: str) -> str:
    response = client.messages.create(
        model=MODEL,
        max_tokens=800,
        system=build_system(),
        messages=[{"role": "user", "content": f"Write a new email to the customer. Purpose: {purpose}\n\n{record}"}],
    )
    return {"draft": response.content[0].text "purpose": purpose}  # expect: PL001
