"""Recognizers: one per SDK or framework, each turning its calls into request bodies.

A recognizer has two parts. The light one, here, decides cheaply whether a file is
worth parsing: a byte pattern every file using the API contains, and a test on
Python's own ``ast`` of each call (so a docstring that shows an example call does
not count). The heavy one, a module beside this file that libcst is imported for,
evaluates a recognised call into one or more ``Found`` bodies in the shape of a
provider's API; the shared lowerings turn those into requests.

To support a new framework: add its module (``recognise(call) -> list[Found] | None``)
and one ``Prefilter`` entry below.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import Callable


@dataclass(frozen=True)
class Prefilter:
    module: str  # the heavy module, in this package
    marker: re.Pattern[bytes]  # bytes every file that uses the API contains
    quick: Callable[[ast.Call], bool]  # whether an ast call may be one of its requests


def _sdk_call(call: ast.Call) -> bool:
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr in ("create", "stream", "parse")):
        return False
    value = func.value
    while isinstance(value, ast.Attribute) and value.attr in ("with_raw_response", "with_streaming_response"):
        value = value.value
    return isinstance(value, ast.Attribute) and value.attr in ("messages", "completions", "responses", "batches")


PREFILTERS: tuple[Prefilter, ...] = (
    Prefilter(
        "sdk",
        re.compile(rb"(?:messages|completions|responses|batches)\s*\.\s*(?:with_(?:raw|streaming)_response\s*\.\s*)?(?:create|stream|parse)\s*\("),
        _sdk_call,
    ),
)


def worth_parsing(data: bytes) -> bool:
    """Whether the file calls, in code, something a recognizer may turn into a request."""
    candidates = [p for p in PREFILTERS if p.marker.search(data)]
    if not candidates:
        return False
    try:
        tree = ast.parse(data)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return True  # libcst says why
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and any(p.quick(node) for p in candidates):
            return True
    return False


@dataclass
class Found:
    """One request a recognised call sends, as a body in a provider's request shape.

    ``kind`` names the lowering (``anthropic``, ``openai-chat``, ``openai-responses``,
    ``bedrock-converse``); ``platform`` overrides the one the shape implies (a Bedrock
    or Vertex client); ``batch`` groups the bodies of one call into a request set.
    ``origins`` maps a body key to where its value is written, when that is not where
    the argument is (a model id in a module constant).
    """

    kind: str
    body: dict
    platform: str | None = None
    batch: bool = False
    origins: dict = field(default_factory=dict)
