"""Prompt pieces: a persona template plus the playbook sections."""

from __future__ import annotations

from pathlib import Path
from string import Template

PROMPT_DIR = Path(__file__).parent / "text"

PLAYBOOK = (PROMPT_DIR / "playbook.md").read_text(encoding="utf-8")
OBJECTION_GUIDE = (PROMPT_DIR / "objections.md").read_text(encoding="utf-8")

PERSONA = Template(
    "You are $rep_name, an account executive at $company. You write to prospects in your own voice, "
    "briefly and specifically, and you never pretend to be anyone else."
)


def build_persona(rep_name: str, company: str) -> str:
    return PERSONA.substitute(rep_name=rep_name, company=company)


def playbook_sections(*extra: str) -> str:
    sections = [PLAYBOOK, *extra]
    return "\n\n".join(section.strip() for section in sections if section)
