"""Rendered requests: ``*.json`` bodies and ``*.jsonl`` batches and logs."""

from __future__ import annotations

import datetime as dt
import gc
import json
import re
from contextlib import contextmanager
from pathlib import Path
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

from ...registry import Registry
from ...request import Request, RequestSet, ShapeProblem, Span
from .. import ParseError, Parsed
from . import shapes
from .locate import Located, locate
from .sessions import session_id
from .lower import LOWERINGS, Place, hint_platform

# Bytes at least one of which every request file contains: files with none of them
# (package.json, tsconfig.json, fixtures of other tools) are not requests and are not read.
MARKERS = (b'"messages"', b'"modelId"', b'"input"', b'"custom_id"', b'"system"', b'"anthropic_version"')


def looks_like_requests(data: bytes) -> bool:
    return any(marker in data for marker in MARKERS)


def provider_of(body: dict, registry: Registry) -> str | None:
    """Which provider's request shape ``body`` is, or None when it is not a request."""
    hint = body.get("provider")
    if "modelId" in body or (hint == "bedrock" and "messages" in body and "anthropic_version" not in body):
        return "bedrock-converse"
    if "messages" in body:
        return "openai-chat" if _is_openai(body, registry) else "anthropic"
    if "input" in body and "model" in body:
        return "openai-responses"
    if "anthropic_version" in body or ("system" in body and ("model" in body or "max_tokens" in body)):
        return "anthropic"
    if isinstance(hint, str) and "model" in body:
        return "openai-responses" if hint in ("openai", "azure") else "anthropic"
    return None


_OPENAI_ONLY_KEYS = ("prompt_cache_key", "max_completion_tokens", "response_format", "n", "logprobs", "frequency_penalty", "presence_penalty", "prompt_cache_retention")


# Model ids of OpenAI's families, for ids newer than the registry.
_OPENAI_FAMILY = re.compile(r"(?:openai/|ft:)?(?:gpt-|chatgpt-|o\d)", re.I)


def _is_openai(body: dict, registry: Registry) -> bool:
    hint = hint_platform(body)
    if hint:
        return hint in ("openai", "azure", "deepseek")
    if "system" in body or "anthropic_version" in body:
        return False
    model = body.get("model")
    if isinstance(model, str):
        resolved = registry.resolve(model).model
        if resolved:
            return resolved.provider != "anthropic"
        if _OPENAI_FAMILY.match(model):
            return True
        if model.lower().startswith("claude") or "anthropic" in model.lower():
            return False
    if any(key in body for key in _OPENAI_ONLY_KEYS):
        return True
    messages = body.get("messages")
    if not isinstance(messages, list):
        return False
    return any(isinstance(m, dict) and m.get("role") in ("system", "developer", "tool") for m in messages) and not any(
        isinstance(m, dict) and isinstance(m.get("content"), list) and any(isinstance(b, dict) and "cache_control" in b for b in m["content"]) for m in messages
    )


def _request_of(record: dict) -> tuple[dict, tuple, str]:
    """(body, path of the body in the record, kind of set it belongs to)."""
    if isinstance(record.get("params"), dict) and "custom_id" in record:
        return record["params"], ("params",), "batch"
    if isinstance(record.get("modelInput"), dict) and "recordId" in record:  # Bedrock batch inference
        return record["modelInput"], ("modelInput",), "batch"
    if isinstance(record.get("request"), dict) and ("timestamp" in record or "response" in record):
        return record["request"], ("request",), "log"
    return record, (), "bodies"


def lower(record: Any, place: Place, registry: Registry) -> tuple[Request | None, str]:
    if not isinstance(record, dict):
        return None, "bodies"
    body, base, kind = _request_of(record)
    provider = provider_of(body, registry)
    if provider is None:
        return None, kind
    where = place.within(*base)
    request = LOWERINGS[provider](body, where, registry, hint_platform(body))
    request.in_batch = kind == "batch"
    for path, message in shapes.problems(provider, body):
        request.shape_problems.append(ShapeProblem(message, where.span(*path)))
    if provider == "anthropic" and request.model is None and "anthropic_version" not in body:
        request.shape_problems.append(ShapeProblem("request: 'model' is required", where.span()))
    return request, kind


def parse_json(path: str, text: str, registry: Registry) -> Parsed:
    parsed = Parsed()
    try:
        located: Located = locate(text)
    except json.JSONDecodeError as exc:
        parsed.errors.append(ParseError(describe(exc), Span(path, exc.lineno, exc.colno)))
        return parsed
    except RecursionError:
        parsed.errors.append(ParseError("invalid JSON: nested too deeply to read", Span(path, 1, 1)))
        return parsed
    request, _ = lower(located.value, Place(path, located, 1), registry)
    if request is not None:
        parsed.requests.append(request)
    return parsed


@dataclass(slots=True)
class Record:
    """One JSONL line that holds a request."""

    number: int  # its line
    request: Request
    kind: str  # body, batch, log
    timestamp: float | None
    usage: dict | None
    session: str | None


