"""LangChain: chat models, their messages and prompt templates, as the requests they send.

The evaluator models LangChain's objects (``Opaque(qualname, extra=<Modelled>)``), so a chat
model held in a variable, a module global, a ``self`` attribute or returned by a factory is
still known where it is used:

- chat models: ``ChatAnthropic(model=… | model_name=…)``, ``ChatBedrockConverse(model=… |
  model_id=…, system=[…])``, ``ChatBedrock`` (Claude through InvokeModel: Anthropic bodies),
  ``ChatOpenAI``/``AzureChatOpenAI`` (``use_responses_api=True``: Responses bodies), and
  ``init_chat_model("anthropic:…")``; ``.bind_tools(tools, tool_choice=…)``, ``.bind(**kw)``
  and the ``with_*`` wrappers return a model with those settings;
- messages: ``SystemMessage``/``HumanMessage``/``AIMessage``/``ToolMessage`` with a string
  or a list of content blocks, ``("system", "…")`` tuples, ``{"role": …, "content": …}``
  dicts and plain strings;
- prompts: ``ChatPromptTemplate.from_messages([...])`` (also ``ChatPromptTemplate([...])``,
  ``from_template``, ``PromptTemplate.from_template``, the ``…MessagePromptTemplate``
  classes and ``MessagesPlaceholder``/``("placeholder", "{history}")``), piped into a model
  (``prompt | llm``, also behind a ``{"key": runnable} | prompt`` mapping), ``.partial()``.

A call ``.invoke/.ainvoke/.stream/.astream/.batch/.abatch`` on a model or a chain is a
request. Its messages are converted the way each integration converts them (facts checked
against langchain-anthropic, langchain-aws and langchain-openai in 2026): ChatAnthropic
merges consecutive system and human/tool messages, keeps only ``type``/``text``/
``cache_control`` of a text block and drops empty ones, and sends an invocation's
``cache_control=…`` as the top-level (automatic caching) parameter; ChatBedrockConverse puts
its ``system=`` blocks first, passes dicts without a ``type`` (``{"cachePoint": …}``)
through, drops ``cache_control`` from text blocks (Converse has no such field), and turns an
invocation's ``cache_control=…`` into cache points after the system blocks, the tools and the
last message; ChatOpenAI maps roles and passes content blocks through. Template variables
are filled with what ``.invoke({...})`` passes when that is known text (a volatile value
stays volatile); otherwise each is a per-request hole named after the variable.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field, replace

import libcst as cst

from ....request import Hole, HoleKind, Span, Text
from ..evaluate import CALL_HOOKS
from ..strings import concat
from ..values import Function, Modelled, Opaque, SDict, SList

# The packages whose classes are modelled (``langchain`` re-exports the core ones).
_PACKAGES = frozenset({"langchain", "langchain_core", "langchain_anthropic", "langchain_aws", "langchain_openai", "langchain_community"})
# Chat model classes: the lowering their requests go through, and the platform it implies.
_MODELS = {
    "ChatAnthropic": ("anthropic", None),
    "ChatAnthropicMessages": ("anthropic", None),
    "ChatBedrockConverse": ("bedrock-converse", None),
    "ChatBedrock": ("anthropic", "bedrock"),
    "ChatOpenAI": ("openai-chat", None),
    "AzureChatOpenAI": ("openai-chat", "azure"),
}
# ``init_chat_model`` providers (the "provider:model" prefix or ``model_provider=``).
_PROVIDERS = {
    "anthropic": "ChatAnthropic",
    "bedrock_converse": "ChatBedrockConverse",
    "bedrock": "ChatBedrock",
    "openai": "ChatOpenAI",
    "azure_openai": "AzureChatOpenAI",
}
_MESSAGES = {"SystemMessage": "system", "HumanMessage": "human", "AIMessage": "ai", "ToolMessage": "tool", "ChatMessage": None}
_MESSAGE_TEMPLATES = {"SystemMessagePromptTemplate": "system", "HumanMessagePromptTemplate": "human", "AIMessagePromptTemplate": "ai"}
_ROLES = {"system": "system", "developer": "system", "human": "human", "user": "human", "ai": "ai", "assistant": "ai", "tool": "tool"}
# Methods that send a request, and those that return the same runnable with settings that do
# not change the request.
METHODS = frozenset({"invoke", "ainvoke", "stream", "astream", "batch", "abatch"})
_SAME = frozenset({"with_config", "with_retry", "with_fallbacks", "with_listeners", "configurable_fields", "configurable_alternatives", "with_types", "with_structured_output"})
# Keyword arguments of a call or of ``.bind()`` that reach the request, per lowering.
_CALL_KEYWORDS = {
    "anthropic": ("cache_control", "tool_choice", "thinking", "output_config"),
    "bedrock-converse": ("cache_control",),
    "openai-chat": ("prompt_cache_key", "prompt_cache_retention", "prompt_cache_options", "reasoning_effort", "parallel_tool_calls", "tool_choice", "response_format"),
    "openai-responses": ("prompt_cache_key", "prompt_cache_retention", "prompt_cache_options", "reasoning", "parallel_tool_calls", "tool_choice", "text"),
}


# -- what the evaluator knows of LangChain objects ----------------------------------------


@dataclass(frozen=True)
class Message(Modelled):
    """A chat message: ``role`` is LangChain's (system, human, ai, tool)."""

    role: str
    content: object  # str, Text, Hole, or a list of content blocks
    span: Span | None
    content_span: Span | None
    templated: str = ""  # a prompt template's message: its format (f-string, mustache, jinja2)
    tool_call_id: object = None

    def marker(self) -> Span | None:
        """Where a breakpoint in its content blocks is written (for the loop form of PC201)."""
        for item in self.content if isinstance(self.content, list) else ():
            for key in ("cache_control", "cachePoint", "cache_point"):
                if isinstance(item, dict) and item.get(key) is not None:
                    return getattr(item, "spans", {}).get(key)
        return None


