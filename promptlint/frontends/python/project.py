"""The Python files of one run: parsed on demand, once, and found by import.

A module that makes a call imports its prompts, clients and helpers from others;
those are parsed only when an import reaches them. Module names come from the
package folders (``__init__.py``) above a file; an import is looked up beside the
importing file's top package, then under the project root and its ``src/``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

import libcst as cst

from ...request import Hole, HoleKind
from .encoding import decode
from .module import Import, Module, Scope, parse
from .values import SDict

if TYPE_CHECKING:
    from .evaluate import Evaluator

MAX_BYTES = 2 << 20
# What checking one file may parse of other modules to follow its values (its prompts,
# helpers, callers): prompts and helpers live in small modules, and a big one (an app
# server of 10,000 lines) costs seconds to parse for nothing a request needs. Past
# these, a name from another module is unknown, as one from outside the project is.
CONTEXT_FILE_BYTES = 256 << 10
CONTEXT_BYTES = 1 << 20


class Project:
    def __init__(self, root: Path, max_bytes: int = MAX_BYTES) -> None:
        self.root = root.resolve()
        self.max_bytes = max_bytes
        self._modules: dict[Path, Module | None] = {}
        self._by_scope: dict[int, Module] = {}
        self.files: Iterable[Path] = []  # the run's Python files, where callers are looked for
        self._searched: set[tuple[str, str]] = set()
        self._callers: dict[int, list] = {}
        self._arguments: dict[tuple[int, str], list] = {}
        self._resolved: dict[tuple[int, Import], tuple[Module, str | None] | None] = {}
        self._texts: list[tuple[Path, bytes]] | None = None
        self.context_left = CONTEXT_BYTES
        self._followed: set[Path] = set()  # the modules this file's analysis has followed into
        self._refused = False  # a module was left alone for the budget (results not to be remembered)
        self._sizes: dict[Path, int] = {}

    def reset_context_budget(self) -> None:
        """A file's analysis starts: it may follow CONTEXT_BYTES of other modules, parsed
        already or not (what it reports must not depend on which files came before it)."""
        self.context_left = CONTEXT_BYTES
        self._followed = set()

    def _affordable(self, key: Path) -> bool:
        """Whether this file's analysis may follow into the module at ``key`` (and charge it)."""
        if key in self._followed:
            return True
        size = self._sizes.get(key)
        if size is None:
            try:
                size = self._sizes[key] = key.stat().st_size
            except OSError:
                return False
        if size > min(self.max_bytes, CONTEXT_FILE_BYTES) or size > self.context_left:
            self._refused = True
            return False
        self.context_left -= size
        self._followed.add(key)
        return True

    def add(self, module: Module) -> None:
        self._modules[module.path.resolve()] = module
        self._by_scope[id(module.scope)] = module

    def modules(self) -> list[Module]:
        """Every module parsed so far in this run."""
        return [m for m in self._modules.values() if m is not None]

    def module_of_scope(self, scope: Scope) -> Module | None:
        return self._by_scope.get(id(scope))

    def load(self, path: Path) -> Module | None:
        """The module at ``path``, parsed once; None when it cannot be read or parsed."""
        key = path.resolve()
        if not self._affordable(key):
            return None
        if key in self._modules:
            return self._modules[key]
        self._modules[key] = None  # an import cycle sees "not available" rather than recursing
        try:
            text = decode(key.read_bytes())
            module = parse(key, _shown(key), module_name(key), text)
        except (OSError, SyntaxError, UnicodeDecodeError, cst.ParserSyntaxError, RecursionError):
            return None
        self.add(module)
        return module

    def resolve(self, importer: Module, imp: Import) -> tuple[Module, str | None] | None:
        """The checked module an import names, and the attribute taken from it (if any).

        ``from pkg import mod`` may name a submodule or an attribute of ``pkg``; both
        are tried.
        """
        key = (id(importer), imp)
        if key in self._resolved:
            found = self._resolved[key]
            return found if found is None or self._affordable(found[0].path.resolve()) else None
        self._refused = False
        found = self._resolve(importer, imp)
        if found is not None or not self._refused:  # a module left for the budget may be another file's to follow
            self._resolved[key] = found
        return found

    def _resolve(self, importer: Module, imp: Import) -> tuple[Module, str | None] | None:
        base = self._base_folders(importer, imp)
        dotted = imp.module
        candidates: list[tuple[str, str | None]] = []
        if imp.name is not None:
            candidates.append((f"{dotted}.{imp.name}" if dotted else imp.name, None))
            candidates.append((dotted, imp.name))
        else:
            candidates.append((dotted, None))
        for folder in base:
            for name, attr in candidates:
                if not name:
                    if attr is not None and (folder / "__init__.py").is_file():
                        module = self.load(folder / "__init__.py")
                        if module is not None:
                            return module, attr
                    continue
                parts = name.split(".")
                for path in (folder.joinpath(*parts).with_suffix(".py"), folder.joinpath(*parts) / "__init__.py"):
                    if path.is_file():
                        module = self.load(path)
                        if module is not None:
                            return module, attr
        return None

    def _base_folders(self, importer: Module, imp: Import) -> list[Path]:
        here = importer.path.parent
        if imp.level:
            folder = here
            for _ in range(imp.level - 1):
                folder = folder.parent
            return [folder]
        folders = [_package_root(importer.path), here, self.root, self.root / "src"]
        seen: list[Path] = []
        for folder in folders:
            if folder not in seen:
                seen.append(folder)
        return seen

    def load_callers(self, function: str, home: str) -> None:
        """Parse the run's files that import ``function``'s module ``home`` and call it by name."""
        if (function, home) in self._searched or not home:
            return
        self._searched.add((function, home))
        loaded = 0
        marker = home.encode()
        for path, data in self._candidates():
            if loaded >= _CALLER_LIMIT:
                break
            if marker in data and _calls_name(data, function) and path not in self._modules and self.load(path) is not None:
                loaded += 1

    def _candidates(self) -> list[tuple[Path, bytes]]:
        """The run's files small enough to look for callers in, read once per run."""
        if self._texts is None:
            self._texts = []
            for path in self.files:
                try:
                    if path.stat().st_size <= _CALLER_BYTES:
                        self._texts.append((path.resolve(), path.read_bytes()))
                except OSError:
                    continue
        return self._texts

    def callers(self, scope: Scope, module: Module, evaluator: "Evaluator | None" = None) -> list[tuple[Module, "object"]]:
        """The calls of the function ``scope`` in the run's files: (module, call record).

        A constructor (``__init__``) is called by its class's name. The name is added to
        ``evaluator.callers_of``: what the file's result depends on besides files it reads.
        """
        if scope.kind != "function":
            return []
        constructor = scope.name == "__init__" and scope.owner is not None
        method = scope.owner is not None and not constructor
        name = scope.owner.name if constructor else scope.name  # type: ignore[union-attr]
        if evaluator is not None:
            evaluator.callers_of.add(name)
        if id(scope) in self._callers:
            return self._callers[id(scope)]
        home = scope.owner.parent if scope.owner is not None else scope.parent
        short = module.name.rpartition(".")[2]
        if home is module.scope and not name.startswith("_"):
            # A public module-level function or class can be imported and used anywhere in the
            # run; a private or nested one only in its module. A file is a candidate if it
            # names what must be imported to make the call: the class, or the module.
            self.load_callers(name, scope.owner.name if scope.owner is not None else short)
        found = []
        for other in [m for m in self._modules.values() if m is not None]:
            for record in other.calls_by_name.get(name, ()):
                if record.scope is scope:
                    continue  # a recursive call says nothing new
                func = record.node.func
                imported = other is module or bool({name, short, scope.owner.name if scope.owner else name} & _imported_names(record.scope))
                if isinstance(func, cst.Name) and (method or not imported):
                    continue  # a method is not called by a bare name; a function elsewhere only if imported
                if isinstance(func, cst.Attribute) and (not imported or (not method and not isinstance(func.value, cst.Name))):
                    continue  # obj.method(…) where the class is known; module.function(…)
                found.append((other, record))
        self._callers[id(scope)] = found
        return found

    def passed(self, scope: Scope, module: Module, caller: tuple, evaluator: "Evaluator", depth: int, only: str | None = None) -> dict[str, object]:
        """What one call of the function ``scope`` binds each parameter (or just ``only``) to,
        defaults included."""
        from .evaluate import Frame

        other, record = caller
        fn: cst.FunctionDef = scope.node  # type: ignore[assignment]
        positional = [p.name.value for p in (*fn.params.posonly_params, *fn.params.params)]
        if scope.owner is not None and positional and positional[0] in ("self", "cls"):
            positional = positional[1:]
        frame = Frame(other, record.scope, record.pos, depth=depth + 1)
        bound: dict[str, object] = {}
        for name, param in scope.params.items():
            if only is not None and name != only:
                continue
            if param.star == "**":  # a wrapper's **kwargs: the keywords the call passes on
                bound[name] = _extra_keywords(record.node, scope, frame, evaluator)
                continue
            if name in ("self", "cls") or param.star:
                continue
            node = _argument(record.node, positional, name)
            if node is not None:
                value = evaluator.value(node, frame)
                if isinstance(value, Hole) and value.kind is HoleKind.UNKNOWN:
                    # Computed by the caller at run time (a request payload, a lookup): for the
                    # function, a value that comes with each call.
                    value = Hole(HoleKind.PER_REQUEST, f"parameter '{name}'", value.origin, value.sample)
                bound[name] = value
            elif param.default is not None:
                bound[name] = evaluator.value(param.default, Frame(module, scope.parent or module.scope, module.pos(fn), depth=depth + 1))
        return bound

    def arguments(self, scope: Scope, module: Module, name: str, evaluator: "Evaluator", depth: int) -> list[object]:
        """What each call of the function ``scope`` in the checked code passes as ``name``."""
        from .evaluate import MAX_DEPTH

        if depth >= 3 * MAX_DEPTH:  # depth counts every step of evaluation, not only callers
            return []
        key = (id(scope), name)
        if key in self._arguments:
            return self._arguments[key]
        self._arguments[key] = []  # a cycle of callers sees "nobody passes it" rather than recursing
        values = []
        for caller in self.callers(scope, module, evaluator)[:_MAX_FOLLOWED]:
            bound = self.passed(scope, module, caller, evaluator, depth, only=name)
            if name in bound:
                values.append(bound[name])
        self._arguments[key] = values
        return values


