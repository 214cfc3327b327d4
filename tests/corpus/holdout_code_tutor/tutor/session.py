"""Interactive tutoring: the conversation grows turn by turn and is streamed to the terminal."""

from __future__ import annotations

import anthropic

from tutor.client import MODEL


class TutorSession:
    def __init__(self, system: str) -> None:
        self.client = anthropic.Anthropic()
        self.system = system
        self.history: list[dict] = []

    def send(self, text: str) -> str:
        self.history.append({"role": "user", "content": text})
        with self.client.messages.stream(
            model=MODEL,
            max_tokens=1500,
            system=self.system,
            messages=self.history,
            cache_control={"type": "ephemeral"},
        ) as stream:
            for chunk in stream.text_stream:
                print(chunk, end="", flush=True)
            final = stream.get_final_message()
        print()
        self.history.append({"role": "assistant", "content": final.content})
        return "".join(block.text for block in final.content if block.type == "text")
