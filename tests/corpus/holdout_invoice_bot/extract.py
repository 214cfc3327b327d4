"""Invoice extraction: one request per document, called by the worker."""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from config import MODEL
from llm import client, with_retries
from schemas import TOOLS

log = logging.getLogger(__name__)

PROMPTS = Path(__file__).parent / "prompts"
SYSTEM_PROMPT = (PROMPTS / "system.md").read_text(encoding="utf-8")


@with_retries()
def extract_invoice(invoice_text: str) -> dict:
    # Only logged, never sent: must stay silent.
    log.info("extracting invoice at %s", datetime.now().isoformat())
    response = client.messages.create(
        model=MODEL,
        max_tokens=2048,
        tools=TOOLS,
        tool_choice={"type": "tool", "name": "record_invoice"},
        system=[
            {
                "type": "text",
                "text": SYSTEM_PROMPT,
                "cache_control": {"type": "ephemeral"},  # expect: PC501
            }
        ],
        messages=[{"role": "user", "content": f"Extract this invoice:\n\n{invoice_text}"}],
    )
    for block in response.content:
        if block.type == "tool_use" and block.name == "record_invoice":
            return block.input
    raise ValueError("the model did not call record_invoice")


@with_retries()
def triage_invoice(invoice_text: str, suspicious: bool) -> dict:
    """Second pass for documents the rules engine marked; suspicious ones must be flagged."""
    response = client.messages.create(
        model=MODEL,
        max_tokens=1024,
        tools=TOOLS,
        # tool_choice varies, but only the system level holds a breakpoint and tool_choice invalidates
        # the messages level alone (facts.md §1.8), so this stays silent.
        tool_choice={"type": "tool", "name": "flag_for_review"} if suspicious else {"type": "auto"},
        system=[
            {
                "type": "text",
                "text": SYSTEM_PROMPT,
                "cache_control": {"type": "ephemeral"},
            }
        ],
        messages=[{"role": "user", "content": invoice_text}],
    )
    return {"stop_reason": response.stop_reason, "content": [b.model_dump() for b in response.content]}
