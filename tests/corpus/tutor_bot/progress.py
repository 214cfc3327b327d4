"""Per-student usage, stored with the session for the cost dashboard."""

from collections import Counter

SESSION_USAGE: dict[str, Counter] = {}


def track(student_id: str, response) -> None:
    usage = response.usage.model_dump()
    totals = SESSION_USAGE.setdefault(student_id, Counter())
    totals["input_tokens"] += usage["input_tokens"]
    totals["output_tokens"] += usage["output_tokens"]
    totals["cache_read_input_tokens"] += usage.get("cache_read_input_tokens") or 0
    totals["cache_creation_input_tokens"] += usage.get("cache_creation_input_tokens") or 0
