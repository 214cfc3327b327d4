"""Answers one customer question (called by the web handler for every message)."""

import anthropic

from prompts import system_prompt, tool_catalogue

client = anthropic.Anthropic()


def answer(question: str) -> str:
    response = client.messages.create(
        model="claude-sonnet-4-6",
        max_tokens=1024,
        system=[
            {"type": "text", "text": system_prompt() + "\n\nTools:\n" + tool_catalogue(), "cache_control": {"type": "ephemeral"}},
        ],
        messages=[{"role": "user", "content": question}],
    )
    print("cache read:", response.usage.cache_read_input_tokens)
    return response.content[0].text
