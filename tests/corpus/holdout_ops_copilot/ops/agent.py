"""Investigation loops."""

from __future__ import annotations

import anthropic

from ops.copilot import SYSTEM_BLOCKS
from ops.models import PLANNER_MODEL, TRIAGE_MODEL
from ops.tools import OPS_SYSTEM, TOOLS

client = anthropic.Anthropic()


def execute_tool(name: str, arguments: dict) -> str:
    raise NotImplementedError(name)


def investigate(alert: dict, max_turns: int = 8) -> list[dict]:
    """Tool-use loop: each request extends the previous one (automatic caching follows the tail)."""
    messages: list[dict] = [{"role": "user", "content": f"Investigate: {alert['title']}"}]
    for _ in range(max_turns):
        response = client.messages.create(
            model=TRIAGE_MODEL,
            max_tokens=2000,
            tools=TOOLS,
            system=SYSTEM_BLOCKS,
            messages=messages,
            cache_control={"type": "ephemeral"},
        )
        messages.append({"role": "assistant", "content": response.content})
        if response.stop_reason != "tool_use":
            break
        results = [
            {"type": "tool_result", "tool_use_id": block.id, "content": execute_tool(block.name, block.input)}
            for block in response.content
            if block.type == "tool_use"
        ]
        messages.append({"role": "user", "content": results})
    return messages


def run_checklist(steps: list[str]) -> list[str]:
    """Each step is sent on its own: the step message is replaced, never extended."""
    outputs = []
    for step in steps:
        response = client.messages.create(
            model=TRIAGE_MODEL,
            max_tokens=600,
            system=OPS_SYSTEM,
            messages=[
                {
                    "role": "user",
                    "content": [
                        {
                            "type": "text",
                            "text": f"Checklist step: {step}\nReport the result.",
                            "cache_control": {"type": "ephemeral"},  # expect: PC202
                        }
                    ],
                }
            ],
        )
        outputs.append(response.content[0].text)
    return outputs


def plan(alert: dict) -> str:
    response = client.messages.create(
        model=PLANNER_MODEL,
        max_tokens=300,
        system="List three investigation steps, one per line.",
        messages=[{"role": "user", "content": alert["title"]}],
    )
    return response.content[0].text


def annotate(alert: dict, note: str) -> str:
    response = client.messages.create(
        model=TRIAGE_MODEL,
        max_tokens=400,
        system=[
            {"type": "text", "text": OPS_SYSTEM},
            {"type": "text", "text": RUNBOOK_INDEX_NOTE, "cache_control": "ephemeral"},  # expect: PC205
        ],
        messages=[{"role": "user", "content": f"{alert['title']}\n\nOn-call note: {note}"}],
    )
    return response.content[0].text


RUNBOOK_INDEX_NOTE = "Annotate alerts with the matching runbook from the index when one exists."
