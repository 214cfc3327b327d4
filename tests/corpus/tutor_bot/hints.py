"""One-off hints from the homework scanner."""

from datetime import datetime

from brightpath_client import get_client
from curriculum import CURRICULUM, MODEL
from progress import track


def hint(student_id: str, problem: str, working: str) -> str:
    response = get_client().messages.create(
        model=MODEL,
        max_tokens=500,
        system=[
            {"type": "text", "text": CURRICULUM, "cache_control": {"type": "ephemeral"}},
            # After the last breakpoint: this block is not cached, so the clock may change it freely.
            {"type": "text", "text": f"Session started at {datetime.now():%H:%M}. Keep the hint under 60 words."},
        ],
        messages=[{"role": "user", "content": f"Problem: {problem}\n\nMy working so far:\n{working}"}],
    )
    track(student_id, response)
    return response.content[0].text
