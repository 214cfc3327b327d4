"""One Python file that makes LLM calls, analysed into requests.

Each recognised call's keyword arguments are evaluated statically (``evaluate``), the
body is lowered by the same provider lowerings as rendered JSON, and the code around
the call is summarised for the code-only rules (``facts``).
"""

from __future__ import annotations

import importlib
import itertools
import json
import re
from pathlib import Path
from typing import Iterable

import libcst as cst
import libcst.matchers as cst_matchers

from ...registry import Registry
from ...request import Hole, HoleKind, Request, RequestSet, Span, Text
from .. import ParseError, Parsed
from ..jsonreq.lower import LOWERINGS
from . import facts
from . import recognizers
from .recognizers import Found
from .recognizers.context import CallContext
from .evaluate import Evaluator
from .module import parse
from .project import Project, module_name
from .sources import Source
from .values import SDict, holes_in

_ERROR_AT = re.compile(r"error at (\d+):(\d+):?\s*")
_DEFAULT_PLATFORM = {"anthropic": "anthropic", "openai-chat": "openai", "openai-responses": "openai"}
_MAX_CALLERS = 8  # a function's call sites evaluated once per caller, up to this many


def _same_binding(a: dict, b: dict) -> bool:
    if a.keys() != b.keys():
        return False
    return all(x is y or (not holes_in(x) and not holes_in(y) and type(x) is type(y) and x == y) for x, y in ((a[k], b[k]) for k in a))


