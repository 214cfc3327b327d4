"""What a recognizer sees of one call: its node, where it is, and evaluation on demand."""

from __future__ import annotations

from typing import Iterable

import libcst as cst

from ..evaluate import Evaluator, Frame
from ..module import CallRecord, Module
from ..values import SDict


class CallContext:
    def __init__(self, record: CallRecord, module: Module, evaluator: Evaluator, params: dict | None = None, instance: dict | None = None) -> None:
        self.record = record
        self.node: cst.Call = record.node
        self.module = module
        self.evaluator = evaluator
        # ``params``: what one caller of the enclosing function binds its parameters to.
        # ``instance``: for a method, what one construction binds ``__init__``'s parameters to.
        self.frame = Frame(module, record.scope, record.pos, params=params or {}, instance=instance or {})

    def value(self, node: cst.CSTNode) -> object:
        return self.evaluator.value(node, self.frame)

    def keywords(self, relevant: Iterable[str], call: cst.Call | None = None) -> SDict:
        """The call's keyword arguments named in ``relevant`` (and those of ``**`` dicts), evaluated."""
        call = call or self.node
        wanted = frozenset(relevant)
        body = SDict(self.module.span(call))
        for arg in call.args:
            if arg.keyword is not None:
                if arg.keyword.value in wanted:
                    body.put(arg.keyword.value, self.value(arg.value), self.module.span(arg))
            elif arg.star == "**":
                merged = self.value(arg.value)
                if isinstance(merged, dict):
                    spans = getattr(merged, "spans", {})
                    for key, value in merged.items():
                        body.put(key, value, spans.get(key, self.module.span(arg)))
        return body

    def origins(self, keys: Iterable[str], call: cst.Call | None = None) -> dict:
        """Where the values of some keyword arguments are written (through names to a literal)."""
        call = call or self.node
        wanted = frozenset(keys)
        return {a.keyword.value: self.evaluator.origin(a.value, self.frame) for a in call.args if a.keyword is not None and a.keyword.value in wanted}

    def positional(self, index: int, call: cst.Call | None = None) -> cst.BaseExpression | None:
        call = call or self.node
        args = [a for a in call.args if a.keyword is None and not a.star]
        return args[index].value if index < len(args) else None
