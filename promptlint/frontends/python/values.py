"""What static evaluation produces: Python values as far as they are known.

Fully known values are plain Python (str, int, dict, list, …). A string that is
partly known is a ``Text`` of literal pieces and holes; a value that is not known
at all is a ``Hole``. Containers built in code remember where each element was
written, so a diagnostic can point at the line of a ``cache_control`` key or a
block, and lists remember when their order is not fixed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...request import Hole, HoleKind, Span, Text


class SDict(dict):
    """A dict built in code: ``spans`` holds where each key's entry was written."""

    __slots__ = ("span", "spans", "complete")

    def __init__(self, span: Span | None = None) -> None:
        super().__init__()
        self.span = span
        self.spans: dict[object, Span] = {}
        self.complete = True  # False: built by a comprehension, entries unknown

    def put(self, key: object, value: object, span: Span | None) -> None:
        self[key] = value
        if span is not None:
            self.spans[key] = span

    def copy(self) -> "SDict":  # type: ignore[override]
        out = SDict(self.span)
        out.update(self)
        out.spans = dict(self.spans)
        out.complete = self.complete
        return out


class SList(list):
    """A list built in code; ``unordered`` is the hole that says its order varies.

    ``shared`` marks a list that outlives one call (a parameter, an attribute, a
    module global): a conversation history the next request extends.
    """

    __slots__ = ("span", "spans", "unordered", "shared", "loop_marks", "open_ended", "optional_media")

    def __init__(self, items=(), span: Span | None = None, spans=None, unordered: Hole | None = None, shared: bool = False) -> None:
        super().__init__(items)
        self.span = span
        self.spans: list[Span | None] = list(spans) if spans is not None else [None] * len(self)
        self.unordered = unordered
        self.shared = shared
        # Breakpoints appended once per item of a loop with no bound (PC201's loop form).
        self.loop_marks: list[Span] = []
        # Its items come one per value the code does not show (a comprehension or loop over
        # them): the items held stand for a run-time number of them.
        self.open_ended = False
        # An image or document added in one branch only: some calls send it, some do not.
        self.optional_media: Span | None = None

    def add(self, value: object, span: Span | None) -> None:
        self.append(value)
        self.spans.append(span)

    def copy(self) -> "SList":  # type: ignore[override]
        out = SList(self, self.span, self.spans, self.unordered, self.shared)
        out.loop_marks = list(self.loop_marks)
        out.open_ended = self.open_ended
        out.optional_media = self.optional_media
        return out


@dataclass(frozen=True)
class USet:
    """A set or frozenset: its items may be known, their iteration order is not."""

    items: tuple
    origin: Span
    label: str


@dataclass(frozen=True)
class PathValue:
    """A file path computed in code (``Path(__file__).parent / "system.md"``)."""

    path: Path


@dataclass(frozen=True)
class Client:
    """An SDK client object: which API family and which platform it talks to."""

    family: str  # "anthropic", "openai"
    platform: str  # "anthropic", "bedrock", "vertex", "openai", …


@dataclass(frozen=True)
class Bound:
    """``functools.partial`` of a client's request method: the keywords it binds,
    evaluated where they are written (an ``Opaque``'s ``extra``, its qualname the method's)."""

    client: Client
    keywords: dict = field(compare=False)


@dataclass(frozen=True)
class Function:
    """A reference to a function defined in checked code (for helper calls and fan-outs)."""

    module: object
    name: str
    node: object
    owner: str | None = None  # class name for methods


@dataclass(frozen=True)
class Opaque:
    """An object of known origin whose value is not text (a module, a class, a counter)."""

    qualname: str
    extra: object = field(default=None, compare=False)


class Modelled:
    """A framework object a recognizer models in its own terms (a LangChain chat model, a
    prompt template), carried as ``Opaque(qualname, extra=<Modelled>)``. The evaluator asks it
    what a method called on it returns and what ``a | b`` makes of it; NotImplemented: nothing
    is known (the result is an unknown value)."""

    def method(self, evaluator, name: str, node, frame) -> object:
        return NotImplemented

    def pipe(self, other: object, span, right: bool = False) -> object:
        """``self | other``; ``other | self`` when ``right``."""
        return NotImplemented

    def marker(self) -> "Span | None":
        """Where a breakpoint it carries is written (a message with ``cache_control``), if any."""
        return None


def holes_in(value: object, depth: int = 0) -> list[Hole]:
    """Every hole anywhere inside ``value``."""
    if depth > 40:
        return []
    if isinstance(value, Hole):
        return [value]
    if isinstance(value, Text):
        return list(value.holes)
    if isinstance(value, dict):
        return [h for v in value.values() for h in holes_in(v, depth + 1)]
    if isinstance(value, list):
        found = [h for v in value for h in holes_in(v, depth + 1)]
        unordered = getattr(value, "unordered", None)
        return found + [unordered] if unordered is not None else found
    return []


def is_static(value: object) -> bool:
    return not holes_in(value) and not isinstance(value, (USet, PathValue, Client, Function, Opaque))


def unknown(label: str, origin: Span | None, kind: HoleKind = HoleKind.UNKNOWN) -> Hole:
    return Hole(kind, label, origin)


def sample_of(items: object) -> str | None:
    """A stand-in of a value's size: its repr with holes as their samples, or None."""
    try:
        return repr(as_plain(items))
    except Exception:  # noqa: BLE001 - values of unknown types
        return None


def as_plain(value: object) -> Any:
    """``value`` as plain JSON-like Python, holes as their samples (for a size)."""
    if isinstance(value, dict):
        return {k: as_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [as_plain(v) for v in value]
    if isinstance(value, USet):
        return [as_plain(v) for v in value.items]
    if isinstance(value, Text):
        return value.sized_text()[0]
    if isinstance(value, Hole):
        return value.sample or ""
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    raise TypeError(type(value).__name__)
