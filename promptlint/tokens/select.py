"""Which counters a run uses: the best offline one, and the API only when asked."""

from __future__ import annotations

import os

from . import Counter
from .heuristic import HeuristicCounter

MODES = ("offline", "api")


def offline_counter() -> Counter:
    """ctok where it is installed (``promptlint[exact]``), else the character-class bands."""
    from .exact import CtokCounter, available

    return CtokCounter() if available() else HeuristicCounter()


def api_counter(timeout: float = 10.0):
    """(counter, None) for --tokens api, or (None, why not) — the key comes from the environment."""
    key = os.environ.get("ANTHROPIC_API_KEY")
    if not key:
        return None, "--tokens api needs ANTHROPIC_API_KEY in the environment; offline estimates were used"
    from .api import ApiCounter
    from .cache import CountCache

    counter = ApiCounter(
        api_key=key,
        base_url=os.environ.get("ANTHROPIC_BASE_URL") or None,
        timeout=timeout,
        cache=CountCache(CountCache.default_folder()),
    )
    return counter, None
