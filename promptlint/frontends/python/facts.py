"""What the code around a request says about how it is sent.

How often it runs (once, as a script; or again and again), whether its messages are
a history the next request extends, which caching parameters are chosen per call,
whether copies of it start concurrently with no warm-up, and whether breakpoints are
added in a loop with no bound. Rules read these as ``Request.call``.
"""

from __future__ import annotations

import re

import libcst as cst

from ...request import CallSite, Hole, HoleKind, Span
from .recognizers.sdk import method_called, recognise
from .module import CallRecord, Module, Scope, accumulates, callee_name, dotted, is_marker_key, is_string, leaves, marker_key, short_loop
from .recognizers.follow import keyword
from .values import holes_in

# Request parameters whose change invalidates a cache level (facts.md §1.8): the whole
# prefix for model and tools, the messages for the rest; with Converse's own names for them.
VARYING = ("model", "tools", "tool_choice", "thinking", "modelId", "toolConfig", "additionalModelRequestFields")
_FANOUT_GATHER = {"gather", "as_completed", "wait", "map_async"}
_FANOUT_SPAWN = {"create_task", "start_soon", "ensure_future", "submit", "run_in_executor", "apply_async", "Thread"}
_FANOUT_MAP = {"map", "imap", "imap_unordered", "starmap"}


def call_site(record: CallRecord, module: Module, body: dict, span: Span, modules: list[Module] | None = None) -> CallSite:
    site = CallSite(span)
    site.runs_once = runs_once(record, module)
    site.extended = _extended(body) or _grown_in_loop(record, module)
    for name in VARYING:
        value = body.get(name)
        where = getattr(body, "spans", {}).get(name)
        hole = _varies(value)
        if hole is not None and where is not None and (name != "additionalModelRequestFields" or _CACHE_FIELDS.search(hole.label + module.code(keyword(record.node, name) or record.node, 400))):
            site.varying[name] = (where, hole.label)
    media = _optional_media(body.get("messages", body.get("input")))
    if media is not None:
        site.varying["images"] = (media, "an image or document added in one branch")
    site.fanouts = cold_fanouts(record, module, modules or [module])
    if callee_name(record.node) in _RUNNABLE_BATCH and not _runnable_warmed(record) and not _one_at_a_time(record.node):
        site.fanouts.append(module.span(record.node))  # a LangChain batch runs its inputs concurrently
    site.loop_breakpoints = loop_breakpoints(record.scope, module)
    site.loop = repeating_loop(record, module)
    site.marks_unseen = any(
        change.op == "setitem" and is_marker_key(change.args[0]) and change.pos < record.pos
        for changes in record.scope.mutations.values()
        for change in changes
    )
    for mark in _loop_marks(body):
        if mark not in site.loop_breakpoints:
            site.loop_breakpoints.append(mark)
    return site


def _optional_media(value: object, depth: int = 0) -> Span | None:
    """Where a list of the messages gets an image or document in one branch only."""
    if depth > 6:
        return None
    if isinstance(value, list):
        found = getattr(value, "optional_media", None)
        if found is not None:
            return found
        for item in value:
            found = _optional_media(item, depth + 1)
            if found is not None:
                return found
    elif isinstance(value, dict):
        for item in value.values():
            found = _optional_media(item, depth + 1)
            if found is not None:
                return found
    return None


def _loop_marks(value: object, depth: int = 0):
    """Breakpoints the evaluator saw appended in unbounded loops, anywhere in the body."""
    if depth > 12:
        return
    if isinstance(value, list):
        yield from getattr(value, "loop_marks", ())
        for item in value:
            yield from _loop_marks(item, depth + 1)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _loop_marks(item, depth + 1)


# Converse's additionalModelRequestFields holds sampling settings too (top_k): only these change a cache level (facts.md §1.8).
_CACHE_FIELDS = re.compile(r"thinking|effort|reasoning|output_config")


def _varies(value: object) -> Hole | None:
    """The hole that makes a parameter differ from call to call, if one does."""
    if isinstance(value, Hole) and value.kind is HoleKind.PER_REQUEST:
        return value
    if isinstance(value, (dict, list)):
        for hole in holes_in(value):
            if hole.kind is HoleKind.PER_REQUEST and hole.label.startswith(("chosen by", "parameter")):
                return hole
    return None


def _extended(body: dict) -> bool:
    for key in ("messages", "input"):
        value = body.get(key)
        if isinstance(value, Hole):
            return True
        if isinstance(value, list):
            if getattr(value, "shared", False) or any(isinstance(m, Hole) for m in value):
                return True
    return False


