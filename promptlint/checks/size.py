"""Prefixes too short to be cached: PC301, PC302."""

from __future__ import annotations

from typing import Iterator

from ..diagnostic import Fix, Severity
from ..tokens.verdict import Verdict
from . import Finding, rule
from .analysis import Analysis, SizeCheck


def _subject(check: SizeCheck) -> str:
    if check.marked.automatic:
        return "prefix at the automatic breakpoint"
    return f"prefix at breakpoint {check.marked.number}"


def _data(a: Analysis, check: SizeCheck) -> dict:
    est = check.estimate
    return {
        "tokens": {"low": est.low, "point": est.point, "high": est.high if est.bounded else None, "method": est.method},
        "minimum": check.minimum,
        "model": a.sizing_model.id if a.sizing_model else a.request.model,
        "platform": a.platform,
        "verdict": check.verdict.value,
    }


# What a marker under the minimum does. Gemini's explicit cache is a resource of its own,
# not a marker in a request: what it does when too small is not in facts.md, so it is not said.
_EFFECT = {
    "anthropic": "the breakpoint is silently ignored and nothing is cached",
    "gemini": "the content is too small to cache, and nothing is cached",
}


@rule(
    "PC301",
    "prefix-below-minimum",
    Severity.ERROR,
    "The prefix up to a breakpoint is certainly shorter than the model's minimum: the breakpoint is silently ignored.",
)
def prefix_below_minimum(a: Analysis) -> Iterator[Finding]:
    for check in a.size_checks:
        if check.verdict is Verdict.BELOW and check.minimum is not None:
            yield Finding(
                check.marked.breakpoint.span,
                f"{_subject(check)} is {check.estimate.describe()}; {check.model_name} caches only from "
                f"{check.minimum:,} tokens on {a.platform}: {_EFFECT.get(a.request.provider, _EFFECT['anthropic'])}",
                fix=Fix(
                    f"the prefix needs about {check.minimum - check.estimate.point:,} more tokens: put more shared "
                    "content before the breakpoint, or use a model with a lower minimum; otherwise drop the breakpoint"
                ),
                data=_data(a, check),
            )


@rule(
    "PC302",
    "prefix-near-minimum",
    Severity.WARNING,
    "The token count cannot settle whether the prefix reaches the model's minimum.",
)
def prefix_near_minimum(a: Analysis) -> Iterator[Finding]:
    for check in a.size_checks:
        if check.verdict is not Verdict.UNCERTAIN:
            continue
        if check.minimum is None:
            why = f"the minimum of {check.model_name} is not known"
        elif not a.family.cpt:
            # No chars-per-token bands for this tokenizer (Gemini, OpenAI, DeepSeek): the offline
            # count has no lower bound, so it can never settle a prefix as long enough.
            why = f"promptlint has no offline token bands for the {a.family.name} tokenizer, so no count settles whether it reaches {check.model_name}'s minimum of {check.minimum:,}"
        elif not check.estimate.bounded:
            why = f"content of unknown size (images, documents or values filled in later) stands before it, and {check.model_name} caches only from {check.minimum:,}"
        else:
            why = f"too close to {check.model_name}'s minimum of {check.minimum:,} to tell"
        yield Finding(
            check.marked.breakpoint.span,
            f"{_subject(check)} is {check.estimate.describe()}: {why}",
            fix=Fix("count it exactly with the count_tokens API before relying on this breakpoint"),
            data=_data(a, check),
        )
