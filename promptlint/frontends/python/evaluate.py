"""Static evaluation: what an expression's value is, as far as the code says.

``Evaluator.value(node, frame)`` follows names to their assignments (locals before
the use, then enclosing scopes, module constants, class attributes, constants of
other checked modules), replays the changes made to containers in between
(``append``, item assignment, ``update``, ``+=``), and computes strings through
f-strings, ``+``, ``%``, ``.format``, ``join``, ``dedent`` and the ``strip`` family.
Helper functions are summarised by evaluating their return value with the
arguments of the call (a few calls deep; recursion yields an unknown). What cannot
be known becomes a hole that says why and where it came from.
"""

from __future__ import annotations

import builtins
import dataclasses
import json
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterator
from urllib.parse import urlsplit

import libcst as cst

from ...request import Hole, HoleKind, Span, Text
from . import sources
from .module import Binding, CallRecord, Import, Module, Mutation, Scope, accumulates, callee_name, dotted, kept_list_marks, short_loop
from .strings import MAX_TEXT, StringTemplate, TextBuilding, concat
from .values import Bound, Client, Function, Modelled, Opaque, PathValue, SDict, SList, USet, as_plain, holes_in, is_static, sample_of, unknown

if TYPE_CHECKING:
    from .project import Project

MAX_DEPTH = 4  # helper calls followed into, one inside another
MAX_UNROLL = 2048  # items of a known list a loop is replayed for; beyond, a hole stands for the rest

_BUILTINS = frozenset(dir(builtins))

# SDK client classes, by qualified name: (API family, platform).
CLIENTS = {
    "anthropic.Anthropic": ("anthropic", "anthropic"),
    "anthropic.AsyncAnthropic": ("anthropic", "anthropic"),
    "anthropic.Client": ("anthropic", "anthropic"),
    "anthropic.AsyncClient": ("anthropic", "anthropic"),
    "anthropic.AnthropicBedrock": ("anthropic", "bedrock"),
    "anthropic.AsyncAnthropicBedrock": ("anthropic", "bedrock"),
    "anthropic.AnthropicVertex": ("anthropic", "vertex"),
    "anthropic.AsyncAnthropicVertex": ("anthropic", "vertex"),
    "anthropic.lib.bedrock.AnthropicBedrock": ("anthropic", "bedrock"),
    "anthropic.lib.vertex.AnthropicVertex": ("anthropic", "vertex"),
    "openai.OpenAI": ("openai", "openai"),
    "openai.AsyncOpenAI": ("openai", "openai"),
    "openai.AzureOpenAI": ("openai", "azure"),
    "openai.AsyncAzureOpenAI": ("openai", "azure"),
}
# OpenAI-compatible endpoints of providers the registry knows: an OpenAI client whose
# ``base_url`` names one of these hosts gets that provider's caching facts, not OpenAI's.
COMPATIBLE_HOSTS = {
    "api.deepseek.com": "deepseek",
    "generativelanguage.googleapis.com": "gemini",  # Gemini's /v1beta/openai/ endpoint
}
# Calls of framework classes and functions a recognizer models (LangChain's chat models and
# prompts): hook(evaluator, qualified name, call, frame) -> the value, or NotImplemented for
# a name it does not know. Recognizer modules add theirs when imported.
CALL_HOOKS: list = []


@dataclass
class Frame:
    """Where an expression is evaluated: its module, scope and position, and bound names."""

    module: Module
    scope: Scope
    at: tuple[int, int]
    env: dict[str, object] = field(default_factory=dict)
    depth: int = 0
    # What one caller binds the parameters of ``scope`` to, when the call is evaluated for it.
    params: dict[str, object] = field(default_factory=dict)
    # For a method: what one construction of the object binds ``__init__``'s parameters to.
    instance: dict[str, object] = field(default_factory=dict)

    def with_env(self, env: dict[str, object], at: tuple[int, int] | None = None) -> "Frame":
        """The same place with other local bindings (a comprehension's or a loop's items)."""
        return Frame(self.module, self.scope, at or self.at, env, self.depth, self.params, self.instance)

    def within(self, scope: Scope) -> dict[str, object]:
        """The parameter bindings that hold in ``scope``: this frame's, if it is the same scope."""
        return self.params if scope is self.scope else {}


