"""Helpers exported to other teams' bots (nothing in this repo calls them)."""

from __future__ import annotations

import anthropic

from ops.models import TRIAGE_MODEL

client = anthropic.Anthropic()


def answer_from_runbook(runbook_markdown: str, question: str) -> str:
    """Answer a question grounded in one runbook. Runbooks range from a paragraph to 40 pages."""
    response = client.messages.create(
        model=TRIAGE_MODEL,
        max_tokens=800,
        system=[
            {
                "type": "text",
                "text": "Answer strictly from the runbook below.\n\n" + runbook_markdown,
                "cache_control": {"type": "ephemeral"},  # expect: PC302
            }
        ],
        messages=[{"role": "user", "content": question}],
    )
    return response.content[0].text
