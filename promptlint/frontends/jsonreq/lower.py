"""Rendered request bodies → the request model, one function per provider shape.

Each lowering reads only the fields that matter for caching and records, for every
block, key and breakpoint, where it stands in the file. Values of the wrong type are
skipped here, not guessed at: the provider's schema reports them (PL002).

The Python front-end lowers request bodies evaluated from code through the same
functions: there a string may be a ``Text`` with holes, and a value that is not
known at all a ``Hole`` (a message history passed in, a system prompt loaded at
run time), which becomes a block of unknown content.
"""

from __future__ import annotations

import json
import marshal
from typing import Any, Callable

from ...registry import Registry
from ...request import Block, Breakpoint, ContentKind, Hole, HoleKind, Request, Section, ShapeProblem, Span, Text
from .locate import Located

# Request-level parameters whose change invalidates a cache level (facts.md §1.8, §4).
_ANTHROPIC_PARAMS = ("tool_choice", "thinking", "output_config", "speed")
_OPENAI_PARAMS = (
    "tool_choice",
    "parallel_tool_calls",
    "prompt_cache_key",
    "prompt_cache_options",
    "prompt_cache_retention",
    "response_format",
    "reasoning_effort",
    "reasoning",
    "text",
)
_CONVERSE_PARAMS = ("additionalModelRequestFields",)

# Provider hints a file may carry at the top level, and the platform each names.
_HINT_PLATFORMS = {
    "anthropic": "anthropic",
    "claude": "anthropic",
    "bedrock": "bedrock",
    "vertex": "vertex",
    "openai": "openai",
    "azure": "azure",
    "deepseek": "deepseek",
}


class Place:
    """Spans for paths inside one request body of one file."""

    def __init__(self, path: str, located: Located | None, line: int, base: tuple = ()) -> None:
        self.path = path
        self.located = located
        self.line = line
        self.base = base

    def span(self, *rel: Any) -> Span:
        full = self.base + rel
        if self.located is None:  # a JSONL record: its line is the position
            return Span(self.path, self.line, 1, json_path=full)
        line, column = self.located.position(full)
        return Span(self.path, line, column, json_path=full)

    def within(self, *rel: Any) -> "Place":
        return Place(self.path, self.located, self.line, self.base + rel)


def _json_text(value: Any, drop: str | None = None) -> Text:
    if drop and isinstance(value, dict) and drop in value:
        value = {k: v for k, v in value.items() if k != drop}
    # A log sends the same tool definitions (and re-sends the same history) with every
    # request. marshal's bytes are a quick, exact key for a value (types and key order
    # kept; it refuses holes from code), several times cheaper than rendering the JSON.
    try:
        key = marshal.dumps(value, 2)
    except ValueError:
        key = None
    if key is not None:
        found = _rendered.get(key)
        if found is not None:
            return found
    try:
        text = Text.literal(json.dumps(value, ensure_ascii=False, separators=(", ", ": ")))
    except TypeError:  # holes from code: render around them
        text = _json_with_holes(value)
    if key is not None:
        if len(_rendered) >= _RENDERED_SIZE:
            _rendered.clear()
        _rendered[key] = text
    return text


_RENDERED_SIZE = 4096
_rendered: dict[bytes, Text] = {}


def _json_with_holes(value: Any) -> Text:
    holes: list = []

    def placeholder(item: Any) -> str:
        holes.append(item if isinstance(item, (Hole, Text)) else Hole(HoleKind.UNKNOWN, type(item).__name__))
        return f"\x00{len(holes) - 1}\x00"

    rendered = json.dumps(value, ensure_ascii=False, separators=(", ", ": "), default=placeholder)
    pieces: list = []
    for i, part in enumerate(rendered.split("\\u0000")):
        if i % 2 == 0:
            if part:
                pieces.append(part)
        else:
            held = holes[int(part)]
            pieces.extend(held.pieces if isinstance(held, Text) else (held,))
    return Text(tuple(pieces))


def _is_text(value: Any) -> bool:
    return isinstance(value, (str, Text, Hole))


def _as_text(value: Any) -> Text:
    if isinstance(value, Text):
        return value
    if isinstance(value, Hole):
        return Text((value,))
    return Text.literal(value) if isinstance(value, str) else Text()


