"""LiteLLM: ``completion`` / ``acompletion``, module-level or on a ``Router``.

LiteLLM takes OpenAI-format messages for every provider and translates them itself. For
Claude (``anthropic/…``, ``bedrock/…``, ``vertex_ai/claude-…``, a bare ``claude-…`` or
Bedrock id) its Anthropic transformation moves the system-role messages into ``system``
blocks and keeps a ``cache_control`` written on a content part, on a message whose content
is a string, or on a tool (or its ``function``); such calls become Anthropic-shaped bodies
here, whose blocks are the source dicts themselves or new ones that carry their spans, so
findings point at the lines the code wrote. For OpenAI, Azure, DeepSeek and Gemini models
(caching automatic, markers dropped by LiteLLM) the body keeps OpenAI's shape. The platform
follows the model's provider prefix (the registry reads LiteLLM's spellings).

``cache_control_injection_points`` (LiteLLM's own switch, per call or in a Router
deployment's ``litellm_params``) is applied as LiteLLM's hook applies it: by index or role,
on the message (string content) or its last part. A Router's alias is looked up in the
``model_list`` it was constructed with, where that can be evaluated.

Not modelled: providers whose caching the registry does not know (``groq/…``, ``ollama/…``,
``openrouter/…``), calls whose model is unknown and that carry no marker, LiteLLM's merging
of consecutive same-role messages, and the Responses and Anthropic ``/v1/messages`` routes.
"""

from __future__ import annotations

import libcst as cst

from ....request import Hole, Text
from ..evaluate import CALL_HOOKS
from ..values import Modelled, Opaque, SDict, SList

_ROUTERS = frozenset({"litellm.Router", "litellm.router.Router"})
_FUNCTIONS = frozenset({"litellm.completion", "litellm.acompletion", "litellm.main.completion", "litellm.main.acompletion"})
_METHODS = frozenset({"completion", "acompletion"})

# The arguments the lowerings and the call-site facts read.
RELEVANT = frozenset(
    {
        "model", "messages", "tools", "tool_choice", "thinking", "parallel_tool_calls", "prompt_cache_key",
        "prompt_cache_retention", "response_format", "reasoning_effort", "max_tokens",
        "cache_control_injection_points", "custom_llm_provider",
    }
)
# Keys an Anthropic-shaped body keeps from the call (messages and tools are converted).
_ANTHROPIC_KEYS = ("model", "tool_choice", "thinking", "max_tokens")

# LiteLLM provider prefix → (request shape, platform hint; None: the model id decides).
_PROVIDERS: dict[str, tuple[str, str | None]] = {
    "anthropic": ("anthropic", None),
    "bedrock": ("anthropic", "bedrock"),
    "openai": ("openai-chat", None),
    "azure": ("openai-chat", "azure"),
    "deepseek": ("openai-chat", "deepseek"),
    "gemini": ("openai-chat", "gemini"),
}
_VERTEX = ("vertex_ai", "vertex_ai_beta")
_SYSTEM_ROLES = ("system", "developer")


def requests(call) -> "list | None":
    """The request a LiteLLM call sends; None if the call is not one."""
    from . import Found

    router = _target(call)
    if router is None:
        return None
    body = call.keywords(RELEVANT)
    for index, key in ((0, "model"), (1, "messages")):
        expr = call.positional(index)
        if key not in body and expr is not None:
            body.put(key, call.value(expr), call.module.span(expr))
    if "messages" not in body:
        return None
    origins = call.origins(("model",))
    injection = body.get("cache_control_injection_points")
    provider = body.get("custom_llm_provider")
    if isinstance(router, Opaque):
        deployment = _deployment(call, router, body.get("model"))
        if deployment is not None:
            params, params_spans = deployment
            if "model" in params:
                body.put("model", params["model"], body.spans.get("model"))
                origins["model"] = params_spans.get("model") or origins.get("model")
            injection = injection if injection is not None else params.get("cache_control_injection_points")
            provider = provider if provider is not None else params.get("custom_llm_provider")
    messages = body.get("messages")
    if isinstance(injection, list) and isinstance(messages, list):
        messages = _inject(messages, injection)
        body.put("messages", messages, body.spans.get("messages"))
    route = _route(body.get("model"), provider, _marked(messages) or _marked(body.get("tools")))
    if route is None:
        return None
    kind, platform = route
    if kind == "anthropic":
        body = _anthropic_body(body)
    return [Found(kind, body, platform, origins=origins)]


