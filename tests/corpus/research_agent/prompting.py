"""The analyst guidelines, and the system blocks every research request starts with."""

import os

_HERE = os.path.dirname(os.path.abspath(__file__))

ANALYST_GUIDELINES = open(os.path.join(_HERE, "prompts", "analyst.md"), encoding="utf-8").read()


def system_blocks() -> list[dict]:
    return [
        {
            "type": "text",
            "text": ANALYST_GUIDELINES,
            "cache_control": {"type": "ephemeral"},  # expect: PC501
        }
    ]