class Analyser:
    def __init__(self, root: Path, registry: Registry, max_bytes: int, volatile: Iterable[str] = (), unordered: Iterable[str] = (), functions: Iterable[str] = ()) -> None:
        self.registry = registry
        self.project = Project(root, max_bytes)
        self.extra = {name: Source(HoleKind.VOLATILE, None) for name in volatile}
        self.extra_unordered = frozenset(unordered)
        self._via_records: dict = {}
        self.recognizers: list = [importlib.import_module(f"{recognizers.__name__}.{p.module}") for p in recognizers.PREFILTERS]
        functions = list(functions)
        if functions:
            from .recognizers.configured import Configured

            self.recognizers.append(Configured(functions))

    def analyse(self, path: Path, shown: str, text: str, parsed: Parsed) -> None:
        try:
            module = parse(path, shown, module_name(path.resolve()), text)
        except cst.ParserSyntaxError as exc:
            message = " ".join(str(exc.message).split())
            # The native parser names the place in its message ("error at 17:65", column from 0);
            # its line and column attributes can point one line further down.
            at = _ERROR_AT.search(message)
            line, column = (int(at.group(1)), int(at.group(2)) + 1) if at else (exc.editor_line, exc.editor_column)
            message = _ERROR_AT.sub("", message).removeprefix("parser error: ").strip()
            parsed.errors.append(ParseError(f"invalid Python: {message}", Span(shown, line, column)))
            return
        except RecursionError:
            parsed.errors.append(ParseError("Python nested too deeply to parse", Span(shown, 1, 1)))
            return
        self.project.add(module)
        self.project.reset_context_budget()
        evaluator = Evaluator(self.project, self.extra, self.extra_unordered)
        for record in [r for scope in module.scopes.values() for r in scope.calls]:
            try:
                self._call(record, module, evaluator, parsed)
            except RecursionError:
                parsed.errors.append(ParseError("a call too deeply nested to evaluate", module.span(record.node)))
        parsed.depends = sorted(p for p in evaluator.read if p.resolve() != path.resolve())
        parsed.callers_of = sorted(evaluator.callers_of)

    def _contexts(self, scope, module, evaluator: Evaluator) -> list[tuple[dict, Span]]:
        """One binding of a function's parameters per distinct caller in the run (a request
        built from a parameter is the request each caller makes); none known: holes."""
        if scope.kind != "function" or not [p for p in scope.params if p not in ("self", "cls")]:
            return []
        contexts: list[tuple[dict, Span]] = []
        for caller in self.project.callers(scope, module, evaluator)[:_MAX_CALLERS]:
            bound = self.project.passed(scope, module, caller, evaluator, 0)
            evaluator.read.add(caller[0].path)  # the result depends on what its callers pass
            if bound and not any(_same_binding(bound, seen) for seen, _ in contexts):
                where = caller[0].span(caller[1].node)
                via = Span(where.path, where.line, where.column)
                self._via_records[via] = caller
                contexts.append((bound, via))
        return contexts

    def _call(self, record, module, evaluator: Evaluator, parsed: Parsed) -> None:
        """The requests one call makes: once per caller of its function when they differ."""
        for recognizer in self.recognizers:
            found = recognizer.requests(CallContext(record, module, evaluator))
            if found is None:
                continue
            self._via_records = {}
            contexts = self._contexts(record.scope, module, evaluator)
            owner = record.scope.owner
            init = owner.children.get("__init__") if owner is not None else None
            instances = self._contexts(init, module, evaluator) if init is not None else []
            if not contexts and not instances:
                self._emit(found, CallContext(record, module, evaluator), parsed)
                return
            made = []
            for (params, via), (instance, built) in list(itertools.product(contexts or [({}, None)], instances or [({}, None)]))[:_MAX_CALLERS]:
                requests = recognizer.requests(CallContext(record, module, evaluator, params, instance)) or []
                made.append((requests, self._emit(requests, CallContext(record, module, evaluator), parsed, via or built)))
            _callers_disagree(made)
            return

    def _emit(self, found: list[Found], call: CallContext, parsed: Parsed, via: Span | None = None) -> list[Request]:
        """Each found body as a request of ``parsed``; returns them, in order."""
        made = []
        span = call.module.span(call.node)
        span = Span(span.path, span.line, span.column)
        members = RequestSet(kind="batch", path=call.module.shown, requests=[])
        for item in found:
            request = self._request(item, span, call)
            made.append(request)
            request.call.via = via  # type: ignore[union-attr]
            if via is not None and via in self._via_records and not call.record.loops:
                # Made once per call of its function, for this caller: as often as the caller runs.
                # When the function writes the cached part itself (a breakpoint in its own code),
                # every caller sends that prefix: once in all only if no other call exists, and
                # never for a method, an object's to call any number of times (rules/PC401).
                caller_module, caller_record = self._via_records[via]
                scope = call.record.scope
                once = facts.runs_once(caller_record, caller_module)
                if once and _own_prefix(request, call):
                    once = scope.owner is None and len(self.project.callers(scope, call.module)) == 1
                request.call.runs_once = once  # type: ignore[union-attr]
                # A loop around the caller's call sends the request again and again, with
                # whatever the caller passes from outside the loop fixed (rules/PC202).
                # An argument that calls something (browser.snapshot()) is made anew on every pass.
                owner = caller_record.scope.node
                if isinstance(owner, cst.FunctionDef) and not any(cst_matchers.findall(a.value, cst_matchers.Call()) for a in caller_record.node.args):
                    request.call.loop = facts.repeating_loop(caller_record, caller_module)  # type: ignore[union-attr]
                    request.call.loop_owner = caller_module.span(owner)  # type: ignore[union-attr]
            _note_caching(parsed, request)
            if item.batch:
                request.in_batch = True
                members.open_ended = members.open_ended or item.open_ended
                members.requests.append(request)
                members.timestamps.append(None)
                members.usage.append(None)
            else:
                parsed.requests.append(request)
        if members.requests:
            parsed.requests.extend(members.requests)
            parsed.sets.append(members)
        return made

    def _request(self, found: Found, span: Span, call: CallContext) -> Request:
        body = found.body
        default = _DEFAULT_PLATFORM.get(found.kind)
        hint = found.platform if found.platform and found.platform != default else None
        request = LOWERINGS[found.kind](body, CodePlace(body, span), self.registry, hint)
        request.origin = "python"
        request.span = span
        model = body.get("model") if found.kind != "bedrock-converse" else body.get("modelId")
        if isinstance(model, Hole) and model.sample and self.registry.resolve(model.sample).model:
            request.model = model.sample  # chosen between known ids: size by one (PC104 says it varies)
            request.model_chosen = True
        key = "modelId" if found.kind == "bedrock-converse" else "model"
        if isinstance(body, SDict) and key in body:
            request.model_span = found.origins.get(key) or body.spans.get(key, span)
        _attach_unordered(request, body)
        for block in request.blocks:
            if block.raw is not None:
                block.raw = _plain(block.raw) if not holes_in(block.raw) else None
        request.call = facts.call_site(call.record, call.module, body, span, self.project.modules())
        return request


