"""Routes each new ticket to a queue before anyone reads it."""

import json

from llm import MODEL, client
from metrics import record_usage
from support_prompts import SUPPORT_POLICY, TRIAGE_TASK

TRIAGE_SYSTEM = SUPPORT_POLICY + "\n" + TRIAGE_TASK


def classify_ticket(subject: str, body: str) -> dict:
    response = client.messages.create(
        model=MODEL,
        max_tokens=300,
        system=[{"type": "text", "text": TRIAGE_SYSTEM, "cache_control": {"type": "ephemeral"}}],
        messages=[
            {
                "role": "user",
                "content": [
                    {
                        "type": "text",
                        "text": f"Subject: {subject}\n\n{body}",
                        # Marks the ticket itself: a new ticket every call, so this entry is never read.
                        "cache_control": {"type": "ephemeral"},  # expect: PC202
                    }
                ],
            }
        ],
    )
    record_usage("classify_ticket", response.usage)
    return json.loads(response.content[0].text)
