"""What the rules need to know about one request, worked out once and shared.

The model it resolves to, the caching facts of its platform, which part of the
prompt is cached, whether the API would reject it, and how many tokens each
breakpoint's prefix holds: several rules ask the same questions, so the answers
are computed here, lazily, and cached on the analysis.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any, Callable, Protocol

from ..registry import Family, Model, ProviderFacts, Registry, Resolution
from ..request import Block, Breakpoint, Request, Section, Text
from ..tokens import Counter, Estimate
from ..tokens.prefix import PrefixCounts, anthropic_prefix_body
from ..tokens.verdict import Verdict, judge

class ApiCount(Protocol):
    name: str
    last_error: str | None

    def count(self, body: dict, family: str, sibling: str | None = None) -> int | None: ...


_SHAPE_NAMES = {
    "anthropic": "Anthropic Messages",
    "openai-chat": "OpenAI Chat Completions",
    "openai-responses": "OpenAI Responses",
    "bedrock-converse": "Bedrock Converse",
    "gemini": "Gemini generateContent",
}


@dataclass(frozen=True)
class Context:
    """What every analysis of one run shares."""

    registry: Registry
    counter: Counter
    as_of: dt.date
    safety_margin: float
    default_model: str | None = None
    # Exact counts through count_tokens, only when the user asked for them (--tokens api).
    api: ApiCount | None = None
    # One line each on what the run could not do as asked (e.g. the API was unreachable).
    notices: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Marked:
    """A breakpoint in prefix order, with the index of the block it closes."""

    number: int  # 1-based, in prefix order
    index: int  # index of the last block of its prefix
    breakpoint: Breakpoint
    automatic: bool = False


@dataclass(frozen=True)
class SizeCheck:
    marked: Marked
    estimate: Estimate
    minimum: int | None  # None when the model (and so its minimum) is unknown
    verdict: Verdict
    model_name: str


class cached_property:  # noqa: N801 - used as functools.cached_property is
    """``functools.cached_property`` without its lock.

    Python 3.11's takes a lock on every first access, which costs more than most of the
    answers cached here, and an analysis is never shared between threads.
    """

    def __init__(self, func: Callable) -> None:
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: object, owner: type | None = None) -> Any:
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.func(obj)
        return value


class Analysis:
    def __init__(self, request: Request, ctx: Context) -> None:
        self.request = request
        self.ctx = ctx
        self._estimates: dict[int, Estimate] = {}
        self._counts: PrefixCounts | None = None
        self._sized: list[tuple[str, bool]] | None = None  # each block's text.sized_text()
        self._chars: list[int] | None = None  # characters through each block, for rough_estimate
        self._first_not_ascii = 0
        self._widest: float | None = None  # the family's most characters per token
        # (request number in its set, prefix identity through each block), when another
        # process worked them out already.
        self.known_chain: tuple[int, list[bytes]] | None = None
        self._judged: dict[tuple[int, bool, bool], tuple[Estimate, int | None, Verdict]] = {}

    @property
    def shape_name(self) -> str:
        return _SHAPE_NAMES.get(self.request.provider, self.request.provider)

    # -- model and platform ---------------------------------------------------

    @cached_property
    def resolution(self) -> Resolution | None:
        return self.ctx.registry.resolve(self.request.model) if self.request.model else None

    @cached_property
    def model(self) -> Model | None:
        return self.resolution.model if self.resolution else None

    @cached_property
    def sizing_model(self) -> Model | None:
        """The model whose minimum applies: the request's, else the configured default."""
        if self.model:
            return self.model
        return self.ctx.registry.resolve(self.ctx.default_model).model if self.ctx.default_model else None

    @property
    def platform(self) -> str:
        return self.request.platform

    @cached_property
    def facts(self) -> ProviderFacts:
        return self.ctx.registry.provider(self.platform)

    @cached_property
    def family(self) -> Family:
        return self.ctx.registry.family(self.sizing_model.family if self.sizing_model else None)

    # -- breakpoints ------------------------------------------------------------

    @cached_property
    def marked(self) -> list[Marked]:
        """Every breakpoint in prefix order; automatic caching marks the last cacheable block."""
        marks = [
            Marked(n, i, b.breakpoint)  # type: ignore[arg-type]
            for n, (i, b) in enumerate(((i, b) for i, b in enumerate(self.request.blocks) if b.breakpoint), start=1)
        ]
        auto = self.request.automatic_cache
        if auto is not None and self.request.blocks:
            last = max((i for i, b in enumerate(self.request.blocks) if can_carry(b)), default=None)
            if last is not None:
                marks.append(Marked(len(marks) + 1, last, auto, automatic=True))
        return marks

    def ttl(self, breakpoint: Breakpoint) -> str | None:
        """The lifetime a breakpoint asks for, the platform's default when it names none."""
        if breakpoint.ttl is not None:
            return breakpoint.ttl
        if isinstance(breakpoint.value, dict) and "ttl" in breakpoint.value:
            return None  # a ttl that is not a string: PC205 says so
        return self.facts.default_ttl

    @cached_property
    def caches(self) -> bool:
        """Whether the provider caches any of this request at all."""
        return bool(self.marked) or not self.facts.opt_in

    @cached_property
    def cached_blocks(self) -> list[tuple[int, Block]]:
        """Blocks whose bytes decide whether the cache is read.

        With breakpoints, everything at or before the last one. With automatic caching
        (Anthropic top-level cache_control, or a provider that caches by itself), the
        part that should be the same on every request: tools and system.
        """
        explicit = [m for m in self.marked if not m.automatic]
        if explicit:
            end = explicit[-1].index
            return list(enumerate(self.request.blocks[: end + 1]))
        if self.caches:
            return [(i, b) for i, b in enumerate(self.request.blocks) if b.section is not Section.MESSAGES]
        return []

    # -- precedence ---------------------------------------------------------------

    @cached_property
    def rejected(self) -> bool:
        """Whether the API would refuse this request (then cost does not matter)."""
        from . import structure  # the rules that decide it

        call = self.request.call
        return bool(
            self.request.shape_problems
            or (call is not None and call.loop_breakpoints)
            or structure.excess_breakpoints(self)
            or structure.ttl_order_violations(self)
            or self.invalid_marks
        )

    # -- size -------------------------------------------------------------------

    def prefix_estimate(self, end: int) -> Estimate:
        if end not in self._estimates:
            counts = self._prefix_counts()
            counts.extend(end)
            if 0 <= end < counts.counted:
                self._estimates[end] = counts.estimate(end)
        return self._estimates[end]

    def _prefix_counts(self) -> PrefixCounts:
        if self._counts is None:
            frame = int(self.ctx.registry.counting.get("frame_max_per_message", 0))
            self._counts = PrefixCounts(self.request.blocks, self.ctx.counter, self.family, frame, self._sized_texts())
        return self._counts

    def all_counts(self) -> list:
        """The counts through every block (``PrefixCounts.totals``), for ``given_counts``."""
        counts = self._prefix_counts()
        counts.extend(len(self.request.blocks) - 1)
        return counts.totals

    def given_counts(self, totals: list) -> None:
        """Take ``all_counts`` of this request as another process worked them out."""
        self._prefix_counts().preset(totals)

    def answers(self, known_only: bool = False) -> Answers | None:
        """What the cache rules ask of every request, as plain values another process can
        hand over: which breakpoints the API rejects or ignores, each prefix judged.
        ``known_only``: None unless all of them are worked out already."""
        if known_only and not all(name in self.__dict__ for name in _ANSWERED):
            return None
        return Answers(self.rejected, self.invalid_marks, self.ignored_breakpoints, dict(self._judged))

    def given_answers(self, answers: Answers) -> None:
        """Take ``answers`` of this request as another process worked them out."""
        for name in _ANSWERED:  # cached properties: an answer given is one worked out
            self.__dict__[name] = getattr(answers, name)
        self._judged.update(answers.judged)

    def _sized_texts(self) -> list[tuple[str, bool]]:
        """``block.text.sized_text()`` of each block, worked out once."""
        if self._sized is None:
            self._sized = [_sized_text(b.text) for b in self.request.blocks]
        return self._sized

    def minimum(self) -> int | None:
        model = self.sizing_model
        if model is not None:
            return model.minimum(self.platform)
        return self.facts.minimum if not self.facts.opt_in else None

    def margin(self) -> float:
        return max(self.ctx.safety_margin, self.family.never_certain_within)

    def judge_prefix(self, end: int, exact: bool = False, precise: bool = False) -> tuple[Estimate, int | None, Verdict]:
        """Count the prefix through block ``end`` and compare it with the minimum.

        Most prefixes are far above their minimum: the widest band any content could have
        settles those from character counts alone, and only the rest are counted closely
        (``precise`` asks for the close count whatever, for a number that will be shown).
        With --tokens api, a prefix the offline band cannot settle (or, with ``exact``,
        every prefix) is counted by count_tokens; an exact count inside the safety margin
        still settles nothing. With no minimum (unknown model, or one whose minimum is not
        documented) only a prefix above every minimum the provider's models have is settled.
        """
        if self.ctx.api is not None:  # not remembered: a count_tokens call that failed is tried again
            return self._judge_prefix(end, exact, precise)
        key = (end, exact, precise)
        judged = self._judged.get(key)
        if judged is None:
            judged = self._judged[key] = self._judge_prefix(end, exact, precise)
        return judged

    def _judge_prefix(self, end: int, exact: bool, precise: bool) -> tuple[Estimate, int | None, Verdict]:
        minimum = self.minimum()
        if minimum is not None and not (precise or exact):
            rough = self.rough_estimate(end)
            if rough is not None and judge(rough, minimum, self.margin()) is Verdict.ABOVE:
                return rough, minimum, Verdict.ABOVE
        estimate = self.prefix_estimate(end)
        if minimum is not None:
            verdict = judge(estimate, minimum, self.margin())
            if verdict is Verdict.BELOW and self.request.model_chosen and not self._below_every_minimum(estimate):
                verdict = Verdict.UNCERTAIN  # below this model's minimum, maybe not the one sent
            if self.ctx.api is not None and (exact or verdict is Verdict.UNCERTAIN):
                counted = self.api_estimate(end)
                if counted is not None:
                    return counted, minimum, judge(counted, minimum, self.ctx.safety_margin)
            return estimate, minimum, verdict
        known = self.ctx.registry.minimums(self.model.provider if self.model else _provider_family(self.request))
        if known and judge(estimate, known[-1], self.margin()) is Verdict.ABOVE:
            return estimate, None, Verdict.ABOVE
        return estimate, None, Verdict.UNCERTAIN

    def _below_every_minimum(self, estimate: Estimate) -> bool:
        """Below the smallest minimum of any model of the provider: whichever is sent."""
        known = self.ctx.registry.minimums(self.model.provider if self.model else _provider_family(self.request))
        return bool(known) and judge(estimate, known[0], self.margin()) is Verdict.BELOW

    def rough_estimate(self, end: int) -> Estimate | None:
        """The widest band of the prefix through ``end``, from its length alone.

        Every content kind's chars-per-token range lies within the family's extremes, so
        this band contains the close one; it needs no classification. Only for ASCII text
        (other scripts can leave a count unsettled) and for families with measured bands.
        """
        cpt = self.family.cpt
        if not cpt:
            return None
        sums = self._char_sums()
        count = len(range(len(sums))[: end + 1])  # blocks[: end + 1], as a slice counts them
        if count > self._first_not_ascii:
            return None
        chars = sums[count - 1] if count else 0
        if self._widest is None:
            self._widest = max(band[2] for band in cpt.values())
        low = int(chars / self._widest)
        return Estimate(low, low, math.inf, self.ctx.counter.name)

    def text_length(self) -> int:
        """Characters of text in the request's blocks, as they are counted."""
        sums = self._char_sums()
        return sums[-1] if sums else 0

    def _char_sums(self) -> list[int]:
        if self._chars is None:
            self._chars, self._first_not_ascii = _char_sums(self._sized_texts())
        return self._chars

    def api_estimate(self, end: int) -> Estimate | None:
        """The count_tokens count of the prefix through block ``end``, if it can be had."""
        api, model = self.ctx.api, self.sizing_model
        if api is None or model is None or model.provider != "anthropic" or self.request.provider != "anthropic":
            return None
        blocks = self.request.blocks[: end + 1]
        body = anthropic_prefix_body(blocks, model.id)
        if body is None:
            return None
        count = api.count(body, self.family.name, sibling=self.family.count_model)
        if count is None:
            self.ctx.notices.add(f"count_tokens could not count a prefix ({api.last_error}); offline estimates were used")
            return None
        # A prefix that ends before the first message was sent with a one-character user turn.
        slack = 0 if any(b.section is Section.MESSAGES for b in blocks) else int(self.ctx.registry.counting.get("frame_max_per_message", 0)) + 1
        return Estimate(max(0, count - slack), count, count, api.name)

    @cached_property
    def invalid_marks(self) -> set[int]:
        """Numbers of breakpoints the API rejects outright (PC205)."""
        from . import structure

        return {marked.number for marked, _ in structure.invalid_breakpoints(self)}

    @cached_property
    def size_checks(self) -> list[SizeCheck]:
        """Each breakpoint's prefix against the minimum, except breakpoints the API rejects."""
        checks = []
        for marked in self.marked:
            if marked.number in self.invalid_marks:
                continue
            estimate, minimum, verdict = self.judge_prefix(marked.index)
            checks.append(SizeCheck(marked, estimate, minimum, verdict, self.model_name))
        return checks

    @cached_property
    def ignored_breakpoints(self) -> set[int]:
        """Numbers of breakpoints whose prefix is certainly too short to be cached."""
        return {c.marked.number for c in self.size_checks if c.verdict is Verdict.BELOW}

    @cached_property
    def live(self) -> list[Marked]:
        """Breakpoints that are accepted and long enough to write anything."""
        if self.rejected:
            return []
        return [m for m in self.marked if m.number not in self.ignored_breakpoints and m.number not in self.invalid_marks]

    @cached_property
    def nothing_cached(self) -> bool:
        """Whether no part of this request can be cached: no breakpoint, or every one too short."""
        if self.marked:
            return all(m.number in self.ignored_breakpoints or m.number in self.invalid_marks for m in self.marked)
        if self.facts.opt_in or not self.request.blocks:
            return True
        return self.judge_prefix(len(self.request.blocks) - 1)[2] is Verdict.BELOW

    @property
    def model_name(self) -> str:
        if self.model:
            return self.model.id
        if self.sizing_model:
            return f"{self.sizing_model.id} (the configured default model)"
        return repr(self.request.model) if self.request.model else "the model"


