"""Whether a counted prefix reaches a model's minimum."""

from __future__ import annotations

import enum

from . import Estimate


class Verdict(str, enum.Enum):
    BELOW = "certainly below"
    ABOVE = "certainly above"
    UNCERTAIN = "uncertain"


def judge(estimate: Estimate, minimum: int, margin: float) -> Verdict:
    """Decide only outside ``margin`` (a fraction of the minimum) on either side of it.

    Even an exact count close to the minimum is uncertain: the provider's own count
    is an estimate, and the minimum has moved more than once. A count not settled (text in
    scripts the bands were not measured on) can still be certainly below: its high is the
    text's UTF-8 length, and a token covers at least a byte.
    """
    if estimate.high < minimum * (1 - margin):  # an unsettled count's high is still a bound
        return Verdict.BELOW
    if not estimate.settled:
        return Verdict.UNCERTAIN
    if estimate.low >= minimum * (1 + margin):
        return Verdict.ABOVE
    return Verdict.UNCERTAIN