# -- which calls --------------------------------------------------------------------------


def _target(call) -> "object | None":
    """``True`` for ``litellm.completion``-style calls, the Router value for a Router's
    method (a hole when the router cannot be evaluated), None for anything else."""
    func = call.node.func
    if isinstance(func, cst.Name):
        return True if call.evaluator.qualify(func, call.frame) in _FUNCTIONS else None
    if not (isinstance(func, cst.Attribute) and func.attr.value in _METHODS):
        return None
    if call.evaluator.qualify(func, call.frame) in _FUNCTIONS:
        return True
    receiver = call.value(func.value)
    if isinstance(receiver, Opaque) and isinstance(receiver.extra, Router):
        return receiver
    if isinstance(receiver, Hole) and _imports_litellm(call.module):
        return receiver  # a router passed in or built elsewhere: no model list to read
    return None


def _imports_litellm(module) -> bool:
    return any(imp.module.split(".")[0] == "litellm" for scope in module.scopes.values() for imp in scope.imports.values())


class Router(Modelled):
    """A ``litellm.Router(...)``: its construction, read when a call needs its model list."""

    def __init__(self, node: cst.Call, frame) -> None:
        self.node = node
        self.frame = frame

    def deployments(self, evaluator) -> object:
        expr = next((a.value for a in self.node.args if a.keyword is not None and a.keyword.value == "model_list"), None)
        if expr is None:
            positional = [a for a in self.node.args if a.keyword is None and not a.star]
            expr = positional[0].value if positional else None
        return evaluator.value(expr, self.frame) if expr is not None else None


def _construct(evaluator, qual: str, node: cst.Call, frame) -> object:
    return Opaque(qual, Router(node, frame)) if qual in _ROUTERS else NotImplemented


CALL_HOOKS.append(_construct)


def _deployment(call, router: Opaque, alias: object) -> "tuple[dict, dict] | None":
    """The ``litellm_params`` of the first deployment named ``alias`` in the Router's model list."""
    if not isinstance(alias, str):
        return None
    deployments = router.extra.deployments(call.evaluator)  # type: ignore[union-attr]
    for entry in deployments if isinstance(deployments, list) else ():
        if isinstance(entry, dict) and entry.get("model_name") == alias and isinstance(entry.get("litellm_params"), dict):
            params = entry["litellm_params"]
            return params, getattr(params, "spans", {})
    return None


def _route(model: object, provider: object, marked: bool) -> "tuple[str, str | None] | None":
    """(request shape, platform hint) for a model as LiteLLM spells it; None: not modelled."""
    spelled = model if isinstance(model, str) else model.sample if isinstance(model, Hole) and isinstance(model.sample, str) else None
    if spelled is None:
        return ("anthropic", None) if marked else None  # markers only mean something to Claude
    name = spelled.strip().lower()
    prefix = provider.lower() if isinstance(provider, str) else None
    if prefix is None and "/" in name:
        prefix, name = name.split("/", 1)
    if prefix in _VERTEX:
        return ("anthropic", "vertex") if "claude" in name else ("openai-chat", "gemini") if "gemini" in name else None
    if prefix is not None:
        return _PROVIDERS.get(prefix)
    if name.startswith("claude") or "anthropic.claude" in name:
        return "anthropic", None
    if name.startswith(("gpt-", "chatgpt-", "o1", "o3", "o4")):
        return "openai-chat", None
    if name.startswith("deepseek"):
        return "openai-chat", "deepseek"
    if name.startswith("gemini"):
        return "openai-chat", "gemini"
    return None


def _marked(value: object, depth: int = 0) -> bool:
    """Whether a ``cache_control`` is written anywhere in messages or tools."""
    if depth > 6:
        return False
    if isinstance(value, dict):
        return "cache_control" in value or any(_marked(v, depth + 1) for k, v in value.items() if k in ("content", "function"))
    if isinstance(value, list):
        return any(_marked(v, depth + 1) for v in value)
    return False


# -- cache_control_injection_points --------------------------------------------------------


