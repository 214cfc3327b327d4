"""Weekly revision plans for students and a summary for parents."""

from brightpath_client import get_client
from curriculum import CURRICULUM, MODEL
from progress import track

PLAN_FORMAT = """## Revision plan format

Five short sessions, Monday to Friday, 25 minutes each. For each session: the topic, three practice
questions of increasing difficulty, and one question from an earlier topic."""

REVISION_TIPS = """## Revision tips to include

Mixed practice beats re-reading. Check answers straight away. Write down one thing to remember."""

PARENT_SUMMARY = """## Summary for parents

End with three sentences for a parent: what the week covers, why, and how they can help."""


def weekly_plan(student_id: str, topics: list[str]) -> str:
    response = get_client().messages.create(
        model=MODEL,
        max_tokens=2000,
        system=[
            {"type": "text", "text": CURRICULUM, "cache_control": {"type": "ephemeral"}},
            {"type": "text", "text": PLAN_FORMAT, "cache_control": {"type": "ephemeral"}},
            {"type": "text", "text": REVISION_TIPS, "cache_control": {"type": "ephemeral"}},
            {"type": "text", "text": PARENT_SUMMARY, "cache_control": {"type": "ephemeral"}},
        ],
        messages=[{"role": "user", "content": "Topics for this week: " + ", ".join(topics)}],
        # Four explicit breakpoints already: automatic caching would be the fifth.
        cache_control={"type": "ephemeral"},  # expect: PC201
    )
    track(student_id, response)
    return response.content[0].text
