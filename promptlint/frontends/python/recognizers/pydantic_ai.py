"""pydantic-ai agents on Anthropic models: the Messages request each run sends.

An agent is built once (``Agent("anthropic:claude-…", system_prompt=…, instructions=…,
tools=…, model_settings=…)``, or with a model object ``AnthropicModel("claude-…",
settings=…)``) and run many times (``agent.run(...)``, ``run_sync``, ``run_stream``,
``run_stream_events``, ``iter``). The request is made at the run: this recognizer follows
the receiver to the ``Agent(...)`` call, collects the functions decorated with
``@agent.system_prompt``, ``@agent.instructions``, ``@agent.tool`` and
``@agent.tool_plain`` in the agent's module, and builds the body pydantic-ai's
``AnthropicModel`` sends (pydantic-ai 1.x, docs/models/anthropic.md and
models/anthropic.py):

- tools: the function tools, ``tools=`` first, then the decorated ones; a tool's input
  schema is derived from its signature, so it is a hole of the approximate size;
- system: the system prompts (static ones, then the functions' returns) joined by a blank
  line into one block, then one block per instruction, static ones (strings) before
  dynamic ones (functions). A function is evaluated for its return value with its
  parameters unknown: ``RunContext`` deps become per-request holes, ``datetime.now()``
  a volatile one, as they are re-evaluated on every run;
- messages: the run's message history (a hole) and the user prompt, a string or a list
  whose ``CachePoint()`` marks the element before it.

Caching settings (``AnthropicModelSettings`` from the model, the agent and the run, merged
in that order): ``anthropic_cache_tool_definitions`` marks the last tool;
``anthropic_cache_instructions`` the last static instruction block (the system prompt block
when every instruction is dynamic); ``anthropic_cache_messages`` the last block of the last
message; ``anthropic_cache`` is top-level automatic caching. ``True`` means ``"5m"``.
pydantic-ai drops the oldest message breakpoints beyond Anthropic's 4 (3 with automatic
caching), so neither does the body built here exceed them.

Agents on other providers (``openai:…``, ``google-gla:…``, ``bedrock:…``) are not modelled.
"""

from __future__ import annotations

import json

import libcst as cst

from ....request import Hole, HoleKind, Span, Text
from ..evaluate import Frame
from ..strings import concat
from ..module import Module, Scope
from ..values import Function, SDict, SList
from .follow import Followed, follow, keyword, keywords, qualified

RUN_METHODS = frozenset({"run", "run_sync", "run_stream", "run_stream_sync", "run_stream_events", "iter"})
_DECORATORS = frozenset({"system_prompt", "instructions", "tool", "tool_plain"})
_SETTINGS = frozenset({"anthropic_cache", "anthropic_cache_instructions", "anthropic_cache_tool_definitions", "anthropic_cache_messages"})
_MEDIA = {"ImageUrl": "image", "BinaryImage": "image", "BinaryContent": "document", "DocumentUrl": "document", "AudioUrl": "audio", "VideoUrl": "video"}
_SCHEMA_TYPES = {"str": "string", "int": "integer", "float": "number", "bool": "boolean", "list": "array", "dict": "object"}


def _is_agent(qual: str) -> bool:
    return qual.startswith("pydantic_ai.") and qual.rsplit(".", 1)[-1] == "Agent"


def _short(qual: str) -> str:
    return qual.rsplit(".", 1)[-1]


