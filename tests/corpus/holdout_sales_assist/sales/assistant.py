"""SalesAssistant wraps the Anthropic client for the outbound team."""

from __future__ import annotations

import anthropic

from sales.config import AssistantConfig, Lead
from sales.prompts import build_persona, playbook_sections


class SalesAssistant:
    def __init__(self, config: AssistantConfig | None = None) -> None:
        self.config = config or AssistantConfig()
        self.client = anthropic.Anthropic()

    def system_blocks(self) -> list[dict]:
        return [
            {"type": "text", "text": build_persona(self.config.rep_name, self.config.company)},
            {
                "type": "text",
                "text": playbook_sections(),
                "cache_control": {"type": "ephemeral"},  # expect: PC501
            },
        ]

    def draft_email(self, lead: Lead) -> str:
        model = self.config.premium_model if lead.tier == "enterprise" else self.config.model
        response = self.client.messages.create(
            model=model,  # expect: PC104
            max_tokens=self.config.max_tokens,
            system=self.system_blocks(),
            messages=[
                {
                    "role": "user",
                    "content": f"Draft a first-touch email to {lead.name} at {lead.company}.\nNotes: {lead.notes}",
                }
            ],
        )
        return response.content[0].text