@dataclass(frozen=True)
class Placeholder:
    """``MessagesPlaceholder("history")``: messages the invocation passes."""

    name: str
    span: Span | None


@dataclass(eq=False)
class ChatModel(Modelled):
    """A chat model: the lowering, and the body keys its settings put in every request."""

    kind: str  # anthropic, bedrock-converse, openai-chat, openai-responses
    platform: str | None
    params: SDict  # body keys (model, max_tokens, thinking, cache_control, tools, …), with spans
    origins: dict = field(default_factory=dict)  # body key → where its value is written
    system: object = None  # ChatBedrockConverse(system=[...]): blocks before the messages' system
    span: Span | None = None

    def method(self, evaluator, name, node, frame):
        span = frame.module.span(node)
        if name in ("invoke", "ainvoke"):
            return _reply(span)
        if name in _SAME:
            return _opaque(self)
        if name == "pipe" and node.args:
            return _pipe(self, evaluator.value(node.args[0].value, frame), span)
        if name == "create_cache_point":
            return _cache_point(span)
        if name in ("bind", "bind_tools"):
            params = self.params.copy()
            args = node.args
            if name == "bind_tools" and args and args[0].keyword is None:
                tools = evaluator.value(args[0].value, frame)
                params.put("tools", _tools(tools, self.kind, span), frame.module.span(args[0]))
            for arg in args:
                if arg.keyword is None:
                    continue
                key = arg.keyword.value
                if key == "tools" and name == "bind_tools":
                    params.put("tools", _tools(evaluator.value(arg.value, frame), self.kind, span), frame.module.span(arg))
                elif key in _CALL_KEYWORDS.get(self.kind, ()) or key == "tool_choice":
                    params.put(key, evaluator.value(arg.value, frame), frame.module.span(arg))
            return _opaque(replace(self, params=params))
        return NotImplemented

    def pipe(self, other, span, right=False):
        return _pipe(other, self, span) if right else _pipe(self, other, span)


@dataclass(eq=False)
class Prompt(Modelled):
    """A chat prompt template: messages (templated or literal) and placeholders, in order."""

    entries: tuple  # Message | Placeholder | Hole
    partial: dict = field(default_factory=dict)

    def method(self, evaluator, name, node, frame):
        span = frame.module.span(node)
        if name == "partial":
            values = dict(self.partial)
            for arg in node.args:
                if arg.keyword is not None:
                    values[arg.keyword.value] = evaluator.value(arg.value, frame)
            return _opaque(replace(self, partial=values))
        if name in ("invoke", "ainvoke", "format_prompt", "aformat_prompt"):
            if name in ("invoke", "ainvoke"):
                given = evaluator.value(node.args[0].value, frame) if node.args else None
            else:
                given = _keyword_dict(evaluator, node, frame)
            return _opaque(PromptValue(tuple(self.render(given, span))))
        if name in ("format_messages", "aformat_messages"):
            rendered = self.render(_keyword_dict(evaluator, node, frame), span)
            return SList([_opaque(m) if isinstance(m, Message) else m for m in rendered], span, [getattr(m, "span", span) for m in rendered])
        if name == "pipe" and node.args:
            return _pipe(self, evaluator.value(node.args[0].value, frame), span)
        if name in _SAME:
            return _opaque(self)
        return NotImplemented

    def pipe(self, other, span, right=False):
        return _pipe(other, self, span) if right else _pipe(self, other, span)

    def render(self, given: object, span: Span) -> list:
        """The messages for one invocation's input: Message items and holes."""
        lookup = _variables(self, given, span)
        out: list = []
        for entry in self.entries:
            if isinstance(entry, Placeholder):
                value = lookup(entry.name, entry.span, placeholder=True)
                out.extend(value if isinstance(value, list) else [value])
            elif isinstance(entry, Message) and entry.templated:
                out.append(replace(entry, content=_format(entry.content, lookup, entry.templated, entry.content_span), templated=""))
            else:
                out.append(entry)
        return out

    def variables(self) -> list[str]:
        names: list[str] = []
        for entry in self.entries:
            if isinstance(entry, Placeholder):
                names.append(entry.name)
            elif isinstance(entry, Message) and entry.templated:
                names.extend(n for n in _template_names(entry.content, entry.templated) if n not in names)
        return [n for n in names if n not in self.partial]


@dataclass(eq=False)
class PromptValue(Modelled):
    """A rendered prompt (``prompt.invoke({...})``): its messages."""

    messages: tuple

    def method(self, evaluator, name, node, frame):
        if name == "to_messages":
            span = frame.module.span(node)
            return SList([_opaque(m) if isinstance(m, Message) else m for m in self.messages], span)
        return NotImplemented