def _inject(messages: list, points: list) -> list:
    """Messages with LiteLLM's injected ``cache_control``s, the point's span on each."""
    out = _copy_list(messages, list(messages))
    for p, point in enumerate(points):
        if not isinstance(point, dict) or point.get("location") != "message":
            continue
        span = getattr(points, "spans", [None] * len(points))[p] or getattr(point, "span", None)
        control = point.get("control") or SDict(span)
        if not control:
            control.put("type", "ephemeral", span)
        index, role = point.get("index"), point.get("role")
        if isinstance(index, str) and index.lstrip("-").isdigit():
            index = int(index)
        if isinstance(index, int):
            targets = [_resolve_index(out, index)]
        elif isinstance(role, str):
            targets = [i for i, m in enumerate(out) if isinstance(m, dict) and m.get("role") == role]
        else:
            targets = []
        for i in targets:
            if i is not None and isinstance(out[i], dict):
                out[i] = _mark(out[i], control, span)
    return out


def _resolve_index(messages: list, index: int) -> int | None:
    """The list position LiteLLM's index names, unless an unknown run of messages hides it."""
    position = index + len(messages) if index < 0 else index
    if not 0 <= position < len(messages):
        return None
    between = messages[position + 1 :] if index < 0 else messages[:position]
    return None if any(isinstance(m, Hole) for m in between) else position


def _mark(message: dict, control: object, span) -> SDict:
    out = _copy_dict(message)
    content = message.get("content")
    if isinstance(content, list) and content and isinstance(content[-1], dict):
        parts = _copy_list(content, list(content))
        parts[-1] = _copy_dict(content[-1])
        parts[-1].put("cache_control", control, span)
        out.put("content", parts, _spans(message).get("content"))
    elif isinstance(content, (str, Text, Hole)):
        out.put("cache_control", control, span)
    return out


# -- OpenAI format → Anthropic Messages ------------------------------------------------------


def _anthropic_body(body: SDict) -> SDict:
    out = SDict(body.span)
    for key in _ANTHROPIC_KEYS:
        if key in body:
            out.put(key, body[key], body.spans.get(key))
    if "tools" in body:
        out.put("tools", _tools(body["tools"]), body.spans.get("tools"))
    messages = body.get("messages")
    span = body.spans.get("messages")
    if not isinstance(messages, list):
        out.put("messages", messages, span)
        return out
    system = _copy_list(messages, [], keep_shared=False)  # its order hole goes with both parts
    turns = _copy_list(messages, [])
    spans = _list_spans(messages)
    for i, message in enumerate(messages):
        where = spans[i] or span
        if isinstance(message, dict) and message.get("role") in _SYSTEM_ROLES:
            for block, block_span in _system_blocks(message, where):
                system.add(block, block_span)
            content = message.get("content")
            if getattr(content, "unordered", None) is not None and system.unordered is None:
                system.unordered = content.unordered  # type: ignore[union-attr]
        elif isinstance(message, dict):
            turns.add(_turn(message, where), where)
        else:
            turns.add(message, where)
    if system:
        out.put("system", system, span)
    out.put("messages", turns, span)
    return out


def _system_blocks(message: dict, where):
    """The ``system`` blocks one system-role message becomes, each with its span."""
    spans = _spans(message)
    content = message.get("content")
    if isinstance(content, (str, Text, Hole)):
        yield _text_block(content, spans.get("content") or where, message.get("cache_control"), spans.get("cache_control")), spans.get("content") or where
    elif isinstance(content, list):
        part_spans = _list_spans(content)
        for j, part in enumerate(content):
            at = part_spans[j] or spans.get("content") or where
            if isinstance(part, dict):
                yield part, at
            elif isinstance(part, (str, Text, Hole)):
                yield _text_block(part, at, None, None), at


def _turn(message: dict, where) -> SDict:
    """A user, assistant or tool message in Anthropic's shape."""
    spans = _spans(message)
    role = message.get("role")
    content = message.get("content")
    content_span = spans.get("content") or where
    out = SDict(getattr(message, "span", None) or where)
    if role in ("tool", "function"):
        block = SDict(content_span)
        block.put("type", "tool_result", content_span)
        block.put("tool_use_id", message.get("tool_call_id"), spans.get("tool_call_id"))
        block.put("content", content if content is not None else "", content_span)
        if "cache_control" in message:
            block.put("cache_control", message["cache_control"], spans.get("cache_control"))
        out.put("role", "user", spans.get("role"))
        out.put("content", SList([block], content_span, [content_span]), content_span)
        return out
    out.put("role", role, spans.get("role"))
    calls = message.get("tool_calls")
    if isinstance(content, (str, Text, Hole)) and "cache_control" not in message and not isinstance(calls, list):
        out.put("content", content, content_span)
        return out
    blocks = _copy_list(content, []) if isinstance(content, list) else SList(span=content_span)
    if isinstance(content, (str, Text, Hole)):
        blocks.add(_text_block(content, content_span, message.get("cache_control"), spans.get("cache_control")), content_span)
    elif isinstance(content, list):
        part_spans = _list_spans(content)
        for j, part in enumerate(content):
            blocks.add(_part(part, part_spans[j] or content_span), part_spans[j] or content_span)
    for call, call_span in zip(calls if isinstance(calls, list) else (), _list_spans(calls) if isinstance(calls, list) else ()):
        if isinstance(call, dict):
            blocks.add(_tool_use(call, call_span or spans.get("tool_calls") or where), call_span or spans.get("tool_calls") or where)
    out.put("content", blocks, content_span)
    return out


