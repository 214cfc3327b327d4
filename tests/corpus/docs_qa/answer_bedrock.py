"""Answers for the CLI's `harbor ask`, served from Bedrock."""

from bedrock_client import BEDROCK_MODEL, bedrock
from kb import articles_text
from prompt_text import DOCS_PROMPT
from usage_log import log_usage


def answer(question: str) -> str:
    response = bedrock.messages.create(
        model=BEDROCK_MODEL,
        max_tokens=800,
        system=[
            {"type": "text", "text": DOCS_PROMPT},
            {"type": "text", "text": articles_text(), "cache_control": {"type": "ephemeral"}},
        ],
        messages=[{"role": "user", "content": question}],
    )
    log_usage("bedrock", response)
    return response.content[0].text


def rephrase(question: str) -> str:
    # A short helper prompt on an older Bedrock model: too small to cache, and Bedrock sets its
    # own model lifecycle.
    response = bedrock.messages.create(
        model="anthropic.claude-3-5-sonnet-20241022-v2:0",
        max_tokens=100,
        system="Rewrite the developer's question as a short search query. Answer with the query only.",
        messages=[{"role": "user", "content": question}],
    )
    return response.content[0].text.strip()
