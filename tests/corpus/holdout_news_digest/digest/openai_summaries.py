"""Per-reader article summaries with OpenAI chat completions."""

from __future__ import annotations

import logging
from datetime import date

from openai import OpenAI

from digest.sections import build_briefing_prompt, build_editor_prompt
from digest.settings import OPENAI_MODEL

log = logging.getLogger(__name__)
client = OpenAI()

EDITOR_PROMPT = build_editor_prompt()


def summarize_article(article: dict, user_id: str) -> str:
    today = date.today().strftime("%B %d, %Y")  # expect: PC101
    system = f"{EDITOR_PROMPT}\n\nToday's date is {today}. Prefer the most recent developments."
    response = client.chat.completions.create(
        model=OPENAI_MODEL,
        messages=[
            {"role": "system", "content": system},
            {"role": "user", "content": f"{article['title']}\n\n{article['body']}"},
        ],
        prompt_cache_key=f"digest-user-{user_id}",  # expect: PC404
    )
    usage = response.usage
    log.info("cached %s of %s prompt tokens", usage.prompt_tokens_details.cached_tokens, usage.prompt_tokens)
    return response.choices[0].message.content


def morning_briefing(headlines: list[str]) -> str:
    response = client.chat.completions.create(
        model=OPENAI_MODEL,
        messages=[
            {"role": "system", "content": build_briefing_prompt()},
            {"role": "user", "content": "\n".join(headlines)},
        ],
        prompt_cache_key="morning-briefing",
    )
    return response.choices[0].message.content
