"""Commit messages through the company LLM gateway, which maps its own model aliases."""

import os

import anthropic as ac

client = ac.Anthropic(base_url=os.environ["LLM_GATEWAY_URL"], api_key=os.environ["LLM_GATEWAY_KEY"])


def commit_message(diff: str) -> str:
    response = client.messages.create(
        model="codegen-default",  # expect: PL003
        max_tokens=100,
        system="Write a one-line conventional commit message for this diff. Answer with the message only.",
        messages=[{"role": "user", "content": diff}],
    )
    return response.content[0].text.strip()
