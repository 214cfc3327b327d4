"""Explaining log excerpts the engineer pastes in."""

from agent.llm import MODEL, client
from agent.prompts import RUNBOOK
from agent.telemetry import record


def log_excerpt_message(excerpts: list[str]) -> dict:
    content = []
    for excerpt in excerpts:
        # One breakpoint per excerpt, however many excerpts there are.
        content.append({"type": "text", "text": excerpt, "cache_control": {"type": "ephemeral"}})  # expect: PC201
    content.append({"type": "text", "text": "What do these log excerpts tell us?"})
    return {"role": "user", "content": content}


def explain_logs(excerpts: list[str]) -> str:
    response = client.messages.create(
        model=MODEL,
        max_tokens=1500,
        system=[{"type": "text", "text": RUNBOOK, "cache_control": {"type": "ephemeral"}}],
        messages=[log_excerpt_message(excerpts)],
    )
    record(response)
    return response.content[0].text


def explain_latest_logs(excerpts: list[str]) -> str:
    # At most two excerpts are marked (a slice with a constant bound): with the system breakpoint that
    # is three, within the limit. The last marked block is this call's own excerpt, so the write is
    # never read.
    content = []
    for excerpt in excerpts[-2:]:
        content.append({"type": "text", "text": excerpt, "cache_control": {"type": "ephemeral"}})  # expect: PC202
    content.append({"type": "text", "text": "What changed between these two excerpts?"})
    response = client.messages.create(
        model=MODEL,
        max_tokens=1500,
        system=[{"type": "text", "text": RUNBOOK, "cache_control": {"type": "ephemeral"}}],
        messages=[{"role": "user", "content": content}],
    )
    record(response)
    return response.content[0].text
