"""Turns an email thread into the messages of a request."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Email:
    sender: str
    sent_at: str
    body: str
    from_customer: bool


def _render_email(email: Email) -> str:
    return "".join(["From: ", email.sender, "\nDate: ", email.sent_at, "\n\n", email.body.strip()])


def thread_messages(thread: list[Email], team_notes: str | None, record: str) -> list[dict]:
    rendered = "\n\n---\n\n".join(_render_email(email) for email in thread)
    request = "Customer record:\n{record}\n\nThread:\n{thread}\n\nNotes from the team: {notes}".format(
        record=record, thread=rendered, notes=team_notes or "none"
    )
    return [{"role": "user", "content": request}]
