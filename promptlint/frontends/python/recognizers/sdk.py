"""The Anthropic and OpenAI SDKs: the request methods each client family exposes.

A call is recognised by its method path (``messages.create``, ``chat.completions.parse``,
``responses.stream``, ``messages.batches.create``) and, where the receiver can be
evaluated, by the client it is made on (which also says the platform: Bedrock and
Vertex clients have their own minimums). ``messages.count_tokens`` is recognised and
set aside: it is not a request.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

# Wrappers between the resource and the method that change nothing about the request.
_PASS_THROUGH = {"with_raw_response", "with_streaming_response"}
_METHODS = {"create", "stream", "parse"}


@dataclass(frozen=True)
class Site:
    kind: str  # "anthropic", "openai-chat", "openai-responses", "anthropic-batch", "count_tokens"
    receiver: cst.BaseExpression  # the client expression


def recognise(call: cst.Call) -> Site | None:
    found = site_kind(attribute_names(call.func))
    if found is None:
        return None
    kind, used = found
    if not _looks_like_request(call, kind):
        return None
    receiver = _receiver(call.func, used + 1)
    if receiver is None:
        return None
    if isinstance(receiver, cst.Attribute) and receiver.attr.value == "beta":
        receiver = receiver.value
    return Site(kind, receiver)


def attribute_names(node: cst.BaseExpression) -> list[str]:
    """The attribute names of a chain, outermost first, without its base:
    ``["messages", "create"]`` for ``client.messages.create``."""
    names: list[str] = []
    while isinstance(node, cst.Attribute):
        names.append(node.attr.value)
        node = node.value
    return names[::-1]


def site_kind(names: list[str]) -> tuple[str, int] | None:
    """(kind of request, how many resource names it takes) for a method path on a client:
    ``["messages", "create"]`` is ("anthropic", 1); None when it is no request method."""
    names = [n for n in names if n not in _PASS_THROUGH]
    if len(names) < 2:
        return None
    method, path = names[-1], names[:-1]
    if path[-2:] == ["messages", "batches"] and method == "create":
        return "anthropic-batch", 2
    if path[-1:] == ["messages"] and method == "count_tokens":
        return "count_tokens", 1
    if path[-1:] == ["messages"] and method in _METHODS:
        if len(path) >= 2 and path[-2] == "threads":  # OpenAI Assistants: not a Messages request
            return None
        return "anthropic", 1
    if path[-2:] == ["chat", "completions"] and method in _METHODS:
        return "openai-chat", 2
    if path[-1:] == ["responses"] and method in _METHODS:
        return "openai-responses", 1
    return None


_PARTIAL = frozenset(("partial", "functools.partial"))


def takes_method(value: cst.BaseExpression, aliases: set[str]) -> bool:
    """Whether an assigned value is a request method taken as a value, to be called later
    under another name: the method itself (``create = client.messages.create``), or
    ``functools.partial`` of it or of such a name (with some of its keywords bound)."""
    from ..module import dotted  # the module index asks this of every assignment

    if isinstance(value, cst.IfExp):  # client.beta.messages.create if beta else client.messages.create
        return takes_method(value.body, aliases) or takes_method(value.orelse, aliases)
    if isinstance(value, cst.Call) and value.args and dotted(value.func) in _PARTIAL:
        value = value.args[0].value
        if isinstance(value, (cst.Name, cst.Attribute)) and _last_name(value) in aliases:
            return True
    found = site_kind(attribute_names(value))
    return found is not None and found[0] != "count_tokens"


def method_called(node: cst.Call, aliases: set[str]) -> cst.BaseExpression | None:
    """The expression for a request method a call makes under another name (see
    ``takes_method``): the callee, bound to one of ``aliases``, or the method handed with the
    request's keywords to a function that calls it (``asyncio.to_thread``, ``executor.submit``,
    a retry). Either way the call passes a request's keywords (an SMS client's
    ``messages.create(to=…, body=…)`` passes none); ``functools.partial`` makes no request."""
    from ..module import dotted  # module imports this module

    if not any(a.star == "**" or (a.keyword is not None and a.keyword.value in _ANY_REQUEST_KEYWORD) for a in node.args):
        return None
    if _last_name(node.func) in aliases:
        return node.func
    if dotted(node.func) in _PARTIAL:
        return None
    first = next((a.value for a in node.args if a.keyword is None and not a.star), None)
    if first is not None and (_last_name(first) in aliases or takes_method(first, aliases)):
        return first
    return None


def _last_name(node: cst.BaseExpression) -> str | None:
    return node.attr.value if isinstance(node, cst.Attribute) else node.value if isinstance(node, cst.Name) else None


def _receiver(func: cst.BaseExpression, depth: int) -> cst.BaseExpression | None:
    """The expression ``depth`` attributes (pass-throughs not counted) below ``func``."""
    node = func
    while depth > 0:
        if not isinstance(node, cst.Attribute):
            return None
        if node.attr.value not in _PASS_THROUGH:
            depth -= 1
        node = node.value
    while isinstance(node, cst.Attribute) and node.attr.value in _PASS_THROUGH:
        node = node.value
    return node


# Keywords at least one of which a request call of each kind passes (or a ``**`` dict):
# what tells ``client.messages.create(model=…, messages=…)`` from an unrelated method that
# happens to be spelled the same (the SDK's own thread helpers, an ORM's ``messages.create``).
_REQUEST_KEYWORDS = {
    "anthropic": {"model", "messages", "system", "max_tokens", "tools"},
    "anthropic-batch": {"requests"},
    "count_tokens": {"model", "messages"},
    "openai-chat": {"model", "messages"},
    "openai-responses": {"model", "input", "instructions", "previous_response_id", "prompt"},
}


_ANY_REQUEST_KEYWORD = frozenset().union(*(keywords for kind, keywords in _REQUEST_KEYWORDS.items() if kind != "anthropic-batch"))


def _looks_like_request(call: cst.Call, kind: str) -> bool:
    wanted = _REQUEST_KEYWORDS[kind]
    return any(a.star == "**" or (a.keyword is not None and a.keyword.value in wanted) for a in call.args)



# -- evaluation -----------------------------------------------------------------------------

# The arguments lowering reads: evaluating the others (timeouts, headers) costs and says nothing.
RELEVANT = frozenset(
    {
        "model", "system", "messages", "tools", "tool_choice", "thinking", "cache_control", "output_config", "speed",
        "prompt_cache_key", "prompt_cache_options", "prompt_cache_retention", "parallel_tool_calls", "response_format",
        "reasoning_effort", "reasoning", "text", "input", "instructions", "requests", "max_tokens", "extra_body",
    }
)
_LOWERING = {"anthropic": "anthropic", "openai-chat": "openai-chat", "openai-responses": "openai-responses", "anthropic-batch": "anthropic"}


def _under_another_name(call) -> "list | None":
    """A request method called under a name it was bound to (``create(...)`` after
    ``create = client.messages.create``, or a ``functools.partial`` of it), or handed with
    the request's keywords to a function that calls it (``asyncio.to_thread(client.messages.create, model=…)``)."""
    from . import Found
    from ..values import Bound, Client, Opaque

    node = call.record.node
    method_node = method_called(node, call.module.method_aliases)
    if method_node is None:
        return None
    method = call.value(method_node)
    if not isinstance(method, Opaque) or not isinstance(method.extra, (Client, Bound)):
        return None
    found = site_kind(method.qualname.split(".")[1:])
    if found is None or found[0] in ("count_tokens", "anthropic-batch"):
        return None
    kind = found[0]
    bound = method.extra.keywords if isinstance(method.extra, Bound) else {}
    if not (_looks_like_request(node, kind) or _REQUEST_KEYWORDS[kind] & bound.keys()):
        return None
    client = method.extra if isinstance(method.extra, Client) else method.extra.client
    body = call.keywords(RELEVANT)
    for key, value in bound.items():
        if key in RELEVANT and key not in body:
            body.put(key, value, getattr(bound, "spans", {}).get(key))
    return [Found(_LOWERING[kind], _with_extra_body(body), client.platform, origins=call.origins(("model",)))]


