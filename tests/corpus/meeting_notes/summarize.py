"""Notes for every recorded meeting."""

from llm import NOTES_MODEL, client
from style import NOTES_STYLE
from usage_report import TOTALS


def meeting_notes(title: str, attendees: list[str], transcript: str) -> str:
    response = client.messages.create(
        model=NOTES_MODEL,
        max_tokens=1500,
        system=[{"type": "text", "text": NOTES_STYLE, "cache_control": {"type": "ephemeral"}}],
        messages=[
            {
                "role": "user",
                "content": f"Meeting: {title}\nAttendees: {', '.join(attendees)}\n\nTranscript:\n{transcript}",
            }
        ],
    )
    TOTALS.add("notes", response.usage)
    return response.content[0].text
