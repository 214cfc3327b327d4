"""Reporters: diagnostics in, text out. They never re-run analysis.

Human formats: ``concise`` (``text`` is its old name), ``full``. Machine formats, which
write nothing but the report: ``json``, ``json-lines``, ``github``, ``sarif``, ``junit``.
"""

from __future__ import annotations

import importlib
from typing import Callable, Iterator, Mapping, Sequence, TextIO

from ..diagnostic import Diagnostic

Reporter = Callable[[Sequence[Diagnostic], TextIO], None]

# Each format's module, imported when it is used: a run pays only for the one it prints.
_WRITERS = {
    "text": "concise",  # the original name of concise, kept for scripts that use it
    "concise": "concise",
    "full": "full",
    "json": "json_format",
    "json-lines": "json_lines",
    "github": "github",
    "sarif": "sarif",
    "junit": "junit",
}


class _Reporters(Mapping[str, Reporter]):
    def __getitem__(self, name: str) -> Reporter:
        module = importlib.import_module(f"{__name__}.{_WRITERS[name]}")
        return module.write

    def __iter__(self) -> Iterator[str]:
        return iter(_WRITERS)

    def __len__(self) -> int:
        return len(_WRITERS)


REPORTERS: Mapping[str, Reporter] = _Reporters()