def _unknown_block(hole: Hole, section: Section, span: Span, **where: Any) -> Block:
    """Content code passes in whole (a history, a tool list): its size and shape are unknown."""
    return Block(section, "unknown", Text((hole,)), span, ContentKind.TEXT, **where)


def _breakpoint(style: str, value: Any, span: Span) -> Breakpoint:
    ttl = value.get("ttl") if isinstance(value, dict) else None
    return Breakpoint(style, value, ttl if isinstance(ttl, str) else None, span)


def _marker(container: dict, style: str, place: Place, *rel: Any) -> Breakpoint | None:
    """The breakpoint a block carries in field ``style``; null is the SDKs' way of saying none."""
    value = container.get(style)
    return None if value is None else _breakpoint(style, value, place.span(*rel, style))


def _params(request: Request, body: dict, names: tuple[str, ...], place: Place) -> None:
    for name in names:
        if name in body:
            request.params[name] = body[name]
            request.param_spans[name] = place.span(name)
    choice = body.get("tool_choice")
    if isinstance(choice, dict) and "disable_parallel_tool_use" in choice:
        request.params["disable_parallel_tool_use"] = choice["disable_parallel_tool_use"]
        request.param_spans["disable_parallel_tool_use"] = place.span("tool_choice", "disable_parallel_tool_use")


def _model(request: Request, body: dict, key: str, place: Place) -> None:
    model = body.get(key)
    if isinstance(model, str):
        request.model = model
        request.model_span = place.span(key)


def _platform(registry: Registry, model: str | None, hint: str | None, default: str) -> str:
    if hint:
        return hint
    if model:
        resolution = registry.resolve(model)
        if resolution.platform:
            return resolution.platform
        if resolution.model and resolution.model.provider not in ("anthropic",):
            return resolution.model.provider
    return default


def _tools(request: Request, tools: Any, place: Place, style: str) -> None:
    """Tool definitions as JSON blocks; ``style`` is the provider's breakpoint field."""
    if not isinstance(tools, list):
        return
    for i, tool in enumerate(tools):
        if isinstance(tool, dict):
            request.blocks.append(
                Block(
                    Section.TOOLS,
                    "tool",
                    _with_unknown_entries(_json_text(tool, drop=style), tool),
                    place.span("tools", i),
                    ContentKind.JSON,
                    breakpoint=_marker(tool, style, place, "tools", i),
                    raw=tool,
                )
            )


def _with_unknown_entries(text: Text, value: dict) -> Text:
    """``text`` of a dict built in code that holds entries no one can see (``{**tool,
    "cache_control": …}``, ``tool`` from a caller): its size is not known either."""
    if getattr(value, "complete", True):
        return text
    return Text((*text.pieces, Hole(HoleKind.UNKNOWN, "entries spread from a value not known", getattr(value, "span", None))))


# -- Anthropic Messages (also Batch params, and InvokeModel bodies on Bedrock/Vertex) --


def _anthropic_block(block: Any, section: Section, place: Place, rel: tuple, **where: Any) -> Block | None:
    if not isinstance(block, dict):
        return None
    kind = block.get("type")
    kind = kind if isinstance(kind, str) else "unknown"
    content = ContentKind.TEXT
    # A text of the wrong type (or none) is the block's JSON, as in the other providers'
    # parts: the API rejects its shape (PL002); it is not an empty text (PC205).
    if kind == "text" and _is_text(block.get("text")):
        text = block["text"]
    elif kind == "thinking":
        text = block.get("thinking") if _is_text(block.get("thinking")) else ""
    elif kind in ("image", "redacted_thinking"):
        text, content = "", ContentKind.MEDIA
    elif kind == "document":
        source = block.get("source") if isinstance(block.get("source"), dict) else {}
        if source.get("type") == "text" and _is_text(source.get("data")):
            text = source["data"]
        else:
            text, content = "", ContentKind.MEDIA
    elif kind == "tool_result" and _is_text(block.get("content")):
        text = block["content"]
    elif kind == "tool_result" and _has_media(block.get("content")):
        text, content = _json_text(block.get("content")), ContentKind.MEDIA
    else:
        text, content = _with_unknown_entries(_json_text(block, drop="cache_control"), block), ContentKind.JSON
    anchor = rel + ("text",) if kind == "text" else rel
    # Most blocks carry no marker: spare them the call.
    breakpoint = _marker(block, "cache_control", place, *rel) if "cache_control" in block else None
    text = Text((text,)) if type(text) is str and text else text if isinstance(text, Text) else _as_text(text)
    return Block(section, kind, text, place.span(*anchor), content, breakpoint=breakpoint, raw=block, **where)


