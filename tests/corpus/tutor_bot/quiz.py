"""Grades one quiz answer at a time."""

from brightpath_client import get_client
from curriculum import CURRICULUM, MODEL
from progress import track


def grade_answer(student_id: str, question: str, mark_scheme: str, answer: str) -> str:
    response = get_client().messages.create(
        model=MODEL,
        max_tokens=300,
        system=CURRICULUM,
        messages=[
            {
                "role": "user",
                "content": f"Question: {question}\nMark scheme: {mark_scheme}\nStudent answer: {answer}\n\nGrade this answer.",
            }
        ],
        # Automatic caching puts the breakpoint on the last block: here, this student's answer.
        # Nothing extends this request, so every call writes and none reads.
        cache_control={"type": "ephemeral"},  # expect: PC202
    )
    track(student_id, response)
    return response.content[0].text
