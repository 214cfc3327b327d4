"""Answers to tickets that arrive through the help widget and email."""

import logging
import time
from datetime import datetime, timezone

from llm import MAX_TOKENS, MODEL, client
from metrics import record_usage
from support_prompts import SUPPORT_POLICY

log = logging.getLogger(__name__)

CREATE_TICKET_TOOL = {
    "name": "create_ticket",
    "description": "Open a ticket for the human support team and return its reference.",
    "input_schema": {
        "type": "object",
        "properties": {
            "queue": {"type": "string", "enum": ["billing", "payments", "banking", "security", "data", "general"]},
            "priority": {"type": "string", "enum": ["urgent", "high", "normal"]},
            "summary": {"type": "string"},
            "customer_facing_note": {"type": "string"},
        },
        "required": ["queue", "priority", "summary", "customer_facing_note"],
    },
}


def answer_ticket(ticket_id: str, customer_message: str, customer_email: str) -> str:
    started = time.monotonic()
    # Timestamps for our own logs: they never reach the prompt.
    log.info("answering ticket %s at %s", ticket_id, datetime.now(timezone.utc).isoformat())
    response = client.messages.create(
        model=MODEL,
        max_tokens=MAX_TOKENS,
        tools=[CREATE_TICKET_TOOL],
        system=[
            {
                "type": "text",
                "text": SUPPORT_POLICY,
                "cache_control": {"type": "ephemeral"},
            }
        ],
        messages=[{"role": "user", "content": customer_message}],
        metadata={"user_id": customer_email},
    )
    record_usage("answer_ticket", response.usage)
    log.info("ticket %s answered in %.2fs", ticket_id, time.monotonic() - started)
    return "".join(block.text for block in response.content if block.type == "text")
