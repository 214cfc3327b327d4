"""Support conversations handed over from email (Chat Completions)."""

from instructions import INSTRUCTIONS
from openai_client import CHAT_MODEL, client
from usage import record_chat_usage


def continue_conversation(conversation_id: str, messages: list[dict]) -> str:
    completion = client.chat.completions.create(
        model=CHAT_MODEL,
        messages=[{"role": "system", "content": INSTRUCTIONS}, *messages],
        # Scoped to the conversation: its turns share a growing prefix.
        prompt_cache_key=f"conversation-{conversation_id}",
    )
    record_chat_usage(completion)
    return completion.choices[0].message.content