@dataclass(eq=False)
class Chain(Modelled):
    """``prompt | model | parser``: what the model receives comes from the prompt."""

    prompt: Prompt | None
    model: ChatModel | None
    computed: tuple = ()  # variables a ``{"key": runnable}`` step computes for each input

    def method(self, evaluator, name, node, frame):
        span = frame.module.span(node)
        if name in ("invoke", "ainvoke") and self.model is not None:
            return _reply(span)
        if name == "pipe" and node.args:
            return _pipe(self, evaluator.value(node.args[0].value, frame), span)
        if name in _SAME:
            return _opaque(self)
        return NotImplemented

    def pipe(self, other, span, right=False):
        return _pipe(other, self, span) if right else _pipe(self, other, span)


def _opaque(value: Modelled | Message | Placeholder) -> Opaque:
    return Opaque(f"langchain.{type(value).__name__}", value)


def _modelled(value: object) -> object:
    """The LangChain object a value is (a model, a prompt, a message), or None."""
    if isinstance(value, (Modelled, Message, Placeholder)):
        return value
    extra = value.extra if isinstance(value, Opaque) else None
    return extra if isinstance(extra, (Modelled, Message, Placeholder)) else None


def _reply(span: Span) -> Opaque:
    """What ``.invoke`` returns: an AI message whose text each request makes anew."""
    return _opaque(Message("ai", Hole(HoleKind.PER_REQUEST, "the model's reply", span), span, span))


def _pipe(left: object, right: object, span: Span) -> object:
    a, b = _modelled(left), _modelled(right)
    if isinstance(a, Chain) and a.model is not None:
        return _opaque(a)  # later steps (parsers, lambdas) do not change the request
    if isinstance(a, ChatModel):
        return _opaque(Chain(None, a))
    prompt = a if isinstance(a, Prompt) else a.prompt if isinstance(a, Chain) else None
    computed = a.computed if isinstance(a, Chain) else ()
    if isinstance(left, dict) and isinstance(b, (Prompt, ChatModel)):  # {"context": retriever, …} | prompt
        computed = tuple(k for k in left if isinstance(k, str))
    if isinstance(b, Prompt) and (prompt is None):
        return _opaque(Chain(b, None, computed))
    if isinstance(b, ChatModel) and (prompt is not None or isinstance(left, dict)):
        return _opaque(Chain(prompt, b, computed))
    if prompt is not None:
        return _opaque(Chain(prompt, None, computed))
    return NotImplemented


# -- construction (the evaluator's hook) --------------------------------------------------


def _construct(evaluator, qual: str, node: cst.Call, frame) -> object:
    head, _, _ = qual.partition(".")
    if head not in _PACKAGES:
        return NotImplemented
    owner, _, name = qual.rpartition(".")
    parent = owner.rpartition(".")[2]
    span = frame.module.span(node)
    if name in _MODELS:
        return _chat_model(evaluator, name, node, frame, span)
    if name == "init_chat_model":
        return _init_chat_model(evaluator, node, frame, span)
    if name in _MESSAGES:
        return _message(evaluator, name, node, frame, span)
    if name == "create_cache_point" and parent == "ChatBedrockConverse":
        return _cache_point(span)
    if name == "MessagesPlaceholder":
        value = _argument(evaluator, node, frame, 0, "variable_name")
        return _opaque(Placeholder(value, span)) if isinstance(value, str) else NotImplemented
    if parent == "ChatPromptTemplate" and name in ("from_messages", "from_template") or name == "ChatPromptTemplate":
        return _chat_prompt(evaluator, name, node, frame, span)
    if parent == "PromptTemplate" and name == "from_template":
        template = _argument(evaluator, node, frame, 0, "template")
        arg = _argument_node(node, 0, "template")
        return _opaque(Prompt((Message("human", template, span, frame.module.span(arg) if arg else span, templated=_format_of(evaluator, node, frame)),)))
    if parent in _MESSAGE_TEMPLATES and name == "from_template":
        template = _argument(evaluator, node, frame, 0, "template")
        arg = _argument_node(node, 0, "template")
        return _opaque(Message(_MESSAGE_TEMPLATES[parent], template, span, frame.module.span(arg) if arg else span, templated=_format_of(evaluator, node, frame)))
    if name == "RunnableWithMessageHistory":
        inner = _argument(evaluator, node, frame, 0, "runnable")
        return inner if isinstance(_modelled(inner), (Chain, ChatModel)) else NotImplemented
    return NotImplemented


def _argument_node(node: cst.Call, index: int, keyword: str) -> cst.BaseExpression | None:
    for arg in node.args:
        if arg.keyword is not None and arg.keyword.value == keyword:
            return arg.value
    positional = [a for a in node.args if a.keyword is None and not a.star]
    return positional[index].value if index is not None and index < len(positional) else None


def _argument(evaluator, node: cst.Call, frame, index: int | None, keyword: str) -> object:
    arg = _argument_node(node, index, keyword) if index is not None else _argument_node(node, 1 << 20, keyword)
    return evaluator.value(arg, frame) if arg is not None else None


def _keyword_dict(evaluator, node: cst.Call, frame) -> SDict:
    out = SDict(frame.module.span(node))
    for arg in node.args:
        if arg.keyword is not None:
            out.put(arg.keyword.value, evaluator.value(arg.value, frame), frame.module.span(arg.value))
        elif arg.star == "**":
            merged = evaluator.value(arg.value, frame)
            if isinstance(merged, dict):
                for key, value in merged.items():
                    out.put(key, value, getattr(merged, "spans", {}).get(key))
    return out


