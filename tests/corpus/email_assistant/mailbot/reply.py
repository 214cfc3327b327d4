"""Draft replies, called by the poller for every new customer email."""

import anthropic

from mailbot.client import MODEL
from mailbot.style import build_system
from mailbot.threads import Email, thread_messages


def draft_reply(client: anthropic.Anthropic, thread: list[Email], record: str, team_notes: str | None = None) -> str:
    params = {
        "model": MODEL,
        "max_tokens": 1200,
    }
    params["system"] = build_system()
    params["messages"] = thread_messages(thread, team_notes, record)
    response = client.messages.create(**params)
    return response.content[0].text
