"""Answers for the docs site search box, served from Google Cloud."""

from prompt_text import DOCS_PROMPT
from release_notes import release_notes_text
from usage_log import log_usage
from vertex_client import VERTEX_MODEL, vertex


def answer(question: str) -> str:
    response = vertex.messages.create(
        model=VERTEX_MODEL,
        max_tokens=800,
        system=[
            {"type": "text", "text": DOCS_PROMPT + "\n\nRELEASE NOTES\n\n" + release_notes_text()},
            {"type": "text", "text": "Answer in the docs site's answer box format.", "cache_control": {"type": "ephemeral"}},
        ],
        messages=[{"role": "user", "content": question}],
    )
    log_usage("vertex", response)
    return response.content[0].text


def answer_long_lived(question: str) -> str:
    # "24h" is an OpenAI retention value; Anthropic accepts only "5m" or "1h".
    response = vertex.messages.create(
        model=VERTEX_MODEL,
        max_tokens=800,
        system=[
            {
                "type": "text",
                "text": DOCS_PROMPT,
                "cache_control": {"type": "ephemeral", "ttl": "24h"},  # expect: PC205
            }
        ],
        messages=[{"role": "user", "content": question}],
    )
    log_usage("vertex-long", response)
    return response.content[0].text
