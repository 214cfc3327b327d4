"""The chat widget on greenbox.co (Chat Completions)."""

import logging
from datetime import datetime

from instructions import INSTRUCTIONS
from openai_client import CHAT_MODEL, client
from usage import record_chat_usage

log = logging.getLogger(__name__)


def reply(user_id: str, history: list[dict], text: str) -> str:
    log.debug("widget message from %s at %s", user_id, datetime.utcnow().isoformat())
    completion = client.chat.completions.create(
        model=CHAT_MODEL,
        messages=[{"role": "system", "content": INSTRUCTIONS}, *history, {"role": "user", "content": text}],
        # One key per customer: every customer gets a cache group of their own, and the shared
        # instructions are never served from another customer's entry.
        prompt_cache_key=f"user-{user_id}",  # expect: PC404
    )
    record_chat_usage(completion)
    return completion.choices[0].message.content