def _with_extra_body(body):
    """The SDKs send ``extra_body``'s keys as if they were parameters (how code written for an
    older SDK passes ``prompt_cache_key``), merged over the call's own."""
    extra = body.pop("extra_body", None)
    if isinstance(extra, dict):
        for key, value in extra.items():
            if isinstance(key, str) and key in RELEVANT:
                body.put(key, value, getattr(extra, "spans", {}).get(key) or body.span)
    return body


def requests(call) -> "list | None":
    """The request bodies an SDK call sends (a batch sends several); None if it is not one."""
    from . import Found
    from ..values import Client

    site = recognise(call.record.node)
    if site is None:
        return _under_another_name(call)
    if site.kind == "count_tokens":
        return None
    client = call.value(site.receiver)
    platform = client.platform if isinstance(client, Client) else None
    body = _with_extra_body(call.keywords(RELEVANT))
    origins = call.origins(("model",))
    if site.kind != "anthropic-batch":
        return [Found(_LOWERING[site.kind], body, platform, origins=origins)]
    entries = body.get("requests")
    found = []
    open_ended = getattr(entries, "open_ended", False)
    for entry in entries if isinstance(entries, list) else ():
        params = entry.get("params") if isinstance(entry, dict) else None
        if isinstance(params, dict):
            found.append(Found("anthropic", params, platform, batch=True, open_ended=open_ended))
    return found