def _message_marker(request: Request, message: dict, m: int, place: Place) -> None:
    """``cache_control`` written on the message itself: a breakpoint of its last block that the
    API refuses where it stands (PC205). Not looked at when that block has its own marker."""
    marker = _marker(message, "cache_control", place, "messages", m)
    last = request.blocks[-1] if request.blocks else None
    if marker is None or last is None or last.message_index != m or last.section is not Section.MESSAGES:
        return
    if last.breakpoint is None:
        last.breakpoint = Breakpoint(marker.style, marker.value, marker.ttl, marker.span, on_message=True)


def _has_media(content: Any) -> bool:
    return isinstance(content, list) and any(
        isinstance(b, dict) and b.get("type") in ("image", "document") for b in content
    )


def lower_anthropic(body: dict, place: Place, registry: Registry, hint: str | None) -> Request:
    version = body.get("anthropic_version")
    if not hint and isinstance(version, str):
        hint = "bedrock" if version.startswith("bedrock") else "vertex" if version.startswith("vertex") else None
    request = Request(provider="anthropic", platform="anthropic", model=None, span=place.span())
    _model(request, body, "model", place)
    request.platform = _platform(registry, request.model, hint, "anthropic")
    _tools(request, body.get("tools"), place, "cache_control")
    system = body.get("system")
    if _is_text(system):
        request.blocks.append(Block(Section.SYSTEM, "text", _as_text(system), place.span("system"), raw=system))
    elif isinstance(system, list):
        for j, item in enumerate(system):
            block = _anthropic_block(item, Section.SYSTEM, place, ("system", j))
            if block:
                request.blocks.append(block)
    messages = body.get("messages")
    if isinstance(messages, Hole):
        request.blocks.append(_unknown_block(messages, Section.MESSAGES, place.span("messages"), message_index=0))
    if isinstance(messages, list):
        for m, message in enumerate(messages):
            if isinstance(message, Hole):
                request.blocks.append(_unknown_block(message, Section.MESSAGES, place.span("messages", m), message_index=m))
            if not isinstance(message, dict):
                continue
            role = message.get("role") if isinstance(message.get("role"), str) else None
            content = message.get("content")
            if _is_text(content):
                request.blocks.append(
                    Block(
                        Section.MESSAGES,
                        "text",
                        _as_text(content),
                        place.span("messages", m, "content"),
                        role=role,
                        message_index=m,
                        raw=content,
                    )
                )
            elif isinstance(content, list):
                for j, item in enumerate(content):
                    block = _anthropic_block(
                        item, Section.MESSAGES, place, ("messages", m, "content", j), role=role, message_index=m
                    )
                    if block:
                        request.blocks.append(block)
            _message_marker(request, message, m, place)
    _params(request, body, _ANTHROPIC_PARAMS, place)
    request.automatic_cache = _marker(body, "cache_control", place)
    return request


# -- OpenAI Chat Completions and Responses ----------------------------------------

_OPENAI_SYSTEM_ROLES = ("system", "developer")
_OPENAI_MEDIA = ("image_url", "input_audio", "file", "input_image", "input_file")


def _openai_part(part: Any, section: Section, place: Place, rel: tuple, **where: Any) -> Block | None:
    if _is_text(part):
        return Block(section, "text", _as_text(part), place.span(*rel), **where)
    if not isinstance(part, dict):
        return None
    kind = part.get("type") if isinstance(part.get("type"), str) else "unknown"
    if kind in _OPENAI_MEDIA:
        text, content = "", ContentKind.MEDIA
    elif _is_text(part.get("text")):
        text, content = part["text"], ContentKind.TEXT
    elif _is_text(part.get("refusal")):
        text, content = part["refusal"], ContentKind.TEXT
    else:
        text, content = _json_text(part, drop="prompt_cache_breakpoint"), ContentKind.JSON
    breakpoint = _marker(part, "prompt_cache_breakpoint", place, *rel)
    return Block(section, kind, _as_text(text), place.span(*rel), content, breakpoint=breakpoint, **where)