def records(path: str, lines: Iterable[bytes], registry: Registry, first: int = 1) -> Iterator[Record | ParseError]:
    """Each line's request, or its error, one at a time: a file of any size is read in bounded memory.

    ``first`` is the number of the first line (a line read again on its own keeps its number).
    """
    for number, raw in enumerate(lines, start=first):
        if not raw.strip():
            continue
        try:
            line = raw.decode("utf-8").rstrip("\r\n")
            record = json.loads(line)
        except UnicodeDecodeError as exc:
            yield ParseError(f"line is not valid UTF-8 (byte {exc.start + 1})", Span(path, number, exc.start + 1))
            continue
        except json.JSONDecodeError as exc:
            yield ParseError(describe(exc), Span(path, number, exc.colno))
            continue
        except RecursionError:
            yield ParseError("invalid JSON: nested too deeply to read", Span(path, number, 1))
            continue
        request, kind = lower(record, Place(path, None, number), registry)
        if request is None:
            continue
        response = record.get("response") if kind == "log" else None
        usage = response.get("usage") if isinstance(response, dict) else None
        yield Record(
            number,
            request,
            kind,
            _timestamp(record.get("timestamp")) if kind == "log" else None,
            usage if isinstance(usage, dict) else None,
            session_id(record),
        )


def parse_jsonl(path: str, lines: Iterable[bytes], registry: Registry) -> Parsed:
    """One record per line; a broken line is reported and the others are still read."""
    parsed = Parsed()
    members = RequestSet(kind="bodies", path=path, requests=[])
    kinds: set[str] = set()
    with _collector_paused():
        for item in records(path, lines, registry):
            if isinstance(item, ParseError):
                parsed.errors.append(item)
                continue
            kinds.add(item.kind)
            members.requests.append(item.request)
            members.timestamps.append(item.timestamp)
            members.usage.append(item.usage)
            members.sessions.append(item.session)
    if members.requests:
        members.kind = set_kind(kinds)
        parsed.requests.extend(members.requests)
        parsed.sets.append(members)
    return parsed


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cycle collector off while a whole file is read into memory.

    Everything read stays alive and nothing read refers back to anything (JSON values and
    the requests lowered from them), so the collector would find nothing; but it runs
    every few hundred allocations and, as the heap grows, walks all of it again and again:
    a fifth of the time of reading a large log. Reference counting still frees what is
    dropped, and the collector runs as usual afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def set_kind(kinds: set[str]) -> str:
    """A file's kind from its records': one kind, or "bodies" when they are mixed."""
    return next(iter(kinds)) if len(kinds) == 1 else "bodies"


def describe(error: json.JSONDecodeError) -> str:
    """The decoder's complaint in words that name the usual cause."""
    text, pos = error.doc, error.pos
    before = text[:pos].rstrip()
    here = text[pos : pos + 1]
    if not text[pos:].strip():
        return "invalid JSON: the text ends in the middle of a value (cut off?)"
    if here in "]}" and before.endswith(","):
        return f"invalid JSON: trailing comma before '{here}'"
    if here == "'":
        return "invalid JSON: strings and keys need double quotes, not single quotes"
    if error.msg.startswith("Expecting ',' delimiter") or error.msg.startswith("Expecting ':' delimiter"):
        return f"invalid JSON: {error.msg[10:].split(' delimiter')[0]} expected here (missing comma or colon?)"
    if error.msg.startswith("Unterminated string"):
        return "invalid JSON: a string is never closed (is the line or file cut off?)"
    if error.msg.startswith("Invalid control character"):
        return "invalid JSON: a raw control character inside a string (write a newline as \\n)"
    if error.msg.startswith("Extra data"):
        return "invalid JSON: more than one value (a .json file holds one request; use .jsonl for one per line)"
    return f"invalid JSON: {error.msg.lower().removesuffix(' at')}"


def _timestamp(value: Any) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        except ValueError:
            return None
    return None


# A JSONL file is read as requests only if request keys show up this early in it.
_MARKER_WINDOW = 1 << 20


def read_json(path: Path, shown: str, registry: Registry) -> Parsed:
    """One request body; a file that is not a request is skipped, one that is not text is PL001."""
    data = path.read_bytes()
    if not looks_like_requests(data):
        return Parsed()
    if b"\x00" in data[:8192]:
        return Parsed(errors=[ParseError("not a text file (it contains NUL bytes)", Span(shown, 1, 1))])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return Parsed(errors=[ParseError(f"not valid UTF-8 (byte {exc.start + 1})", Span(shown, line, column))])
    return parse_json(shown, text, registry)


def read_jsonl(path: Path, shown: str, registry: Registry) -> Parsed:
    """A batch file or log, streamed line by line."""
    with path.open("rb") as handle:
        if not looks_like_requests(handle.read(_MARKER_WINDOW)):
            return Parsed()
        handle.seek(0)
        return parse_jsonl(shown, handle, registry)
