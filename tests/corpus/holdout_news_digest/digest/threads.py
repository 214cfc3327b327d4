"""Follow-up questions about a digest, with the Responses API. One cache key per conversation."""

from __future__ import annotations

from datetime import datetime, timezone

from openai import OpenAI

from digest.settings import OPENAI_MODEL

client = OpenAI()

THREAD_INSTRUCTIONS = (
    "You answer readers' follow-up questions about tonight's digest. Answer only from the digest "
    "text in the conversation, say when the digest does not cover something, and keep answers "
    "under eighty words."
)


class DigestThread:
    def __init__(self, conversation_id: str, digest_text: str) -> None:
        self.conversation_id = conversation_id
        self.items: list[dict] = [{"role": "user", "content": f"Tonight's digest:\n\n{digest_text}"}]

    def ask(self, question: str) -> str:
        stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M")  # user turn only: silent
        self.items.append({"role": "user", "content": f"[{stamp}] {question}"})
        response = client.responses.create(
            model=OPENAI_MODEL,
            instructions=THREAD_INSTRUCTIONS,
            input=self.items,
            prompt_cache_key=f"thread-{self.conversation_id}",
        )
        self.items.append({"role": "assistant", "content": response.output_text})
        return response.output_text