def _openai_message(request: Request, message: Any, m: int, place: Place, rel: tuple) -> None:
    if isinstance(message, Hole):
        request.blocks.append(_unknown_block(message, Section.MESSAGES, place.span(*rel), message_index=m))
    if not isinstance(message, dict):
        return
    role = message.get("role") if isinstance(message.get("role"), str) else None
    section = Section.SYSTEM if role in _OPENAI_SYSTEM_ROLES else Section.MESSAGES
    content = message.get("content")
    if role is None and "type" in message:  # Responses items: function_call, function_call_output, …
        block = _openai_part(message, section, place, rel, message_index=m)
        if block:
            request.blocks.append(block)
        return
    if _is_text(content):
        request.blocks.append(
            Block(section, "text", _as_text(content), place.span(*rel, "content"), role=role, message_index=m)
        )
    elif isinstance(content, list):
        for j, part in enumerate(content):
            block = _openai_part(part, section, place, rel + ("content", j), role=role, message_index=m)
            if block:
                request.blocks.append(block)


def lower_openai_chat(body: dict, place: Place, registry: Registry, hint: str | None) -> Request:
    request = Request(provider="openai-chat", platform="openai", model=None, span=place.span())
    _model(request, body, "model", place)
    request.platform = _platform(registry, request.model, hint, "openai")
    _tools(request, body.get("tools"), place, "prompt_cache_breakpoint")
    messages = body.get("messages")
    if isinstance(messages, Hole):
        request.blocks.append(_unknown_block(messages, Section.MESSAGES, place.span("messages"), message_index=0))
    if isinstance(messages, list):
        for m, message in enumerate(messages):
            _openai_message(request, message, m, place, ("messages", m))
    _params(request, body, _OPENAI_PARAMS, place)
    return request


def lower_openai_responses(body: dict, place: Place, registry: Registry, hint: str | None) -> Request:
    request = Request(provider="openai-responses", platform="openai", model=None, span=place.span())
    _model(request, body, "model", place)
    request.platform = _platform(registry, request.model, hint, "openai")
    _tools(request, body.get("tools"), place, "prompt_cache_breakpoint")
    instructions = body.get("instructions")
    if _is_text(instructions):
        request.blocks.append(
            Block(Section.SYSTEM, "text", _as_text(instructions), place.span("instructions"), role="developer")
        )
    items = body.get("input")
    if _is_text(items):
        request.blocks.append(
            Block(Section.MESSAGES, "text", _as_text(items), place.span("input"), role="user", message_index=0)
        )
    elif isinstance(items, list):
        for m, item in enumerate(items):
            _openai_message(request, item, m, place, ("input", m))
    _params(request, body, _OPENAI_PARAMS, place)
    return request


# -- Bedrock Converse -----------------------------------------------------------


def _converse_list(
    request: Request, items: Any, section: Section, place: Place, rel: tuple, **where: Any
) -> None:
    """Lower a Converse list in which a ``cachePoint`` element marks the element before it."""
    if not isinstance(items, list):
        return
    for j, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        if "cachePoint" in item:
            if item["cachePoint"] is None:
                continue
            breakpoint = _breakpoint("cachePoint", item["cachePoint"], place.span(*rel, j, "cachePoint"))
            if request.blocks and request.blocks[-1].breakpoint is None:
                request.blocks[-1].breakpoint = breakpoint
            else:  # nothing to mark: an empty block carries it, and the rules say why that is wrong
                request.blocks.append(
                    Block(section, "cachePoint", Text(), place.span(*rel, j), breakpoint=breakpoint, **where)
                )
            continue
        if _is_text(item.get("text")):
            block = Block(section, "text", _as_text(item["text"]), place.span(*rel, j, "text"), **where)
        elif any(k in item for k in ("image", "document", "video", "audio")):
            block = Block(section, next(iter(item)), Text(), place.span(*rel, j), ContentKind.MEDIA, **where)
        else:
            kind = next(iter(item), "unknown")
            block = Block(section, kind, _json_text(item), place.span(*rel, j), ContentKind.JSON, **where)
        request.blocks.append(block)


