"""The docs assistant's fixed instructions."""

from pathlib import Path

PROMPTS_DIR = Path(__file__).resolve().parent / "prompts"

DOCS_PROMPT = (PROMPTS_DIR / "docs_assistant.txt").read_text()
