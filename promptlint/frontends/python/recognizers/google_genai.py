"""The Google Gen AI SDK (``google-genai``): generate_content and explicit caches.

``client.models.generate_content(model=…, contents=…, config=types.GenerateContentConfig(
system_instruction=…, tools=…, tool_config=…, cached_content=…))`` (also
``generate_content_stream`` and the ``client.aio`` forms) is a request that Gemini caches
implicitly; ``client.caches.create(model=…, config=types.CreateCachedContentConfig(
contents=…, system_instruction=…, tools=…, tool_config=…, ttl=…))`` writes an explicit
cache that later requests name in ``cached_content`` (google-genai 3.x; facts.md §6).
The config is a ``types`` object, a dict, or a name bound to either; ``types.Content``,
``types.Part`` (and ``Part.from_text``/``from_uri``/``from_bytes``) and ``types.Tool`` are
read back into the dicts they serialise to by the evaluator itself, through this module's
call hook (as LangChain's classes are), so a config built in steps reads the same as one
written whole. A Python function passed as a tool (the SDK declares it itself) is a hole of
its name and docstring's size.

The bodies are lowered by ``lower_gemini`` and ``lower_gemini_cache``
(frontends/jsonreq/lower.py). ``models.count_tokens`` and chat sessions are not requests
here.
"""

from __future__ import annotations

import libcst as cst

from ....request import Hole, HoleKind, Span
from ..evaluate import CALL_HOOKS, Frame
from ..values import Function, SDict, SList
from .follow import keyword

_GENERATE = frozenset({"generate_content", "generate_content_stream"})
# Config fields the lowering reads (both spellings the SDK accepts in a dict).
_GENERATE_FIELDS = frozenset({"system_instruction", "systemInstruction", "tools", "tool_config", "toolConfig", "cached_content", "cachedContent"})
_CACHE_FIELDS = frozenset({"contents", "system_instruction", "systemInstruction", "tools", "tool_config", "toolConfig", "ttl", "expire_time", "expireTime"})
# Part constructors of the SDK, and the key of the part each makes.
_PART_FACTORIES = {
    "from_text": "text",
    "from_uri": "file_data",
    "from_bytes": "inline_data",
    "from_function_call": "function_call",
    "from_function_response": "function_response",
    "from_executable_code": "executable_code",
    "from_code_execution_result": "code_execution_result",
}


def site(node: cst.Call) -> str | None:
    """The lowering a call needs ("gemini", "gemini-cache"), or None when it is no request."""
    func = node.func
    if not (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Attribute)):
        return None
    method, resource = func.attr.value, func.value.attr.value
    if method in _GENERATE and resource == "models":
        kind = "gemini"
    elif method == "create" and resource == "caches":
        kind = "gemini-cache"
    else:
        return None
    if not any(a.star == "**" or (a.keyword is not None and a.keyword.value in ("model", "contents", "config")) for a in node.args):
        return None
    return kind


def requests(call) -> "list | None":
    from . import Found

    node = call.node
    kind = site(node)
    if kind is None:
        return None
    ev, frame, module = call.evaluator, call.frame, call.module
    body = SDict(module.span(node))
    origins: dict = {}
    for arg in node.args:
        if arg.keyword is None or arg.keyword.value not in ("model", "contents"):
            continue
        name = arg.keyword.value
        if name == "contents" and kind != "gemini":
            continue
        value = ev.value(arg.value, frame)
        body.put(name, _declare_functions(value, module.span(arg)) if name == "contents" else value, module.span(arg))
        if name == "model":
            origins["model"] = ev.origin(arg.value, frame)
    config_node = keyword(node, "config")
    if config_node is not None:
        config = _declare_functions(ev.value(config_node, frame), module.span(config_node))
        fields = _GENERATE_FIELDS if kind == "gemini" else _CACHE_FIELDS
        if isinstance(config, dict):
            spans = getattr(config, "spans", {})
            for key, value in config.items():
                if key in fields:
                    body.put(key, value, spans.get(key, module.span(config_node)))
    return [Found(kind, body, origins=origins)]


# -- the SDK's types, as the dicts they serialise to (the evaluator's hook) ----------------


def _construct(evaluator, qual: str, node: cst.Call, frame: Frame) -> object:
    """``types.X(...)`` as its keyword arguments, and ``types.Part.from_*`` as the part it makes."""
    if not qual.startswith("google.genai.types."):
        return NotImplemented
    module = frame.module
    short = qual.rsplit(".", 1)[-1]
    if short in _PART_FACTORIES:
        key = _PART_FACTORIES[short]
        out = SDict(module.span(node))
        if key == "text":
            text = keyword(node, "text", 0)
            out.put("text", evaluator.value(text, frame) if text is not None else "", module.span(text or node))
        else:
            out.put(key, _fields(evaluator, node, frame), module.span(node))
        return out
    out = _fields(evaluator, node, frame)
    if short in ("UserContent", "ModelContent") and "role" not in out:
        out.put("role", "user" if short == "UserContent" else "model", module.span(node))
    return out


def _fields(ev, call: cst.Call, frame: Frame) -> SDict:
    """A ``types`` object's keyword arguments, each evaluated (a nested ``types`` call comes back here)."""
    module = frame.module
    out = SDict(module.span(call))
    for arg in call.args:
        if arg.keyword is not None:
            out.put(arg.keyword.value, ev.value(arg.value, frame), module.span(arg))
        elif arg.star == "**":
            merged = ev.value(arg.value, frame)
            if isinstance(merged, dict):
                for key, item in merged.items():
                    out.put(key, item, getattr(merged, "spans", {}).get(key, module.span(arg)))
    return out


def _declare_functions(value: object, span: Span, depth: int = 0) -> object:
    """``value`` with each Python function in it (a tool the SDK declares itself) as the hole of its declaration."""
    if isinstance(value, Function) and isinstance(value.node, cst.FunctionDef):
        return _declared(value.node, span)
    if depth > 12:
        return value
    if isinstance(value, SList):
        out = value.copy()
        out[:] = [_declare_functions(item, item_span or span, depth + 1) for item, item_span in zip(value, value.spans)]
        return out
    if isinstance(value, SDict):
        copy = value.copy()
        for key, item in value.items():
            copy[key] = _declare_functions(item, value.spans.get(key, span), depth + 1)
        return copy
    return value


def _declared(fn: cst.FunctionDef, span: Span) -> Hole:
    """A Python function passed as a tool: the SDK declares it from its signature and docstring."""
    doc = fn.get_docstring() or ""
    sample = f'{{"function_declarations": [{{"name": "{fn.name.value}", "description": {doc!r}, "parameters": {{}}}}]}}'
    return Hole(HoleKind.UNKNOWN, f"the function declaration the SDK builds from {fn.name.value}()", span, sample)


CALL_HOOKS.append(_construct)

__all__ = ["requests", "site"]