def _callers_disagree(made: list[tuple[list[Found], list[Request]]]) -> None:
    """A cache-level parameter the function's callers pass different fixed values for: its
    requests, one per caller, do not read each other's entries (PC104, chosen per call)."""
    by_prefix: dict[tuple, list] = {}
    for n, (found, requests) in enumerate(made):
        if found and requests:
            by_prefix.setdefault(_cached_part(requests[0], n), []).append((found[0].body, requests))
    for bodies in by_prefix.values():  # callers that send different prompts share no cache to lose
        if len(bodies) >= 2:
            _disagree(bodies)


def _disagree(bodies: list) -> None:
    for name in facts.VARYING:
        values = {}
        for body, _ in bodies:
            value = body.get(name, _ABSENT)
            if value is _ABSENT or holes_in(value):
                continue
            values.setdefault(json.dumps(_plain(value), sort_keys=True, default=str), value)
        if len(values) < 2:
            continue
        shown = " and ".join(repr(v) if isinstance(v, str) else _short(text) for text, v in list(values.items())[:2])
        for body, requests in bodies:
            where = body.spans.get(name) if isinstance(body, SDict) else None
            for request in requests:
                if where is not None and request.call is not None:
                    request.call.varying.setdefault(name, (where, f"its callers pass {shown}"))


_ABSENT = object()


def _cached_part(request: Request, n: int) -> tuple:
    """The identity of what the request caches (through its first breakpoint, or its tools and
    system): equal for two callers only if they send the same prefix. A value not known makes
    it unequal (``n`` numbers the caller)."""
    from ...sets.simulate import block_digest  # the simulator's identity of a block

    marked = [i for i, b in enumerate(request.blocks) if b.breakpoint is not None]
    end = marked[0] if marked else sum(1 for b in request.blocks if b.section.value != "messages") - 1
    return tuple(block_digest(b, n) for b in request.blocks[: end + 1])


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


def _note_caching(parsed: Parsed, request: Request) -> None:
    sites = parsed.facts.caching_sites  # type: ignore[attr-defined]
    spans = [b.span for b in request.breakpoints]
    if request.automatic_cache is not None:
        spans.append(request.automatic_cache.span)
    if "prompt_cache_key" in request.param_spans:
        spans.append(request.param_spans["prompt_cache_key"])
    sites.extend(spans)


class CodePlace:
    """Spans for paths inside a request body evaluated from code (the lowerings' ``Place``)."""

    def __init__(self, body: object, root: Span, base: tuple = ()) -> None:
        self.body = body
        self.root = root
        self.base = base

    def span(self, *rel: object) -> Span:
        full = self.base + rel
        value, span = self.body, self.root
        for key in full:
            spans = getattr(value, "spans", None)
            try:
                if isinstance(spans, dict) and key in spans:
                    span = spans[key]
                elif isinstance(spans, list) and isinstance(key, int) and 0 <= key < len(spans) and spans[key] is not None:
                    span = spans[key]
                value = value[key]  # type: ignore[index]
            except (KeyError, IndexError, TypeError):
                break
            inner = getattr(value, "span", None)
            if isinstance(inner, Span) and not isinstance(value, (str,)) and span is self.root:
                span = inner
        return Span(span.path, span.line, span.column, span.end_line, span.end_column, json_path=full)

    def within(self, *rel: object) -> "CodePlace":
        return CodePlace(self.body, self.root, self.base + rel)


def _attach_unordered(request: Request, body: dict) -> None:
    """A list whose order varies puts its hole into the first block made from it."""
    for path, hole in _unordered_lists(body, ()):
        for block in request.blocks:
            where = block.span.json_path or ()
            if where[: len(path)] == path:
                block.text = Text(block.text.pieces + (hole,))
                break


def _unordered_lists(value: object, path: tuple):
    if isinstance(value, list):
        hole = getattr(value, "unordered", None)
        if hole is not None:
            yield path, hole
        for i, item in enumerate(value):
            yield from _unordered_lists(item, path + (i,))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _unordered_lists(item, path + (key,))


def _plain(value: object) -> object:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _own_prefix(request: Request, call: CallContext) -> bool:
    """Whether a breakpoint of the request is written inside the function that makes the call
    (not passed in by its caller, as a thin wrapper's callers pass theirs)."""
    where = call.module.positions.get(call.record.scope.node)
    if where is None:
        return False
    path = call.module.shown
    for block in request.blocks:
        span = block.breakpoint.span if block.breakpoint is not None else None
        if span is not None and span.path == path and where.start.line <= span.line <= where.end.line:
            return True
    return False
