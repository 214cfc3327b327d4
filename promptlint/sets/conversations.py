"""Which request of a set continues which: the conversations in a log.

A request continues an earlier one when both belong to the same conversation and it has
more messages: a conversation grows by appending turns, and each turn re-sends the ones
before it. The conversation is the one the record names (a session, conversation or
thread id on the record, or in the request's ``metadata``; a user id, since one user's
turns usually form one conversation at a time), else the one its opening message starts:
requests whose first message is the same are taken as turns of one conversation. Without
an id, a turn that edits the opening message starts a new conversation, and is not
compared with the turns before it.
"""

from __future__ import annotations

import hashlib
from typing import TypeVar

from ..request import Request, Section
from .simulate import block_digest

T = TypeVar("T")


def _messages(request: Request) -> int:
    indices = {b.message_index for b in request.blocks if b.section is Section.MESSAGES}
    return len(indices)


def _opening(request: Request, number: int) -> str | None:
    # ``number`` makes an unknown value (a hole) in the opening message equal no other request's.
    first = [block_digest(b, number) for b in request.blocks if b.section is Section.MESSAGES and b.message_index == 0]
    if not first:
        return None
    return hashlib.blake2b(b"".join(first), digest_size=16).hexdigest()


# A conversation idle this long can no longer read what it cached (the longest TTL is an
# hour): it is forgotten, which keeps a long log's memory to the conversations under way.
IDLE_SECONDS = 2 * 3600
SWEEP_EVERY = 1_000


class Conversations:
    """Links each request to the turn of its conversation before it, as requests arrive in order."""

    def __init__(self) -> None:
        self.last: dict[str, tuple[object, int, float]] = {}  # key -> (turn, messages, time)
        self.seen = 0

    def link(self, turn: T, number: int, request: Request, session: str | None, now: float) -> T | None:
        """Remember ``turn``; return the conversation's turn before it, if this one continues it."""
        self.seen += 1
        if self.seen % SWEEP_EVERY == 0:
            self.last = {k: v for k, v in self.last.items() if now - v[2] <= IDLE_SECONDS}
        size = _messages(request)
        if not size:
            return None
        key = session if session is not None else _opening(request, number)  # an id, or the opening message's JSON
        if key is None:
            return None
        before = self.last.get(key)
        self.last[key] = (turn, size, now)
        if before is not None and size > before[1]:
            return before[0]  # type: ignore[return-value]
        return None
