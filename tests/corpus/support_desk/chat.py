"""Live chat in the help widget: one session per open widget, many turns each."""

from __future__ import annotations

import anthropic

from llm import MAX_TOKENS, MODEL
from metrics import record_usage
from support_prompts import SUPPORT_POLICY


class ChatSession:
    def __init__(self, client: anthropic.Anthropic) -> None:
        self._client = client
        self._history: list[dict] = []

    def send(self, text: str) -> str:
        self._history.append({"role": "user", "content": text})
        # The breakpoint moves to the newest user turn; earlier turns are sent exactly as before,
        # so the next request extends this one and reads what this one wrote.
        messages = self._history[:-1] + [
            {
                "role": "user",
                "content": [{"type": "text", "text": text, "cache_control": {"type": "ephemeral"}}],
            }
        ]
        response = self._client.messages.create(
            model=MODEL,
            max_tokens=MAX_TOKENS,
            system=[
                {"type": "text", "text": SUPPORT_POLICY, "cache_control": {"type": "ephemeral"}},
            ],
            messages=messages,
        )
        record_usage("chat", response.usage)
        reply = "".join(block.text for block in response.content if block.type == "text")
        self._history.append({"role": "assistant", "content": reply})
        return reply
