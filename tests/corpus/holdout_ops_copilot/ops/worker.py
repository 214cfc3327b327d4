"""Async summariser for alert storms: warm the prefix, then fan out."""

from __future__ import annotations

import asyncio

from anthropic import AsyncAnthropic

from ops.models import TRIAGE_MODEL
from ops.tools import OPS_SYSTEM

aclient = AsyncAnthropic()

SUMMARY_SYSTEM = [{"type": "text", "text": OPS_SYSTEM, "cache_control": {"type": "ephemeral"}}]


async def _summarise(alert: dict) -> str:
    message = await aclient.messages.create(
        model=TRIAGE_MODEL,
        max_tokens=300,
        system=SUMMARY_SYSTEM,
        messages=[{"role": "user", "content": f"Summarise this alert in one line: {alert['title']}"}],
    )
    return message.content[0].text


async def summarise_storm(alerts: list[dict]) -> list[str]:
    if not alerts:
        return []
    first = await _summarise(alerts[0])
    async with asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(_summarise(alert)) for alert in alerts[1:]]
    return [first, *(task.result() for task in tasks)]


async def summarise_prewarmed(alerts: list[dict]) -> list[str]:
    await aclient.messages.create(
        model=TRIAGE_MODEL,
        max_tokens=0,
        system=SUMMARY_SYSTEM,
        messages=[{"role": "user", "content": "warm-up"}],
    )
    return await asyncio.gather(*(_summarise(alert) for alert in alerts))
