"""The agent loop: the engineer's message, tool calls, and the agent's answer."""

from __future__ import annotations

from dataclasses import dataclass

from anthropic import Anthropic

from agent.llm import MODEL
from agent.prompts import RUNBOOK
from agent.telemetry import record
from agent.tools import ADMIN_TOOLS, TOOLS


@dataclass(frozen=True)
class Principal:
    user: str
    is_admin: bool


def run_tool(block) -> dict:
    from agent.toolrunner import execute

    return {"type": "tool_result", "tool_use_id": block.id, "content": execute(block.name, block.input)}


class OpsAgent:
    def __init__(self, client: Anthropic, principal: Principal) -> None:
        self._client = client
        self._principal = principal
        self._messages: list[dict] = []

    def step(self, engineer_message: str) -> str:
        self._messages.append({"role": "user", "content": engineer_message})
        while True:
            response = self._client.messages.create(
                model=MODEL,
                max_tokens=2048,
                # Admins get one more tool: a different tools block, so a separate cache for everything.
                tools=ADMIN_TOOLS if self._principal.is_admin else TOOLS,  # expect: PC104
                system=[{"type": "text", "text": RUNBOOK, "cache_control": {"type": "ephemeral"}}],
                messages=self._messages,
            )
            record(response)
            self._messages.append({"role": "assistant", "content": response.content})
            if response.stop_reason != "tool_use":
                return "".join(b.text for b in response.content if b.type == "text")
            results = [run_tool(b) for b in response.content if b.type == "tool_use"]
            self._messages.append({"role": "user", "content": results})

    def next_action(self, must_act: bool):
        # tool_choice changes invalidate only the messages cache; the only breakpoint is on the
        # system prompt, whose entry survives either way.
        response = self._client.messages.create(
            model=MODEL,
            max_tokens=1024,
            tools=TOOLS,
            tool_choice={"type": "any"} if must_act else {"type": "auto"},
            system=[{"type": "text", "text": RUNBOOK, "cache_control": {"type": "ephemeral"}}],
            messages=self._messages + [{"role": "user", "content": "What is the next check or action?"}],
        )
        record(response)
        return response.content
