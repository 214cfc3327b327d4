"""Following a name to the expression it was assigned from, for the framework recognizers.

A framework call is made on an object built elsewhere: ``agent.run_sync(q)`` on the
``Agent(...)`` of a module constant, ``generate_content(config=cfg)`` with a config built a
few lines up. The evaluator turns such constructor calls into unknowns (it knows nothing
of the framework); a recognizer needs the constructor call itself, with the frame its
arguments are evaluated in. This follows plain names (locals before the use, enclosing
scopes, module constants, imports from checked modules) and ``self.x`` attributes.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from ..evaluate import Evaluator, Frame
from ..module import Module, Scope

_MAX_HOPS = 8
_END = (1 << 30, 0)


@dataclass
class Followed:
    node: cst.BaseExpression
    frame: Frame
    name: str | None = None  # the last name followed, and the scope it is bound in
    scope: Scope | None = None
    # A name followed is changed in place after its assignment (``parts.append(...)``): the
    # expression is not the whole value, and the evaluator's value (which replays the
    # changes) is the one to read.
    mutated: bool = False


def follow(evaluator: Evaluator, node: cst.BaseExpression, frame: Frame) -> Followed:
    """The expression ``node`` stands for; ``node`` itself when it is not a name it can follow."""
    found = Followed(node, frame)
    for _ in range(_MAX_HOPS):
        node, frame = found.node, found.frame
        if isinstance(node, cst.Name) and node.value not in frame.env:
            step = _name(evaluator, node.value, frame)
        elif isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) and node.value.value == "self":
            step = _self_attribute(node.attr.value, frame)
        else:
            return found
        if step is None:
            return found
        step.mutated = step.mutated or found.mutated
        found = step
    return found


def _name(evaluator: Evaluator, name: str, f: Frame) -> Followed | None:
    scope: Scope | None = f.scope
    local = True
    while scope is not None:
        if scope.kind == "class" and not local:
            scope = scope.parent
            continue
        bindings = scope.bindings.get(name, ())
        before = [b for b in bindings if not local or b.pos < f.at]
        if not before and local and scope.kind == "module":
            before = list(bindings)  # a module name used above its definition: a function body runs later
        if before:
            binding = before[-1]
            if binding.kind in ("assign", "annassign", "walrus", "with") and not binding.index:
                changed = any(m.pos > binding.pos for m in scope.mutations.get(name, ()))
                return Followed(binding.node, Frame(f.module, scope, binding.pos, depth=f.depth + 1), name, scope, changed)  # type: ignore[arg-type]
            return None
        if name in scope.params:
            return None
        if name in scope.imports:
            target = evaluator.project.resolve(f.module, scope.imports[name])
            if target is None or target[1] is None:
                return None
            other, attr = target
            evaluator.read.add(other.path)
            return Followed(cst.Name(attr), Frame(other, other.scope, _END, depth=f.depth + 1))
        local = False
        scope = scope.parent
    return None


def _self_attribute(attr: str, f: Frame) -> Followed | None:
    owner = f.scope.owner
    if owner is None:
        return None
    module = f.module
    if attr in owner.bindings:  # a class attribute
        binding = owner.bindings[attr][-1]
        if binding.kind in ("assign", "annassign") and not binding.index:
            return Followed(binding.node, Frame(module, owner, binding.pos, depth=f.depth + 1), attr, owner)  # type: ignore[arg-type]
        return None
    bindings = [b for b in owner.self_attrs.get(attr, ()) if b.kind in ("assign", "annassign") and not b.index]
    if len(bindings) != 1:  # set in several places: which one holds is not known
        return None
    binding = bindings[0]
    method = next((s for s in owner.children.values() if _inside(module, s.node, binding.pos)), owner)
    return Followed(binding.node, Frame(module, method, binding.pos, depth=f.depth + 1), attr, owner)  # type: ignore[arg-type]


def _inside(module: Module, node: cst.CSTNode, pos: tuple[int, int]) -> bool:
    where = module.positions.get(node)
    return where is not None and (where.start.line, where.start.column) <= pos <= (where.end.line, where.end.column)


def qualified(evaluator: Evaluator, node: cst.BaseExpression, frame: Frame) -> str:
    """The qualified name of a called expression (``pydantic_ai.Agent``), "" when unknown."""
    return evaluator.qualify(node, frame) or ""


def keywords(evaluator: Evaluator, call: cst.Call, frame: Frame, wanted: frozenset[str] | None = None):
    """A call's keyword arguments (and ``**`` dicts), evaluated in ``frame``, as an SDict
    that remembers where each was written."""
    from ..values import SDict

    out = SDict(frame.module.span(call))
    for arg in call.args:
        if arg.keyword is not None:
            if wanted is None or arg.keyword.value in wanted:
                out.put(arg.keyword.value, evaluator.value(arg.value, frame), frame.module.span(arg))
        elif arg.star == "**":
            merged = evaluator.value(arg.value, frame)
            if isinstance(merged, dict):
                spans = getattr(merged, "spans", {})
                for key, value in merged.items():
                    if wanted is None or key in wanted:
                        out.put(key, value, spans.get(key, frame.module.span(arg)))
    return out


def keyword(call: cst.Call, name: str, position: int | None = None) -> cst.BaseExpression | None:
    """The expression passed as ``name`` (or at ``position`` among the positional ones)."""
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg.value
    if position is not None:
        positional = [a for a in call.args if a.keyword is None and not a.star]
        if position < len(positional):
            return positional[position].value
    return None
