"""Recipe suggestions in the app's menu screen (Responses API)."""

import uuid

from instructions import INSTRUCTIONS
from openai_client import CHAT_MODEL, client
from usage import record_responses_usage

SUGGEST = "\n\n## Task\n\nSuggest three recipes from this week's menu that fit the customer's request."


def suggest(menu_text: str, request_text: str) -> str:
    response = client.responses.create(
        model=CHAT_MODEL,
        instructions=INSTRUCTIONS + SUGGEST,
        input=f"Menu:\n{menu_text}\n\nRequest: {request_text}",
        # A fresh key per call: no two requests ever share a cache group.
        prompt_cache_key=str(uuid.uuid4()),  # expect: PC404
    )
    record_responses_usage(response)
    return response.output_text
