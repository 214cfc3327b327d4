"""Configuration for the news digest service."""

from __future__ import annotations

from pathlib import Path

PROMPT_DIR = Path(__file__).parent / "prompts"

OPENAI_MODEL = "gpt-4.1-mini"
CLAUDE_MODEL = "claude-haiku-5-5"

DESKS = {"world", "business", "technology", "science", "sport"}  # expect: PC103
REGIONS = frozenset({"europe", "americas", "asia-pacific", "africa", "middle-east"})

SOURCE_WEIGHTS = {"wire": 1.0, "broadsheet": 0.8, "blog": 0.3}
