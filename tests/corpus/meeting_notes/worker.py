"""Celery tasks: one per kind of output, run after each recording is transcribed."""

from celery import Celery

from account_brief import account_brief
from action_items import extract_action_items
from legacy_minutes import board_minutes
from summarize import meeting_notes

app = Celery("minutes", broker="redis://redis:6379/0")


@app.task(bind=True, max_retries=3)
def process_recording(self, meeting: dict) -> dict:
    transcript = meeting["transcript"]
    result = {
        "notes": meeting_notes(meeting["title"], meeting["attendees"], transcript),
        "action_items": extract_action_items(transcript),
    }
    if meeting.get("account_summary"):
        result["brief"] = account_brief(meeting["account_summary"], transcript)
    if meeting.get("kind") == "board":
        result["minutes"] = board_minutes(transcript)
    return result
