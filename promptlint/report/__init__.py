"""Reporters: diagnostics in, text out. They never re-run analysis."""

from __future__ import annotations

from typing import Callable, Sequence, TextIO

from ..diagnostic import Diagnostic
from . import json_format, text

Reporter = Callable[[Sequence[Diagnostic], TextIO], None]

REPORTERS: dict[str, Reporter] = {
    "text": text.write,
    "json": json_format.write,
}
