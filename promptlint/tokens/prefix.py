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
    counts = PrefixCounts(blocks, counter, family, frame_per_message)
    counts.extend(max(wanted, default=-1))
    return {index: counts.estimate(index) for index in range(counts.counted) if index in wanted}


class PrefixCounts:
    """``estimate_prefixes`` for every block index, counted as far as has been asked.

    A request's breakpoints, its whole length and whatever else a rule or the simulator
    asks about are all prefixes of one sequence of blocks: each block is counted once,
    however many prefixes and in whatever order they are asked for.
    """

    def __init__(
        self,
        blocks: Sequence[Block],
        counter: Counter,
        family: Family,
        frame_per_message: int,
        sized: Sequence[tuple[str, bool]] | None = None,
    ) -> None:
        self.blocks = blocks
        self.counter = counter
        self.family = family
        self.frame = frame_per_message
        # Each block's ``text.sized_text()``, when the caller has them already.
        self.sized = sized
        # Through block i, for each i counted so far: (low, point, high, method, settled).
        self._totals: list[tuple[int, int, float, str, bool]] = []
        self._total: tuple[int, int, float, str, bool] = (0, 0, 0, counter.name, True)
        self._unbounded = False
        self._messages: set[int] = set()
        self._has_tools = False

    @property
    def counted(self) -> int:
        return len(self._totals)

    @property
    def totals(self) -> list[tuple[int, int, float, str, bool]]:
        """(low, point, high, method, settled) through each block counted so far."""
        return list(self._totals)

    def preset(self, totals: list[tuple[int, int, float, str, bool]]) -> None:
        """Take ``totals`` of every block, counted elsewhere with the same counter and family.

        Every block is then counted, so ``extend`` never runs on from the running sums it
        would otherwise keep (left as they are).
        """
        if len(totals) != len(self.blocks):
            raise ValueError(f"{len(totals)} counts for {len(self.blocks)} blocks")
        self._totals = list(totals)

    def estimate(self, index: int) -> Estimate:
        low, point, high, method, settled = self._totals[index]
        return Estimate(low, point, high, method, settled)

    def extend(self, end: int) -> None:
        """Count blocks up to index ``end`` (clamped to the blocks there are)."""
        blocks, totals = self.blocks, self._totals
        stop = min(end + 1, len(blocks))
        if len(totals) >= stop:
            return
        counter, family, sized = self.counter, self.family, self.sized
        count_one = getattr(counter, "count_one", None)
        low, point, high, method, settled = self._total
        unbounded, messages, has_tools = self._unbounded, self._messages, self._has_tools
        for index in range(len(totals), stop):
            block = blocks[index]
            has_tools = has_tools or block.section is Section.TOOLS
            if block.message_index is not None:
                messages.add(block.message_index)
            text, bounded = sized[index] if sized is not None else block.text.sized_text()
            if block.content is ContentKind.MEDIA or not bounded:
                unbounded = True
            if text:
                if count_one is not None:
                    part_low, part_point, part_high, method, part_settled = count_one(text, block.content, family)
                else:
                    part = counter.count([(text, block.content)], family)
                    part_low, part_point, part_high, method, part_settled = part.low, part.point, part.high, part.method, part.settled
                low, point, high, settled = low + part_low, point + part_point, high + part_high, settled and part_settled
            overhead = self.frame * max(1, len(messages)) + (family.tool_overhead if has_tools else 0)
            totals.append((low, point, math.inf if unbounded else high + overhead, method, settled))
        self._total = (low, point, high, method, settled)
        self._unbounded, self._has_tools = unbounded, has_tools


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