def _format_of(evaluator, node: cst.Call, frame) -> str:
    value = _argument(evaluator, node, frame, None, "template_format")
    return value if isinstance(value, str) else "f-string"


def _chat_model(evaluator, name: str, node: cst.Call, frame, span: Span, preset: dict | None = None) -> Opaque:
    kind, platform = _MODELS[name]
    params = SDict(span)
    origins: dict = {}
    system = None
    model_key = "modelId" if kind == "bedrock-converse" else "model"
    for key, (value, where, origin) in (preset or {}).items():
        params.put(key, value, where)
        if origin is not None:
            origins[key] = origin
    for arg in node.args:
        if arg.keyword is None:
            continue
        key = arg.keyword.value
        where = frame.module.span(arg)
        if key in ("model", "model_name", "model_id"):
            params.put(model_key, evaluator.value(arg.value, frame), where)
            origins[model_key] = evaluator.origin(arg.value, frame)
        elif key == "base_model_id" or key == "base_model":
            value = evaluator.value(arg.value, frame)
            if isinstance(value, str):  # an application inference profile's model: size by it
                params.put(model_key, value, where)
                origins[model_key] = evaluator.origin(arg.value, frame)
        elif key == "system" and kind == "bedrock-converse":
            system = evaluator.value(arg.value, frame)
        elif key == "additional_model_request_fields" and kind == "bedrock-converse":
            params.put("additionalModelRequestFields", evaluator.value(arg.value, frame), where)
        elif key == "model_kwargs":
            extra = evaluator.value(arg.value, frame)
            if isinstance(extra, dict):
                spans = getattr(extra, "spans", {})
                for k, v in extra.items():
                    if isinstance(k, str):
                        params.put(k, v, spans.get(k, where))
        elif key == "use_responses_api" and kind.startswith("openai"):
            if evaluator.value(arg.value, frame) is True:
                kind = "openai-responses"
        elif key in ("max_tokens", "thinking") and kind == "anthropic" or key in _CALL_KEYWORDS.get(kind, ()):
            params.put(key, evaluator.value(arg.value, frame), where)
    if kind == "anthropic" and platform == "bedrock":
        model = params.get("model")
        if isinstance(model, str) and "anthropic" not in model and "claude" not in model:
            return Opaque(f"langchain.{name}")  # another provider's body: not modelled
    return _opaque(ChatModel(kind, platform, params, origins, system, span))


def _init_chat_model(evaluator, node: cst.Call, frame, span: Span) -> object:
    arg = _argument_node(node, 0, "model")
    model = evaluator.value(arg, frame) if arg is not None else None
    provider = _argument(evaluator, node, frame, None, "model_provider")
    if isinstance(model, str) and ":" in model and not isinstance(provider, str):
        head, _, rest = model.partition(":")
        if head in _PROVIDERS:
            provider, model = head, rest
    if not isinstance(provider, str) and isinstance(model, str):
        provider = "anthropic" if model.startswith("claude") else "openai" if model.startswith(("gpt-", "o1", "o3", "o4", "chatgpt")) else None
    name = _PROVIDERS.get(provider) if isinstance(provider, str) else None
    if name is None:
        return NotImplemented
    kind = _MODELS[name][0]
    key = "modelId" if kind == "bedrock-converse" else "model"
    preset = {key: (model, frame.module.span(arg), evaluator.origin(arg, frame))} if arg is not None else {}
    return _chat_model(evaluator, name, cst.Call(func=node.func, args=[a for a in node.args if a.keyword is not None and a.keyword.value not in ("model", "model_provider")]), frame, span, preset)


def _message(evaluator, name: str, node: cst.Call, frame, span: Span) -> object:
    role = _MESSAGES[name]
    if role is None:  # ChatMessage(content=…, role=…)
        value = _argument(evaluator, node, frame, 1, "role")
        role = _ROLES.get(value) if isinstance(value, str) else "human"
    arg = _argument_node(node, 0, "content")
    content = evaluator.value(arg, frame) if arg is not None else ""
    tool_call_id = _argument(evaluator, node, frame, None, "tool_call_id") if role == "tool" else None
    return _opaque(Message(role, content, span, frame.module.span(arg) if arg is not None else span, tool_call_id=tool_call_id))


def _cache_point(span: Span) -> SDict:
    inner = SDict(span)
    inner.put("type", "default", span)
    out = SDict(span)
    out.put("cachePoint", inner, span)
    return out


def _chat_prompt(evaluator, name: str, node: cst.Call, frame, span: Span) -> object:
    fmt = _format_of(evaluator, node, frame)
    if name == "from_template":
        arg = _argument_node(node, 0, "template")
        template = evaluator.value(arg, frame) if arg is not None else None
        return _opaque(Prompt((Message("human", template, span, frame.module.span(arg) if arg is not None else span, templated=fmt),)))
    arg = _argument_node(node, 0, "messages")
    items = evaluator.value(arg, frame) if arg is not None else None
    if not isinstance(items, list):
        return _opaque(Prompt((items if isinstance(items, Hole) else Hole(HoleKind.UNKNOWN, "prompt messages", span),)))
    entries: list = []
    spans = getattr(items, "spans", [None] * len(items))
    for item, where in zip(items, spans):
        entries.extend(_template_entries(item, where or span, fmt))
    return _opaque(Prompt(tuple(entries)))


