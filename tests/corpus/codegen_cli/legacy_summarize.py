"""Changelog drafts from commit messages (old script, still run by the release job)."""

from datetime import date

import anthropic as ac

LEGACY_MODEL = "claude-3-5-haiku-20241022"  # expect: PC303


def changelog(commits: list[str]) -> str:
    client = ac.Anthropic()
    response = client.messages.create(
        model=LEGACY_MODEL,
        max_tokens=600,
        # Nothing is cached here (no breakpoint, and far too short), so the date costs nothing.
        system=f"Today is {date.today():%d %B %Y}. Turn these commit messages into a short changelog.",
        messages=[{"role": "user", "content": "\n".join(commits)}],
    )
    return response.content[0].text
