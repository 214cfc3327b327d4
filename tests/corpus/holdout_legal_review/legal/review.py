"""Clause review against the playbook, with few-shot examples from prompts/examples/."""

from __future__ import annotations

import json
from pathlib import Path

from legal.client import aclient, log_usage
from legal.constants import PRIMARY_MODEL

PROMPTS = Path(__file__).parent / "prompts"
PLAYBOOK = (PROMPTS / "playbook.md").read_text(encoding="utf-8")

CLAUSE_TAXONOMY = {
    "liability": ["cap", "carve-outs", "exclusions"],
    "indemnity": ["mutual", "ip", "data"],
    "term": ["renewal", "termination", "survival"],
    "commercial": ["payment", "audit", "mfn"],
}


def _load_examples() -> str:
    parts = []
    for path in sorted((PROMPTS / "examples").glob("*.md")):
        parts.append(path.read_text(encoding="utf-8"))
    return "\n\n".join(parts)


FEW_SHOT = _load_examples()

SYSTEM = [
    {"type": "text", "text": PLAYBOOK},
    {"type": "text", "text": "Clause taxonomy:\n" + json.dumps(CLAUSE_TAXONOMY, indent=2)},  # expect: PC102
    {
        "type": "text",
        "text": f"<examples>\n{FEW_SHOT}\n</examples>",
        "cache_control": {"type": "ephemeral"},
    },
]


async def review_clause(clause: str) -> str:
    message = await aclient.messages.create(
        model=PRIMARY_MODEL,
        max_tokens=1024,
        system=SYSTEM,
        messages=[{"role": "user", "content": f"Review this clause:\n\n{clause}"}],
    )
    log_usage(message)
    return message.content[0].text


async def stream_redline(contract_text: str):
    """Yields redline text as it is generated (server-sent events in main.py)."""
    async with aclient.messages.stream(
        model=PRIMARY_MODEL,
        max_tokens=4096,
        system=SYSTEM,
        messages=[{"role": "user", "content": f"Redline this contract:\n\n{contract_text}"}],
    ) as stream:
        async for text in stream.text_stream:
            yield text
        final = await stream.get_final_message()
    log_usage(final)
