"""The triage copilot used by the alert webhook."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

import anthropic

from ops.models import TRIAGE_MODEL
from ops.tools import CATALOG_TEXT, ESCALATION_TEXT, OPS_SYSTEM, RUNBOOK_INDEX, TOOLS

log = logging.getLogger(__name__)

CLUSTER = os.environ["CLUSTER_NAME"]  # expect: PC101

SYSTEM_BLOCKS = [
    {"type": "text", "text": OPS_SYSTEM},
    {
        "type": "text",
        "text": f"You are attached to cluster {CLUSTER}.\n\nService catalog:\n{CATALOG_TEXT}\n\n{ESCALATION_TEXT}",
        "cache_control": {"type": "ephemeral"},
    },
]


@dataclass
class Incident:
    id: str
    timeline: str
    question: str


def _log_usage(usage) -> None:
    log.info("cache read=%s write=%s", usage.cache_read_input_tokens, usage.cache_creation_input_tokens)


class OpsCopilot:
    def __init__(self) -> None:
        self.client = anthropic.Anthropic()

    def triage(self, alert: dict) -> str:
        with self.client.messages.stream(
            model=TRIAGE_MODEL,
            max_tokens=1500,
            tools=TOOLS,
            system=SYSTEM_BLOCKS,
            messages=[{"role": "user", "content": f"Alert: {alert['title']}\n\n{alert.get('body', '')}"}],
        ) as stream:
            text = "".join(stream.text_stream)
            final = stream.get_final_message()
        _log_usage(final.usage)
        return text

    def deep_dive(self, incident: Incident) -> str:
        response = self.client.messages.create(
            model=TRIAGE_MODEL,
            max_tokens=3000,
            system=[
                {"type": "text", "text": OPS_SYSTEM, "cache_control": {"type": "ephemeral"}},
                {"type": "text", "text": RUNBOOK_INDEX, "cache_control": {"type": "ephemeral"}},
                {"type": "text", "text": ESCALATION_TEXT, "cache_control": {"type": "ephemeral"}},
            ],
            messages=[
                {
                    "role": "user",
                    "content": [
                        {"type": "text", "text": incident.timeline, "cache_control": {"type": "ephemeral"}},
                        {
                            "type": "text",
                            "text": incident.question,
                            "cache_control": {"type": "ephemeral"},  # expect: PC201
                        },
                    ],
                }
            ],
        )
        _log_usage(response.usage)
        return response.content[0].text
