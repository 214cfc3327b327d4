"""The request model: what every front-end produces and every rule reads.

A request is the provider-neutral shape of one LLM call as far as it is known
statically: who it goes to, which parameters change what the provider caches, and
the ordered prefix of blocks (tools, then system, then messages for Anthropic).
A block's text is literal pieces and holes; a hole stands for a value that cannot
be known before the request is sent, labelled with why it varies.

This module imports nothing of the package: it is the contract between front-ends
and rules.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Iterator, Mapping, Sequence, Union


@dataclass(frozen=True, slots=True)
class Span:
    """A place in a source file: 1-based line and column, end inclusive where known."""

    path: str
    line: int
    column: int = 1
    end_line: int | None = None
    end_column: int | None = None
    # Where the element sits in a rendered request: keys and indices from the document root.
    json_path: tuple[str | int, ...] | None = None

    @property
    def pointer(self) -> str | None:
        """RFC 6901 JSON pointer of the element, for rendered requests."""
        if self.json_path is None:
            return None
        return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in self.json_path)


class Section(str, enum.Enum):
    """The cache levels of a prompt, in prefix order."""

    TOOLS = "tools"
    SYSTEM = "system"
    MESSAGES = "messages"


class HoleKind(str, enum.Enum):
    VOLATILE = "volatile"  # time, date, uuid, random, pid, host, env, counter
    PER_REQUEST = "per-request"  # a parameter of the calling function, user input
    UNORDERED = "unordered"  # set iteration, directory listing
    UNSORTED_JSON = "unsorted-json"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Hole:
    """A value that cannot be known statically."""

    kind: HoleKind
    label: str  # what produced it, e.g. "datetime.now()"
    origin: Span | None = None
    # A stand-in of the value's size when only its bytes or order vary (a timestamp, a set
    # of known items, unsorted JSON of a known dict): sizes count it; None: size unknown.
    sample: str | None = None
    # A safe repair the front-end can offer: insert ``text`` at (line, column), 1-based.
    insert: tuple[int, int, str] | None = None
    # Made once, when the module is imported (a module constant): the same on every call of a
    # process, new in the next process.
    at_import: bool = False


Piece = Union[str, Hole]


@dataclass(frozen=True, slots=True)
class Text:
    """Literal pieces and holes, in order."""

    pieces: tuple[Piece, ...] = ()

    @classmethod
    def literal(cls, value: str) -> "Text":
        return cls((value,)) if value else cls(())

    @property
    def holes(self) -> tuple[Hole, ...]:
        return tuple(p for p in self.pieces if isinstance(p, Hole))

    @property
    def is_static(self) -> bool:
        return not any(isinstance(p, Hole) for p in self.pieces)

    def literal_parts(self) -> Iterator[str]:
        return (p for p in self.pieces if isinstance(p, str))

    def known_text(self) -> str:
        """The literal pieces joined; holes contribute nothing."""
        return "".join(self.literal_parts())

    def sized_text(self) -> tuple[str, bool]:
        """Text to measure (holes by their samples), and whether every hole had one."""
        if self.is_static:
            return self.known_text(), True
        parts, bounded = [], True
        for piece in self.pieces:
            if isinstance(piece, str):
                parts.append(piece)
            elif piece.sample is not None:
                parts.append(piece.sample)
            else:
                bounded = False
        return "".join(parts), bounded


@dataclass(frozen=True, slots=True)
class Breakpoint:
    """A marker asking the provider to cache the prefix up to its block.

    ``style`` is the provider's own field: ``cache_control`` (Anthropic),
    ``cachePoint`` (Bedrock Converse) or ``prompt_cache_breakpoint`` (OpenAI).
    ``value`` is the marker as written, so rules can judge its shape; ``ttl`` is
    the lifetime it asks for once the provider's default is applied, or None when
    the value does not say one a provider accepts.
    """

    style: str
    value: object
    ttl: str | None
    span: Span
    # Written on a message rather than on one of its blocks (a LiteLLM habit): the Messages
    # API rejects it there. Carried by the message's last block, where it was meant to be.
    on_message: bool = False


class ContentKind(str, enum.Enum):
    """How a block's text should be measured."""

    TEXT = "text"  # prose or prompt text
    JSON = "json"  # tool definitions, tool inputs, structured data
    MEDIA = "media"  # images, documents, audio: no offline token count


