"""Objection handling and call coaching for reps."""

from __future__ import annotations

import anthropic

from sales.config import DEFAULT_MODEL
from sales.prompts import OBJECTION_GUIDE, PLAYBOOK

client = anthropic.Anthropic()


def handle_objections(objections: list[str]) -> list[str]:
    replies = []
    for text in objections:
        response = client.messages.create(  # expect: PC206
            model=DEFAULT_MODEL,
            max_tokens=500,
            system=PLAYBOOK + "\n\n" + OBJECTION_GUIDE,
            messages=[{"role": "user", "content": f"The prospect said: {text}\nSuggest a reply."}],
        )
        replies.append(response.content[0].text)
    return replies


def coach_call(transcript_summary: str) -> str:
    response = client.messages.create(
        model=DEFAULT_MODEL,
        max_tokens=1200,
        system=[{"type": "text", "text": PLAYBOOK, "cache_control": {"type": "ephemeral"}}],
        messages=[
            {
                "role": "user",
                "content": [
                    {
                        "type": "text",
                        "text": OBJECTION_GUIDE,
                        "cache_control": {"type": "ephemeral", "ttl": "1h"},  # expect: PC204
                    },
                    {"type": "text", "text": f"Coach the rep on this call:\n{transcript_summary}"},
                ],
            }
        ],
    )
    return response.content[0].text