_CALLER_LIMIT = 16  # files parsed to find the callers of one function
# Larger files are not parsed to look for callers: application code that passes a prompt is
# rarely that long, and a library's generated modules are (parsing one costs a second).
_CALLER_BYTES = 64 << 10
_MAX_FOLLOWED = 16  # callers whose arguments are evaluated for one parameter


def _calls_name(data: bytes, name: str) -> bool:
    return re.search(rb"(?<![\w.])" + re.escape(name.encode()) + rb"\s*\(|\." + re.escape(name.encode()) + rb"\s*\(", data) is not None


def _imported_names(scope: Scope) -> set[str]:
    names: set[str] = set()
    current: Scope | None = scope
    while current is not None:
        names.update(current.imports)
        current = current.parent
    return names


def _extra_keywords(call: cst.Call, scope: Scope, frame, evaluator: "Evaluator") -> SDict:
    """The keyword arguments of ``call`` that name no parameter of ``scope`` (and the dicts it
    spreads with ``**``): what the function's ``**kwargs`` holds."""
    out = SDict(frame.module.span(call))
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value not in scope.params:
            out.put(arg.keyword.value, evaluator.value(arg.value, frame), frame.module.span(arg))
        elif arg.star == "**":
            spread = evaluator.value(arg.value, frame)
            if isinstance(spread, dict):
                for key, value in spread.items():
                    out.put(key, value, getattr(spread, "spans", {}).get(key))
            else:
                out.complete = False
    return out


def _argument(call: cst.Call, positional: list[str], name: str) -> cst.BaseExpression | None:
    index = 0
    for arg in call.args:
        if arg.star:
            return None if arg.star == "**" else None
        if arg.keyword is not None:
            if arg.keyword.value == name:
                return arg.value
            continue
        if index < len(positional) and positional[index] == name:
            return arg.value
        index += 1
    return None


def _package_root(path: Path) -> Path:
    """The folder above the outermost package holding ``path``."""
    folder = path.parent
    while (folder / "__init__.py").is_file() and folder.parent != folder:
        folder = folder.parent
    return folder


def module_name(path: Path) -> str:
    parts = [path.stem] if path.stem != "__init__" else []
    folder = path.parent
    while (folder / "__init__.py").is_file() and folder.parent != folder:
        parts.append(folder.name)
        folder = folder.parent
    return ".".join(reversed(parts))


def _shown(path: Path) -> str:
    try:
        return path.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()
