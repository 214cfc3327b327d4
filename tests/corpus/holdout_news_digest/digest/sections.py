"""The editor system prompt is assembled from sections."""

from __future__ import annotations

import random

from digest.settings import DESKS, PROMPT_DIR, REGIONS

EDITOR_GUIDE = (PROMPT_DIR / "editor.md").read_text(encoding="utf-8")


def desk_section() -> str:
    lines = ["## Desks on duty tonight"]
    for desk in DESKS:
        lines.append(f"- {desk}")
    return "\n".join(lines)


def region_section() -> str:
    return "## Regions\n" + "\n".join(f"- {region}" for region in sorted(REGIONS))


def example_section() -> str:
    examples = [path.read_text(encoding="utf-8") for path in sorted((PROMPT_DIR / "examples").glob("*.md"))]
    random.shuffle(examples)  # expect: PC103
    return "## Examples\n\n" + "\n\n".join(examples)


def build_editor_prompt() -> str:
    sections = [EDITOR_GUIDE, region_section(), desk_section()]
    return "\n\n".join(sections)


def build_briefing_prompt() -> str:
    return "\n\n".join([EDITOR_GUIDE, region_section(), example_section()])
