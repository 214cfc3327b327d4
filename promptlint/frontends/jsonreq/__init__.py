"""Rendered requests: ``*.json`` bodies and ``*.jsonl`` batches and logs."""

from __future__ import annotations

import bz2
import datetime as dt
import gc
import json
import lzma
import re
import zlib
from collections import deque
from contextlib import contextmanager
from pathlib import Path
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator

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


# A log is read from start to end in chunks this large: 8 KB reads cost more than the lines.
READ_AHEAD = 1 << 20
# A JSONL file is read as requests only if request keys show up this early in it.
MARKER_WINDOW = 1 << 20


def looks_like_requests(data: bytes) -> bool:
    return any(marker in data for marker in MARKERS)


def _head(decompressor, data: bytes) -> bytes:
    try:
        return decompressor.decompress(data, MARKER_WINDOW)
    except Exception:  # a damaged stream: judged by what came out of it, which is nothing
        return b""


# (magic bytes, what the file is, the command that writes it out, and a way to read its start).
_COMPRESSED = (
    (b"\x1f\x8b", "gzip-compressed", "gzip -dc", lambda d: _head(zlib.decompressobj(wbits=31), d)),
    (b"BZh", "bzip2-compressed", "bzip2 -dc", lambda d: _head(bz2.BZ2Decompressor(), d)),
    (b"\xfd7zXZ\x00", "xz-compressed", "xz -dc", lambda d: _head(lzma.LZMADecompressor(), d)),
    (b"\x28\xb5\x2f\xfd", "zstd-compressed", "zstd -dc", None),
    (b"PK\x03\x04", "a zip archive", "unzip -p", None),
)


def not_text(start: bytes, path: str, suffix: str) -> ParseError | None:
    """The error for a .json/.jsonl file that holds no text, from its first bytes.

    A compressed file whose start shows request keys once decompressed (or that cannot be
    decompressed here to tell) is said: most likely a gzipped log that would otherwise be
    skipped as holding no request. One that shows none is some other tool's file, skipped
    as a JSON file without requests is. Other binary data is said only where request keys
    show through it.
    """
    for magic, what, command, head in _COMPRESSED:
        if start.startswith(magic) and (what != "bzip2-compressed" or start[3:4].isdigit()):
            if head is not None and not looks_like_requests(head(start)):
                return None
            return ParseError(f"the file is {what}, not JSON text: decompress it first ({command} {path} > requests{suffix}), then check that", Span(path, 1, 1))
    if b"\x00" in start[:8192] and looks_like_requests(start):
        return ParseError("not a text file (it contains NUL bytes)", Span(path, 1, 1))
    return None


def provider_of(body: dict, registry: Registry) -> str | None:
    """Which provider's request shape ``body`` is, or None when it is not a request."""
    hint = body.get("provider")
    if "modelId" in body or (hint == "bedrock" and "messages" in body and "anthropic_version" not in body) or _converse_shape(body):
        return "bedrock-converse"
    if "messages" in body and (isinstance(body["messages"], list) or any(k in body for k in _REQUEST_KEYS)):
        return "openai-chat" if _is_openai(body, registry) else "anthropic"
    if "input" in body and "model" in body and (_names_a_model(body["model"], registry) or any(k in body for k in _RESPONSES_KEYS)):
        return "openai-responses"
    if "anthropic_version" in body or ("system" in body and ("model" in body or "max_tokens" in body)):
        return "anthropic"
    if isinstance(hint, str) and "model" in body:
        return "openai-responses" if hint in ("openai", "azure") else "anthropic"
    return None


# Fields only Converse has. Its REST body carries no modelId (the model is in the URL), nor
# does a Bedrock batch record's modelInput (the model is the job's).
_CONVERSE_KEYS = ("inferenceConfig", "toolConfig", "additionalModelRequestFields", "additionalModelResponseFieldPaths", "guardrailConfig", "promptVariables", "performanceConfig")
# Converse content blocks are keyed by kind ({"text": ...}, {"cachePoint": ...}); every other
# shape's blocks carry a "type".
_CONVERSE_BLOCKS = ("text", "image", "document", "toolUse", "toolResult", "cachePoint", "reasoningContent", "guardContent", "video")


