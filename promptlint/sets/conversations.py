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

from typing import Sequence

from ..request import Request, RequestSet, Section
from .diff import canonical

def _messages(request: Request) -> int:
    indices = {b.message_index for b in request.blocks if b.section is Section.MESSAGES}
    return len(indices)


def _opening(request: Request) -> str | None:
    first = [canonical(b) for b in request.blocks if b.section is Section.MESSAGES and b.message_index == 0]
    return "\x1e".join(first) if first else None


def turns(members: RequestSet, order: Sequence[int]) -> list[tuple[int, int]]:
    """(earlier, later) index pairs: each request and the turn of its conversation before it.

    ``order`` is the order requests were sent in (by index into ``members.requests``).
    """
    sessions = members.sessions
    last: dict[str, int] = {}
    sizes: dict[int, int] = {}
    out = []
    for i in order:
        request = members.requests[i]
        size = _messages(request)
        if not size:
            continue
        named = sessions[i] if i < len(sessions) else None
        key = named if named is not None else _opening(request)  # an id, or the opening message's JSON
        if key is None:
            continue
        before = last.get(key)
        if before is not None and size > sizes[before]:
            out.append((before, i))
        last[key], sizes[i] = i, size
    return out
