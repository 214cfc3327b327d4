"""Exact offline counts from ctok (tokens.md §2.4, §6 step 2).

ctok (MIT, ``promptlint[exact]``, Python >= 3.12) rebuilds Claude's ``count_tokens``
result for one user message from a measured vocabulary. ``token_count(text, v)``
includes the message frame, so a segment's content is the count minus ctok's frame
for that family. The band is ``exact_low_margin``/``exact_high_margin`` times the
summed content ([counting] in the registry); the frame and the tool-use system prompt
are the prefix's overheads, added by ``prefix.py``. A family ctok does not model
(no ``ctok_version``) is counted by the character-class heuristic instead, and the
estimate's ``method`` says so.
"""

from __future__ import annotations

import importlib.util
import math
from functools import lru_cache
from typing import Any, Callable, Sequence

from ..registry import Family, bundled
from . import Estimate, Segment
from .heuristic import HeuristicCounter

_CACHE_SIZE = 8192
_PAD = "\u27e8pad\u27e9"  # ⟨pad⟩: how ctok's tokenize() spells a frame token


def available() -> bool:
    """True when ctok can be imported (it is an optional extra that needs Python >= 3.12)."""
    try:
        return importlib.util.find_spec("ctok") is not None
    except (ImportError, ValueError):
        return False


@lru_cache(maxsize=1)
def _ctok() -> Any:
    import ctok  # noqa: PLC0415  (lazy: optional, and its vocabularies take a while to load)

    return ctok


@lru_cache(maxsize=None)
def _frame(version: str) -> int:
    """ctok's message frame for ``version``: the ⟨pad⟩ tokens its tokenize() puts first.

    Not ``token_count("")``: on v3 and v4.7 an empty message also pays the ⟨bow⟩ that
    ends the frame (8 and 12, against frames of 7 and 11).
    """
    tokens = _ctok().tokenize("x", version)
    return next(i for i, token in enumerate(tokens) if token != _PAD)


class CtokCounter:
    name = "ctok count"

    def __init__(self) -> None:
        self._fallback = HeuristicCounter()
        counting = bundled().counting
        self._low_margin = float(counting["exact_low_margin"])
        self._high_margin = float(counting["exact_high_margin"])
        # The same system prompt is counted for every request of a log and every breakpoint.
        self._content: dict[tuple[str, str], int] = {}
        self._count_fn: Callable[[str, str], int] | None = None

    def count(self, segments: Sequence[Segment], family: Family) -> Estimate:
        version = family.ctok_version
        if not version:
            return self._fallback.count(segments, family)
        content = sum(self.content(text, version) for text, _ in segments)
        low = math.floor(self._low_margin * content)
        high = math.ceil(self._high_margin * content)
        return Estimate(low, content, high, self.name)

    def content(self, text: str, version: str) -> int:
        """Tokens of ``text`` as message content (the frame taken off) for ctok ``version``."""
        if not text:
            return 0  # no block, no tokens (ctok prices an empty message at frame + 1)
        key = (text, version)
        hit = self._content.get(key)
        if hit is None:
            if self._count_fn is None:
                self._count_fn = _ctok().token_count
            if len(self._content) >= _CACHE_SIZE:
                self._content.clear()
            hit = self._content[key] = max(0, self._count_fn(text, version) - _frame(version))
        return hit


__all__ = ["CtokCounter", "available"]