def _template_entries(item: object, where: Span, fmt: str) -> list:
    inner = _modelled(item)
    if isinstance(inner, (Message, Placeholder)):
        return [inner]
    if isinstance(inner, Prompt):
        return list(inner.entries)
    if isinstance(item, (str, Text)):
        return [Message("human", item, where, where, templated=fmt)]
    if isinstance(item, list) and len(item) == 2 and isinstance(item[0], str):
        spans = getattr(item, "spans", [None, None])
        role, template = item[0], item[1]
        if role == "placeholder":
            names = _template_names(template, "f-string") or _template_names(template, "mustache")
            return [Placeholder(names[0], where)] if names else []
        return [Message(_ROLES.get(role, "human"), template, where, spans[1] or where, templated=fmt)]
    if isinstance(item, dict) and ("role" in item or "type" in item):
        message = _dict_message(item, where)
        return [replace(message, templated=fmt)] if isinstance(message, Message) else [message]
    if isinstance(item, Hole):
        return [item]
    return [Hole(HoleKind.UNKNOWN, "a prompt message", where)]


# -- templates -------------------------------------------------------------------------------

_MUSTACHE = re.compile(r"\{\{\s*([\w.]+)\s*\}\}")


def _template_names(template: object, fmt: str) -> list[str]:
    names: list[str] = []
    for piece in _strings(template):
        if fmt == "f-string":
            try:
                parsed = list(string.Formatter().parse(piece))
            except ValueError:
                continue
            names.extend(re.split(r"[.\[]", f, maxsplit=1)[0] for _, f, _, _ in parsed if f)
        else:
            names.extend(m.group(1).split(".")[0] for m in _MUSTACHE.finditer(piece))
    return names


def _strings(value: object, depth: int = 0):
    if depth > 8:
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, Text):
        yield from value.literal_parts()
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, depth + 1)


def _variables(prompt: Prompt, given: object, span: Span):
    """A lookup of one invocation's template variables: what is known of each value."""
    values: dict = dict(prompt.partial)
    spans: dict = {}
    if isinstance(given, dict):
        values.update({k: v for k, v in given.items() if isinstance(k, str)})
        spans = getattr(given, "spans", {})
    elif given is not None and not isinstance(given, Hole):
        names = prompt.variables()
        if len(names) == 1:  # a single-variable prompt takes a bare input
            values[names[0]] = given

    def lookup(name: str, where: Span | None, placeholder: bool = False) -> object:
        value = values.get(name)
        origin = spans.get(name) or where or span
        if placeholder:
            if isinstance(value, list):
                return [m for m in (_to_message(item, s or origin) for item, s in zip(value, getattr(value, "spans", [None] * len(value)))) if m is not None]
            label = value.label if isinstance(value, Hole) and value.kind is HoleKind.PER_REQUEST else f"template variable '{name}'"
            return Hole(HoleKind.PER_REQUEST, label, value.origin if isinstance(value, Hole) and value.origin else origin)
        if isinstance(value, str):
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        if isinstance(value, Text) and (value.is_static or any(h.kind is HoleKind.VOLATILE for h in value.holes)):
            return value
        if isinstance(value, Hole) and value.kind is HoleKind.VOLATILE:
            return value
        sample = value.sample if isinstance(value, Hole) else None
        origin = value.origin if isinstance(value, Hole) and value.origin is not None else origin
        return Hole(HoleKind.PER_REQUEST, f"template variable '{name}'", origin, sample)

    return lookup


def _format(template: object, lookup, fmt: str, where: Span | None) -> object:
    if isinstance(template, str):
        return _format_string(template, lookup, fmt, where)
    if isinstance(template, Text):
        out: object = ""
        for piece in template.pieces:
            out = concat(out, _format_string(piece, lookup, fmt, where) if isinstance(piece, str) else piece)
        return out
    if isinstance(template, dict):  # a content block: its strings are templates, other keys kept
        out_dict = SDict(getattr(template, "span", where))
        spans = getattr(template, "spans", {})
        for key, value in template.items():
            out_dict.put(key, _format(value, lookup, fmt, spans.get(key, where)), spans.get(key))
        return out_dict
    if isinstance(template, list):
        spans = getattr(template, "spans", [None] * len(template))
        return SList([_format(v, lookup, fmt, s or where) for v, s in zip(template, spans)], getattr(template, "span", where), spans, getattr(template, "unordered", None), getattr(template, "shared", False))
    return template


def _format_string(template: str, lookup, fmt: str, where: Span | None) -> object:
    out: object = ""
    if fmt == "f-string":
        try:
            parsed = list(string.Formatter().parse(template))
        except ValueError:
            return template
        for literal, name, _spec, _conversion in parsed:
            out = concat(out, literal)
            if name is not None:
                out = concat(out, lookup(re.split(r"[.\[]", name, maxsplit=1)[0], where))
        return out
    last = 0
    for match in _MUSTACHE.finditer(template):
        out = concat(out, template[last : match.start()])
        out = concat(out, lookup(match.group(1).split(".")[0], where))
        last = match.end()
    return concat(out, template[last:])


# -- messages ----------------------------------------------------------------------------------


def _to_message(item: object, where: Span | None) -> Message | Hole | None:
    inner = _modelled(item)
    if isinstance(inner, Message):
        return inner
    if isinstance(inner, PromptValue):
        return None
    if isinstance(item, (str, Text)):
        return Message("human", item, where, where)
    if isinstance(item, list) and len(item) == 2 and isinstance(item[0], str):
        spans = getattr(item, "spans", [None, None])
        return Message(_ROLES.get(item[0], "human"), item[1], where, spans[1] or where)
    if isinstance(item, dict) and ("role" in item or "type" in item):
        return _dict_message(item, where)
    if isinstance(item, Hole):
        return item
    return Hole(HoleKind.UNKNOWN, "a message", where)


