"""A small wrapper so the rest of the code never touches SDK details."""

from __future__ import annotations

import anthropic

MODEL = "claude-sonnet-4-6"


class TutorClient:
    def __init__(self) -> None:
        self._client = anthropic.Anthropic()
        self.model = MODEL

    def complete(self, *, system, messages, max_tokens: int = 1024) -> str:
        response = self._client.messages.create(
            model=self.model,
            max_tokens=max_tokens,
            system=system,
            messages=messages,
        )
        return "".join(block.text for block in response.content if block.type == "text")
