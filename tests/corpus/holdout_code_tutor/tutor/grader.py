"""Grades submissions against the exercise rubrics."""

from __future__ import annotations

from tutor.client import TutorClient
from tutor.lessons import load_exercises, load_lessons
from tutor.prompts import TUTOR_SYSTEM


def grade_submission(client: TutorClient, submission: str) -> str:
    blocks = [{"type": "text", "text": TUTOR_SYSTEM}]
    for exercise in load_exercises():
        # One breakpoint per exercise "so each rubric is cached": unbounded.
        blocks.append({"type": "text", "text": exercise, "cache_control": {"type": "ephemeral"}})  # expect: PC201
    return client.complete(system=blocks, messages=[{"role": "user", "content": submission}])


def grade_with_lessons(client: TutorClient, submission: str) -> str:
    blocks = [{"type": "text", "text": TUTOR_SYSTEM}]
    blocks += [{"type": "text", "text": exercise} for exercise in load_exercises()]
    blocks.append({"type": "text", "text": load_lessons()})
    blocks[-1]["cache_control"] = {"type": "ephemeral"}
    return client.complete(system=blocks, messages=[{"role": "user", "content": submission}], max_tokens=1500)