class Evaluator(TextBuilding):
    def __init__(self, project: "Project", extra_sources: dict[str, sources.Source] | None = None, extra_unordered: frozenset[str] = frozenset()) -> None:
        self.project = project
        self.extra = extra_sources or {}
        self.unordered = sources.UNORDERED_CALLS | extra_unordered
        self._active: set = set()
        self._memo: dict[tuple[int, int], object] = {}
        self._loop_order: Hole | None = None
        # Files read while evaluating (prompt files, other modules): the result depends on them.
        self.read: set[Path] = set()
        # Names of the functions whose callers were looked for: the result depends on them too.
        self.callers_of: set[str] = set()

    # -- entry points --------------------------------------------------------------

    def value(self, node: cst.CSTNode | None, frame: Frame) -> object:
        if node is None:
            return None
        key = id(node)
        if key in self._active or frame.depth > 10 * MAX_DEPTH:
            return unknown("a value defined in terms of itself", frame.module.span(node))
        self._active.add(key)
        try:
            return self._eval(node, frame)
        except RecursionError:
            return unknown("an expression nested too deeply to follow", frame.module.span(node))
        finally:
            self._active.discard(key)

    # -- expressions ----------------------------------------------------------------

    def _eval(self, node: cst.CSTNode, f: Frame) -> object:
        if isinstance(node, cst.SimpleString):
            value = node.evaluated_value
            return value if isinstance(value, str) else unknown("bytes", f.module.span(node))
        if isinstance(node, cst.ConcatenatedString):
            return concat(self.value(node.left, f), self.value(node.right, f))
        if isinstance(node, cst.FormattedString):
            return self._fstring(node, f)
        if isinstance(node, (cst.Integer, cst.Float)):
            return node.evaluated_value
        if isinstance(node, cst.Imaginary):
            return unknown("a complex number", f.module.span(node))
        if isinstance(node, cst.Name):
            return self.name(node.value, f, node)
        if isinstance(node, cst.Attribute):
            return self._attribute(node, f)
        if isinstance(node, cst.Subscript):
            return self._subscript(node, f)
        if isinstance(node, cst.Call):
            return self.call(node, f)
        if isinstance(node, cst.Dict):
            return self._dict(node, f)
        if isinstance(node, (cst.List, cst.Tuple)):
            return self._list(node, f)
        if isinstance(node, cst.Set):
            items = tuple(self.value(e.value, f) for e in node.elements)
            return USet(items, f.module.span(node), "a set literal")
        if isinstance(node, (cst.ListComp, cst.GeneratorExp, cst.SetComp)):
            result = self._comprehension(node, f)
            if isinstance(node, cst.SetComp) and isinstance(result, SList):
                return USet(tuple(result), f.module.span(node), "a set comprehension")
            return result
        if isinstance(node, cst.DictComp):
            out = SDict(f.module.span(node))
            out.complete = False  # a dict all the same: json.dumps of it is still unsorted
            return out
        if isinstance(node, cst.BinaryOperation):
            return self._binary(node, f)
        if isinstance(node, cst.IfExp):
            body = self.value(node.body, f)
            if node.test.deep_equals(node.body) and _fixed(node.body, body, f.scope) and self._omitted(node.orelse, f):
                return body  # ``tools if tools else NOT_GIVEN``, tools the same on every call: an empty value and none send the same prefix
            return self._choice(body, self.value(node.orelse, f), node, f)
        if isinstance(node, cst.BooleanOperation):
            left = self.value(node.left, f)
            if holes_in(left) or isinstance(left, (Client, Opaque, Function, PathValue)):
                return left
            if isinstance(node.operator, cst.Or):
                return left if left else self.value(node.right, f)
            return self.value(node.right, f) if left else left
        if isinstance(node, cst.Await):
            return self.value(node.expression, f)
        if isinstance(node, cst.NamedExpr):
            return self.value(node.value, f)
        if isinstance(node, cst.UnaryOperation):
            inner = self.value(node.expression, f)
            if isinstance(node.operator, cst.Minus) and isinstance(inner, (int, float)):
                return -inner
            if isinstance(node.operator, cst.Not) and not holes_in(inner):
                return not inner
            return inner if holes_in(inner) else unknown(f.module.code(node), f.module.span(node))
        if isinstance(node, (cst.Comparison,)):
            return unknown(f.module.code(node), f.module.span(node))
        if isinstance(node, cst.Lambda):
            return Opaque("lambda")
        return unknown(f.module.code(node), f.module.span(node))

    def _attribute(self, node: cst.Attribute, f: Frame) -> object:
        attr = node.attr.value
        base_node = node.value
        if isinstance(base_node, cst.Name) and base_node.value == "self" and f.scope.owner is not None:
            if "self" not in f.env:
                value = self.self_attribute(f.scope.owner, attr, f, node)  # f.instance: per construction
                return self.mutate(value, f"self.{attr}", f.scope, (0, 0), f.at, f)
        base = self.value(base_node, f)
        if isinstance(base, Opaque) and base.extra is None and sources.per_request(base.qualname):
            return Hole(HoleKind.PER_REQUEST, f"{base.qualname}.{attr}", f.module.span(node))
        if isinstance(base, Opaque):
            if isinstance(base.extra, tuple) and base.extra and base.extra[0] == "instance":
                return self.self_attribute(base.extra[1], attr, Frame(base.extra[2], base.extra[1], (1 << 30, 0), depth=f.depth + 1), node)
            if isinstance(base.extra, Module):
                return self.module_attribute(base.extra, attr, f, node)
            # A client's resources keep their client: a request method taken as a value
            # (``create = client.messages.create``) is a request when it is called.
            return Opaque(f"{base.qualname}.{attr}", base.extra if isinstance(base.extra, Client) else None)
        if isinstance(base, Client):
            return Opaque(f"client.{attr}", base)
        if isinstance(base, PathValue):
            if attr == "parent":
                return PathValue(base.path.parent)
            if attr in ("name", "stem", "suffix"):
                return getattr(base.path, attr)
            return Opaque(f"pathlib.Path.{attr}", base)
        if isinstance(base, Hole):
            # A value's attribute names what it is (user.session_key is a session's, not a user's);
            # a volatile value keeps the name of its source.
            label = f"{base.label}.{attr}" if base.kind in (HoleKind.PER_REQUEST, HoleKind.UNKNOWN) else base.label
            return dataclasses.replace(base, label=label, insert=None)
        if isinstance(base, Text):
            return base
        return unknown(f.module.code(node), f.module.span(node))

    def _subscript(self, node: cst.Subscript, f: Frame) -> object:
        base = self.value(node.value, f)
        if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
            element = node.slice[0].slice if node.slice else None
            if isinstance(base, list) and isinstance(element, cst.Slice):
                return self._slice(base, element, f)
            return base if isinstance(base, Hole) else unknown(f.module.code(node), f.module.span(node))
        key = self.value(node.slice[0].slice.value, f)
        if isinstance(base, Opaque) and base.extra is None and sources.per_request(base.qualname):
            return Hole(HoleKind.PER_REQUEST, f.module.code(node), f.module.span(node))
        if isinstance(base, Opaque) and base.qualname in ("os.environ",):
            source = sources.volatile("os.environ.__getitem__", self.extra)
            return Hole(HoleKind.VOLATILE, f.module.code(node), f.module.span(node), source.sample if source else None, at_import=_at_import(f))
        if isinstance(base, dict) and not isinstance(key, (Hole, Text)) and _hashable(key) and key in base:
            return base[key]
        if isinstance(base, dict) and isinstance(key, Hole) and key.kind is HoleKind.PER_REQUEST and base and getattr(base, "complete", True):
            # A table looked up by a value that comes with each call (MODELS[tier]): one of its values.
            values = list(base.values())
            if all(_same(values[0], v) for v in values[1:]):
                return values[0]
            return Hole(HoleKind.PER_REQUEST, f"chosen by {key.label} ({f.module.code(node, 50)})", f.module.span(node), _commonsample_of(*values[:2]))
        if isinstance(base, list) and isinstance(key, int) and -len(base) <= key < len(base) and base.unordered is None:  # type: ignore[attr-defined]
            item = base[key]
            return item
        if isinstance(base, Hole):
            return Hole(base.kind, f"{base.label}[…]", base.origin, None)
        if isinstance(base, Text) or holes_in(base):
            inner = holes_in(base)
            return inner[0] if inner else unknown(f.module.code(node), f.module.span(node))
        return unknown(f.module.code(node), f.module.span(node))

    def _slice(self, base: list, element: cst.Slice, f: Frame) -> object:
        bounds = [self.value(p, f) if p is not None else None for p in (element.lower, element.upper, element.step)]
        if all(b is None or isinstance(b, int) for b in bounds) and getattr(base, "unordered", None) is None:
            lower, upper, step = bounds
            sliced = slice(lower, upper, step)
            spans = getattr(base, "spans", [None] * len(base))
            return SList(base[sliced], getattr(base, "span", None), spans[sliced], shared=getattr(base, "shared", False))
        return SList([unknown("part of a list", getattr(base, "span", None))])

    def _dict(self, node: cst.Dict, f: Frame) -> object:
        out = SDict(f.module.span(node))
        for element in node.elements:
            if isinstance(element, cst.StarredDictElement):
                merged = self.value(element.value, f)
                if isinstance(merged, dict):
                    for key, value in merged.items():
                        out.put(key, value, getattr(merged, "spans", {}).get(key))
                    out.complete = out.complete and getattr(merged, "complete", True)
                else:  # {**tool, "cache_control": …} with a tool from elsewhere: entries not known
                    out.complete = False
                continue
            key = self.value(element.key, f)
            if isinstance(key, (str, int, float, bool)) or key is None:
                out.put(key, self.value(element.value, f), f.module.span(element.key))
        return out

    def _list(self, node: cst.List | cst.Tuple, f: Frame) -> object:
        out = SList(span=f.module.span(node))
        for element in node.elements:
            if isinstance(element, cst.StarredElement):
                inner = self.value(element.value, f)
                self._extend(out, inner, f.module.span(element))
            else:
                out.add(self.value(element.value, f), f.module.span(element.value))
        return out

    def _extend(self, out: SList, inner: object, span: Span) -> None:
        if isinstance(inner, list):
            out.extend(inner)
            out.loop_marks.extend(getattr(inner, "loop_marks", ()))
            out.spans.extend(getattr(inner, "spans", [span] * len(inner)))
            if getattr(inner, "unordered", None) is not None and out.unordered is None:
                out.unordered = inner.unordered  # type: ignore[attr-defined]
            out.shared = out.shared or getattr(inner, "shared", False)
        elif isinstance(inner, USet):
            out.extend(inner.items)
            out.spans.extend([span] * len(inner.items))
            out.unordered = Hole(HoleKind.UNORDERED, f"iteration over {inner.label}", inner.origin, sample_of(inner.items))
        elif isinstance(inner, Hole):
            out.add(inner, span)
            out.shared = out.shared or inner.kind is HoleKind.PER_REQUEST
        else:
            out.add(unknown("items of an unknown collection", span), span)

    def _binary(self, node: cst.BinaryOperation, f: Frame) -> object:
        left, right = self.value(node.left, f), self.value(node.right, f)
        op = node.operator
        if isinstance(op, cst.Add):
            if isinstance(left, list) and isinstance(right, (list, Hole)):
                out = left.copy() if isinstance(left, SList) else SList(left)
                self._extend(out, right, f.module.span(node.right))
                return out
            if isinstance(left, Hole) and isinstance(right, list):
                out = SList(span=f.module.span(node))
                self._extend(out, left, f.module.span(node.left))
                self._extend(out, right, f.module.span(node.right))
                return out
            if _textual(left) or _textual(right):
                return concat(self.text(left, node.left, f), self.text(right, node.right, f))
            if isinstance(left, (int, float)) and isinstance(right, (int, float)):
                return left + right
        if isinstance(op, cst.Modulo) and isinstance(left, str):
            return self._percent(left, right, node, f)
        if isinstance(op, cst.Modulo) and isinstance(right, int) and holes_in(left):
            return Hole(HoleKind.PER_REQUEST, f"one of {right} buckets", f.module.span(node), str(right - 1))
        if isinstance(op, cst.BitOr):  # a framework's pipe: ``prompt | model``
            for value, other, flipped in ((left, right, False), (right, left, True)):
                if isinstance(value, Opaque) and isinstance(value.extra, Modelled):
                    made = value.extra.pipe(other, f.module.span(node), flipped)
                    if made is not NotImplemented:
                        return made
        if isinstance(op, (cst.BitOr, cst.BitAnd, cst.Subtract, cst.BitXor)) and (isinstance(left, USet) or isinstance(right, USet)):
            # A set made from sets: its order is no more fixed than theirs.
            known = [v for v in (left, right) if isinstance(v, USet)]
            items = tuple(dict.fromkeys(i for v in known for i in v.items if _hashable(i)))
            if isinstance(left, USet) and isinstance(right, USet) and not isinstance(op, cst.BitOr):
                other = set(i for i in right.items if _hashable(i))
                keep = {cst.BitAnd: lambda i: i in other, cst.Subtract: lambda i: i not in other}.get(type(op), lambda i: True)
                items = tuple(i for i in left.items if _hashable(i) and keep(i))
            return USet(items, known[0].origin, known[0].label)
        if isinstance(op, cst.BitOr) and isinstance(left, dict) and isinstance(right, dict):
            out = left.copy() if isinstance(left, SDict) else SDict()
            for key, value in right.items():
                out.put(key, value, getattr(right, "spans", {}).get(key))
            return out
        if isinstance(op, cst.Divide) and isinstance(left, PathValue):
            if isinstance(right, str):
                return PathValue(left.path / right)
            return unknown(f.module.code(node), f.module.span(node))
        if isinstance(op, cst.Multiply) and isinstance(left, str) and isinstance(right, int) and len(left) * right < MAX_TEXT:
            return left * right
        if isinstance(left, (int, float)) and isinstance(right, (int, float)) and not isinstance(op, (cst.Divide, cst.Power)):
            try:
                return {cst.Subtract: lambda: left - right, cst.Multiply: lambda: left * right, cst.FloorDivide: lambda: left // right}[type(op)]()  # type: ignore[operator]
            except (KeyError, ZeroDivisionError):
                pass
        inner = holes_in(left) + holes_in(right)
        volatile = [h for h in inner if h.kind is HoleKind.VOLATILE]
        if volatile:
            return volatile[0]
        return inner[0] if inner else unknown(f.module.code(node), f.module.span(node))

    def _choice(self, a: object, b: object, node: cst.CSTNode, f: Frame) -> object:
        methods = any(isinstance(v, Opaque) and isinstance(v.extra, (Client, Bound)) for v in (a, b))
        if _same_request_method(a, b) if methods else _same(a, b):  # Opaque's equality leaves its client and keywords out
            return a
        for value in (a, b):
            volatile = [h for h in holes_in(value) if h.kind is HoleKind.VOLATILE]
            if volatile:
                return value
        # An expression shows both arms; a binding made in one arm of an if or match shows only
        # its own, so the values are named (in the order the code has them).
        arms = not isinstance(node, cst.IfExp) and isinstance(a, str) and isinstance(b, str) and len(a) + len(b) <= 80
        shown = f"{b!r} or {a!r}" if arms else f.module.code(node, 50)
        return Hole(HoleKind.PER_REQUEST, f"chosen by a conditional ({shown})", f.module.span(node), _commonsample_of(a, b))

    def _omitted(self, node: cst.BaseExpression, f: Frame) -> bool:
        """Whether ``node`` leaves a parameter out: None, an empty list, or the SDKs' markers
        for a parameter not given (``NOT_GIVEN``, ``omit``, ``NotGiven()``, ``Omit()``)."""
        name = dotted(node.func if isinstance(node, cst.Call) else node)
        if name is not None and name.rpartition(".")[2] in _NOT_GIVEN:
            return True
        value = self.value(node, f)
        return value is None or (isinstance(value, list) and not value and not holes_in(value))

    def origin(self, node: cst.CSTNode, f: Frame, hops: int = 0) -> Span:
        """Where the value of ``node`` is written: through plain names to a literal."""
        if hops < 6 and isinstance(node, cst.Name) and node.value not in f.env:
            scope: Scope | None = f.scope
            local = True
            while scope is not None:
                before = [b for b in scope.bindings.get(node.value, ()) if not local or b.pos < f.at]
                if before and before[-1].kind in ("assign", "annassign") and not before[-1].index:
                    binding = before[-1]
                    return self.origin(binding.node, Frame(f.module, scope, binding.pos, depth=f.depth), hops + 1)
                if before or node.value in scope.params:
                    break
                if node.value in scope.imports:
                    target = self.project.resolve(f.module, scope.imports[node.value])
                    if target is not None and target[1] is not None:
                        other, attr = target
                        return self.origin(cst.Name(attr), Frame(other, other.scope, (1 << 30, 0), depth=f.depth), hops + 1) if attr in other.scope.bindings else f.module.span(node)
                    break
                local = False
                scope = scope.parent
        if isinstance(node, cst.Name) and hops and node.value not in f.module.scope.bindings:
            return f.module.span(node)
        return f.module.span(node)

    def _comprehension(self, node: cst.ListComp | cst.GeneratorExp | cst.SetComp, f: Frame) -> object:
        out = SList(span=f.module.span(node))
        envs: list[dict] = [dict(f.env)]
        unordered: Hole | None = None
        truncated = unbounded = False
        comp: cst.CompFor | None = node.for_in
        while comp is not None:
            iterable = self.value(comp.iter, f.with_env(envs[0] if envs else f.env))
            items, hole = self.iterate(iterable, comp.iter, f)
            unordered = unordered or hole
            unbounded = unbounded or (isinstance(iterable, Hole) and not short_loop(comp))
            next_envs = []
            for env in envs:
                for item in items:
                    bound = dict(env)
                    _bind_target(comp.target, item, bound, f)
                    next_envs.append(bound)
            truncated = len(next_envs) > MAX_UNROLL
            envs = next_envs[:MAX_UNROLL]
            if comp.ifs:
                envs = [env for env in envs if not _false(self.value(comp.ifs[0].test, f.with_env(env)))]
            comp = comp.inner_for_in
        for env in envs:
            out.add(self.value(node.elt, f.with_env(env)), f.module.span(node.elt))
        if truncated:  # nested loops over long lists: the rest is of unknown size, never judged short
            out.add(unknown("more items", f.module.span(node)), f.module.span(node))
        out.unordered = unordered
        out.open_ended = unbounded
        marker = next((m for m in map(_marker_span, out) if m is not None), None) if unbounded else None
        if marker is not None:  # a breakpoint on every item of a list of any length (PC201's loop form)
            out.loop_marks.append(marker)
        return out

    def iterate(self, iterable: object, node: cst.CSTNode, f: Frame) -> tuple[list, Hole | None]:
        """The items a loop over ``iterable`` sees (a stand-in hole when unknown), and the
        hole that says their order varies."""
        if isinstance(iterable, USet):
            if len(iterable.items) <= 1 and not holes_in(list(iterable.items)):
                return list(iterable.items), None  # one known item (or none) has one order
            return _capped(list(iterable.items), node, f), Hole(HoleKind.UNORDERED, f"iteration over {iterable.label}", iterable.origin, sample_of(iterable.items))
        if isinstance(iterable, list):
            return _capped(list(iterable), node, f), getattr(iterable, "unordered", None)
        if isinstance(iterable, dict):
            return _capped(list(iterable), node, f), None
        if isinstance(iterable, str):
            return _capped(list(iterable), node, f), None
        if isinstance(iterable, Hole):
            # The item is made where the loop takes it: a value that varies from pass to pass.
            origin = f.module.span(node) if iterable.kind is HoleKind.PER_REQUEST else iterable.origin
            return [Hole(iterable.kind, f"an item of {iterable.label}", origin)], (iterable if iterable.kind is HoleKind.UNORDERED else None)
        return [unknown(f"an item of {f.module.code(node, 40)}", f.module.span(node))], None

    # -- names -----------------------------------------------------------------------

    def name(self, name: str, f: Frame, node: cst.CSTNode | None = None) -> object:
        if name in f.env:
            return f.env[name]
        if name in ("True", "False", "None"):
            return {"True": True, "False": False, "None": None}[name]
        if name == "__file__":
            return str(f.module.path)
        scope: Scope | None = f.scope
        first = True
        while scope is not None:
            if scope.kind == "class" and not first:
                scope = scope.parent
                continue
            found = self._in_scope(name, scope, f, first, node)
            if found is not _MISSING:
                if not first and scope.kind == "module" and isinstance(found, SList):
                    found = self.module_list(found, name, scope, f, node)
                return found
            first = False
            scope = scope.parent
        if name in _BUILTINS:
            return Opaque(f"builtins.{name}")
        return unknown(name, f.module.span(node) if node is not None else None)

    def _in_scope(self, name: str, scope: Scope, f: Frame, local: bool, node: cst.CSTNode | None) -> object:
        bindings = scope.bindings.get(name, ())
        limit = f.at if local else (1 << 30, 0)
        before = [b for b in bindings if b.pos < limit]
        if not before and local and scope.kind == "module" and bindings:
            before = bindings  # a module name used above its definition: a function body runs later
        if before:
            binding = before[-1]
            value = self.binding(binding, scope, f)
            # An arm that returns or raises never reaches a use after it: its binding is no choice there.
            earlier = [b for b in before[:-1] if (b.branches != binding.branches or b.loops != binding.loops) and not _arm_exits(b, f)]
            if binding.branches and earlier and not _encloses(binding.branches, f, scope, local):
                other = self.binding(earlier[-1], scope, f)
                if not _same(value, other):
                    value = self._choice(value, other, binding.node, Frame(f.module, scope, binding.pos, depth=f.depth))
            return self.mutate(value, name, scope, binding.pos, limit, f)
        if name in scope.params:
            value = f.params[name] if local and name in f.params else self.parameter(scope, name, f)
            return self.mutate(value, name, scope, (0, 0), limit, f)
        if name in scope.imports:
            return self.imported(scope.imports[name], f.module, f)
        return _MISSING

    def binding(self, binding: Binding, scope: Scope, f: Frame) -> object:
        params = f.within(scope)
        key = (id(binding), id(params) if params else 0)
        if key in self._memo:
            return _fresh(self._memo[key])
        if key in self._active:
            return unknown(f"{binding.name} (defined in terms of itself)", f.module.span(binding.node))
        self._active.add(key)  # type: ignore[arg-type]
        try:
            frame = Frame(f.module if scope in f.module.scopes.values() else self._module_of(scope, f), scope, binding.pos, {}, f.depth + 1, params)
            value = self._binding(binding, scope, frame)
            if scope.kind in ("module", "class") and binding.kind in ("assign", "annassign"):
                value = _made_at_import(value)  # through helpers too: SYSTEM = POLICY + stamp()
        finally:
            self._active.discard(key)  # type: ignore[arg-type]
        if binding.kind in ("assign", "annassign", "walrus", "def", "class", "with"):
            self._memo[key] = value
        return _fresh(value)

    def _module_of(self, scope: Scope, f: Frame) -> Module:
        while scope.parent is not None:
            scope = scope.parent
        return self.project.module_of_scope(scope) or f.module

    def _binding(self, binding: Binding, scope: Scope, f: Frame) -> object:
        if binding.kind == "def":
            return Function(f.module, binding.name, binding.node, scope.name if scope.kind == "class" else None)
        if binding.kind == "class":
            class_scope = f.module.scopes.get(binding.node)
            return Opaque(f"{f.module.name}.{binding.name}", ("class", class_scope, f.module))
        if binding.kind == "for":
            loop: cst.For = binding.node  # type: ignore[assignment]
            iterable = self.value(loop.iter, f)
            items, hole = self.iterate(iterable, loop.iter, f)
            item = hole if hole is not None else (items[-1] if items else unknown(binding.name, f.module.span(loop.target)))
            return _index(item, binding.index)
        value = self.value(binding.node, f)
        return _index(value, binding.index)

    def mutate(self, value: object, name: str, scope: Scope, after: tuple[int, int], before: tuple[int, int], f: Frame) -> object:
        """``value`` with the in-place changes made to ``name`` between two positions replayed:
        its own, and those of helpers it is handed to (``mark_last(system)``)."""
        changes: list = [m for m in scope.mutations.get(name, ()) if after < m.pos < before]
        changes += [c for c in scope.handed.get(name, ()) if after < c.pos < before]
        if not changes:
            return value
        module = f.module if scope in f.module.scopes.values() else self._module_of(scope, f)
        value = _deep_copy(value)
        for change in sorted(changes, key=lambda c: c.pos):
            if isinstance(change, Mutation):
                value = self._replay(value, change, scope, module, f)
            else:
                value = self._helper_changes(value, name, change, scope, module, f)
        return value

    def _helper_changes(self, value: object, name: str, call: CallRecord, scope: Scope, module: Module, f: Frame) -> object:
        """``value`` after a helper of the checked code it is handed to as ``name`` changed it in
        place (``blocks[-1]["cache_control"] = …``), as the helper's own changes to its parameter."""
        if not isinstance(value, (list, dict)) or f.depth >= MAX_DEPTH:
            return value
        target = self.value(call.node.func, Frame(module, scope, call.pos, dict(f.env), f.depth + 1, f.within(scope)))
        if not isinstance(target, Function):
            return value
        helper = target.module.scopes.get(target.node)  # type: ignore[attr-defined]
        param = _parameter_for(call.node, name, target) if helper is not None else None
        if param is None or not helper.mutations.get(param):
            return value
        return self.mutate(value, param, helper, (0, 0), (1 << 30, 0), Frame(target.module, helper, (0, 0), depth=f.depth + 1))  # type: ignore[arg-type]

    def _replay(self, value: object, m: Mutation, scope: Scope, module: Module, f: Frame) -> object:
        frame = Frame(module, scope, m.pos, dict(f.env), f.depth + 1, f.within(scope))
        envs = self._loop_envs(m, frame)
        order = self._loop_order
        if m.op == "iadd" and not m.path:
            for env in envs:
                added = self.value(m.args[0], Frame(module, scope, m.pos, env, frame.depth, frame.params))
                if isinstance(value, list):
                    self._extend(value if isinstance(value, SList) else SList(value), added, module.span(m.args[0]))
                else:
                    value = concat(self.text(value, m.node, frame), self.text(added, m.args[0], frame))
            if order is not None and not isinstance(value, list):
                # Text added in a loop over something unordered: its pieces come in that order
                # (a marker of no size: the pieces themselves are counted).
                value = concat(value, Hole(order.kind, order.label, order.origin, ""))
            elif order is not None and isinstance(value, SList) and value.unordered is None:
                value.unordered = order
            return value
        if not m.path and isinstance(value, Hole) and m.op in ("append", "extend", "insert"):
            # A list promptlint cannot see (a history passed in) with items added: its unknown
            # items first, then what the code adds, which is followed like any other value.
            value = SList([value], value.origin, [value.origin], shared=value.kind is HoleKind.PER_REQUEST)
        target = value
        for key_node in m.path:
            key = self.value(key_node, frame)
            if isinstance(target, dict) and _hashable(key) and key in target:
                target = target[key]
            elif isinstance(target, list) and isinstance(key, int) and -len(target) <= key < len(target):
                target = target[key]
            else:
                return value
        for env in envs:
            g = Frame(module, scope, m.pos, env, frame.depth, frame.params)
            if m.op == "setitem" and isinstance(target, dict):
                key = self.value(m.args[0], g)
                if _hashable(key) and not isinstance(key, (Hole, Text)):
                    new = self.value(m.args[1], g)
                    if _conditional_cache_parameter(key, m, f, scope) and not _same(target.get(key), new) and not _set_unless_empty(m, new, scope):
                        # extra["thinking"] = … under an if, then **extra: sent on some calls only.
                        new = Hole(HoleKind.PER_REQUEST, f"chosen by a conditional ({key} set in one branch)", module.span(m.node))
                    if isinstance(target, SDict):
                        target.put(key, new, module.span(m.args[0]))
                    else:
                        target[key] = new
            elif m.op == "setitem" and isinstance(target, list):
                key = self.value(m.args[0], g)
                if isinstance(key, int) and -len(target) <= key < len(target):
                    target[key] = self.value(m.args[1], g)
            elif m.op == "append" and isinstance(target, list) and m.args:
                item = self.value(m.args[0].value, g)
                target.append(item)
                _note_optional_media(target, item, m, f, scope, module)
                if isinstance(target, SList):
                    target.spans.append(module.span(m.args[0].value))
                    if order is not None and target.unordered is None:
                        target.unordered = order
                    marker = _marker_span(item)
                    if isinstance(item, Opaque) and isinstance(item.extra, Modelled):
                        marker = item.extra.marker()  # a framework's message carrying a breakpoint
                    unbounded = bool(m.loops) and self._unbounded(m, frame)
                    target.open_ended = target.open_ended or unbounded
                    if marker is not None and unbounded and marker not in target.loop_marks and accumulates(m.loops[-1], m.root, scope, module):
                        target.loop_marks.append(marker)
            elif m.op == "extend" and isinstance(target, SList) and m.args:
                self._extend(target, self.value(m.args[0].value, g), module.span(m.args[0].value))
            elif m.op == "insert" and isinstance(target, list) and len(m.args) == 2:
                index = self.value(m.args[0].value, g)
                item = self.value(m.args[1].value, g)
                if isinstance(index, int):
                    target.insert(index, item)
                    _note_optional_media(target, item, m, f, scope, module)
                    if isinstance(target, SList):
                        target.spans.insert(index, module.span(m.args[1].value))
            elif m.op == "update" and isinstance(target, dict):
                for arg in m.args:
                    if arg.keyword is not None:
                        _put(target, arg.keyword.value, self.value(arg.value, g), module.span(arg))
                    elif arg.star != "*":
                        merged = self.value(arg.value, g)
                        if isinstance(merged, dict):
                            for key, item in merged.items():
                                _put(target, key, item, getattr(merged, "spans", {}).get(key))
            elif m.op == "setdefault" and isinstance(target, dict) and m.args:
                key = self.value(m.args[0].value, g)
                if _hashable(key) and key not in target:
                    _put(target, key, self.value(m.args[1].value, g) if len(m.args) > 1 else None, module.span(m.args[0].value))
            elif m.op == "shuffle" and isinstance(target, SList):
                target.unordered = Hole(HoleKind.UNORDERED, "random.shuffle()", module.span(m.node), sample_of(list(target)))
        return value

    def _unbounded(self, m: Mutation, f: Frame) -> bool:
        """Whether a loop around the change runs for a number of items nothing bounds."""
        for loop in m.loops:
            if isinstance(loop, cst.While):
                return True
            if isinstance(loop, cst.For) and not short_loop(loop):
                iterable = self.value(loop.iter, f.with_env(f.env, f.module.pos(loop)))
                items, _ = self.iterate(iterable, loop.iter, f)
                # A hole among the items stands for any number of them (a directory listing).
                if not isinstance(iterable, (list, USet, dict, str)) or len(items) > 4 or any(isinstance(i, Hole) for i in items):
                    return True
        return False

    def _loop_envs(self, m: Mutation, f: Frame) -> list[dict]:
        """The bindings of each pass of the loops around a change (one pass when unknown).

        A loop over something unordered leaves its hole in ``self._loop_order``: what the
        change adds comes in that order.
        """
        envs = [dict(f.env)]
        self._loop_order = None
        for loop in m.loops:
            if not isinstance(loop, cst.For):
                continue
            iterable = self.value(loop.iter, f.with_env(f.env, f.module.pos(loop)))
            items, hole = self.iterate(iterable, loop.iter, f)
            if hole is not None and hole.kind is HoleKind.UNORDERED:
                self._loop_order = hole
            next_envs = []
            for env in envs:
                for item in items:
                    bound = dict(env)
                    _bind_target(loop.target, hole if hole is not None and not isinstance(iterable, (list, USet)) else item, bound, f)
                    next_envs.append(bound)
            envs = next_envs[:MAX_UNROLL] or envs
        return envs

    def parameter(self, scope: Scope, name: str, f: Frame) -> object:
        """A parameter's value: what every caller in the checked code passes, else a hole."""
        param = scope.params[name]
        module = f.module if scope in f.module.scopes.values() else self._module_of(scope, f)
        origin = module.span(param.name)
        annotation = dotted(param.annotation.annotation) if param.annotation is not None else None
        if annotation:
            qual = self._qualify_dotted(annotation, Frame(module, scope, (0, 0), depth=f.depth))
            if qual in CLIENTS:
                return Client(*CLIENTS[qual])
        if name == "self" and scope.owner is not None:
            return Opaque("self", ("instance", scope.owner, module))
        if name == "cls" and scope.owner is not None:  # a classmethod's class: the same for every call
            return Opaque(f"{module.name}.{scope.owner.name}", ("class", scope.owner, module))
        passed = self.project.arguments(scope, module, name, self, f.depth)
        hole = Hole(HoleKind.PER_REQUEST, f"parameter '{name}'", origin)
        if not passed:
            return hole
        volatile = [v for v in passed if any(h.kind is HoleKind.VOLATILE for h in holes_in(v))]
        if volatile:
            return volatile[0]
        first = passed[0]
        if all(not holes_in(v) for v in passed) and all(_same(first, v) for v in passed[1:]):
            return first
        shared = [v for v in passed if isinstance(v, list) and getattr(v, "shared", False)]
        if shared:
            return shared[0]
        return hole

    def module_list(self, value: SList, name: str, module_scope: Scope, f: Frame, node: cst.CSTNode | None) -> SList:
        """A module's list as a function sees it when it runs: what the functions of the module
        add to it on each call (a conversation history kept at module level) comes before,
        and what this function adds before the request, in order."""
        module = f.module if module_scope in f.module.scopes.values() else self._module_of(module_scope, f)
        span = module.span(node) if node is not None else value.span
        # A function the module itself calls at import (a loader filling a table of examples)
        # runs once; one called per request keeps adding.
        at_import = {callee_name(c.node) for c in module_scope.calls if not c.loops and not c.main_guard}
        adders = [
            s for s in module.scopes.values()
            if s.kind == "function" and name in s.mutations and name not in s.bindings and name not in s.params and s.name not in at_import
        ]  # fmt: skip
        if adders:
            earlier = Hole(HoleKind.PER_REQUEST, f"earlier items of {name}", span)
            value = SList([earlier, *value], value.span, [span, *value.spans], value.unordered, shared=True)
            value.loop_marks += kept_list_marks(name, adders, module)
        scope = f.scope
        while scope is not None and scope is not module_scope:  # additions by this function (and those around it), up to the request
            value = self.mutate(value, name, scope, (0, 0), f.at, f)
            scope = scope.parent
        return value

    def self_attribute(self, cls: Scope, attr: str, f: Frame, node: cst.CSTNode) -> object:
        module = self._module_of(cls, f)
        if attr in cls.bindings:  # a class attribute
            binding = cls.bindings[attr][-1]
            value = self.binding(binding, cls, Frame(module, cls, (1 << 30, 0), depth=f.depth))
            if binding.kind == "annassign" and _set_by_construction(cls, attr):
                return self._field(cls, attr, value, module, binding, f)
            return value
        bindings = cls.self_attrs.get(attr)
        if not bindings:
            method = cls.children.get(attr)
            if method is not None:
                return Function(module, attr, method.node, cls.name)
            return Hole(HoleKind.UNKNOWN, f"self.{attr}", module.span(node))
        values = []
        for binding in bindings:
            method = next((s for s in cls.children.values() if binding.pos >= module.pos(s.node) and _inside(module, s.node, binding.pos)), None)
            scope = method or cls
            params = f.instance if scope.name == "__init__" else {}
            values.append(self.binding(binding, scope, Frame(module, scope, binding.pos, depth=f.depth, params=params)))
        value = values[0] if all(_same(values[0], v) for v in values[1:]) else Hole(HoleKind.PER_REQUEST, f"self.{attr}", module.span(node))
        adders = [method for method in cls.children.values() if method.name != "__init__" and f"self.{attr}" in method.mutations]
        if isinstance(value, SList) and adders:
            # A list the object keeps and adds to on every call: earlier calls' items come first.
            earlier = Hole(HoleKind.PER_REQUEST, f"earlier items of self.{attr}", module.span(node))
            value = SList([earlier, *value], value.span, [module.span(node), *value.spans], value.unordered, shared=True)
            value.loop_marks += kept_list_marks(f"self.{attr}", adders, module)
        return value

    def _field(self, cls: Scope, name: str, default: object, module: Module, binding, f: Frame) -> object:
        """A field of a dataclass (attrs, pydantic) model: what every construction of the
        class in the checked code passes for it (or leaves at its default); with none
        seen, a value set per object (not per call), sized (and, for a model, judged) by the default."""
        passed: list = []
        origin = module.span(binding.node)
        if f.depth < MAX_DEPTH and not _from_the_environment(cls):
            self.callers_of.add(cls.name)  # the result cache reruns this file when a construction changes
            if cls.parent is module.scope and not cls.name.startswith("_"):
                self.project.load_callers(cls.name, cls.name)  # constructions anywhere in the run, not only files parsed so far
            for other in self.project.modules():
                for record in other.calls_by_name.get(cls.name, ()):
                    if not isinstance(record.node.func, cst.Name):
                        continue  # another object's attribute of the same name
                    self.read.add(other.path)  # what this reports depends on the constructions
                    given = next((a.value for a in record.node.args if a.keyword is not None and a.keyword.value == name), None)
                    if given is None and any(a.keyword is None for a in record.node.args):
                        passed.append(Hole(HoleKind.UNKNOWN, f"field '{name}'", origin))  # positional, or **: not known which
                        continue
                    passed.append(self.value(given, Frame(other, record.scope, record.pos, depth=f.depth + 1)) if given is not None else default)
        if passed and all(not holes_in(v) for v in passed) and all(_same(passed[0], v) for v in passed[1:]):
            return passed[0]
        if not passed and holes_in(default):  # made when the class is (a time at import): whatever it is, it varies
            return default
        sample = next((v for v in [*passed, default] if isinstance(v, str)), None)
        return Hole(HoleKind.UNKNOWN, f"field '{name}'", origin, sample)

    def imported(self, imp: Import, module: Module, f: Frame) -> object:
        target = self.project.resolve(module, imp)
        if target is not None:
            other, attr = target
            self.read.add(other.path)
            if attr is None:
                return Opaque(other.name or imp.module, other)
            return self.module_attribute(other, attr, f, None)
        qual = ".".join(p for p in (imp.module, imp.name) if p) if imp.level == 0 else (imp.name or imp.module)
        return Opaque(qual)

    def module_attribute(self, other: Module, attr: str, f: Frame, node: cst.CSTNode | None) -> object:
        frame = Frame(other, other.scope, (1 << 30, 0), depth=f.depth + 1)
        found = self._in_scope(attr, other.scope, frame, True, node)
        if found is _MISSING:
            return Opaque(f"{other.name}.{attr}")
        return found

    # -- calls ----------------------------------------------------------------------------

    def qualify(self, node: cst.BaseExpression, f: Frame) -> str | None:
        """The qualified name of a dotted expression through the imports (``dt.datetime.now``)."""
        name = dotted(node)
        return self._qualify_dotted(name, f) if name else None

    def _qualify_dotted(self, name: str, f: Frame) -> str | None:
        head, _, rest = name.partition(".")
        if head in f.env:
            return None
        scope: Scope | None = f.scope
        while scope is not None:
            if head in scope.imports:
                imp = scope.imports[head]
                if imp.level:
                    return None
                base = f"{imp.module}.{imp.name}" if imp.name else imp.module
                return f"{base}.{rest}" if rest else base
            if head in scope.bindings or head in scope.params:
                return None
            scope = scope.parent
        if head in _BUILTINS:
            return f"builtins.{name}"
        return None

    def call(self, node: cst.Call, f: Frame) -> object:
        span = f.module.span(node)
        func = node.func
        if isinstance(func, cst.Attribute):
            receiver = self.value(func.value, f)
            attr = func.attr.value
            if isinstance(receiver, Opaque) and isinstance(receiver.extra, Module):
                target = self.module_attribute(receiver.extra, attr, f, func)
                if isinstance(target, Function):
                    return self.summarise(target, node, f)
                return self._qualified_call(f"{receiver.qualname}.{attr}", node, f, span)
            if isinstance(receiver, Opaque) and receiver.extra is None and not receiver.qualname.startswith(("client.", "lambda")):
                return self._qualified_call(f"{receiver.qualname}.{attr}", node, f, span)
            return self._method(receiver, attr, node, f)
        target = self.value(func, f)
        if isinstance(target, Function):
            return self.summarise(target, node, f)
        if isinstance(target, Opaque):
            if isinstance(target.extra, tuple) and target.extra[0] == "class":
                return Opaque(f"{target.qualname}()", ("instance", target.extra[1], target.extra[2]))
            return self._qualified_call(target.qualname, node, f, span)
        return self._unknown_call(node, f)

    def _qualified_call(self, qual: str, node: cst.Call, f: Frame, span: Span) -> object:
        qual = qual.removeprefix("builtins.")
        if qual.startswith("datetime.") and qual.count(".") == 1 and qual.split(".")[1] in ("now", "utcnow", "today"):
            qual = "datetime." + qual  # "from datetime import datetime" then "datetime.now()"
        if qual in _RANDOM_GENERATORS:  # an object whose methods are the module's functions
            # Seeded with a constant and made for this call, it draws the same every call; one
            # kept between calls (a module's) draws on from where the last call left it.
            seeded = qual != "random.SystemRandom" and f.scope.kind == "function" and bool(node.args) and all(is_static(self.value(a.value, f)) for a in node.args)
            return Opaque(f"{qual}(seed)" if seeded else f"{qual}()")
        generator = _RANDOM_GENERATOR.match(qual)
        if generator:  # rng = random.Random(); rng.sample(...) is random.sample(...)
            qual = f"{generator.group(1)}.{generator.group(2)}"
        if sources.per_request(qual) or sources.per_request(f"builtins.{qual}"):
            return Hole(HoleKind.PER_REQUEST, f"{qual}()", span)
        source = sources.volatile(qual, self.extra)
        if source is not None:
            sample = source.sample
            if qual in ("os.getenv", "os.environ.get") and len(node.args) > 1:
                default = self.value(node.args[1].value, f)
                sample = default if isinstance(default, str) else sample
            return Hole(source.kind, f"{qual}()", span, sample, at_import=_at_import(f))
        if qual in CLIENTS:
            return self._client(qual, node, f)
        if qual == "functools.partial" and node.args:
            return self._partial(node, f)
        for hook in CALL_HOOKS:
            made = hook(self, qual, node, f)
            if made is not NotImplemented:
                return made
        args = node.args
        if qual in self.unordered:
            hole = Hole(HoleKind.UNORDERED, f"{qual}()", span)
            return SList([hole], span, [span], unordered=hole)
        if qual in ("random.sample", "numpy.random.permutation"):
            items = self.value(args[0].value, f) if args else None
            hole = Hole(HoleKind.UNORDERED, f"{qual}()", span, sample_of(items) if isinstance(items, list) else None)
            out = SList(items if isinstance(items, list) else [hole], span)
            out.unordered = hole
            return out
        if qual in ("json.dumps", "simplejson.dumps", "orjson.dumps"):
            return self._json_dumps(qual, node, f, span)
        if qual == "string.Template" and args:
            template = self.value(args[0].value, f)
            return Opaque(qual, StringTemplate(template)) if isinstance(template, str) else unknown(qual, span)
        if qual in ("str", "repr"):
            if not args:
                return ""
            value = self.value(args[0].value, f)
            return self.text(value, args[0].value, f, conversion="r" if qual == "repr" else None)
        if qual == "sorted":
            value = self.value(args[0].value, f) if args else SList()
            items, _ = self.iterate(value, args[0].value if args else node, f)
            items = [Hole(HoleKind.UNKNOWN, i.label, i.origin, i.sample) if isinstance(i, Hole) and i.kind is HoleKind.UNORDERED else i for i in items]
            if not any(isinstance(i, Hole) for i in items) and all(isinstance(i, str) for i in items) and not any(a.keyword for a in args[1:]):
                return SList(sorted(items), span)
            return SList(items, span)
        if qual in ("list", "tuple"):
            if not args:
                return SList(span=span)
            value = self.value(args[0].value, f)
            out = SList(span=span)
            self._extend(out, value, span)
            return out
        if qual in ("set", "frozenset"):
            value = self.value(args[0].value, f) if args else SList()
            items, _ = self.iterate(value, node, f)
            return USet(tuple(items), span, f"a {qual}")
        if qual == "dict" or _sdk_typed_dict(qual):
            out = SDict(span)
            for arg in args:
                if arg.keyword is not None:
                    out.put(arg.keyword.value, self.value(arg.value, f), f.module.span(arg))
                elif arg.star == "**" or not arg.star:
                    merged = self.value(arg.value, f)
                    if isinstance(merged, dict):
                        for key, value in merged.items():
                            out.put(key, value, getattr(merged, "spans", {}).get(key))
            return out
        if qual in ("textwrap.dedent", "inspect.cleandoc"):
            value = self.value(args[0].value, f) if args else ""
            if isinstance(value, str):
                return textwrap.dedent(value) if qual == "textwrap.dedent" else _cleandoc(value)
            return value
        if qual in ("pathlib.Path", "pathlib.PurePath", "os.path.join", "os.path.dirname", "os.path.abspath", "os.path.realpath"):
            return self._path_call(qual, node, f)
        if qual == "open" or qual == "io.open":
            target = self.value(args[0].value, f) if args else None
            if isinstance(target, str):
                target = PathValue(Path(target))
            return Opaque("file", target) if isinstance(target, PathValue) else Opaque("file")
        if qual == "range":
            bounds = [self.value(a.value, f) for a in args if a.keyword is None]
            if bounds and all(isinstance(b, int) and not isinstance(b, bool) for b in bounds) and len(bounds) <= 3:
                try:
                    numbers = range(*bounds)  # type: ignore[arg-type]
                except ValueError:
                    return unknown("range()", span)
                return SList(numbers[: MAX_UNROLL + 1], span)
            return unknown(f.module.code(node), span)
        if qual == "len":
            value = self.value(args[0].value, f) if args else None
            return len(value) if isinstance(value, (str, list, dict)) and not holes_in(value) else unknown("len()", span)
        if qual == "next":
            return self._unknown_call(node, f)
        return self._unknown_call(node, f, qual)

    def _partial(self, node: cst.Call, f: Frame) -> object:
        """``functools.partial`` of a client's request method (or of one already partial):
        the method, with the keywords it binds."""
        method = self.value(node.args[0].value, f)
        given = method.extra if isinstance(method, Opaque) else None
        client = given if isinstance(given, Client) else given.client if isinstance(given, Bound) else None
        if client is None:
            return self._unknown_call(node, f, "functools.partial")
        keywords = SDict(f.module.span(node))
        if isinstance(given, Bound):
            keywords.update(given.keywords)
            keywords.spans = dict(getattr(given.keywords, "spans", {}))
        for arg in node.args[1:]:
            if arg.keyword is not None:
                keywords.put(arg.keyword.value, self.value(arg.value, f), f.module.span(arg))
            elif arg.star == "**":
                merged = self.value(arg.value, f)
                if isinstance(merged, dict):
                    for key, value in merged.items():
                        keywords.put(key, value, getattr(merged, "spans", {}).get(key, f.module.span(arg)))
        return Opaque(method.qualname, Bound(client, keywords))

    def _client(self, qual: str, node: cst.Call, f: Frame) -> Client:
        family, platform = CLIENTS[qual]
        base = next((a.value for a in node.args if a.keyword is not None and a.keyword.value == "base_url"), None)
        if platform == "openai" and base is not None:
            platform = COMPATIBLE_HOSTS.get(_host(self.value(base, f)) or "", platform)
        return Client(family, platform)

    def _json_dumps(self, qual: str, node: cst.Call, f: Frame, span: Span) -> object:
        args = node.args
        value = self.value(args[0].value, f) if args and not args[0].keyword else None
        options = {a.keyword.value: self.value(a.value, f) for a in args if a.keyword is not None}
        if qual == "orjson.dumps" and any(a.keyword is not None and a.keyword.value == "option" and "OPT_SORT_KEYS" in f.module.code(a.value, 200) for a in args):
            options["sort_keys"] = True
        try:
            sample = json.dumps(as_plain(value), indent=options.get("indent") if isinstance(options.get("indent"), int) else None, sort_keys=options.get("sort_keys") is True)
        except (TypeError, ValueError):
            sample = None
        if isinstance(value, SDict) and not value.complete:
            sample = None
        # Only what is seen to be a dict (rules/PC102): a value from a call promptlint cannot
        # follow (yaml.safe_load, a database row, a schema generator) may be a list or a tuple.
        may_be_dict = isinstance(value, (dict, USet)) or _has_dict(value) or (isinstance(value, Hole) and self._declared_dict(args[0].value, f))
        if options.get("sort_keys") is True or not may_be_dict:
            if sample is not None and not holes_in(value):
                return sample
            inner = holes_in(value)
            return Text(tuple(inner)) if inner else unknown(f"{qual}()", span)
        # The repair: sort_keys=True as the last argument, unless the call spells it otherwise.
        insert = None
        if "sort_keys" not in options and not any(a.star for a in args) and qual != "orjson.dumps":
            where = f.module.positions.get(node)
            if where is not None:
                last = args[-1] if args else None
                trailing = last is not None and isinstance(last.comma, cst.Comma)
                insert = (where.end.line, where.end.column, "sort_keys=True" if trailing or not args else ", sort_keys=True")
        return Hole(HoleKind.UNSORTED_JSON, f"{qual}() without sort_keys=True", span, sample, insert)

    def _declared_dict(self, node: cst.BaseExpression, f: Frame) -> bool:
        """A parameter the code annotates as a dict (``dict[str, float]``, ``Mapping``, ...)."""
        if not isinstance(node, cst.Name):
            return False
        scope: Scope | None = f.scope
        while scope is not None:
            if node.value in scope.bindings:
                return False
            param = scope.params.get(node.value)
            if param is not None:
                return param.annotation is not None and _names_a_dict(param.annotation.annotation)
            scope = scope.parent
        return False

    def _path_call(self, qual: str, node: cst.Call, f: Frame) -> object:
        parts = [self.value(a.value, f) for a in node.args]
        texts = [p.path if isinstance(p, PathValue) else p for p in parts]
        if not all(isinstance(t, (str, Path)) for t in texts) or not texts:
            return unknown(f.module.code(node), f.module.span(node))
        if qual in ("os.path.dirname",):
            return str(Path(texts[0]).parent)
        if qual in ("os.path.abspath", "os.path.realpath"):
            return str(texts[0])
        joined = Path(*texts)  # type: ignore[arg-type]
        return PathValue(joined) if qual.startswith("pathlib") else str(joined)

    def _method(self, receiver: object, method: str, node: cst.Call, f: Frame) -> object:
        span = f.module.span(node)
        args = node.args
        if isinstance(receiver, Function):
            return self._unknown_call(node, f)
        if isinstance(receiver, Opaque) and isinstance(receiver.extra, Modelled):
            made = receiver.extra.method(self, method, node, f)
            return self._unknown_call(node, f) if made is NotImplemented else made
        if isinstance(receiver, Opaque) and isinstance(receiver.extra, tuple) and receiver.extra[0] in ("instance", "class"):
            cls: Scope = receiver.extra[1]
            method_scope = cls.children.get(method)
            if method_scope is not None:
                return self.summarise(Function(receiver.extra[2], method, method_scope.node, cls.name), node, f)
            return self._unknown_call(node, f)
        if isinstance(receiver, PathValue):
            if method in ("read_text", "read_bytes", "open"):
                return self.read_file(receiver.path, span) if method != "open" else Opaque("file", receiver)
            if method in sources.UNORDERED_PATH_METHODS:
                hole = Hole(HoleKind.UNORDERED, f"Path.{method}()", span)
                return SList([hole], span, [span], unordered=hole)
            if method in ("joinpath", "with_name", "with_suffix", "resolve", "absolute"):
                extra = [self.value(a.value, f) for a in args]
                if all(isinstance(e, str) for e in extra):
                    path = receiver.path
                    if method == "joinpath":
                        path = path.joinpath(*extra)
                    elif method == "with_name" and extra:
                        path = path.with_name(extra[0])
                    elif method == "with_suffix" and extra:
                        path = path.with_suffix(extra[0])
                    return PathValue(path)
            return unknown(f.module.code(node), span)
        if isinstance(receiver, Opaque) and receiver.qualname == "file":
            if method in ("read",) and isinstance(receiver.extra, PathValue):
                return self.read_file(receiver.extra.path, span)
            return unknown(f.module.code(node), span)
        if isinstance(receiver, str):
            return self._str_method(receiver, method, node, f)
        if isinstance(receiver, Text):
            if method == "replace" and len(args) >= 2:
                return self.replace_text(receiver, [self.value(a.value, f) for a in args if a.keyword is None], node, f)
            if method in ("strip", "lstrip", "rstrip", "upper", "lower", "replace", "format", "removeprefix", "removesuffix", "encode", "decode"):
                pieces = list(receiver.pieces)
                if method in ("strip", "lstrip") and pieces and isinstance(pieces[0], str):
                    pieces[0] = pieces[0].lstrip()
                if method in ("strip", "rstrip") and pieces and isinstance(pieces[-1], str):
                    pieces[-1] = pieces[-1].rstrip()
                return Text(tuple(p for p in pieces if p != ""))
            return receiver
        if isinstance(receiver, Hole):
            if receiver.kind is HoleKind.PER_REQUEST or method in _VALUE_METHODS:
                return dataclasses.replace(receiver, insert=None)  # the same value, written another way
            # A method of an object made from a varying value (a connection opened with an
            # environment variable): its result is not that value.
            return self._unknown_call(node, f)
        if isinstance(receiver, dict):
            if method == "get" and args:
                key = self.value(args[0].value, f)
                if _hashable(key) and key in receiver:
                    return receiver[key]
                return self.value(args[1].value, f) if len(args) > 1 else None
            if method == "copy":
                return _deep_copy(receiver)
            if method in ("items", "keys", "values"):
                items = list(getattr(receiver, method)())
                return SList([list(i) if isinstance(i, tuple) else i for i in items], span)
        if isinstance(receiver, list) and method == "copy":
            return _deep_copy(receiver)
        if isinstance(receiver, USet) and method in ("union", "copy", "difference", "intersection"):
            return receiver
        return self._unknown_call(node, f)

    def _unknown_call(self, node: cst.Call, f: Frame, qual: str | None = None) -> object:
        """An opaque call: volatile if it is fed a volatile value, else unknown."""
        for arg in node.args:
            value = self.value(arg.value, f)
            volatile = [h for h in holes_in(value) if h.kind is HoleKind.VOLATILE]
            if volatile:
                # What it returns varies with the value, but its size is the call's, not the
                # value's: a template rendered with the time is the whole template.
                return dataclasses.replace(volatile[0], sample=None, insert=None)
        return unknown(f"{f.module.code(node, 50)}", f.module.span(node))

    def summarise(self, target: Function, node: cst.Call, f: Frame) -> object:
        """A helper's return value for the arguments of this call (``MAX_DEPTH`` helpers deep)."""
        if sum(1 for key in self._active if isinstance(key, tuple) and key[0] == "summary") >= MAX_DEPTH:
            return self._unknown_call(node, f)
        module: Module = target.module  # type: ignore[assignment]
        scope = module.scopes.get(target.node)
        if scope is None or not scope.returns:
            return self._unknown_call(node, f)
        key = ("summary", id(target.node))
        if key in self._active:  # recursion
            return unknown(f"{target.name}() (recursive)", f.module.span(node))
        env: dict[str, object] = {}
        params = [p for p in scope.params.values()]
        fn: cst.FunctionDef = target.node  # type: ignore[assignment]
        positional = _positional_params(target)
        index = 0
        for arg in node.args:
            if arg.star:
                continue
            if arg.keyword is not None:
                env[arg.keyword.value] = self.value(arg.value, f)
            elif index < len(positional):
                env[positional[index]] = self.value(arg.value, f)
                index += 1
        for param in params:
            name = param.name.value
            if name not in env and param.default is not None:
                env[name] = self.value(param.default, Frame(module, scope.parent or module.scope, module.pos(fn), depth=f.depth + 1))
        self._active.add(key)  # type: ignore[arg-type]
        try:
            last = _main_return(scope)
            frame = Frame(module, scope, module.pos(last), {k: v for k, v in env.items()}, f.depth + 1)
            for name in scope.params:
                if name not in frame.env and name not in ("self", "cls"):
                    frame.env[name] = Hole(HoleKind.PER_REQUEST, f"parameter '{name}' of {target.name}()", module.span(scope.params[name].name))
            value = self.value(last.value, frame) if last.value is not None else None
        finally:
            self._active.discard(key)  # type: ignore[arg-type]
        if module is not f.module:
            self.read.add(module.path)
        return value

    def read_file(self, path: Path, span: Span) -> object:
        try:
            if path.stat().st_size > MAX_TEXT:
                return unknown(f"{path.name} (too large to read)", span)
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return unknown(f"the contents of {path.name}", span)
        self.read.add(path)
        return text


_MISSING = object()

# Methods that turn a value into another form of the same value: a timestamp's isoformat()
# varies as the timestamp does.
# Random generator objects; a method of one is the module function of the same name.
_RANDOM_GENERATORS = frozenset({"random.Random", "random.SystemRandom", "numpy.random.default_rng", "numpy.random.RandomState", "numpy.random.Generator"})
_RANDOM_GENERATOR = re.compile(r"^(random|numpy\.random)\.(?:Random|SystemRandom|default_rng|RandomState|Generator)\(\)\.(\w+)$")
_VALUE_METHODS = frozenset(
    {
        "isoformat", "strftime", "date", "time", "timestamp", "astimezone", "replace", "ctime", "isocalendar",
        "hex", "upper", "lower", "strip", "lstrip", "rstrip", "title", "format", "split", "encode", "decode",
        "zfill", "removeprefix", "removesuffix", "get", "__getitem__", "__str__", "__format__", "to_iso8601_string",
        "to_datetime_string", "to_date_string", "format_datetime",
    }
)

def _capped(items: list, node: cst.CSTNode, f: Frame) -> list:
    """At most ``MAX_UNROLL`` items; a hole of unknown size stands for the rest, so a text
    built from them is never judged short."""
    if len(items) <= MAX_UNROLL:
        return items
    return items[:MAX_UNROLL] + [unknown(f"{len(items) - MAX_UNROLL} more items", f.module.span(node))]


def _host(url: object) -> str | None:
    """The host a URL names, as far as it is known (an environment variable's default counts)."""
    if isinstance(url, Hole):
        url = url.sample
    elif isinstance(url, Text):
        url = url.pieces[0] if url.pieces and isinstance(url.pieces[0], str) else None
    if not isinstance(url, str):
        return None
    try:
        return urlsplit(url if "//" in url else "//" + url).hostname
    except ValueError:  # a malformed URL (an unclosed IPv6 bracket)
        return None


def _textual(value: object) -> bool:
    return isinstance(value, (str, Text))


def _hashable(value: object) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


# The SDKs' markers for a parameter left out (anthropic, openai and their relatives).
_NOT_GIVEN = frozenset(("NOT_GIVEN", "NotGiven", "NOT_SET", "omit", "Omit", "OMIT"))

_FIELD_DECORATORS = frozenset(
    ("dataclasses.dataclass", "pydantic.dataclasses.dataclass", "attr.s", "attr.attrs", "attr.define", "attr.frozen", "attrs.define", "attrs.frozen", "attrs.mutable")
)
# Bases whose classes take their annotated attributes from the constructor (pydantic, msgspec,
# typing, LangChain's models), by last name; a settings class from the environment too.
_FIELD_BASES = frozenset(("BaseModel", "RootModel", "BaseSettings", "Struct", "NamedTuple", "BaseChatModel", "BaseLanguageModel", "BaseLLM", "SQLModel"))


def _set_by_construction(cls: Scope, attr: str) -> bool:
    """Whether constructing the class sets ``attr``, an annotated class attribute, which is then
    a default: a field of a dataclass, an attrs or pydantic class (not a ClassVar)."""
    node = cls.node
    if not isinstance(node, cst.ClassDef) or "__init__" in cls.children:
        return False
    if any("ClassVar" in (dotted(a.annotation.annotation.value if isinstance(a.annotation.annotation, cst.Subscript) else a.annotation.annotation) or "") for a in _annotated(node, attr)):
        return False  # a class constant, not a field
    for decorator in node.decorators:
        target = decorator.decorator.func if isinstance(decorator.decorator, cst.Call) else decorator.decorator
        name = dotted(target) or ""
        if name in _FIELD_DECORATORS or name == "dataclass":
            return True
    return bool(_base_names(node) & _FIELD_BASES)


def _annotated(node: cst.ClassDef, attr: str) -> Iterator[cst.AnnAssign]:
    """The annotated assignments of ``attr`` in a class body."""
    body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
    for statement in body:
        if isinstance(statement, cst.SimpleStatementLine):
            yield from (x for x in statement.body if isinstance(x, cst.AnnAssign) and isinstance(x.target, cst.Name) and x.target.value == attr)


def _from_the_environment(cls: Scope) -> bool:
    """A pydantic settings class: its fields are read from the environment, whatever a construction passes."""
    return isinstance(cls.node, cst.ClassDef) and "BaseSettings" in _base_names(cls.node)


def _base_names(node: cst.ClassDef) -> set[str]:
    """The last names of a class's bases (``BaseModel`` for ``pydantic.BaseModel``)."""
    return {(dotted(base.value) or "").rpartition(".")[2] for base in node.bases}


def _positional_params(target: Function) -> list[str]:
    """The names a call's positional arguments bind, in order (a method's self or cls left out)."""
    fn: cst.FunctionDef = target.node  # type: ignore[assignment]
    positional = [p.name.value for p in (*fn.params.posonly_params, *fn.params.params)]
    if target.owner is not None and positional and positional[0] in ("self", "cls"):
        positional = positional[1:]
    return positional


def _parameter_for(call: cst.Call, name: str, target: Function) -> str | None:
    """The parameter of ``target`` that receives the name ``name`` in ``call``."""
    if not isinstance(target.node, cst.FunctionDef):
        return None
    positional = _positional_params(target)
    index = 0
    for arg in call.args:
        if arg.star:
            return None  # past a *args, positions are not known
        if arg.keyword is not None:
            if isinstance(arg.value, cst.Name) and arg.value.value == name:
                return arg.keyword.value
            continue
        if isinstance(arg.value, cst.Name) and arg.value.value == name:
            return positional[index] if index < len(positional) else None
        index += 1
    return None


def _same_request_method(a: object, b: object) -> bool:
    """Two of a client's request methods that send the same request (``client.beta.messages.create``
    or ``client.messages.create``, chosen by a flag): the method called is no choice of prefix."""
    from .recognizers.sdk import site_kind  # the recognizers build on the evaluator

    if not (isinstance(a, Opaque) and isinstance(b, Opaque) and isinstance(a.extra, Client) and a.extra == b.extra):
        return False  # other clients (another platform), or partials binding their own keywords
    kind_a, kind_b = site_kind(a.qualname.split(".")[1:]), site_kind(b.qualname.split(".")[1:])
    return kind_a is not None and kind_b is not None and kind_a[0] == kind_b[0]


def _same(a: object, b: object) -> bool:
    if holes_in(a) or holes_in(b):
        return a is b
    try:
        return bool(a == b) and type(a) is type(b)
    except Exception:  # noqa: BLE001 - values of unknown types
        return False


def _marker_span(item: object) -> Span | None:
    """Where a block's breakpoint is written, or that of a block of a message's content."""
    if not isinstance(item, dict):
        return None
    for key in ("cache_control", "cachePoint"):
        value = item.get(key)
        if value is not None and not isinstance(value, Hole):  # a marker chosen at run time may be None
            return getattr(item, "spans", {}).get(key)
    content = item.get("content") if "role" in item else None
    if isinstance(content, list):
        return next((m for m in map(_marker_span, content) if m is not None), None)
    return None


def _sdk_typed_dict(qual: str) -> bool:
    """The SDKs' request types (``TextBlockParam(...)``, ``ChatCompletionUserMessageParam(...)``):
    TypedDicts, so calling one makes a plain dict of its keywords."""
    return qual.startswith(("anthropic.types.", "openai.types.")) and qual.endswith("Param")


_DICT_TYPES = frozenset(("dict", "Dict", "Mapping", "MutableMapping", "OrderedDict", "defaultdict", "Counter"))


def _names_a_dict(annotation: cst.BaseExpression) -> bool:
    """``dict[str, int]``, ``Mapping``, and those made optional: ``Optional[dict]``, ``dict | None``."""
    if isinstance(annotation, cst.BinaryOperation) and isinstance(annotation.operator, cst.BitOr):
        return _names_a_dict(annotation.left) or _names_a_dict(annotation.right)
    if isinstance(annotation, cst.Subscript):
        name = dotted(annotation.value) or ""
        if name.rsplit(".", 1)[-1] in ("Optional", "Union"):
            return any(isinstance(e.slice, cst.Index) and _names_a_dict(e.slice.value) for e in annotation.slice)
        annotation = annotation.value
    name = dotted(annotation)
    return name is not None and name.rsplit(".", 1)[-1] in _DICT_TYPES


def _has_dict(value: object) -> bool:
    if isinstance(value, dict):
        return True
    if isinstance(value, list):
        return any(_has_dict(v) for v in value)
    return False


def _false(value: object) -> bool:
    return not holes_in(value) and not isinstance(value, (Opaque, Client, Function, PathValue, USet)) and not value


def _index(value: object, index: tuple[int, ...]) -> object:
    for i in index:
        if isinstance(value, list) and -len(value) <= i < len(value):
            value = value[i]
        elif isinstance(value, Hole):
            return value
        else:
            return unknown("an unpacked item", None)
    return value


def _bind_target(target: cst.BaseExpression, value: object, env: dict, f: Frame) -> None:
    if isinstance(target, cst.Name):
        env[target.value] = value
    elif isinstance(target, (cst.Tuple, cst.List)):
        for i, element in enumerate(target.elements):
            _bind_target(element.value if not isinstance(element.value, cst.StarredElement) else element.value.value, _index(value, (i,)), env, f)


def _put(target: dict, key: object, value: object, span: Span | None) -> None:
    if isinstance(target, SDict):
        target.put(key, value, span)
    else:
        target[key] = value


def _deep_copy(value: object) -> object:
    if isinstance(value, SDict):
        out = SDict(value.span)
        for key, item in value.items():
            out[key] = _deep_copy(item)
        out.spans = dict(value.spans)
        out.complete = value.complete
        return out
    if isinstance(value, SList):
        out = SList([_deep_copy(v) for v in value], value.span, value.spans, value.unordered, value.shared)
        out.loop_marks = list(value.loop_marks)
        out.open_ended = value.open_ended
        out.optional_media = value.optional_media
        return out
    if isinstance(value, dict):
        return {k: _deep_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_deep_copy(v) for v in value]
    return value


_fresh = _deep_copy


def _note_optional_media(target: list, item: object, m: Mutation, f: Frame, scope: Scope, module: Module) -> None:
    """An image or document appended in a branch the call is not in: adding or removing one
    invalidates the cached messages (facts.md §1.8), so the calls differ (PC104)."""
    media = isinstance(item, dict) and item.get("type") in _MEDIA_BLOCKS
    if media and isinstance(target, SList) and _on_some_calls(m, f, scope):
        target.optional_media = module.span(m.node)


_MEDIA_BLOCKS = ("image", "document", "image_url", "input_image", "input_file", "file")


def _conditional_cache_parameter(key: object, m: Mutation, f: Frame, scope: Scope) -> bool:
    """A request parameter whose change invalidates a cache level, set in a branch the use is not in."""
    from .facts import VARYING  # facts builds on the evaluator

    return key in VARYING and _on_some_calls(m, f, scope)


def _set_unless_empty(m: Mutation, value: object, scope: Scope) -> bool:
    """``if tools: params["tools"] = tools``, the only condition around it, with a value that is
    the same on every call: left out only when empty, and an empty value and none send the
    same prefix, so this is no choice between two."""
    arms = [b for b in m.branches if isinstance(b, (cst.If, cst.Else, cst.MatchCase))]
    if len(arms) != 1 or not isinstance(arms[0], cst.If) or m.op != "setitem" or len(m.args) != 2:
        return False
    return arms[0].test.deep_equals(m.args[1]) and _fixed(m.args[1], value, scope)


def _fixed(node: cst.BaseExpression, value: object, scope: Scope) -> bool:
    """Whether an expression's value is the same on every call: not one that may vary, nor
    the function's parameter (callers may pass it or not, as one caller here did)."""
    return not _varies(value) and not (isinstance(node, cst.Name) and node.value in scope.params)


def _varies(value: object) -> bool:
    """Whether a value may differ from call to call (a parameter the callers pass differently, a time)."""
    return any(h.kind in (HoleKind.PER_REQUEST, HoleKind.VOLATILE) for h in holes_in(value))


def _on_some_calls(m: Mutation, f: Frame, scope: Scope) -> bool:
    """Whether a change is made in an arm of an if or a match that the use is not in, in code
    that runs per call (a module's runs once per process; a try body runs every time)."""
    if scope.kind in ("module", "class"):
        return False
    arms = tuple(b for b in m.branches if isinstance(b, (cst.If, cst.Else, cst.MatchCase)))
    return bool(arms) and not _encloses(arms, f, scope, f.scope is scope)


def _made_at_import(value: object, depth: int = 0) -> object:
    """``value`` with its volatile holes marked as made once, at import."""
    if depth > 20:
        return value
    if isinstance(value, Hole):
        return dataclasses.replace(value, at_import=True) if value.kind is HoleKind.VOLATILE and not value.at_import else value
    if isinstance(value, Text):
        if not any(isinstance(p, Hole) and p.kind is HoleKind.VOLATILE for p in value.pieces):
            return value
        return Text(tuple(_made_at_import(p, depth + 1) if isinstance(p, Hole) else p for p in value.pieces))
    if isinstance(value, SList):
        for i, item in enumerate(value):
            value[i] = _made_at_import(item, depth + 1)
    elif isinstance(value, dict):
        for key, item in value.items():
            value[key] = _made_at_import(item, depth + 1)
    return value


def _at_import(f: Frame) -> bool:
    """Whether code evaluated in ``f`` runs when its module is imported (module or class body)."""
    return f.scope.kind in ("module", "class")


def _encloses(branches: tuple, f: Frame, scope: Scope, local: bool) -> bool:
    """Whether the use is inside the innermost branch of the binding (then it wins alone)."""
    if not local:
        return False
    innermost = branches[-1]
    where = f.module.positions.get(innermost)
    if where is None:
        return False
    return (where.start.line, where.start.column) <= f.at <= (where.end.line, where.end.column)


def _arm_exits(binding: Binding, f: Frame) -> bool:
    """Whether the if/else arm a binding is made in ends with a return or raise before ``f.at``."""
    if not binding.branches or not isinstance(binding.branches[-1], (cst.If, cst.Else)):
        return False
    arm = binding.branches[-1].body
    if not isinstance(arm, cst.IndentedBlock) or not arm.body or _inside(f.module, arm, f.at):
        return False
    last = arm.body[-1]
    return isinstance(last, cst.SimpleStatementLine) and any(isinstance(s, (cst.Return, cst.Raise)) for s in last.body)


def _inside(module: Module, node: cst.CSTNode, pos: tuple[int, int]) -> bool:
    where = module.positions.get(node)
    return where is not None and (where.start.line, where.start.column) <= pos <= (where.end.line, where.end.column)


def _main_return(scope: Scope) -> cst.Return:
    """The return a helper's value is taken from: the last one of its body's top level, else the last."""
    top = [s for s in scope.body if isinstance(s, cst.SimpleStatementLine)]
    for statement in reversed(top):
        for small in statement.body:
            if isinstance(small, cst.Return):
                return small
    return scope.returns[-1]


def _cleandoc(value: str) -> str:
    import inspect

    return inspect.cleandoc(value)


def _commonsample_of(a: object, b: object) -> str | None:
    """A stand-in for a value chosen between two: the first that is a known string."""
    for value in (a, b):
        if isinstance(value, str):
            return value
        if isinstance(value, Hole) and value.sample is not None:
            return value.sample
    return None


__all__ = ["Evaluator", "Frame", "CLIENTS"]
