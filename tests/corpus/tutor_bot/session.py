"""A tutoring session: one student, many turns."""

import anthropic

from curriculum import CURRICULUM, MODEL
from progress import track


class TutorSession:
    def __init__(self, student_id: str) -> None:
        self._client = anthropic.Anthropic()
        self.student_id = student_id
        self.history: list[dict] = []

    def ask(self, text: str, show_work: bool = False) -> str:
        self.history.append({"role": "user", "content": text})
        response = self._client.messages.create(
            model=MODEL,
            max_tokens=4000,
            system=CURRICULUM,
            messages=self.history,
            # Automatic caching: the breakpoint moves to the newest turn as the conversation grows,
            # and each request extends the one before it.
            cache_control={"type": "ephemeral"},
            # Turning thinking on and off from one turn to the next invalidates the cached messages.
            thinking={"type": "enabled", "budget_tokens": 2000} if show_work else {"type": "disabled"},  # expect: PC104
        )
        track(self.student_id, response)
        self.history.append({"role": "assistant", "content": response.content})
        return "".join(block.text for block in response.content if block.type == "text")