def _part(part: object, where) -> object:
    """An OpenAI content part as an Anthropic block (text parts are the same dict)."""
    if not isinstance(part, dict):
        return _text_block(part, where, None, None) if isinstance(part, (str, Text, Hole)) else part
    kind = part.get("type")
    if kind not in ("image_url", "file", "input_audio"):
        return part
    spans = _spans(part)
    block = SDict(getattr(part, "span", None) or where)
    block.put("type", "image" if kind == "image_url" else "document", spans.get("type") or where)
    block.put("source", part.get(kind), spans.get(kind) or where)
    if "cache_control" in part:
        block.put("cache_control", part["cache_control"], spans.get("cache_control"))
    return block


def _tool_use(call: dict, where) -> SDict:
    spans = _spans(call)
    function = call.get("function") if isinstance(call.get("function"), dict) else {}
    block = SDict(getattr(call, "span", None) or where)
    block.put("type", "tool_use", spans.get("type") or where)
    block.put("id", call.get("id"), spans.get("id") or where)
    block.put("name", function.get("name"), _spans(function).get("name") or where)
    block.put("input", function.get("arguments"), _spans(function).get("arguments") or where)
    if "cache_control" in call:
        block.put("cache_control", call["cache_control"], spans.get("cache_control"))
    return block


def _tools(tools: object) -> object:
    """OpenAI function tools as Anthropic tools; a marker on the tool or its function is kept."""
    if not isinstance(tools, list):
        return tools
    out = _copy_list(tools, [])
    for tool, where in zip(tools, _list_spans(tools)):
        function = tool.get("function") if isinstance(tool, dict) else None
        if not isinstance(function, dict) or "input_schema" in tool:  # type: ignore[operator]
            out.add(tool, where)
            continue
        spans, fn_spans = _spans(tool), _spans(function)
        converted = SDict(getattr(tool, "span", None) or where)
        for key, source in (("name", "name"), ("description", "description"), ("input_schema", "parameters")):
            if source in function:
                converted.put(key, function[source], fn_spans.get(source) or where)
        if "cache_control" in tool:
            converted.put("cache_control", tool["cache_control"], spans.get("cache_control"))
        elif isinstance(function.get("cache_control"), dict):
            converted.put("cache_control", function["cache_control"], fn_spans.get("cache_control"))
        out.add(converted, where)
    return out


def _text_block(text: object, where, control: object, control_span) -> SDict:
    block = SDict(where)
    block.put("type", "text", where)
    block.put("text", text, where)
    if control is not None:
        block.put("cache_control", control, control_span or where)
    return block


# -- copies that keep what the evaluator recorded ---------------------------------------------


def _spans(value: object) -> dict:
    return getattr(value, "spans", None) or {}


def _list_spans(value: list) -> list:
    spans = getattr(value, "spans", None)
    return list(spans) if isinstance(spans, list) and len(spans) == len(value) else [None] * len(value)


def _copy_list(source: object, items: list, keep_shared: bool = True) -> SList:
    """A new list with ``items`` and the source list's span, order hole, sharing and loop marks."""
    spans = _list_spans(source) if items and isinstance(source, list) and len(items) == len(source) else [None] * len(items)
    out = SList(items, getattr(source, "span", None), spans, getattr(source, "unordered", None), keep_shared and getattr(source, "shared", False))
    out.loop_marks = list(getattr(source, "loop_marks", ()))
    return out


def _copy_dict(source: dict) -> SDict:
    out = SDict(getattr(source, "span", None))
    for key, value in source.items():
        out.put(key, value, _spans(source).get(key))
    out.complete = getattr(source, "complete", True)
    return out
