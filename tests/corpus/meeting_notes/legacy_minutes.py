"""Formal minutes for board meetings (still on the model the board pack was approved with)."""

from llm import client
from style import NOTES_STYLE
from usage_report import TOTALS

MINUTES_MODEL = "claude-sonnet-4-5-20250929"  # expect: PC303

FORMAL_MINUTES = """

## Board minutes

For board meetings, write formal minutes instead of notes: attendance and apologies, declarations of
interest, each agenda item with the discussion and the resolution, and the date of the next meeting.
Use the third person and the past tense throughout.
"""


def board_minutes(transcript: str) -> str:
    response = client.messages.create(
        model=MINUTES_MODEL,
        max_tokens=3000,
        system=[{"type": "text", "text": NOTES_STYLE + FORMAL_MINUTES, "cache_control": {"type": "ephemeral"}}],
        messages=[{"role": "user", "content": transcript}],
    )
    TOTALS.add("board_minutes", response.usage)
    return response.content[0].text
