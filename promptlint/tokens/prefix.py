"""Counting the cacheable prefix of a request up to a block."""

from __future__ import annotations

import math
from typing import Sequence

from ..registry import Family
from ..request import Block, ContentKind, Section
from . import Counter, Estimate, Segment


def estimate_prefix(
    blocks: Sequence[Block], counter: Counter, family: Family, frame_per_message: int
) -> Estimate:
    """Band for tools + system + messages through the last of ``blocks``.

    Message framing and the tool-use system prompt are not in the text: they add
    nothing to ``low`` and their largest known size to ``high`` (tokens.md §6).
    Holes and media have no offline size, so they leave ``high`` unbounded.
    """
    segments: list[Segment] = []
    unbounded = False
    messages: set[int] = set()
    has_tools = False
    for block in blocks:
        if block.section is Section.TOOLS:
            has_tools = True
        if block.message_index is not None:
            messages.add(block.message_index)
        if block.content is ContentKind.MEDIA or not block.text.is_static:
            unbounded = True
        text = block.text.known_text()
        if text:
            segments.append((text, block.content))
    estimate = counter.count(segments, family)
    overhead = frame_per_message * max(1, len(messages)) + (family.tool_overhead if has_tools else 0)
    estimate = estimate.plus(0, 0, overhead)
    if unbounded:
        estimate = Estimate(estimate.low, estimate.point, math.inf, estimate.method, estimate.settled)
    return estimate