@dataclass(frozen=True)
class Answers:
    """``Analysis.answers``."""

    rejected: bool
    invalid_marks: set[int]
    ignored_breakpoints: set[int]
    judged: dict[tuple[int, bool, bool], tuple[Estimate, int | None, Verdict]]


# The cached properties Answers carries, by name: renaming one fails here, not silently.
_ANSWERED = ("rejected", "invalid_marks", "ignored_breakpoints")
assert all(isinstance(Analysis.__dict__[name], cached_property) for name in _ANSWERED)


def _char_sums(sized: list[tuple[str, bool]]) -> tuple[list[int], int]:
    """Characters of the sized text through each block, and how many blocks lead before
    the first whose text is not ASCII (all of them when none)."""
    sums, chars, first = [], 0, len(sized)
    for index, (text, _) in enumerate(sized):
        if first == len(sized) and not text.isascii():
            first = index
        chars += len(text)
        sums.append(chars)
    return sums, first


def _sized_text(text: Text) -> tuple[str, bool]:
    pieces = text.pieces
    if len(pieces) == 1 and type(pieces[0]) is str:  # nearly every block of a rendered request
        return pieces[0], True
    return text.sized_text()


def can_carry(block: Block) -> bool:
    """Whether a block may carry a breakpoint (facts.md §1.9)."""
    if block.type in ("thinking", "redacted_thinking", "cachePoint"):
        return False
    if block.type == "text":
        pieces = block.text.pieces
        if len(pieces) == 1 and type(pieces[0]) is str:  # the usual literal: it carries if not empty
            return bool(pieces[0])
        if block.text.is_static and not block.text.known_text():
            return False
    return True


def _provider_family(request: Request) -> str:
    if request.provider == "gemini":
        return "gemini"
    return "openai" if request.provider.startswith("openai") else "anthropic"