def _dict_message(item: dict, where: Span | None) -> Message | Hole:
    role = item.get("role", item.get("type"))
    spans = getattr(item, "spans", {})
    role = _ROLES.get(role, "human") if isinstance(role, str) else "human"
    return Message(role, item.get("content", ""), getattr(item, "span", None) or where, spans.get("content") or where, tool_call_id=item.get("tool_call_id"))


def messages_of(value: object, span: Span) -> tuple[list | Hole, bool]:
    """A model's input as messages (Message items and holes), and whether the list is shared."""
    inner = _modelled(value)
    if isinstance(inner, PromptValue):
        return list(inner.messages), False
    if isinstance(inner, Message):
        return [inner], False
    if isinstance(value, (str, Text)):
        return [Message("human", value, span, span)], False
    if isinstance(value, Hole):
        return value, True
    if isinstance(value, list):
        spans = getattr(value, "spans", [None] * len(value))
        out = [m for m in (_to_message(item, s or span) for item, s in zip(value, spans)) if m is not None]
        return out, bool(getattr(value, "shared", False))
    return Hole(HoleKind.UNKNOWN, "the messages", span), False


# -- tools --------------------------------------------------------------------------------------


def _tools(value: object, kind: str, span: Span) -> object:
    """``bind_tools`` tools as the provider receives them (functions and classes by name and docstring)."""
    if not isinstance(value, list):
        return value
    out = SList(span=getattr(value, "span", span))
    out.unordered = getattr(value, "unordered", None)  # tools listed from a set keep its varying order
    spans = getattr(value, "spans", [None] * len(value))
    for item, where in zip(value, spans):
        where = where or span
        if isinstance(item, dict):
            if kind == "bedrock-converse" and not any(k in item for k in ("cachePoint", "cache_point", "toolSpec")):
                wrapped = SDict(where)
                wrapped.put("toolSpec", item, where)
                item = wrapped
            out.add(item, where)
            continue
        named = _named_tool(item)
        if named is not None:
            out.add(_tool_schema(*named, kind, where), where)
    return out


def _named_tool(item: object) -> tuple[str, str, list[str]] | None:
    if isinstance(item, Function) and isinstance(item.node, cst.FunctionDef):
        node = item.node
        params = [p.name.value for p in node.params.params if p.name.value not in ("self", "cls")]
        return item.name, node.get_docstring() or "", params
    if isinstance(item, Opaque) and isinstance(item.extra, tuple) and item.extra and item.extra[0] == "class":
        scope = item.extra[1]
        node = getattr(scope, "node", None)
        doc = node.get_docstring() if isinstance(node, cst.ClassDef) else None
        fields = [n for n in getattr(scope, "bindings", {}) if not n.startswith("_")]
        return item.qualname.rpartition(".")[2], doc or "", fields
    return None


def _tool_schema(name: str, description: str, params: list[str], kind: str, span: Span) -> SDict:
    properties = SDict(span)
    for p in params:
        properties.put(p, {"type": "string"}, span)
    schema = SDict(span)
    schema.put("type", "object", span)
    schema.put("properties", properties, span)
    spec = SDict(span)
    spec.put("name", name, span)
    spec.put("description", description, span)
    if kind == "anthropic":
        spec.put("input_schema", schema, span)
        return spec
    if kind == "bedrock-converse":
        json_schema = SDict(span)
        json_schema.put("json", schema, span)
        spec.put("inputSchema", json_schema, span)
        out = SDict(span)
        out.put("toolSpec", spec, span)
        return out
    spec.put("parameters", schema, span)
    out = SDict(span)
    out.put("type", "function", span)
    out.put("function", spec, span)
    return out


# -- request bodies ------------------------------------------------------------------------------


def _block_list(content: object, span: Span | None) -> SList:
    """A message's content as a list of blocks (a string becomes one text block)."""
    if isinstance(content, list):
        out = SList(span=getattr(content, "span", span))
        for item, where in zip(content, getattr(content, "spans", [None] * len(content))):
            out.add(item if not isinstance(item, (str, Text, Hole)) else _text_block(item, where or span), where or span)
        return out
    return SList([_text_block(content, span)], span, [span])


def _text_block(text: object, span: Span | None) -> SDict:
    block = SDict(span)
    block.put("type", "text", span)
    block.put("text", text, span)
    return block


def _anthropic_content(content: object, span: Span | None) -> object:
    if not isinstance(content, list):
        return content
    out = SList(span=getattr(content, "span", span))
    for item, where in zip(content, getattr(content, "spans", [None] * len(content))):
        where = where or span
        if isinstance(item, (str, Text, Hole)):
            out.add(_text_block(item, where), where)
        elif isinstance(item, dict) and item.get("type") == "text":
            text = item.get("text", "")
            if isinstance(text, str) and not text.strip():
                continue  # empty text blocks are dropped, with any cache_control on them
            kept = SDict(getattr(item, "span", where))
            spans = getattr(item, "spans", {})
            for key in ("type", "text", "cache_control"):
                if key in item:
                    kept.put(key, item[key], spans.get(key, where))
            out.add(kept, where)
        elif isinstance(item, dict) and item.get("type") == "image_url":
            image = SDict(getattr(item, "span", where))
            image.put("type", "image", where)
            out.add(image, where)
        else:
            out.add(item, where)
    return out


