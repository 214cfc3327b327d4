"""Python source: find LLM calls with libcst and evaluate them into requests.

A file is read as bytes first; only files that call an SDK request method (a regular
expression, then Python's own parser to skip docstrings and comments) are parsed with
libcst, in ``analyse``. For each call, the keyword arguments are evaluated
statically (``evaluate``), the body is lowered by the same provider lowerings as
rendered JSON, and the code around the call is summarised for the code-only rules
(``facts``). Holes keep the span where their value was born, so findings point at
``datetime.now()`` rather than at the call.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from ...registry import Registry
from ...request import Span
from .. import ParseError, Parsed
from .encoding import source_encoding
from .recognizers import configured, worth_parsing

# Fields of a response's usage that report caching (PC501). LangChain puts them under
# ``usage_metadata["input_token_details"]`` as ``cache_read`` and ``cache_creation``.
USAGE_MARKER = re.compile(
    rb"cache_read_input_tokens|cache_creation_input_tokens|cached_tokens|cacheReadInputTokens|cacheWriteInputTokens"
    rb"|prompt_cache_hit_tokens|cached_content_token_count|cache_read_tokens"
    rb"|cache_write_tokens|cachedContentTokenCount"  # pydantic-ai's writes; Gemini REST
    rb"|input_token_details|\bcache_(?:read|creation)\b"
)
# Plain bytes one of which each field above contains: found with a plain substring search
# first, since a pattern that starts with an alternation tries every position of every file
# (two seconds over the stdlib and SDK trees, against a tenth of that).
_USAGE_WORDS = (b"cache_read", b"cache_creation", b"cached_", b"cacheRead", b"cacheWrite", b"prompt_cache_hit", b"cache_write", b"cachedContent", b"input_token_details")


def reads_usage(data: bytes) -> bool:
    """Whether the file mentions a cache usage field (PC501)."""
    return any(word in data for word in _USAGE_WORDS) and USAGE_MARKER.search(data) is not None

_KINDS = {"anthropic": "anthropic", "openai-chat": "openai-chat", "openai-responses": "openai-responses", "anthropic-batch": "anthropic"}
_DEFAULT_PLATFORM = {"anthropic": "anthropic", "openai-chat": "openai", "openai-responses": "openai"}


@dataclass
class FileFacts:
    """What a run-level rule needs from each file (PC501)."""

    reads_usage: bool = False
    caching_sites: list[Span] = field(default_factory=list)


class PythonFrontend:
    """Reads Python files of one run; libcst is imported only for a file that makes a call."""

    def __init__(self, root: Path, registry: Registry, max_bytes: int, volatile: Iterable[str] = (), unordered: Iterable[str] = (), functions: Iterable[str] = ()) -> None:
        self.root = root
        self.registry = registry
        self.max_bytes = max_bytes
        self.volatile = tuple(volatile)
        self.unordered = tuple(unordered)
        self.functions = tuple(functions)  # request functions named in config
        self._prefilter = configured(self.functions)
        self._analyser = None
        # The run's Python files: where callers of a function are looked for.
        self.files: Iterable[Path] = []

    def read(self, path: Path, shown: str, registry: Registry | None = None, as_path: Path | None = None) -> Parsed:
        """``path``'s code, analysed as the module at ``as_path`` when it only holds that file's content (stdin)."""
        data = path.read_bytes()
        parsed = Parsed(facts=FileFacts(reads_usage=reads_usage(data)))
        if len(data) > self.max_bytes:
            parsed.skipped = f"{len(data):,} bytes, over the {self.max_bytes:,}-byte limit for Python files (max-file-size)"
            return parsed
        if not worth_parsing(data, self._prefilter):
            return parsed
        try:
            encoding = source_encoding(data)
            text = data.decode(encoding)
        except SyntaxError as exc:  # a coding declaration Python refuses
            parsed.errors.append(ParseError(f"invalid Python: {exc.msg}", Span(shown, exc.lineno or 1, 1)))
            return parsed
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
            name = "UTF-8" if encoding.startswith("utf-8") else encoding
            parsed.errors.append(ParseError(f"not valid {name} (byte {exc.start + 1})", Span(shown, line, column)))
            return parsed
        if self._analyser is None:
            from .analyse import Analyser  # libcst: paid only here

            self._analyser = Analyser(self.root, self.registry, self.max_bytes, self.volatile, self.unordered, self.functions)
        self._analyser.project.files = self.files
        self._analyser.analyse(as_path or path, shown, text, parsed)
        return parsed


__all__ = ["PythonFrontend", "USAGE_MARKER", "FileFacts"]