@dataclass(slots=True)
class Block:
    """One element of the prefix: a tool definition, a system block or a message block."""

    section: Section
    type: str  # provider block type: text, image, tool_use, tool_result, thinking, tool, ...
    text: Text
    span: Span
    content: ContentKind = ContentKind.TEXT
    role: str | None = None  # messages only: user, assistant, system
    message_index: int | None = None  # messages only: index of the message in the request
    breakpoint: Breakpoint | None = None
    # The block as the provider receives it, where that is known exactly (a rendered request;
    # a fully static value in code): what an exact count of the prefix must send.
    raw: object = None


@dataclass(slots=True)
class ShapeProblem:
    """Where a rendered request departs from the provider's request shape."""

    message: str
    span: Span


@dataclass(slots=True)
class CallSite:
    """What the code around a call says about how it is sent (requests from Python only).

    ``runs_once``: nothing repeats the call (module-level script code, a ``__main__``
    block, no loop). ``extended``: the messages are a history a later request extends
    (a parameter, an attribute, a list kept across calls), so a breakpoint on the last
    one is read next turn. ``varying``: caching parameters chosen per call: where the
    argument is written, and why it varies. ``fanouts``: where copies of the call start concurrently with no
    warm-up request before them. ``loop_breakpoints``: breakpoints added in a loop over
    blocks with no bound. ``marks_unseen``: the code sets ``cache_control`` before the call on
    something promptlint cannot place (items of a history passed in), so the request may
    carry breakpoints it does not show.
    """

    span: Span
    runs_once: bool = False
    extended: bool = False
    varying: dict[str, tuple[Span, str]] = field(default_factory=dict)
    fanouts: list[Span] = field(default_factory=list)
    loop_breakpoints: list[Span] = field(default_factory=list)
    marks_unseen: bool = False
    # The innermost loop around the call in its own function, where it starts; or around
    # the caller's call (``via``), and then where the caller's function starts: only a value
    # that function has before the loop is the same on every pass.
    loop: Span | None = None
    loop_owner: Span | None = None
    # The call of the enclosing function this request was evaluated for, when its
    # parameters build the request and the checked code shows who passes them.
    via: Span | None = None


@dataclass(slots=True)
class Request:
    """One LLM call, provider-neutral.

    ``provider`` is the API family whose request shape this is (anthropic, openai,
    bedrock-converse, …); ``platform`` is where it runs, which decides minimums and
    lifecycle (anthropic for the first-party API, bedrock, vertex, openai, …).
    ``params`` holds only the request-level parameters that affect caching, as
    written (tool_choice, thinking, disable_parallel_tool_use, prompt_cache_key,
    prompt_cache_options, …), each with its span in ``param_spans``.
    """

    provider: str
    platform: str
    model: str | None
    span: Span
    model_span: Span | None = None
    # The model is one of several the code chooses per call; ``model`` is one of them, which
    # sizes the prefix but cannot settle that it is certainly too short for whichever is sent.
    model_chosen: bool = False
    blocks: list[Block] = field(default_factory=list)
    params: dict[str, object] = field(default_factory=dict)
    param_spans: dict[str, Span] = field(default_factory=dict)
    automatic_cache: Breakpoint | None = None  # top-level cache_control
    shape_problems: list[ShapeProblem] = field(default_factory=list)
    # The batch API runs requests at a discount and in any order.
    in_batch: bool = False
    # Where the request came from: "json" (a rendered request) or "python".
    origin: str = "json"
    call: CallSite | None = None

    @property
    def breakpoints(self) -> list[Breakpoint]:
        return [b.breakpoint for b in self.blocks if b.breakpoint is not None]

    def blocks_through(self, index: int) -> Sequence[Block]:
        return self.blocks[: index + 1]

    def marked_indices(self) -> list[int]:
        return [i for i, b in enumerate(self.blocks) if b.breakpoint is not None]


@dataclass(slots=True)
class RequestSet:
    """Requests sent together or in sequence: a batch file, a log, a loop."""

    kind: str  # "batch", "log", "bodies"
    path: str
    requests: list[Request]
    # Seconds since the epoch per request, where the source records it.
    timestamps: list[float | None] = field(default_factory=list)
    # Observed usage per request, where a log records it.
    usage: list[Mapping[str, object] | None] = field(default_factory=list)
    # Conversation or user id per request, where the record names one (see sets.conversations).
    sessions: list[str | None] = field(default_factory=list)
    # Built in code from values it does not show: the requests stand for a run-time number.
    open_ended: bool = False
