"""One Python file parsed once with libcst and indexed for evaluation.

A single traversal records, per scope (module, class, function), the bindings of
each name in source order, the in-place changes made to containers (``append``,
item assignment, …), the imports, the returns, and every call — with the loops and
branches around each. Evaluation then answers "what is ``x`` here?" from this index
without walking the tree again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from ...request import Span
from .recognizers.sdk import takes_method

# In-place methods that change the container they are called on.
MUTATORS = frozenset({"append", "extend", "insert", "update", "setdefault", "__setitem__"})


@dataclass(frozen=True)
class Import:
    module: str  # dotted module, "" for "from . import x"
    name: str | None  # the imported attribute, None for "import module"
    level: int = 0  # relative import dots


@dataclass
class Binding:
    name: str
    kind: str  # assign, annassign, augassign, for, with, walrus, def, class, import, param
    node: cst.CSTNode  # what was assigned: the value expression, the for-loop, the def, …
    pos: tuple[int, int]
    # Compound statements (If/Try/Match) between the scope and the binding, innermost last.
    branches: tuple[cst.CSTNode, ...] = ()
    loops: tuple[cst.CSTNode, ...] = ()
    # For tuple targets: the index path into the assigned value; for "with": the item.
    index: tuple[int, ...] = ()


@dataclass
class Mutation:
    root: str  # the name whose container changes
    path: tuple  # literal keys/indices from the name to the changed container
    op: str  # append, extend, insert, update, setitem, iadd
    args: tuple  # argument expressions (for setitem: (key, value))
    pos: tuple[int, int]
    node: cst.CSTNode
    loops: tuple[cst.CSTNode, ...] = ()
    branches: tuple[cst.CSTNode, ...] = ()


@dataclass
class CallRecord:
    node: cst.Call
    pos: tuple[int, int]
    scope: "Scope"
    loops: tuple[cst.CSTNode, ...]  # for/while loops and comprehensions around it, in its scope
    statement: cst.CSTNode  # the top statement of its scope's body that contains it
    awaited: bool = False
    main_guard: bool = False  # under `if __name__ == "__main__":`


@dataclass
class Scope:
    kind: str  # module, class, function
    name: str
    node: cst.CSTNode
    parent: "Scope | None"
    bindings: dict[str, list[Binding]] = field(default_factory=dict)
    mutations: dict[str, list[Mutation]] = field(default_factory=dict)
    imports: dict[str, Import] = field(default_factory=dict)
    params: dict[str, cst.Param] = field(default_factory=dict)
    returns: list[cst.Return] = field(default_factory=list)
    calls: list[CallRecord] = field(default_factory=list)
    # Calls that hand a name over as an argument: a helper may change it in place.
    handed: dict[str, list[CallRecord]] = field(default_factory=dict)
    children: dict[str, "Scope"] = field(default_factory=dict)
    body: tuple[cst.CSTNode, ...] = ()
    is_async: bool = False
    # For classes: attributes set on ``self`` in its methods (name → bindings).
    self_attrs: dict[str, list[Binding]] = field(default_factory=dict)

    @property
    def owner(self) -> "Scope | None":
        """The class a method belongs to."""
        return self.parent if self.parent is not None and self.parent.kind == "class" else None


class Module:
    """A parsed file: its tree, positions and scopes."""

    def __init__(self, path: Path, shown: str, name: str, tree: cst.Module, positions) -> None:
        self.path = path
        self.shown = shown
        self.name = name  # dotted module name, "" when unknown
        self.tree = tree
        self.positions = positions
        self.scope = Scope("module", name, tree, None, body=tuple(tree.body))
        self.scopes: dict[cst.CSTNode, Scope] = {tree: self.scope}
        self.calls_by_name: dict[str, list[CallRecord]] = {}
        # Names a request method is bound to, to call under (``create = client.messages.create``,
        # ``self.send = functools.partial(...)``): calls of these names are looked at as requests.
        self.method_aliases: set[str] = set()
        _Indexer(self).index()

    def span(self, node: cst.CSTNode) -> Span:
        where = self.positions.get(node)
        if where is None:
            return Span(self.shown, 1, 1)
        return Span(self.shown, where.start.line, where.start.column + 1, where.end.line, where.end.column)

    def pos(self, node: cst.CSTNode) -> tuple[int, int]:
        where = self.positions.get(node)
        return (where.start.line, where.start.column) if where is not None else (0, 0)

    def code(self, node: cst.CSTNode, limit: int = 60) -> str:
        text = " ".join(self.tree.code_for_node(node).split())
        return text if len(text) <= limit else text[: limit - 1] + "…"

    def functions(self) -> Iterator[Scope]:
        for scope in self.scopes.values():
            if scope.kind == "function":
                yield scope


def parse(path: Path, shown: str, name: str, text: str) -> Module:
    tree = cst.parse_module(text)
    wrapper = MetadataWrapper(tree, unsafe_skip_copy=True)
    positions = wrapper.resolve(PositionProvider)
    return Module(path, shown, name, tree, positions)


def dotted(node: cst.BaseExpression) -> str | None:
    """``a.b.c`` for a chain of names and attributes, else None."""
    parts = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if isinstance(node, cst.Name):
        parts.append(node.value)
        return ".".join(reversed(parts))
    return None


def callee_name(call: cst.Call) -> str | None:
    """The last name of what is called: ``create`` for ``client.messages.create(...)``."""
    func = call.func
    if isinstance(func, cst.Attribute):
        return func.attr.value
    if isinstance(func, cst.Name):
        return func.value
    return None


def _module_name_of(node: cst.BaseExpression | None) -> str:
    if node is None:
        return ""
    return dotted(node) or ""


class _Indexer(cst.CSTVisitor):
    def __init__(self, module: Module) -> None:
        self.m = module
        self.scope = module.scope
        self.loops: list[list[cst.CSTNode]] = [[]]
        self.branches: list[list[cst.CSTNode]] = [[]]
        self.statements: list[cst.CSTNode | None] = [None]
        self.awaiting: list[cst.CSTNode] = []
        self.main_guard = 0

    def index(self) -> None:
        self.m.tree.visit(self)

    # -- scopes -----------------------------------------------------------------

    def _push(self, kind: str, node: cst.CSTNode, name: str, body: tuple) -> Scope:
        scope = Scope(kind, name, node, self.scope, body=body)
        self.m.scopes[node] = scope
        self.scope.children.setdefault(name, scope)
        self.scope = scope
        self.loops.append([])
        self.branches.append([])
        self.statements.append(None)
        return scope

    def _pop(self) -> None:
        assert self.scope.parent is not None
        self.scope = self.scope.parent
        self.loops.pop()
        self.branches.pop()
        self.statements.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self._bind(node.name.value, "def", node, node)
        body = tuple(node.body.body) if isinstance(node.body, cst.IndentedBlock) else ()
        scope = self._push("function", node, node.name.value, body)
        scope.is_async = node.asynchronous is not None
        for param in (*node.params.posonly_params, *node.params.params, *node.params.kwonly_params):
            scope.params[param.name.value] = param
        for star in (node.params.star_arg, node.params.star_kwarg):
            if isinstance(star, cst.Param):
                scope.params[star.name.value] = star
        # Decorators and defaults run in the enclosing scope, but nothing here needs them.
        return True

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._pop()

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        self._bind(node.name.value, "class", node, node)
        body = tuple(node.body.body) if isinstance(node.body, cst.IndentedBlock) else ()
        self._push("class", node, node.name.value, body)
        return True

    def leave_ClassDef(self, node: cst.ClassDef) -> None:
        self._pop()

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False  # its parameters are not the enclosing function's

    # -- statements -------------------------------------------------------------

    def on_visit(self, node: cst.CSTNode) -> bool:
        if self.statements[-1] is None and isinstance(node, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            self.statements[-1] = node
            self._top = node
        return super().on_visit(node)

    def on_leave(self, original_node: cst.CSTNode) -> None:
        super().on_leave(original_node)
        if self.statements[-1] is original_node:
            self.statements[-1] = None

    def visit_If(self, node: cst.If) -> bool:
        test = node.test
        if (
            self.scope.kind == "module"
            and isinstance(test, cst.Comparison)
            and isinstance(test.left, cst.Name)
            and test.left.value == "__name__"
        ):
            self.main_guard += 1
            node_is_main = True
        else:
            node_is_main = False
        self._main_nodes = getattr(self, "_main_nodes", set())
        if node_is_main:
            self._main_nodes.add(node)
        self.branches[-1].append(node)
        return True

    def leave_If(self, node: cst.If) -> None:
        self.branches[-1].pop()
        if node in getattr(self, "_main_nodes", ()):
            self.main_guard -= 1

    def visit_Else(self, node: cst.Else) -> bool:
        # An else is a branch of its own: a name bound in both arms of an if/else has two values.
        self.branches[-1].append(node)
        return True

    def leave_Else(self, node: cst.Else) -> None:
        self.branches[-1].pop()

    def visit_Try(self, node: cst.Try) -> bool:
        self.branches[-1].append(node)
        return True

    def leave_Try(self, node: cst.Try) -> None:
        self.branches[-1].pop()

    def visit_Match(self, node: cst.Match) -> bool:
        self.branches[-1].append(node)
        return True

    def leave_Match(self, node: cst.Match) -> None:
        self.branches[-1].pop()

    def visit_MatchCase(self, node: cst.MatchCase) -> bool:
        # Each case is an arm of its own, as an if's branches are.
        self.branches[-1].append(node)
        return True

    def leave_MatchCase(self, node: cst.MatchCase) -> None:
        self.branches[-1].pop()

    def _loop(self, node: cst.CSTNode) -> None:
        self.loops[-1].append(node)

    def _unloop(self, node: cst.CSTNode) -> None:
        self.loops[-1].pop()

    def visit_For(self, node: cst.For) -> bool:
        # The iterable is evaluated once, outside the loop; the target is bound per item.
        node.iter.visit(self)
        self._loop(node)
        self._bind_target(node.target, "for", node)
        node.target.visit(self)
        node.body.visit(self)
        self._unloop(node)
        if node.orelse is not None:
            node.orelse.visit(self)
        return False

    def visit_While(self, node: cst.While) -> bool:
        self._loop(node)
        return True

    def leave_While(self, node: cst.While) -> None:
        self._unloop(node)

    # A comprehension repeats its element (visited before its ``for`` clause) once per item.
    def visit_ListComp(self, node: cst.ListComp) -> bool:
        self._loop(node)
        return True

    def leave_ListComp(self, node: cst.ListComp) -> None:
        self._unloop(node)

    def visit_SetComp(self, node: cst.SetComp) -> bool:
        self._loop(node)
        return True

    def leave_SetComp(self, node: cst.SetComp) -> None:
        self._unloop(node)

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> bool:
        self._loop(node)
        return True

    def leave_GeneratorExp(self, node: cst.GeneratorExp) -> None:
        self._unloop(node)

    def visit_DictComp(self, node: cst.DictComp) -> bool:
        self._loop(node)
        return True

    def leave_DictComp(self, node: cst.DictComp) -> None:
        self._unloop(node)

    def visit_With(self, node: cst.With) -> bool:
        for item in node.items:
            if item.asname is not None and isinstance(item.asname.name, cst.Name):
                self._bind(item.asname.name.value, "with", item.item, item.asname.name)
        return True

    def visit_Assign(self, node: cst.Assign) -> bool:
        for target in node.targets:
            self._bind_target(target.target, "assign", node.value)
            self._mutation_target(target.target, node.value, node)
            self._method_alias(target.target, node.value)
        return True

    def visit_AnnAssign(self, node: cst.AnnAssign) -> bool:
        if node.value is not None:
            self._bind_target(node.target, "annassign", node.value)
            self._mutation_target(node.target, node.value, node)
            self._method_alias(node.target, node.value)
        elif isinstance(node.target, cst.Name) and self.scope.kind == "function":
            pass
        return True

    def visit_AugAssign(self, node: cst.AugAssign) -> bool:
        if isinstance(node.target, cst.Name):
            self._mutate(node.target.value, (), "iadd" if isinstance(node.operator, cst.AddAssign) else "aug", (node.value,), node)
        else:
            root, path = _root_path(node.target)
            if root is not None and isinstance(node.operator, cst.AddAssign):
                self._mutate(root, path, "iadd", (node.value,), node)
        return True

    def visit_NamedExpr(self, node: cst.NamedExpr) -> bool:
        if isinstance(node.target, cst.Name):
            self._bind(node.target.value, "walrus", node.value, node)
        return True

    def visit_Return(self, node: cst.Return) -> bool:
        self.scope.returns.append(node)
        return True

    def visit_Import(self, node: cst.Import) -> bool:
        for alias in node.names:
            full = _module_name_of(alias.name)
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self.scope.imports[alias.asname.name.value] = Import(full, None)
            else:
                top = full.split(".")[0]
                self.scope.imports[top] = Import(top, None)
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        if isinstance(node.names, cst.ImportStar):
            return False
        module = _module_name_of(node.module)
        level = len(node.relative)
        for alias in node.names:
            name = _module_name_of(alias.name)
            local = alias.asname.name.value if alias.asname is not None and isinstance(alias.asname.name, cst.Name) else name
            self.scope.imports[local] = Import(module, name, level)
        return False

    def visit_Await(self, node: cst.Await) -> bool:
        self.awaiting.append(node.expression)
        return True

    def leave_Await(self, node: cst.Await) -> None:
        self.awaiting.pop()

    def visit_Call(self, node: cst.Call) -> bool:
        name = callee_name(node)
        record = CallRecord(
            node,
            self.m.pos(node),
            self.scope,
            tuple(self.loops[-1]),
            self.statements[-1] or node,
            awaited=bool(self.awaiting) and self.awaiting[-1] is node,
            main_guard=self.main_guard > 0,
        )
        self.scope.calls.append(record)
        for arg in node.args:
            if isinstance(arg.value, cst.Name) and not arg.star:
                self.scope.handed.setdefault(arg.value.value, []).append(record)
        if name is not None:
            self.m.calls_by_name.setdefault(name, []).append(record)
            func = node.func
            if name in MUTATORS and isinstance(func, cst.Attribute):
                root, path = _root_path(func.value)
                if root is not None:
                    self._mutate(root, path, name, tuple(a.value for a in node.args), node, args_full=node.args)
            elif name == "shuffle" and node.args:
                root, path = _root_path(node.args[0].value)
                if root is not None:
                    self._mutate(root, path, "shuffle", (), node)
        return True

    # -- helpers ----------------------------------------------------------------

    def _bind(self, name: str, kind: str, value: cst.CSTNode, at: cst.CSTNode, index: tuple[int, ...] = ()) -> None:
        binding = Binding(name, kind, value, self.m.pos(at), tuple(self.branches[-1]), tuple(self.loops[-1]), index)
        self.scope.bindings.setdefault(name, []).append(binding)

    def _bind_target(self, target: cst.BaseExpression, kind: str, value: cst.CSTNode, index: tuple[int, ...] = ()) -> None:
        if isinstance(target, cst.Name):
            self._bind(target.value, kind, value, target, index)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for i, element in enumerate(target.elements):
                inner = element.value
                if isinstance(inner, cst.StarredElement):
                    inner = inner.value
                self._bind_target(inner, kind, value, index + (i,))
        elif isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name) and target.value.value == "self":
            owner = self.scope.owner
            if owner is not None and kind != "for":
                binding = Binding(target.attr.value, kind, value, self.m.pos(target), tuple(self.branches[-1]), tuple(self.loops[-1]), index)
                owner.self_attrs.setdefault(target.attr.value, []).append(binding)

    def _method_alias(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        if isinstance(target, (cst.Name, cst.Attribute)) and takes_method(value, self.m.method_aliases):
            self.m.method_aliases.add(target.value if isinstance(target, cst.Name) else target.attr.value)

    def _mutation_target(self, target: cst.BaseExpression, value: cst.BaseExpression, node: cst.CSTNode) -> None:
        if isinstance(target, cst.Subscript):
            root, path = _root_path(target.value)
            key = _subscript_key(target)
            if root is not None and key is not None:
                self._mutate(root, path, "setitem", (key, value), node)

    def _mutate(self, root: str, path: tuple, op: str, args: tuple, node: cst.CSTNode, args_full=None) -> None:
        mutation = Mutation(root, path, op, args_full if args_full is not None else args, self.m.pos(node), node, tuple(self.loops[-1]), tuple(self.branches[-1]))
        self.scope.mutations.setdefault(root, []).append(mutation)


def _subscript_key(node: cst.Subscript) -> cst.BaseExpression | None:
    if len(node.slice) != 1:
        return None
    element = node.slice[0].slice
    return element.value if isinstance(element, cst.Index) else None


def _root_path(node: cst.BaseExpression) -> tuple[str | None, tuple]:
    """``x["a"][0]`` → ("x", (key nodes…)); ``self.x`` → ("self.x", ())."""
    path: list = []
    while isinstance(node, cst.Subscript):
        key = _subscript_key(node)
        if key is None:
            return None, ()
        path.append(key)
        node = node.value
    if isinstance(node, cst.Name):
        return node.value, tuple(reversed(path))
    if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) and node.value.value == "self":
        return "self." + node.attr.value, tuple(reversed(path))
    return None, ()


def short_loop(loop: cst.CSTNode, limit: int = 4) -> bool:
    """Whether the syntax bounds a loop to at most ``limit`` passes: a slice such as
    ``blocks[-2:]`` or ``blocks[:3]``, ``range(3)``, or a short literal."""
    if not isinstance(loop, (cst.For, cst.CompFor)):
        return False
    iterable = loop.iter
    if isinstance(iterable, (cst.List, cst.Tuple, cst.Set)):
        return len(iterable.elements) <= limit
    if isinstance(iterable, cst.Subscript) and len(iterable.slice) == 1 and isinstance(iterable.slice[0].slice, cst.Slice):
        part = iterable.slice[0].slice
        lower, upper = _int(part.lower), _int(part.upper)
        if part.upper is None and lower is not None and lower < 0:
            return -lower <= limit
        if part.lower is None and upper is not None and upper >= 0:
            return upper <= limit
        if lower is not None and upper is not None and (lower >= 0) == (upper >= 0):
            return upper - lower <= limit
        return False
    if isinstance(iterable, cst.Call) and isinstance(iterable.func, cst.Name) and iterable.func.value == "range" and iterable.args:
        bounds = [_int(a.value) for a in iterable.args[:2]]
        if None in bounds:
            return False
        start, stop = (0, bounds[0]) if len(bounds) == 1 else bounds
        return stop - start <= limit
    return False


def _int(node: cst.BaseExpression | None) -> int | None:
    if isinstance(node, cst.Integer):
        return int(node.value)
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus) and isinstance(node.expression, cst.Integer):
        return -int(node.expression.value)
    return None


def accumulates(loop: cst.CSTNode, root: str, scope: Scope, module: Module) -> bool:
    """Whether marks added to ``root`` in ``loop`` pile up pass after pass: it is the block the
    loop iterates, or a list made before the loop that the loop may not clear of its marks.

    PC201 is an error, so any sign that the marks are taken off counts: ``pop``/``del`` of the
    key, a ``content`` rebuilt, the list cleared or handed to a function (a helper that strips
    them), or the list made afresh on each pass.
    """
    if leaves(loop):
        return False  # it runs once, or stops once sent
    if isinstance(loop, (cst.For, cst.CompFor)) and root in _target_names(loop.target):
        return True
    where = module.positions.get(loop)
    if where is None:
        return True
    inside = lambda p: (where.start.line, where.start.column) <= p <= (where.end.line, where.end.column)  # noqa: E731
    if any(inside(b.pos) and b.kind in ("assign", "annassign", "walrus") for b in scope.bindings.get(root, ())):
        return False
    return not _may_clear_markers(loop, root, module)


def _may_clear_markers(loop: cst.CSTNode, root: str, module: Module | None = None) -> bool:
    """The loop takes ``cache_control`` off, or may: see ``accumulates``. A helper the list is
    handed to (a plain function call) clears them if its own body does, or, when the module does
    not define it, may; a method of another object it is sent with (``llm.invoke(messages)``)
    does not."""

    class Finder(cst.CSTVisitor):
        found = False

        def visit_Call(self, node: cst.Call) -> None:
            func = node.func
            method = func.attr.value if isinstance(func, cst.Attribute) else None
            if method == "pop" and node.args and (is_string(node.args[0].value, "cache_control") or isinstance(node.args[0].value, cst.Name)):
                self.found = True  # the key, or a name that may hold it
            elif method == "clear" and isinstance(func, cst.Attribute) and _names(func.value, root):
                self.found = True
            elif isinstance(func, cst.Name) and any(_names(a.value, root) for a in node.args):
                self.found = self.found or _helper_clears(func.value, module)

        def visit_Del(self, node: cst.Del) -> None:
            target = node.target
            if isinstance(target, cst.Subscript) and len(target.slice) == 1 and isinstance(target.slice[0].slice, cst.Index) and is_string(target.slice[0].slice.value, "cache_control"):
                self.found = True

        def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
            target = node.target
            if isinstance(target, cst.Subscript) and len(target.slice) == 1 and isinstance(target.slice[0].slice, cst.Index) and is_string(target.slice[0].slice.value, "content"):
                self.found = True  # a message's blocks rebuilt
            if isinstance(target, cst.Subscript) and _names(target.value, root):
                self.found = self.found or isinstance(target.slice[0].slice, cst.Slice)  # root[:] = ...

    finder = Finder()
    loop.visit(finder)
    return finder.found


# Builtins a list is commonly handed to that change nothing in it.
_READS_ONLY = frozenset({"print", "len", "list", "tuple", "repr", "str", "sorted", "enumerate", "reversed", "iter", "any", "all", "sum", "id", "isinstance"})


def _helper_clears(name: str, module: Module | None) -> bool:
    if name in _READS_ONLY:
        return False
    definitions = [s for s in module.functions() if s.name == name] if module is not None else []
    if not definitions:
        return True  # defined elsewhere: it may
    return any(_may_clear_markers(s.node, "", None) for s in definitions)


def _names(node: cst.BaseExpression, root: str) -> bool:
    return isinstance(node, cst.Name) and node.value == root


def is_string(node: cst.BaseExpression, value: str) -> bool:
    return isinstance(node, cst.SimpleString) and node.evaluated_value == value


def _target_names(target: cst.BaseExpression) -> set[str]:
    if isinstance(target, cst.Name):
        return {target.value}
    if isinstance(target, (cst.Tuple, cst.List)):
        return {n for e in target.elements for n in _target_names(e.value)}
    return set()


def is_marker_key(node: cst.BaseExpression) -> bool:
    return is_string(node, "cache_control")


def marker_key(value: cst.BaseExpression) -> cst.SimpleString | None:
    """The breakpoint a block or message display carries: its ``"cache_control"`` key, a
    Bedrock ``{"cachePoint": ...}``, or the marker on a block of a message's ``content``."""
    if not isinstance(value, cst.Dict):
        return None
    for element in value.elements:
        if isinstance(element, cst.DictElement) and isinstance(element.key, cst.SimpleString):
            # A marker chosen per item ({...} if i == last else None) is on one item, not on every one.
            if element.key.evaluated_value in ("cache_control", "cachePoint") and not isinstance(element.value, cst.IfExp):
                return element.key
    content = next((e.value for e in value.elements if isinstance(e, cst.DictElement) and is_string(e.key, "content")), None)
    if isinstance(content, cst.List) and any(isinstance(e, cst.DictElement) and is_string(e.key, "role") for e in value.elements):
        for item in content.elements:
            if isinstance(item.value, cst.Dict):
                found = next((e.key for e in item.value.elements if isinstance(e, cst.DictElement) and is_string(e.key, "cache_control") and not isinstance(e.value, cst.IfExp)), None)
                if found is not None:
                    return found
    return None