def _converse_shape(body: dict) -> bool:
    if any(k in body for k in _CONVERSE_KEYS):
        return True
    if any(k in body for k in ("anthropic_version", "model", "max_tokens")) or not isinstance(body.get("system", []), list):
        return False  # another shape, whose blocks may lack their "type" by mistake (PL002)
    system, messages = body.get("system"), body.get("messages")
    blocks = list(system) if isinstance(system, list) else []
    for message in messages if isinstance(messages, list) else ():
        content = message.get("content") if isinstance(message, dict) else None
        blocks.extend(content if isinstance(content, list) else ())
    return any(isinstance(b, dict) and "type" not in b and any(k in b for k in _CONVERSE_BLOCKS) for b in blocks)


# Keys that make a body a request even where its messages are not a list (the shape is then PL002's finding);
# without one, {"messages": {"hello": "Hello"}} is an i18n file, not a request.
_REQUEST_KEYS = ("model", "max_tokens", "system", "anthropic_version", "tools", "provider")
_RESPONSES_KEYS = ("instructions", "tools", "prompt_cache_key", "max_output_tokens", "reasoning", "previous_response_id", "provider")


def _names_a_model(model: Any, registry: Registry) -> bool:
    return isinstance(model, str) and (registry.resolve(model).model is not None or bool(_OPENAI_FAMILY.match(model)))


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
    if isinstance(record.get("body"), dict) and "custom_id" in record and "url" in record:  # OpenAI Batch API input
        return record["body"], ("body",), "batch"
    if isinstance(record.get("request"), dict) and ("timestamp" in record or "response" in record):
        return record["request"], ("request",), "log"
    return record, (), "bodies"


def lower(record: Any, place: Place, registry: Registry, check_shape: bool = True) -> tuple[Request | None, str]:
    """The request in a record and the kind of set the record belongs to (``check_shape``
    False: the problems found against the shape, ``model`` missing among them, are left
    for the caller, who knows them already)."""
    if not isinstance(record, dict):
        return None, "bodies"
    body, base, kind = _request_of(record)
    provider = provider_of(body, registry)
    if provider is None:
        return None, kind
    where = place.within(*base)
    request = LOWERINGS[provider](body, where, registry, hint_platform(body))
    request.in_batch = kind == "batch"
    if not check_shape:
        return request, kind
    for path, message in shapes.problems(provider, body):
        request.shape_problems.append(ShapeProblem(message, where.span(*path)))
    # Only a model that is not there at all: one of the wrong type is the shape's finding (above).
    if provider == "anthropic" and "model" not in body and "anthropic_version" not in body:
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


def records(
    path: str, lines: Iterable[bytes], registry: Registry, first: int = 1, known_shape: Callable[[int], list[ShapeProblem] | None] | None = None
) -> Iterator[Record | ParseError]:
    """Each line's request, or its error, one at a time: a file of any size is read in bounded memory.

    ``first`` is the number of the first line (a line read again on its own keeps its number).
    ``known_shape(line)``: the shape problems of the line's request when the caller knows
    them already, or None to check its shape here.
    """
    for item in values(path, lines, first):
        if isinstance(item, ParseError):
            yield item
            continue
        number, record = item
        known = known_shape(number) if known_shape is not None else None
        try:
            request, kind = lower(record, Place(path, None, number), registry, check_shape=known is None)
        except RecursionError:  # decoded, but nested too deeply to walk
            yield ParseError("a record nested too deeply to read", Span(path, number, 1))
            continue
        if request is None:
            continue
        if known is not None:
            request.shape_problems = known
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


_BOM = b"\xef\xbb\xbf"


def line_bytes(number: int, raw: bytes) -> bytes:
    """A JSONL line's bytes as JSON text: line 1 without the UTF-8 BOM that some editors
    write at the start of a file (it is no character of the text: columns count without it)."""
    return raw[len(_BOM) :] if number == 1 and raw.startswith(_BOM) else raw


