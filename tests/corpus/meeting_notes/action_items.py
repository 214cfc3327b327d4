"""Action items only, for the chat integration's quick view."""

import json

from llm import client
from usage_report import TOTALS

ACTION_ITEMS_PROMPT = """Extract the action items from a meeting transcript.

Answer with a JSON array and nothing else. Each item is an object with "owner" (a name from the
transcript, or null), "task" (imperative, one sentence) and "due" (as said in the meeting, or null).
Include only explicit commitments: "I'll send the deck by Friday" is an action item; "we should look
into pricing" is not. Never invent owners or dates."""


def extract_action_items(transcript: str) -> list[dict]:
    # A short prompt on claude-haiku-4-5 (minimum 4,096 tokens): this breakpoint is ignored.
    response = client.messages.create(
        model="claude-haiku-4-5",
        max_tokens=800,
        system=[{"type": "text", "text": ACTION_ITEMS_PROMPT, "cache_control": {"type": "ephemeral"}}],  # expect: PC301
        messages=[{"role": "user", "content": transcript}],
    )
    TOTALS.add("action_items", response.usage)
    return json.loads(response.content[0].text)