def lower_converse(body: dict, place: Place, registry: Registry, hint: str | None) -> Request:
    request = Request(provider="bedrock-converse", platform="bedrock", model=None, span=place.span())
    _model(request, body, "modelId", place)
    config = body.get("toolConfig")
    if isinstance(config, dict):
        _converse_list(request, config.get("tools"), Section.TOOLS, place, ("toolConfig", "tools"))
        if "toolChoice" in config:
            request.params["tool_choice"] = config["toolChoice"]
            request.param_spans["tool_choice"] = place.span("toolConfig", "toolChoice")
    _converse_list(request, body.get("system"), Section.SYSTEM, place, ("system",))
    messages = body.get("messages")
    if isinstance(messages, list):
        for m, message in enumerate(messages):
            if isinstance(message, dict):
                role = message.get("role") if isinstance(message.get("role"), str) else None
                _converse_list(
                    request,
                    message.get("content"),
                    Section.MESSAGES,
                    place,
                    ("messages", m, "content"),
                    role=role,
                    message_index=m,
                )
    _params(request, body, _CONVERSE_PARAMS, place)
    fields = body.get("additionalModelRequestFields")
    if isinstance(fields, dict) and "thinking" in fields:
        request.params["thinking"] = fields["thinking"]
        request.param_spans["thinking"] = place.span("additionalModelRequestFields", "thinking")
    return request


# -- Google Gemini (generateContent, and cachedContents.create) ------------------------
#
# Bodies from the Python SDK use snake_case keys, REST bodies camelCase; both are read.
# Gemini has no breakpoints: caching is implicit (the provider's facts say it is not
# opt-in), or explicit through a cache object made by cachedContents.create and named by
# ``cached_content``. A request that names one must not also send what belongs in the
# cache (G3): the API rejects it, and the lowering reports it as a shape problem (PL002).

_GEMINI_MEDIA = ("inline_data", "inlineData", "file_data", "fileData")
_GEMINI_CACHED = ("cached_content", "cachedContent")
_GEMINI_IN_CACHE = (("system_instruction", "systemInstruction"), ("tools",), ("tool_config", "toolConfig"))


def _gemini_key(body: dict, *names: str) -> str | None:
    return next((name for name in names if name in body and body[name] is not None), None)


def _gemini_part(part: Any, section: Section, place: Place, rel: tuple, **where: Any) -> Block | None:
    if _is_text(part):
        return Block(section, "text", _as_text(part), place.span(*rel), **where)
    if not isinstance(part, dict):
        return None
    if _is_text(part.get("text")):
        return Block(section, "text", _as_text(part["text"]), place.span(*rel, "text"), **where)
    media = next((k for k in _GEMINI_MEDIA if k in part), None)
    if media is not None:
        return Block(section, media, Text(), place.span(*rel), ContentKind.MEDIA, **where)
    kind = next(iter(part), "unknown")
    return Block(section, str(kind), _json_text(part), place.span(*rel), ContentKind.JSON, **where)


def _gemini_parts(request: Request, parts: Any, section: Section, place: Place, rel: tuple, **where: Any) -> None:
    if isinstance(parts, Hole):
        request.blocks.append(_unknown_block(parts, section, place.span(*rel), **where))
    elif isinstance(parts, list):
        for j, part in enumerate(parts):
            if isinstance(part, Hole):
                request.blocks.append(_unknown_block(part, section, place.span(*rel, j), **where))
                continue
            block = _gemini_part(part, section, place, rel + (j,), **where)
            if block:
                request.blocks.append(block)
    else:
        block = _gemini_part(parts, section, place, rel, **where)
        if block:
            request.blocks.append(block)


def _gemini_contents(request: Request, contents: Any, section: Section, place: Place, rel: tuple) -> None:
    """``contents``: a string, a part, a Content (``{"role", "parts"}``) or a list of them; parts
    in a row make one user Content, as the SDK groups them."""
    if not isinstance(contents, list):
        contents = [contents]
        rel_of = lambda m: rel  # noqa: E731 - the value itself, not an item of it
    else:
        rel_of = lambda m: rel + (m,)  # noqa: E731
    index = -1
    grouped = False
    for m, item in enumerate(contents):
        if isinstance(item, dict) and "parts" in item:
            index += 1
            grouped = False
            role = item.get("role") if isinstance(item.get("role"), str) else "user"
            _gemini_parts(request, item["parts"], section, place, rel_of(m) + ("parts",), role=role, message_index=index)
            continue
        if not grouped:
            index += 1
            grouped = True
        _gemini_parts(request, item, section, place, rel_of(m), role="user", message_index=index)