def _grown_in_loop(record: CallRecord, module: Module) -> bool:
    """An agent loop: the call repeats in a loop that adds to the list it sends as messages,
    so each request extends the one before."""
    if not record.loops:
        return False
    loop = module.positions.get(record.loops[0])
    if loop is None:
        return False
    for arg in record.node.args:
        if arg.keyword is not None and arg.keyword.value in ("messages", "input", "contents"):
            for name in _history_names(arg.value):
                for change in record.scope.mutations.get(name, ()):
                    if (loop.start.line, loop.start.column) <= change.pos <= (loop.end.line, loop.end.column):
                        return True
    return False


def _history_names(value: cst.BaseExpression) -> list[str]:
    """The lists a messages argument sends first: ``history``, ``[*history, turn]``, ``history + [turn]``."""
    if isinstance(value, cst.Name):
        return [value.value]
    if isinstance(value, cst.List) and value.elements and isinstance(value.elements[0], cst.StarredElement):
        return _history_names(value.elements[0].value)
    if isinstance(value, cst.Subscript):  # history[:-1]
        return _history_names(value.value)
    if isinstance(value, cst.BinaryOperation) and isinstance(value.operator, cst.Add):
        return _history_names(value.left)
    return []


def runs_once(record: CallRecord, module: Module, depth: int = 0) -> bool:
    """Whether nothing repeats the call: script code, or a function called once, outside any
    loop, by code that itself runs once (a script's ``main()``, a CLI command), up to three
    calls deep. Methods and functions nobody in the module calls may run any number of times."""
    if record.loops:
        return False
    scope = record.scope
    if scope.kind == "module":
        return True
    if scope.kind != "function" or scope.owner is not None or depth >= 3:
        return False
    # ``main()`` under ``if __name__ == "__main__":``, or ``asyncio.run(main())``: a call of the
    # function by name is recorded either way.
    callers = [c for c in module.calls_by_name.get(scope.name, ()) if isinstance(c.node.func, cst.Name) and c.scope is not scope]
    return len(callers) == 1 and runs_once(callers[0], module, depth + 1)


def cold_fanouts(record: CallRecord, module: Module, modules: list[Module]) -> list[Span]:
    """Where copies of this request start concurrently with no warm-up before them, in any
    of the run's modules parsed so far (a fan-out usually lives beside the function's callers)."""
    targets = {record.scope.name} if record.scope.kind == "function" else set()
    # One level up: the functions that call this one.
    for other in modules:
        for name in list(targets):
            for caller in other.calls_by_name.get(name, ()):
                if caller.scope.kind == "function" and caller.scope is not record.scope:
                    targets.add(caller.scope.name)
    return [
        other.span(fan.node)
        for other in modules
        for fan in _fanouts(other)
        if _starts(fan, record, targets, other, same=other is module) and not _warmed(fan, targets, other)
    ]


def _fanouts(module: Module):
    for name in (*_FANOUT_GATHER, *_FANOUT_SPAWN, *_FANOUT_MAP):
        for record in module.calls_by_name.get(name, ()):
            if name in _FANOUT_GATHER:
                yield record
            elif name in _FANOUT_MAP and isinstance(record.node.func, cst.Attribute):
                yield record
            elif name in _FANOUT_SPAWN and (record.loops or _in_comprehension(record, module)):
                yield record


def _in_comprehension(record: CallRecord, module: Module) -> bool:
    return any(isinstance(loop, (cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp)) for loop in record.loops)


def _starts(fan: CallRecord, record: CallRecord, targets: set[str], module: Module, same: bool) -> bool:
    """Whether the fan-out call starts the request (or a function that makes it)."""
    outer = module.positions.get(fan.node)
    inner = module.positions.get(record.node) if same else None
    if outer is not None and inner is not None and (outer.start.line, outer.start.column) < (inner.start.line, inner.start.column) and (inner.end.line, inner.end.column) <= (outer.end.line, outer.end.column):
        return True
    finder = _Mentions(targets)
    for arg in fan.node.args:
        arg.value.visit(finder)
    return finder.found


class _Mentions(cst.CSTVisitor):
    def __init__(self, names: set[str]) -> None:
        self.names = names
        self.found = False

    def visit_Name(self, node: cst.Name) -> bool:
        if node.value in self.names:
            self.found = True
        return False

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        if node.attr.value in self.names:
            self.found = True
        return True


def _warmed(fan: CallRecord, targets: set[str], module: Module) -> bool:
    """A request (or a call of a function making one, such as a ``prewarm()`` helper)
    completes before the fan-out."""
    for other in fan.scope.calls:
        if other.pos >= fan.pos or other.loops:
            continue
        name = callee_name(other.node)
        if name in targets or _sends(other.node, module) or _makes_request(name, module):
            if other.awaited or not fan.scope.is_async or _has_zero_max_tokens(other.node):
                return True
    return False


