"""Request functions a project names in config: wrappers whose code promptlint cannot see.

``request-functions = ["acme_llm.client.chat", "acme_llm.client.ask:openai-chat"]``: a call of
one of these, reached through the imports, is read as a request whose keyword arguments
follow the given provider shape (Anthropic Messages unless the entry says otherwise).
"""

from __future__ import annotations

from typing import Iterable

from . import Found
from .sdk import RELEVANT
from ..values import Function, Opaque


class Configured:
    def __init__(self, functions: Iterable[str]) -> None:
        self.functions: dict[str, str] = {}
        for entry in functions:
            name, _, kind = entry.partition(":")
            self.functions[name] = kind or "anthropic"

    def requests(self, call) -> list[Found] | None:
        target = call.value(call.node.func)
        if isinstance(target, Opaque) and target.extra is None:
            qualname = target.qualname
        elif isinstance(target, Function):
            qualname = f"{target.module.name}.{target.name}"  # type: ignore[attr-defined]
        else:
            return None
        kind = self.functions.get(qualname)
        if kind is None:
            return None
        key = "modelId" if kind == "bedrock-converse" else "model"
        return [Found(kind, call.keywords(RELEVANT | {"modelId", "toolConfig", "additionalModelRequestFields"}), origins=call.origins((key,)))]
