"""Counting the cacheable prefix of a request up to a block."""

from __future__ import annotations

import math
from typing import Sequence

from ..registry import Family
from ..request import Block, ContentKind, Section
from . import Counter, Estimate


def estimate_prefixes(
    blocks: Sequence[Block], ends: Sequence[int], counter: Counter, family: Family, frame_per_message: int
) -> dict[int, Estimate]:
    """Bands for tools + system + messages through each block index in ``ends``.

    The blocks are counted once, in one pass: each prefix extends the one before.
    Message framing and the tool-use system prompt are not in the text: they add
    nothing to ``low`` and their largest known size to ``high`` (tokens.md §6).
    Holes and media have no offline size, so they leave ``high`` unbounded.
    """
    wanted = set(ends)
    out: dict[int, Estimate] = {}
    total = Estimate(0, 0, 0, counter.name)
    unbounded = False
    messages: set[int] = set()
    has_tools = False
    for index, block in enumerate(blocks[: max(wanted, default=-1) + 1]):
        has_tools = has_tools or block.section is Section.TOOLS
        if block.message_index is not None:
            messages.add(block.message_index)
        if block.content is ContentKind.MEDIA or not block.text.is_static:
            unbounded = True
        text = block.text.known_text()
        if text:
            part = counter.count([(text, block.content)], family)
            total = Estimate(total.low + part.low, total.point + part.point, total.high + part.high, part.method, total.settled and part.settled)
        if index in wanted:
            overhead = frame_per_message * max(1, len(messages)) + (family.tool_overhead if has_tools else 0)
            high = math.inf if unbounded else total.high + overhead
            out[index] = Estimate(total.low, total.point, high, total.method, total.settled)
    return out