# A LangChain runnable's batch: its inputs run concurrently (max_concurrency bounds, not orders, them).
_RUNNABLE_BATCH = frozenset({"batch", "abatch", "batch_as_completed", "abatch_as_completed"})
_RUNNABLE_ONE = frozenset({"invoke", "ainvoke", "stream", "astream"})


def repeating_loop(record: CallRecord, module: Module) -> Span | None:
    """Where the innermost loop around the call starts, when it sends the call again and again:
    not a short one (``range(3)``), nor one that stops once it is sent (a retry loop's break or
    return)."""
    loop = record.loops[-1] if record.loops else None
    if loop is None or short_loop(loop) or leaves(loop):
        return None
    return module.span(loop)


def _runnable_warmed(record: CallRecord) -> bool:
    """A single run of the same runnable completes before the batch starts (awaited, in async code)."""
    runnable = _receiver(record.node)
    return any(
        other.pos < record.pos
        and not other.loops
        and callee_name(other.node) in _RUNNABLE_ONE
        and _receiver(other.node) == runnable
        and (other.awaited or not record.scope.is_async)
        for other in record.scope.calls
    )


def _receiver(call: cst.Call) -> str | None:
    return dotted(call.func.value) if isinstance(call.func, cst.Attribute) else None


def _one_at_a_time(call: cst.Call) -> bool:
    """``config={"max_concurrency": 1}``: the batch runs its inputs one after another."""
    config = keyword(call, "config")
    return isinstance(config, cst.Dict) and any(
        isinstance(e, cst.DictElement) and is_string(e.key, "max_concurrency") and isinstance(e.value, cst.Integer) and e.value.evaluated_value == 1
        for e in config.elements
    )


def _sends(call: cst.Call, module: Module) -> bool:
    """A request that writes the cache, called as such or under another name; count_tokens
    is no request for these rules (rules.md, precedence)."""
    site = recognise(call)
    if site is not None:
        return site.kind != "count_tokens"
    return method_called(call, module.method_aliases) is not None


def _makes_request(name: str | None, module: Module) -> bool:
    """Whether a function of this module called ``name`` makes a request itself."""
    return any(scope.name == name and any(_sends(c.node, module) for c in scope.calls) for scope in module.functions())


def _has_zero_max_tokens(node: cst.Call) -> bool:
    return any(
        a.keyword is not None and a.keyword.value == "max_tokens" and isinstance(a.value, cst.Integer) and a.value.value == "0"
        for a in node.args
    )


def loop_breakpoints(scope: Scope, module: Module) -> list[Span]:
    """``cache_control`` added once per pass of a loop whose length nothing bounds (PC201):
    on every block it iterates, or on a list that outlives the passes (a chat loop marking
    each new turn and never taking the older marks off)."""
    found = []
    for changes in scope.mutations.values():
        for change in changes:
            if not change.loops or change.op != "setitem":
                continue
            key = change.args[0]
            if not (isinstance(key, cst.SimpleString) and key.evaluated_value == "cache_control"):
                continue
            loop = change.loops[-1]
            if _bounded(loop, change, module) or not accumulates(loop, change.root, scope, module):
                continue
            found.append(module.span(key))
    for record in scope.calls:
        if callee_name(record.node) == "append" and record.loops and record.node.args:
            key = marker_key(record.node.args[0].value)
            receiver = record.node.func.value if isinstance(record.node.func, cst.Attribute) else None
            root = dotted(receiver) if receiver is not None else None
            if key is None or root is None:
                continue
            loop = record.loops[-1]
            if not _bounded(loop, record, module) and accumulates(loop, root.split(".")[0] if not root.startswith("self.") else root, scope, module):
                found.append(module.span(key))
    return found


def _bounded(loop: cst.CSTNode, change, module: Module) -> bool:
    """A guard inside the loop, or a loop over a short slice, range or literal, bounds it."""
    loop_where = module.positions.get(loop)
    for branch in getattr(change, "branches", ()) or ():
        where = module.positions.get(branch)
        if where is not None and loop_where is not None and where.start.line >= loop_where.start.line and _counts(branch, module):
            return True
    return short_loop(loop)


def _counts(branch: cst.CSTNode, module: Module) -> bool:
    """Whether a guard limits how many items pass: it compares with a number, a length or
    "last"; a filter by content (``if m["role"] == "user"``) lets every match through."""
    test = getattr(branch, "test", None)
    if test is None:
        return False
    code = module.code(test, 200)
    return bool(_COUNTING.search(code))


_COUNTING = re.compile(r"\blen\(|\blast\b|\bis_last\b|[<>=]=?\s*-?\d|\benumerate\b|\bindex\b|\[-1\]")