def requests(call) -> "list | None":
    from . import Found

    node = call.node
    func = node.func
    if not (isinstance(func, cst.Attribute) and func.attr.value in RUN_METHODS):
        return None
    ev = call.evaluator
    agent = follow(ev, func.value, call.frame)
    if not (isinstance(agent.node, cst.Call) and _is_agent(qualified(ev, agent.node.func, agent.frame))):
        return None
    ctor: cst.Call = agent.node  # type: ignore[assignment]
    frame = agent.frame

    # The model: the run's override, else the agent's (first positional or model=).
    model_node, model_frame = keyword(node, "model"), call.frame
    if model_node is None:
        model_node, model_frame = keyword(ctor, "model", 0), frame
    model, model_span, model_settings = _model(ev, model_node, model_frame)
    settings = SDict()
    for source in (model_settings, _settings(ev, keyword(ctor, "model_settings"), frame), _settings(ev, keyword(node, "model_settings"), call.frame)):
        for key, value in source.items():
            settings.put(key, value, source.spans.get(key))
    if model is None or (isinstance(model, Hole) and not any(k in settings for k in _SETTINGS)):
        return None  # another provider, or none known and nothing says it is Anthropic

    decorated = _decorated(agent)
    body = SDict(call.module.span(node))
    body.put("model", model, model_span)
    tools = _tools(ev, ctor, frame, decorated)
    system, system_meta = _system(ev, ctor, frame, decorated)
    messages = _messages(call, node)
    _mark(settings, tools, system, system_meta, messages, body)
    if tools:
        body.put("tools", tools, tools.span)
    if system:
        body.put("system", system, system.span)
    body.put("messages", messages, messages.span)
    return [Found("anthropic", body, origins={"model": model_span} if model_span else {})]


# -- the model and its settings -----------------------------------------------------------


def _model(ev, node: cst.BaseExpression | None, frame: Frame) -> tuple[object, Span | None, SDict]:
    """(model id or a hole, where it is written, the model object's own settings);
    (None, …) when the agent runs on another provider."""
    if node is None:
        return Hole(HoleKind.UNKNOWN, "the agent's model (set at run time)"), None, SDict()
    found = follow(ev, node, frame)
    target, where = found.node, found.frame
    if isinstance(target, cst.Call):
        qual = qualified(ev, target.func, where)
        if not qual.startswith("pydantic_ai."):
            return Hole(HoleKind.UNKNOWN, where.module.code(target)), where.module.span(target), SDict()
        if _short(qual) != "AnthropicModel":
            return None, None, SDict()
        name_node = keyword(target, "model_name", 0)
        name = ev.value(name_node, where) if name_node is not None else Hole(HoleKind.UNKNOWN, "model name")
        span = ev.origin(name_node, where) if name_node is not None else where.module.span(target)
        return name, span, _settings(ev, keyword(target, "settings"), where)
    value = ev.value(target, where)
    span = ev.origin(node, frame)
    if isinstance(value, str):
        spelled = value.removeprefix("gateway/")
        provider, sep, _ = spelled.partition(":")
        if sep and provider != "anthropic":
            return None, None, SDict()
        if not sep and not spelled.startswith("claude"):
            return None, None, SDict()
        return spelled, span, SDict()
    return (value if isinstance(value, Hole) else Hole(HoleKind.UNKNOWN, where.module.code(target))), span, SDict()


def _settings(ev, node: cst.BaseExpression | None, frame: Frame) -> SDict:
    """Settings as written: an ``AnthropicModelSettings(...)``/``ModelSettings(...)`` call or a dict."""
    if node is None:
        return SDict()
    found = follow(ev, node, frame)
    if isinstance(found.node, cst.Call) and qualified(ev, found.node.func, found.frame).endswith(("ModelSettings", "builtins.dict")):
        return keywords(ev, found.node, found.frame)
    value = ev.value(found.node, found.frame)
    return value if isinstance(value, SDict) else SDict()


# -- decorated functions, tools, system ---------------------------------------------------


def _decorated(agent: Followed) -> list[tuple[str, Scope, cst.Call | None]]:
    """(decorator, function scope, decorator call) for each ``@agent.<x>`` function, in order."""
    name, bound_in = agent.name, agent.scope
    if name is None or bound_in is None:
        return []
    module: Module = agent.frame.module
    found = []
    for scope in module.functions():
        fn: cst.FunctionDef = scope.node  # type: ignore[assignment]
        for decorator in fn.decorators:
            expr, dcall = decorator.decorator, None
            if isinstance(expr, cst.Call):
                expr, dcall = expr.func, expr
            if not (isinstance(expr, cst.Attribute) and expr.attr.value in _DECORATORS and isinstance(expr.value, cst.Name) and expr.value.value == name):
                continue
            parent = scope.parent
            while parent is not None and parent is not bound_in:
                parent = parent.parent
            if parent is bound_in:
                found.append((expr.attr.value, scope, dcall))
    found.sort(key=lambda item: module.pos(item[1].node))
    return found


