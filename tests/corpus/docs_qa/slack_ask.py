"""Slack slash command /harbor-ask (work in progress)."""

import answer_bedrock
from bedrock_client import BEDROCK_MODEL, bedrock


def handle_command(payload: dict) -> dict:
    check = bedrock.messages.create(
        model=BEDROCK_MODEL,
        max_tokens=5,
        system="Is this Slack message a question about Harbor? Answer yes or no.",
        messages=[{"role": "user", "content": payload["text"]}],
    )
    if check.content[0].text.strip().lower() != "yes":
        return {"response_type": "ephemeral", "text": "Ask me a question about Harbor."}
    answer = answer_bedrock.answer(payload["text"])
    return {"response_type": "ephemeral", "text": answer "blocks": []}  # expect: PL001


def handle_shortcut(payload: dict) -> dict:
    return {"response_type": "ephemeral", "text": "Use /harbor-ask followed by your question."}