def _gemini_blocks(request: Request, body: dict, place: Place, contents_section: Section) -> None:
    tools = body.get("tools")
    if isinstance(tools, Hole):
        request.blocks.append(_unknown_block(tools, Section.TOOLS, place.span("tools")))
    elif isinstance(tools, list):
        for i, tool in enumerate(tools):
            if isinstance(tool, dict):
                request.blocks.append(Block(Section.TOOLS, "tool", _json_text(tool), place.span("tools", i), ContentKind.JSON, raw=tool))
            elif _is_text(tool):  # a callable the SDK declares itself, or a tool built at run time
                request.blocks.append(Block(Section.TOOLS, "tool", _as_text(tool), place.span("tools", i), ContentKind.JSON))
    key = _gemini_key(body, "system_instruction", "systemInstruction")
    if key is not None:
        system = body[key]
        if isinstance(system, dict) and "parts" in system:
            _gemini_parts(request, system["parts"], Section.SYSTEM, place, (key, "parts"))
        else:
            _gemini_parts(request, system, Section.SYSTEM, place, (key,))
    if "contents" in body and body["contents"] is not None:
        _gemini_contents(request, body["contents"], contents_section, place, ("contents",))


def _gemini_request(body: dict, place: Place, registry: Registry, hint: str | None) -> Request:
    request = Request(provider="gemini", platform="gemini", model=None, span=place.span())
    _model(request, body, "model", place)
    if request.model is not None and "models/" in request.model:  # REST resource names: models/gemini-2.5-flash
        request.model = request.model.rsplit("models/", 1)[1]
    request.platform = _platform(registry, request.model, hint, "gemini")
    return request


def lower_gemini(body: dict, place: Place, registry: Registry, hint: str | None) -> Request:
    """A generateContent request: implicit caching reads its leading part."""
    request = _gemini_request(body, place, registry, hint)
    _gemini_blocks(request, body, place, Section.MESSAGES)
    for names in (_GEMINI_CACHED, ("tool_config", "toolConfig")):
        key = _gemini_key(body, *names)
        if key is not None:
            request.params[names[0]] = body[key]
            request.param_spans[names[0]] = place.span(key)
    cached = _gemini_key(body, *_GEMINI_CACHED)
    if cached is not None:
        for names in _GEMINI_IN_CACHE:
            key = _gemini_key(body, *names)
            if key is not None and body[key] != []:
                request.shape_problems.append(
                    ShapeProblem(
                        f"'{key}' cannot be sent with '{cached}': it belongs in the cache (caches.create), "
                        "and the API rejects the request with 400 INVALID_ARGUMENT",
                        place.span(key),
                    )
                )
    return request


def lower_gemini_cache(body: dict, place: Place, registry: Registry, hint: str | None) -> Request:
    """A cachedContents.create request: everything in it is written to the explicit cache.

    Its contents are not a conversation a later request extends but part of one fixed
    context, so they are lowered at the system level; one breakpoint on the last block
    says that all of it is the cached prefix.
    """
    request = _gemini_request(body, place, registry, hint)
    _gemini_blocks(request, body, place, Section.SYSTEM)
    last = next((b for b in reversed(request.blocks) if b.content is not ContentKind.TEXT or not b.text.is_static or b.text.known_text()), None)
    if last is not None:
        key = _gemini_key(body, "ttl", "expire_time", "expireTime")
        value = {key: body[key]} if key is not None else {}
        last.breakpoint = Breakpoint("cachedContent", value, None, place.span())
    return request


Lowering = Callable[[dict, Place, Registry, "str | None"], Request]

LOWERINGS: dict[str, Lowering] = {
    "anthropic": lower_anthropic,
    "openai-chat": lower_openai_chat,
    "openai-responses": lower_openai_responses,
    "bedrock-converse": lower_converse,
    "gemini": lower_gemini,
    "gemini-cache": lower_gemini_cache,
}


def hint_platform(body: dict) -> str | None:
    hint = body.get("provider")
    return _HINT_PLATFORMS.get(hint.lower()) if isinstance(hint, str) else None
