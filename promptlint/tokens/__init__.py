"""Token counts for prefixes: one interface, several counters.

A count is a band, ``low <= true <= high``, with a point estimate and the method
that produced it; content whose size cannot be known offline (images, holes) makes
``high`` infinite rather than guessed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol, Sequence

from ..registry import Family
from ..request import ContentKind

Segment = tuple[str, ContentKind]


@dataclass(frozen=True)
class Estimate:
    low: int
    point: int
    high: float  # math.inf when some content has no known size
    method: str
    # False when some content's band is not trustworthy enough to decide on.
    settled: bool = True

    @property
    def bounded(self) -> bool:
        return self.high != math.inf

    def plus(self, low: int, point: int, high: float) -> "Estimate":
        return Estimate(self.low + low, self.point + point, self.high + high, self.method, self.settled)

    def describe(self) -> str:
        """'~1,064 tokens (offline estimate 980–1,150)'."""
        high = f"{int(self.high):,}" if self.bounded else "unknown"
        unit = "token" if self.point == 1 else "tokens"
        if self.low == self.high:
            return f"{self.low:,} {unit} ({self.method})"
        return f"~{self.point:,} {unit} ({self.method} {self.low:,}–{high})"


class Counter(Protocol):
    name: str

    def count(self, segments: Sequence[Segment], family: Family) -> Estimate: ...