def values(path: str, lines: Iterable[bytes], first: int = 1) -> Iterator[tuple[int, Any] | ParseError]:
    """(line number, JSON value) of each line that holds one, or the line's error.

    A JSONL record must be on one line; a value pretty-printed over several lines is one
    error at its first line, not one for each line it spans (see ``_Spread``).
    """
    source = enumerate(lines, start=first)
    # Lines taken for the rest of a spread value that was none after all, read again
    # on their own; True: the line may start a spread value itself.
    again: deque[tuple[int, bytes, bool]] = deque()

    def pull() -> tuple[int, bytes, bool] | None:
        if again:
            return again.popleft()
        item = next(source, None)
        return None if item is None else (*item, True)

    while True:
        item = pull()
        if item is None:
            return
        number, raw, may_spread = item
        raw = line_bytes(number, raw)
        if not raw.strip():
            continue
        value = _line_value(path, number, raw)
        if not isinstance(value, _Unfinished):
            yield value if isinstance(value, ParseError) else (number, value)
            continue
        spread = _Spread(value.text) if may_spread else None
        while spread is not None and spread.open:
            more = pull()
            if more is None:
                break
            spread.add(more[0], more[1])
        if spread is not None and spread.value is not _NOTHING:
            yield ParseError(
                f"a JSONL record must be on one line, and this one spans lines {number}–{spread.lines[-1][0]} "
                "(write each record as compact JSON on a line of its own)",
                Span(path, number, 1),
            )
            continue
        yield ParseError(describe(value.error, jsonl=True), Span(path, number, value.error.colno))
        if spread is not None:  # this line is cut off, say: the lines after it are records of their own
            again.extendleft(reversed(spread.taken()))


@dataclass(slots=True)
class _Unfinished:
    """A line whose text is the start of a JSON value that it does not finish."""

    text: str
    error: json.JSONDecodeError


def _line_value(path: str, number: int, raw: bytes) -> Any:
    """The line's JSON value, its ParseError, or _Unfinished (``raw`` as ``line_bytes`` gives it)."""
    try:
        line = raw.decode("utf-8").rstrip("\r\n")
        return json.loads(line)
    except UnicodeDecodeError as exc:
        return ParseError(f"line is not valid UTF-8 (byte {exc.start + 1})", Span(path, number, exc.start + 1))
    except json.JSONDecodeError as exc:
        if not exc.doc[exc.pos :].strip():
            return _Unfinished(line, exc)
        return ParseError(describe(exc, jsonl=True), Span(path, number, exc.colno))
    except RecursionError:
        return ParseError("invalid JSON: nested too deeply to read", Span(path, number, 1))


_NOTHING = object()
# A value spread over more than this is not followed further, so that a file that never
# closes a bracket is not held in memory whole: its lines are then read one by one.
_SPREAD_BYTES = 16 << 20


class _Spread:
    """The lines after an unfinished one, while they can finish its value.

    A pretty-printed request spreads over lines; a line cut off (a log whose writer
    stopped mid-line) is followed by records of their own. ``_Grammar`` tells them apart
    as the lines come: a record cannot continue a cut-off line for long (after one value
    a comma or a closing bracket must come, and a record starts with '{'), so a cut-off
    line takes a line or two, never the rest of the file.
    """

    def __init__(self, first: str) -> None:
        self.grammar = _Grammar()
        self.texts = [first]
        self.lines: list[tuple[int, bytes]] = []  # the lines after the first, as read
        self.size = len(first)
        self.open = self.grammar.feed(first) and not self.grammar.done
        self.failed = False  # the last line taken cannot continue the value
        self.value: Any = _NOTHING

    def add(self, number: int, raw: bytes) -> None:
        self.lines.append((number, raw))
        self.size += len(raw)
        try:
            text = raw.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError:
            text = None
        if text is None or self.size > _SPREAD_BYTES or not self.grammar.feed(text):
            self.open, self.failed = False, True
            return
        self.texts.append(text)
        if self.grammar.done:
            self.open = False
            try:
                self.value = json.loads("\n".join(self.texts))
            except (json.JSONDecodeError, RecursionError):
                self.failed = True

    def taken(self) -> list[tuple[int, bytes, bool]]:
        """The lines taken, to read again: those the value seemed to go on through may
        not start a value of their own (each line is followed once, so reading stays
        linear); the one that ended it may."""
        again = [(number, raw, False) for number, raw in self.lines]
        if self.failed and again:
            again[-1] = (*self.lines[-1], True)
        return again


