"""Money left on the table: PC206."""

from __future__ import annotations

from typing import Iterator

from ..diagnostic import Fix, Severity
from ..request import Section
from ..tokens.verdict import Verdict
from . import Finding, rule
from .analysis import Analysis


def _static_prefix_end(a: Analysis) -> int | None:
    """Index of the last block of the prefix that is the same on every request.

    Tools and system for a rendered request (it is a template whose messages vary);
    in code, every block up to the first value that varies.
    """
    end = None
    for index, block in enumerate(a.request.blocks):
        if not block.text.is_static or block.section is Section.MESSAGES:
            break
        end = index
    return end


@rule(
    "PC206",
    "uncached-static-prefix",
    Severity.INFO,
    "An opt-in provider request sends a static prefix above the model's minimum with no breakpoint.",
)
def uncached_static_prefix(a: Analysis) -> Iterator[Finding]:
    if not a.facts.opt_in or a.marked or a.rejected or a.sizing_model is None:
        return
    if a.request.in_batch and not a.facts.batch_caching:
        return
    end = _static_prefix_end(a)
    if end is None:
        return
    estimate, minimum, verdict = a.judge_prefix(end, precise=True)  # its band is printed
    if verdict is not Verdict.ABOVE or minimum is None:
        return
    block = a.request.blocks[end]
    yield Finding(
        block.span,
        f"static {' + '.join(_sections(a, end))} prefix is {estimate.describe()}, above {a.model_name}'s minimum of "
        f"{minimum:,}, but nothing marks it for caching: every request pays full input price for it",
        fix=Fix('add cache_control {"type": "ephemeral"} to this block, the last one that is the same on every request'),
    )


def _sections(a: Analysis, end: int) -> list[str]:
    seen: list[str] = []
    for block in a.request.blocks[: end + 1]:
        if block.section.value not in seen:
            seen.append(block.section.value)
    return seen
