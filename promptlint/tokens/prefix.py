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
        text, bounded = block.text.sized_text()
        if block.content is ContentKind.MEDIA or not bounded:
            unbounded = True
        if text:
            part = counter.count([(text, block.content)], family)
            total = Estimate(total.low + part.low, total.point + part.point, total.high + part.high, part.method, total.settled and part.settled)
        if index in wanted:
            overhead = frame_per_message * max(1, len(messages)) + (family.tool_overhead if has_tools else 0)
            high = math.inf if unbounded else total.high + overhead
            out[index] = Estimate(total.low, total.point, high, total.method, total.settled)
    return out


def anthropic_prefix_body(blocks: Sequence[Block], model: str) -> dict | None:
    """The Anthropic Messages body holding exactly ``blocks``: what count_tokens must be sent.

    None when a block's exact value is not known (a hole, or a shape lowered from another
    provider). A prefix that ends before the first message gets a one-character user
    message, since count_tokens needs one; its few tokens are the caller's to allow for.
    """
    body: dict = {"model": model}
    messages: list[dict] = []
    for block in blocks:
        if block.raw is None:
            return None
        if block.section is Section.TOOLS:
            body.setdefault("tools", []).append(block.raw)
        elif block.section is Section.SYSTEM:
            if isinstance(block.raw, str):
                body["system"] = block.raw
            else:
                body.setdefault("system", []).append(block.raw)
        else:
            if messages and messages[-1]["_index"] == block.message_index:
                content = messages[-1]["content"]
                content.append(block.raw)
            else:
                raw = block.raw if isinstance(block.raw, str) else [block.raw]
                messages.append({"_index": block.message_index, "role": block.role or "user", "content": raw})
    body["messages"] = [{"role": m["role"], "content": m["content"]} for m in messages] or [
        {"role": "user", "content": "."}
    ]
    return body
