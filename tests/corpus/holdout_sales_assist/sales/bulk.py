"""Bulk drafting for campaign lists, in threads."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sales.assistant import SalesAssistant
from sales.config import Lead
from sales.followups import follow_up


def draft_all(leads: list[Lead]) -> list[str]:
    assistant = SalesAssistant()
    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(assistant.draft_email, leads))  # expect: PC403


def draft_all_warm(leads: list[Lead]) -> list[str]:
    assistant = SalesAssistant()
    if not leads:
        return []
    first = assistant.draft_email(leads[0])  # the first request writes the cache
    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(assistant.draft_email, lead) for lead in leads[1:]]
        return [first] + [future.result() for future in futures]


def send_follow_ups(pairs: list[tuple[Lead, str]]) -> list[str]:
    assistant = SalesAssistant()
    return [follow_up(assistant, lead, last_email) for lead, last_email in pairs]