def _returns(ev, module: Module, scope: Scope) -> tuple[object, Span] | None:
    """What a prompt function returns, its parameters (the RunContext) unknown."""
    if not scope.returns:
        return None
    # The return its value is taken from: the last one of its body's top level, else the last.
    top = [small for s in scope.body if isinstance(s, cst.SimpleStatementLine) for small in s.body if isinstance(small, cst.Return)]
    last = top[-1] if top else scope.returns[-1]
    if last.value is None:
        return None
    env: dict[str, object] = {}
    for name, param in scope.params.items():
        env[name] = Hole(HoleKind.PER_REQUEST, f"parameter '{name}' of {scope.name}()", module.span(param.name))
    value = ev.value(last.value, Frame(module, scope, module.pos(last), env, depth=1))
    return value, module.span(last.value)


def _tool(module: Module, fn: cst.FunctionDef, takes_ctx: bool | None, span: Span) -> SDict:
    """A tool definition as pydantic-ai builds it from a function: the schema approximated."""
    params = [*fn.params.posonly_params, *fn.params.params, *fn.params.kwonly_params]
    if params and (takes_ctx or (takes_ctx is None and params[0].annotation is not None and "RunContext" in module.code(params[0].annotation.annotation))):
        params = params[1:]
    properties: dict = {}
    required: list = []
    for param in params:
        annotation = module.code(param.annotation.annotation) if param.annotation is not None else ""
        properties[param.name.value] = {"type": _SCHEMA_TYPES.get(annotation.split("[")[0], "string")} if annotation else {}
        if param.default is None:
            required.append(param.name.value)
    schema = {"additionalProperties": False, "properties": properties, "required": required, "type": "object"}
    tool = SDict(span)
    tool.put("name", fn.name.value, span)
    doc = fn.get_docstring()
    if doc:
        tool.put("description", doc, span)
    label = f"the input schema pydantic-ai derives from the signature of {fn.name.value}()"
    tool.put("input_schema", Hole(HoleKind.UNKNOWN, label, span, json.dumps(schema)), span)
    return tool


def _tools(ev, ctor: cst.Call, frame: Frame, decorated) -> SList:
    out = SList(span=frame.module.span(ctor))
    listed = keyword(ctor, "tools")
    if listed is not None:
        found = follow(ev, listed, frame)
        if isinstance(found.node, (cst.List, cst.Tuple)) and not found.mutated:
            where = found.frame
            for element in found.node.elements:
                item, takes_ctx = element.value, None
                if isinstance(item, cst.Call) and _short(qualified(ev, item.func, where)) == "Tool":
                    inner = keyword(item, "function", 0)
                    flag = keyword(item, "takes_ctx")
                    takes_ctx = isinstance(flag, cst.Name) and flag.value == "True" if flag is not None else None
                    item = inner if inner is not None else item
                _add_tool(out, ev.value(item, where), takes_ctx, where.module.span(element.value), where.module.code(element.value, 40))
        else:
            value = ev.value(listed, frame)
            span = frame.module.span(listed)
            out.unordered = getattr(value, "unordered", None)  # tools listed from a set keep its varying order
            for item in value if isinstance(value, list) else [value]:
                _add_tool(out, item, None, span, frame.module.code(listed, 40))
    for kind, scope, _ in decorated:
        if kind in ("tool", "tool_plain"):
            module = frame.module
            span = module.span(scope.node.name)  # type: ignore[attr-defined]
            out.add(_tool(module, scope.node, kind == "tool", span), span)  # type: ignore[arg-type]
    return out


def _add_tool(out: SList, value: object, takes_ctx: bool | None, span: Span, code: str) -> None:
    if isinstance(value, Function) and isinstance(value.node, cst.FunctionDef):
        out.add(_tool(value.module, value.node, takes_ctx, span), span)  # type: ignore[arg-type]
    else:
        out.add(Hole(HoleKind.UNKNOWN, f"a tool ({code})", span), span)