def _anthropic_body(model: ChatModel, messages: list | Hole, shared: bool, span: Span) -> SDict:
    body = model.params.copy()
    if isinstance(messages, Hole):
        body.put("messages", messages, span)
        return body
    system: list = []  # (content, span)
    turns: list = []  # [role, content, span, content span] with consecutive user turns merged
    out = SList(span=span, shared=shared)
    for message in messages:
        if isinstance(message, Hole):
            turns.append(message)
            continue
        if message.role == "system":
            system.append(message)
            continue
        role = "assistant" if message.role == "ai" else "user"
        content = _anthropic_content(message.content, message.content_span)
        if message.role == "tool":
            result = SDict(message.span)
            result.put("type", "tool_result", message.span)
            result.put("content", content, message.content_span)
            result.put("tool_use_id", message.tool_call_id, message.span)
            content = SList([result], message.span, [message.span])
        previous = turns[-1] if turns else None
        if role == "user" and isinstance(previous, list) and previous[0] == "user":
            merged = _block_list(previous[1], previous[3])
            for item, where in zip(*_items(_block_list(content, message.content_span))):
                merged.add(item, where)
            previous[1], previous[3] = merged, previous[3]
        else:
            turns.append([role, content, message.span, message.content_span])
    for turn in turns:
        if isinstance(turn, Hole):
            out.add(turn, turn.origin or span)
            continue
        role, content, where, content_where = turn
        entry = SDict(where)
        entry.put("role", role, where)
        entry.put("content", content, content_where)
        out.add(entry, where)
    if len(system) == 1 and not isinstance(system[0].content, list):
        body.put("system", system[0].content, system[0].content_span)
    elif system:
        blocks = SList(span=system[0].span)
        for message in system:
            for item, where in zip(*_items(_block_list(_anthropic_content(message.content, message.content_span), message.content_span))):
                blocks.add(item, where)
        body.put("system", blocks, system[0].span)
    body.put("messages", out, span)
    return body


def _items(value: SList) -> tuple[list, list]:
    return list(value), list(getattr(value, "spans", [None] * len(value)))


_SNAKE = re.compile(r"_([a-z])")


def _converse_content(content: object, span: Span | None) -> SList:
    """A message's content as Converse blocks (``_lc_content_to_bedrock``)."""
    out = SList(span=getattr(content, "span", span))
    if not isinstance(content, list):
        block = SDict(span)
        block.put("text", "." if isinstance(content, str) and not content.strip() else content, span)
        out.add(block, span)
        return out
    for item, where in zip(content, getattr(content, "spans", [None] * len(content))):
        where = where or span
        if isinstance(item, (str, Text, Hole)):
            block = SDict(where)
            block.put("text", item, where)
            out.add(block, where)
        elif isinstance(item, dict) and "type" not in item:  # already a Converse block
            block = SDict(getattr(item, "span", where))
            spans = getattr(item, "spans", {})
            for key, value in item.items():
                camel = _SNAKE.sub(lambda m: m.group(1).upper(), key) if isinstance(key, str) else key
                block.put(camel, value, spans.get(key, where))
            out.add(block, where)
        elif isinstance(item, dict) and item.get("type") == "text":
            block = SDict(getattr(item, "span", where))
            block.put("text", item.get("text", ""), getattr(item, "spans", {}).get("text", where))
            out.add(block, where)  # a cache_control on it is not sent: Converse has no such field
        elif isinstance(item, dict) and item.get("type") in ("image", "image_url", "document", "video", "file"):
            block = SDict(getattr(item, "span", where))
            block.put("image" if item.get("type") in ("image", "image_url") else "document", {}, where)
            out.add(block, where)
        elif isinstance(item, dict):
            out.add(item, where)
    return out