def kept_list_marks(name: str, scopes: Iterable[Scope], module: Module) -> list[Span]:
    """Markers the functions of ``scopes`` append to a list kept across their calls (``name``: a
    module global, or ``self.x``) and never take off: one more breakpoint on every call."""
    found = []
    for scope in scopes:
        for change in scope.mutations.get(name, ()):
            key = marker_key(change.args[0].value) if change.op == "append" and change.args else None
            if key is not None:
                found.append(module.span(key))
    # Any function of the module that takes markers off may be what keeps the list to one (a
    # method called before the append): PC201 is an error, so then nothing is said. Looked at
    # only when there is a marker: this runs on every lookup of the list.
    if found and any(_may_clear_markers(s.node, "", None) for s in module.functions()):
        return []
    return found


def leaves(loop: cst.CSTNode) -> bool:
    """The loop's body breaks or returns whatever happens (a retry loop's return after the call,
    in its try): not under an ``if``, as an agent's or a chat's exit on its last turn is."""

    class Finder(cst.CSTVisitor):
        found = False

        def visit_Break(self, node: cst.Break) -> None:
            self.found = True

        def visit_Return(self, node: cst.Return) -> None:
            self.found = True

        def visit_If(self, node: cst.If) -> bool:
            return False

        def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
            return False

    finder = Finder()
    loop.visit(finder)
    return finder.found
