"""boto3's Bedrock Runtime client: ``converse`` and ``converse_stream``.

``boto3.client("bedrock-runtime")``, ``session.client(...)`` and
``boto3.Session().client(...)`` all return a client the evaluator cannot see into, so a
call is recognised by its method and its keywords: ``modelId`` (written, or in a ``**``
dict) with ``messages`` or ``system`` — a signature no other boto3 service's method has.
A receiver that evaluates to an Anthropic or OpenAI SDK client rules the call out.

The body is Converse's own shape, lowered by the shared ``bedrock-converse`` lowering:
``{"cachePoint": {"type": "default", "ttl": …}}`` elements in ``system``, in a message's
``content`` and in ``toolConfig.tools`` mark the element before them, and the platform is
Bedrock, whose own minimums and limits come from the registry.

Not modelled: ``invoke_model`` (a JSON string body), batch inference jobs (their records
are in S3; Bedrock does not cache them), and the typed request classes of the newer
``aws-sdk-bedrock-runtime`` package.
"""

from __future__ import annotations

import libcst as cst

from ..values import Client

_METHODS = frozenset({"converse", "converse_stream"})
# What the lowering and the call-site facts read; guardrail and inference settings say nothing.
RELEVANT = frozenset({"modelId", "system", "messages", "toolConfig", "additionalModelRequestFields", "promptVariables"})


def requests(call) -> "list | None":
    """The Converse request a call sends; None if the call is not one."""
    from . import Found

    func = call.node.func
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
