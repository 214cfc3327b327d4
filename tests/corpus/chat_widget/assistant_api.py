"""The in-app assistant (Responses API)."""

from datetime import date

from instructions import INSTRUCTIONS
from openai_client import CHAT_MODEL, client
from usage import record_responses_usage


def ask(session_id: str, question: str, previous_response_id: str | None = None) -> str:
    today = date.today().strftime("%A %d %B %Y")  # expect: PC101
    response = client.responses.create(
        model=CHAT_MODEL,
        instructions=f"{INSTRUCTIONS}\n\nToday is {today}. Use it to work out cut-offs.",
        input=question,
        previous_response_id=previous_response_id,
        prompt_cache_key=f"session:{session_id}",
    )
    record_responses_usage(response)
    return response.output_text