def _strings(ev, node: cst.BaseExpression, frame: Frame) -> list[tuple[object, Span, bool]]:
    """(value, span, is a function) for a prompt argument: a string, a function, or a sequence of them."""
    found = follow(ev, node, frame)
    if isinstance(found.node, (cst.List, cst.Tuple)) and not found.mutated:
        where = found.frame
        items = [(ev.value(e.value, where), where.module.span(e.value)) for e in found.node.elements]
    else:
        value = ev.value(node, frame)
        span = frame.module.span(node)
        if isinstance(value, list):
            items = list(zip(value, [s or span for s in getattr(value, "spans", [span] * len(value))]))
        else:
            items = [(value, span)]
    out = []
    for value, span in items:
        if isinstance(value, Function) and isinstance(value.node, cst.FunctionDef):
            scope = value.module.scopes.get(value.node)  # type: ignore[attr-defined]
            returned = _returns(ev, value.module, scope) if scope is not None else None  # type: ignore[arg-type]
            if returned is not None:
                out.append((returned[0], returned[1], True))
        elif value is not None:
            out.append((value, span, False))
    return out


def _system(ev, ctor: cst.Call, frame: Frame, decorated) -> tuple[SList, dict]:
    """The system blocks, and what the instruction-caching breakpoint needs to know of them."""
    prompts: list[tuple[object, Span]] = []
    node = keyword(ctor, "system_prompt")
    if node is not None:
        prompts += [(v, s) for v, s, _ in _strings(ev, node, frame)]
    static: list[tuple[object, Span]] = []
    dynamic: list[tuple[object, Span]] = []
    node = keyword(ctor, "instructions")
    if node is not None:
        for value, span, is_function in _strings(ev, node, frame):
            (dynamic if is_function else static).append((value, span))
    for kind, scope, _ in decorated:
        if kind in ("system_prompt", "instructions"):
            returned = _returns(ev, frame.module, scope)
            if returned is not None:
                (prompts if kind == "system_prompt" else dynamic).append(returned)
    out = SList(span=frame.module.span(ctor))
    prompts = [(v, s) for v, s in prompts if v != ""]
    if prompts:
        joined: object = ""
        for i, (value, _) in enumerate(prompts):
            joined = concat(joined, "\n\n") if i else joined
            joined = concat(joined, value if not isinstance(value, (dict, list)) else Hole(HoleKind.UNKNOWN, "a system prompt"))
        out.add(_text_block(joined, prompts[0][1]), prompts[0][1])
    for value, span in static + dynamic:
        out.add(_text_block(value, span), span)
    return out, {"prompt": bool(prompts), "static": len(static), "dynamic": len(dynamic)}


def _text_block(value: object, span: Span) -> SDict:
    if not isinstance(value, (str, Text, Hole)):  # an object whose text is not known here
        value = Hole(HoleKind.UNKNOWN, f"a {type(value).__name__} value", span)
    block = SDict(span)
    block.put("type", "text", span)
    block.put("text", value, span)
    return block


# -- the run: user prompt and history ---------------------------------------------------------