# JSON's tokens as far as a value's shape needs them: strings (never across lines),
# punctuation, and scalars (checked by the decoder once the value is complete).
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[{}\[\]:,]|[^\s"{}\[\]:,]+|"')


class _Grammar:
    """Whether text fed line by line can still be the start of one JSON value."""

    def __init__(self) -> None:
        self.open: list[str] = []  # the brackets not yet closed
        self.want = "value"  # value, value-or-], key, key-or-}, colon, comma-or-close, end

    @property
    def done(self) -> bool:
        return self.want == "end"

    def feed(self, text: str) -> bool:
        return all(self._step(token) for token in _TOKEN.findall(text))

    def _step(self, token: str) -> bool:
        want = self.want
        if want in ("value", "value-or-]"):
            if token in ("{", "["):
                self.open.append(token)
                self.want = "key-or-}" if token == "{" else "value-or-]"
                return True
            if token == "]" and want == "value-or-]":
                return self._close()
            return token not in ("}", "]", ":", ",", '"') and self._after_value()
        if want in ("key", "key-or-}"):
            if token == "}" and want == "key-or-}":
                return self._close()
            self.want = "colon"
            return token.startswith('"') and len(token) > 1
        if want == "colon":
            self.want = "value"
            return token == ":"
        if want == "comma-or-close":
            if token == ",":
                self.want = "key" if self.open[-1] == "{" else "value"
                return True
            return token == {"{": "}", "[": "]"}[self.open[-1]] and self._close()
        return False  # after the end of the value

    def _close(self) -> bool:
        self.open.pop()
        return self._after_value()

    def _after_value(self) -> bool:
        self.want = "comma-or-close" if self.open else "end"
        return True


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


def describe(error: json.JSONDecodeError, jsonl: bool = False) -> str:
    """The decoder's complaint in words that name the usual cause (``jsonl``: on a line of a .jsonl file)."""
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
    if error.msg.startswith("Extra data") and jsonl:
        return "invalid JSON: more than one value on the line (a JSONL line holds one record, with nothing after it)"
    if error.msg.startswith("Extra data"):
        return "invalid JSON: more than one value (a .json file holds one request; use .jsonl for one per line)"
    return f"invalid JSON: {error.msg.lower().removesuffix(' at')}"


def _timestamp(value: Any) -> float | None:
    """A log record's time in seconds since the epoch, or None when it gives none that can be.

    ISO 8601, or an epoch number (also written as a string): seconds, unless so large that
    as seconds it would lie after the year 5138, when it is milliseconds (what JavaScript's
    ``Date.now()`` writes), else microseconds, else nanoseconds. NaN, infinities and numbers
    that are no time in any of these units are no timestamp: the record is timed as one
    without (simulate says so), rather than put thousands of years away.
    """
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        except (ValueError, OverflowError, OSError):  # not ISO (maybe a number), or a date no clock can give
            pass
        if not _NUMBER.fullmatch(value):
            return None
        value = float(value)
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except OverflowError:  # an integer too large for a float
        return None
    for per_second in _EPOCH_UNITS:
        seconds = number / per_second
        if abs(seconds) < _LATEST_SECONDS:
            return seconds if seconds >= _EARLIEST_SECONDS else None
    return None


_NUMBER = re.compile(r"\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*")
_EPOCH_UNITS = (1, 1e3, 1e6, 1e9)  # seconds, milliseconds, microseconds, nanoseconds
_LATEST_SECONDS = 1e11  # the year 5138: an epoch number this large is in a smaller unit
_EARLIEST_SECONDS = dt.datetime(1, 1, 1, tzinfo=dt.timezone.utc).timestamp()  # the earliest time a report can show


def read_json(path: Path, shown: str, registry: Registry) -> Parsed:
    """One request body; a file that is not a request is skipped, one that is not text is PL001."""
    data = path.read_bytes()
    binary = not_text(data, shown, ".json")
    if binary is not None:
        return Parsed(errors=[binary])
    if not looks_like_requests(data):
        return Parsed()
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
        start = handle.read(MARKER_WINDOW)
        binary = not_text(start, shown, ".jsonl")
        if binary is not None:
            return Parsed(errors=[binary])
        if not looks_like_requests(start):
            return Parsed()
        handle.seek(0)
        return parse_jsonl(shown, handle, registry)
