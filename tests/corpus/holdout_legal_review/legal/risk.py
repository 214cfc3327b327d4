"""Risk scoring, optionally with extended thinking for high-value contracts."""

from __future__ import annotations

from legal.client import aclient, log_usage
from legal.constants import PRIMARY_MODEL
from legal.review import PLAYBOOK, PROMPTS

RISK_RUBRIC = (PROMPTS / "risk_rubric.md").read_text(encoding="utf-8")


async def analyse_risk(clause: str, deep: bool = False) -> str:
    message = await aclient.messages.create(
        model=PRIMARY_MODEL,
        max_tokens=16000,
        thinking={"type": "enabled", "budget_tokens": 8000} if deep else {"type": "disabled"},  # expect: PC104
        system=PLAYBOOK,
        messages=[
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": RISK_RUBRIC, "cache_control": {"type": "ephemeral"}},
                    {"type": "text", "text": f"Score the risk of this clause:\n\n{clause}"},
                ],
            }
        ],
    )
    log_usage(message)
    return "".join(block.text for block in message.content if block.type == "text")