def _messages(call, node: cst.Call) -> SList:
    ev, frame, module = call.evaluator, call.frame, call.module
    out = SList(span=module.span(node))
    history = keyword(node, "message_history")
    if history is not None and not (isinstance(history, cst.Name) and history.value == "None"):
        hole = Hole(HoleKind.PER_REQUEST, "message_history", module.span(history))
        out.add(hole, hole.origin)
        out.shared = True
    prompt = keyword(node, "user_prompt", 0)
    if prompt is None or (isinstance(prompt, cst.Name) and prompt.value == "None"):
        return out
    content = SList(span=module.span(prompt))
    found = follow(ev, prompt, frame)
    where = found.frame
    if isinstance(found.node, (cst.List, cst.Tuple)) and not found.mutated:
        for element in found.node.elements:
            item = element.value
            span = where.module.span(item)
            if isinstance(element, cst.StarredElement):
                content.add(_text_block(Hole(HoleKind.PER_REQUEST, where.module.code(item, 40), span), span), span)
                continue
            kind = _short(qualified(ev, item.func, where)) if isinstance(item, cst.Call) else ""
            if kind == "CachePoint":
                ttl = keyword(item, "ttl")
                ttl_value = ev.value(ttl, where) if ttl is not None else "5m"
                if content and isinstance(content[-1], dict):
                    content[-1].put("cache_control", {"type": "ephemeral", "ttl": ttl_value}, span)
            elif kind in _MEDIA:
                block = SDict(span)
                block.put("type", _MEDIA[kind], span)
                block.put("source", Hole(HoleKind.UNKNOWN, where.module.code(item, 40), span), span)
                content.add(block, span)
            else:
                value = ev.value(item, where)
                if value not in ("", None):
                    content.add(_text_block(value, span), span)
    else:
        value = ev.value(prompt, frame)
        span = module.span(prompt)
        if isinstance(value, list):  # a list built in steps: the evaluator made a CachePoint() an unknown
            for item, item_span in zip(value, getattr(value, "spans", [span] * len(value))):
                item_span = item_span or span
                if isinstance(item, Hole) and item.kind is HoleKind.UNKNOWN and item.label.endswith("CachePoint()"):
                    if content and isinstance(content[-1], dict):
                        content[-1].put("cache_control", {"type": "ephemeral", "ttl": "5m"}, item_span)
                elif item not in ("", None):
                    content.add(_text_block(item, item_span), item_span)
        elif value not in ("", None):
            content.add(_text_block(value, span), span)
    if content:
        message = SDict(module.span(prompt))
        message.put("role", "user", module.span(prompt))
        message.put("content", content, module.span(prompt))
        out.add(message, module.span(prompt))
    return out


# -- breakpoints from the settings ----------------------------------------------------------


def _ttl(value: object) -> str | None:
    if value is True:
        return "5m"
    if value in ("5m", "1h"):
        return value  # type: ignore[return-value]
    return None


def _mark(settings: SDict, tools: SList, system: SList, meta: dict, messages: SList, body: SDict) -> None:
    def control(key: str) -> tuple[dict, Span | None] | None:
        ttl = _ttl(settings.get(key))
        return ({"type": "ephemeral", "ttl": ttl}, settings.spans.get(key)) if ttl else None

    used = 0
    marker = control("anthropic_cache_tool_definitions")
    if marker and tools and isinstance(tools[-1], SDict):
        tools[-1].put("cache_control", *marker)
        used += 1
    marker = control("anthropic_cache_instructions")
    if marker and system:
        index = _instructions_index(meta, len(system))
        if index is not None:
            system[index].put("cache_control", *marker)
            used += 1
    marker = control("anthropic_cache_messages")
    last = _last_block(messages)
    if marker and last is not None and "cache_control" not in last:
        last.put("cache_control", *marker)
    marker = control("anthropic_cache")
    if marker:
        body.put("cache_control", *marker)
    # pydantic-ai keeps the newest message breakpoints within Anthropic's limit.
    budget = (3 if marker else 4) - used
    for message in reversed(messages):
        content = message.get("content") if isinstance(message, dict) else None
        for block in reversed(content if isinstance(content, list) else ()):
            if isinstance(block, dict) and "cache_control" in block:
                if budget > 0:
                    budget -= 1
                else:
                    del block["cache_control"]


def _instructions_index(meta: dict, count: int) -> int | None:
    """The block ``anthropic_cache_instructions`` marks: after the last static instruction."""
    has_prompt, static, dynamic = meta["prompt"], meta["static"], meta["dynamic"]
    if not static and not dynamic:
        return 0 if has_prompt else None
    if not dynamic:
        return count - 1
    if static:
        return (1 if has_prompt else 0) + static - 1
    return 0 if has_prompt else None


def _last_block(messages: SList) -> SDict | None:
    if not messages or not isinstance(messages[-1], dict):
        return None
    content = messages[-1].get("content")
    if isinstance(content, list) and content and isinstance(content[-1], SDict):
        return content[-1]
    return None


__all__ = ["requests", "RUN_METHODS"]
