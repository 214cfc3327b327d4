"""Lesson and exercise loading."""

from __future__ import annotations

import os

from tutor.prompts import ROOT

LESSON_DIR = ROOT / "lessons"
EXERCISE_DIR = ROOT / "exercises"


def load_lessons() -> str:
    chunks = []
    for name in os.listdir(LESSON_DIR):  # expect: PC103
        if name.endswith(".md"):
            with open(LESSON_DIR / name, encoding="utf-8") as handle:
                chunks.append(handle.read())
    return "\n\n---\n\n".join(chunks)


def load_exercises() -> list[str]:
    return [path.read_text(encoding="utf-8") for path in sorted(EXERCISE_DIR.glob("*.txt"))]