def _converse_body(model: ChatModel, messages: list | Hole, shared: bool, span: Span) -> SDict:
    body = model.params.copy()
    tools = body.pop("tools", None)
    tool_choice = body.pop("tool_choice", None)
    body.spans.pop("tools", None)
    cache = body.pop("cache_control", None)  # cache_control=… (invoke or bind): cache points, below
    cache_span = body.spans.pop("cache_control", None)
    system = SList(span=model.span)
    if isinstance(model.system, list):  # ChatBedrockConverse(system=[...]) comes first
        for item, where in zip(*_items(model.system)):
            where = where or model.span
            if isinstance(item, (str, Text, Hole)):
                block = SDict(where)
                block.put("text", item, where)
                item = block
            system.add(item, where)
    out = SList(span=span, shared=shared)
    if isinstance(messages, Hole):
        out = messages
    else:
        for message in messages:
            if isinstance(message, Hole):
                out.add(message, message.origin or span)
                continue
            content = _converse_content(message.content, message.content_span)
            if message.role == "system":
                for item, where in zip(*_items(content)):
                    system.add(item, where)
                continue
            if message.role == "tool":  # a toolResult; cache points in it follow it
                results = SList(span=message.content_span)
                points = SList(span=message.span)
                for item, where in zip(*_items(content)):
                    (points if isinstance(item, dict) and "cachePoint" in item else results).add(item, where)
                inner = SDict(message.span)
                inner.put("content", results, message.content_span)
                inner.put("toolUseId", message.tool_call_id, message.span)
                block = SDict(message.span)
                block.put("toolResult", inner, message.span)
                content = SList([block, *points], message.span, [message.span, *points.spans])
            role = "assistant" if message.role == "ai" else "user"
            previous = out[-1] if out else None
            if role == "user" and isinstance(previous, dict) and previous.get("role") == "user":
                merged = previous["content"].copy()
                for item, where in zip(*_items(content)):
                    merged.add(item, where)
                previous.put("content", merged, previous.spans.get("content"))
                continue
            entry = SDict(message.span)
            entry.put("role", role, message.span)
            entry.put("content", content, message.content_span)
            out.add(entry, message.span)
    if cache:  # cache points after the system blocks, the tools and the last message
        point = SDict(cache_span)
        inner = SDict(cache_span)
        inner.put("type", "default", cache_span)
        ttl = cache.get("ttl") if isinstance(cache, dict) else None
        if isinstance(ttl, str) and ttl != "5m":
            inner.put("ttl", ttl, cache_span)
        point.put("cachePoint", inner, cache_span)
        if system and not any(isinstance(b, dict) and "cachePoint" in b for b in system):
            system.add(point, cache_span)
        if isinstance(tools, list) and tools and not any(isinstance(t, dict) and "cachePoint" in t for t in tools):
            tools = SList([*tools, point], tools.span, [*tools.spans, cache_span]) if isinstance(tools, SList) else [*tools, point]
        if isinstance(out, list) and out and isinstance(out[-1], dict) and isinstance(out[-1].get("content"), list):
            last = out[-1]
            content = last["content"].copy() if isinstance(last["content"], SList) else SList(last["content"])
            content.add(point, cache_span)
            entry = last.copy()
            entry.put("content", content, last.spans.get("content"))
            out[-1] = entry
    if system:
        body.put("system", system, system.span or span)
    body.put("messages", out, span)
    if tools is not None:
        config = SDict(span)
        config.put("tools", tools, model.params.spans.get("tools", span))
        if tool_choice is not None:
            config.put("toolChoice", tool_choice, model.params.spans.get("tool_choice", span))
        body.put("toolConfig", config, model.params.spans.get("tools", span))
    return body


def _openai_body(model: ChatModel, messages: list | Hole, shared: bool, span: Span) -> SDict:
    body = model.params.copy()
    key = "input" if model.kind == "openai-responses" else "messages"
    if isinstance(messages, Hole):
        body.put(key, messages, span)
        return body
    out = SList(span=span, shared=shared)
    roles = {"system": "system", "human": "user", "ai": "assistant", "tool": "tool"}
    for message in messages:
        if isinstance(message, Hole):
            out.add(message, message.origin or span)
            continue
        entry = SDict(message.span)
        entry.put("role", roles[message.role], message.span)
        content = message.content
        if isinstance(content, list):
            content = _block_list(content, message.content_span)
        entry.put("content", content, message.content_span)
        if message.role == "tool":
            entry.put("tool_call_id", message.tool_call_id, message.span)
        out.add(entry, message.span)
    body.put(key, out, span)
    return body


# -- the recognizer -------------------------------------------------------------------------------


def requests(call) -> "list | None":
    """The request a LangChain invocation sends; None if the call is not one."""
    func = call.node.func
    if not isinstance(func, cst.Attribute) or func.attr.value not in METHODS or not call.node.args:
        return None
    receiver = _modelled(call.value(func.value))
    if isinstance(receiver, ChatModel):
        model, prompt, computed = receiver, None, ()
    elif isinstance(receiver, Chain) and receiver.model is not None:
        model, prompt, computed = receiver.model, receiver.prompt, receiver.computed
    else:
        return None
    from . import Found

    span = call.module.span(call.node)
    arg = call.positional(0) or next((a.value for a in call.node.args if a.keyword is not None and a.keyword.value in ("input", "inputs")), None)
    given = call.value(arg) if arg is not None else None
    if func.attr.value in ("batch", "abatch"):  # one request per input: the first stands for all
        given = given[0] if isinstance(given, list) and given else Hole(HoleKind.PER_REQUEST, "an input of the batch", span)
    settings = call.keywords(_CALL_KEYWORDS[model.kind])
    if computed:  # a {"key": runnable} step computes what the prompt (or model) gets
        given = None if prompt is not None else Hole(HoleKind.UNKNOWN, "what the chain's first step makes", span)
    if prompt is not None:
        messages, shared = prompt.render(given, span), False
    else:
        messages, shared = messages_of(given, span)
    for key, value in settings.items():
        model = replace(model, params=_with(model.params, key, value, settings.spans.get(key)))
    if model.kind == "anthropic":
        body = _anthropic_body(model, messages, shared, span)
    elif model.kind == "bedrock-converse":
        body = _converse_body(model, messages, shared, span)
    else:
        body = _openai_body(model, messages, shared, span)
    sent = body.get("input" if model.kind == "openai-responses" else "messages")
    if isinstance(sent, SList) and isinstance(given, SList):  # breakpoints appended in an unbounded loop
        sent.loop_marks = list(given.loop_marks)
    return [Found(model.kind, body, model.platform, origins=dict(model.origins))]


def _with(params: SDict, key: str, value: object, where: Span | None) -> SDict:
    out = params.copy()
    out.put(key, value, where)
    return out


CALL_HOOKS.append(_construct)
