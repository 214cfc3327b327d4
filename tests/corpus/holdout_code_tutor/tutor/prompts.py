"""Prompt text shared by the CLI, the chat session and the grader."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

TUTOR_SYSTEM = (ROOT / "prompts" / "tutor_system.md").read_text(encoding="utf-8")

QUIZ_TEMPLATE = (
    "Write a five-question multiple-choice quiz about {topic} for a beginner. "
    "Each question has four options and exactly one correct answer; give the answers at the end."
)
