"""boto3's Bedrock Runtime client: ``converse``, ``converse_stream`` and ``invoke_model``.

``boto3.client("bedrock-runtime")``, ``session.client(...)`` and
``boto3.Session().client(...)`` all return a client the evaluator cannot see into, so a
call is recognised by its method and its keywords: ``modelId`` (written, or in a ``**``
dict) with ``messages`` or ``system`` — a signature no other boto3 service's method has.
A receiver that evaluates to an Anthropic or OpenAI SDK client rules the call out.

The body is Converse's own shape, lowered by the shared ``bedrock-converse`` lowering:
``{"cachePoint": {"type": "default", "ttl": …}}`` elements in ``system``, in a message's
``content`` and in ``toolConfig.tools`` mark the element before them, and the platform is
Bedrock, whose own minimums and limits come from the registry.

``invoke_model`` (and its streaming form) sends an Anthropic Messages body as a JSON string:
the dict given to ``json.dumps`` (written in the call, or a name bound to that call) is the
body, lowered as an Anthropic request on Bedrock, with ``modelId`` as its model. The key
order of that JSON does not matter (the service parses it), so it is not PC102's finding.

Not modelled: a body built otherwise (bytes read from a file), batch inference jobs (their
records are in S3; Bedrock does not cache them), and the typed request classes of the newer
``aws-sdk-bedrock-runtime`` package.
"""

from __future__ import annotations

import libcst as cst

from ..values import Client

_METHODS = frozenset({"converse", "converse_stream"})
_INVOKE = frozenset({"invoke_model", "invoke_model_with_response_stream"})
# What the lowering and the call-site facts read; guardrail and inference settings say nothing.
RELEVANT = frozenset({"modelId", "system", "messages", "toolConfig", "additionalModelRequestFields", "promptVariables"})


def requests(call) -> "list | None":
    """The Converse request a call sends; None if the call is not one."""
    from . import Found

    func = call.node.func
    if isinstance(func, cst.Attribute) and func.attr.value in _INVOKE:
        return _invoke_model(call, func)
    if not (isinstance(func, cst.Attribute) and func.attr.value in _METHODS):
        return None
    if not any(a.star == "**" or (a.keyword is not None and a.keyword.value in RELEVANT) for a in call.node.args):
        return None
    body = call.keywords(RELEVANT)
    if "modelId" not in body or not ("messages" in body or "system" in body):
        return None
    if isinstance(call.value(func.value), Client):  # an Anthropic or OpenAI SDK client: not Bedrock Runtime
        return None
    return [Found("bedrock-converse", body, "bedrock", origins=call.origins(("modelId",)))]


def _invoke_model(call, func: cst.Attribute) -> "list | None":
    """The Anthropic body an ``invoke_model`` call sends as JSON, when the code shows the dict."""
    from . import Found
    from ..values import SDict
    from .follow import follow, keyword

    model, body_node = keyword(call.node, "modelId"), keyword(call.node, "body")
    if model is None or body_node is None or isinstance(call.value(func.value), Client):
        return None
    found = follow(call.evaluator, body_node, call.frame)
    dumped = found.node
    if isinstance(dumped, cst.Call) and isinstance(dumped.func, cst.Attribute) and dumped.func.attr.value == "encode":
        dumped = dumped.func.value  # json.dumps(body).encode()
    if not (isinstance(dumped, cst.Call) and call.evaluator.qualify(dumped.func, found.frame) in ("json.dumps", "simplejson.dumps") and dumped.args):
        return None
    body = call.evaluator.value(dumped.args[0].value, found.frame)
    model_id = call.value(model)
    anthropic = isinstance(model_id, str) and ("anthropic" in model_id or "claude" in model_id)
    if not isinstance(body, dict) or not ("anthropic_version" in body or anthropic):
        return None  # not an Anthropic Messages body (Nova, Mistral, Llama, Titan): not modelled
    sent = SDict(getattr(body, "span", None))
    for key, value in body.items():
        sent.put(key, value, getattr(body, "spans", {}).get(key))
    sent.put("model", model_id, call.frame.module.span(model))
    origins = {"model": where for where in call.origins(("modelId",)).values()}
    return [Found("anthropic", sent, "bedrock", origins=origins)]
