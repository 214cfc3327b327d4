"""Recognizers: one per SDK or framework, each turning its calls into request bodies.

A recognizer has two parts. The light one, here, decides cheaply whether a file is
worth parsing: a byte pattern every file using the API contains, and a test on
Python's own ``ast`` of each call (so a docstring that shows an example call does
not count). The heavy one, a module beside this file that libcst is imported for,
evaluates a recognised call into one or more ``Found`` bodies in the shape of a
provider's API; the shared lowerings turn those into requests.

To support a new framework: add its module (``recognise(call) -> list[Found] | None``)
and one ``Prefilter`` entry below.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import Callable, Iterable, Protocol


class Marker(Protocol):
    """A compiled pattern, or an object that searches in two cheaper steps."""

    def search(self, data: bytes) -> object: ...


@dataclass(frozen=True)
class Prefilter:
    module: str  # the heavy module, in this package
    marker: Marker  # bytes every file that uses the API contains
    quick: Callable[[ast.Call], bool]  # whether an ast call may be one of its requests
    # Whether an assigned value may be one of its request methods, to be called under
    # another name (``create = client.messages.create``).
    taken: Callable[[ast.expr], bool] | None = None


def _sdk_call(call: ast.Call) -> bool:
    # Called, or handed to a function that calls it (asyncio.to_thread, executor.submit, a retry).
    return _sdk_method(call.func) or (bool(call.args) and bool(call.keywords) and _sdk_method_taken(call.args[0]))


def _sdk_method(func: ast.expr) -> bool:
    if not (isinstance(func, ast.Attribute) and func.attr in ("create", "stream", "parse")):
        return False
    value = func.value
    while isinstance(value, ast.Attribute) and value.attr in ("with_raw_response", "with_streaming_response"):
        value = value.value
    return isinstance(value, ast.Attribute) and value.attr in ("messages", "completions", "responses", "batches")


def _sdk_method_taken(value: ast.expr) -> bool:
    """``client.messages.create`` itself, ``functools.partial(client.messages.create, …)``, or
    either in a conditional expression."""
    if isinstance(value, ast.IfExp):
        return _sdk_method_taken(value.body) or _sdk_method_taken(value.orelse)
    if isinstance(value, ast.Call) and value.args and (getattr(value.func, "id", None) or getattr(value.func, "attr", None)) == "partial":
        value = value.args[0]
    return _sdk_method(value)


def _litellm_call(call: ast.Call) -> bool:
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
    if name in ("completion", "acompletion"):
        return bool(call.args or call.keywords)
    keywords = {k.arg for k in call.keywords}
    return "model" in keywords and "messages" in keywords  # imported under another name


def _converse_call(call: ast.Call) -> bool:
    func = call.func
    return isinstance(func, ast.Attribute) and func.attr in ("converse", "converse_stream", "invoke_model", "invoke_model_with_response_stream") and any(
        k.arg in (None, "modelId") for k in call.keywords
    )


_AGENT_RUNS = frozenset({"run", "run_sync", "run_stream", "run_stream_sync", "run_stream_events", "iter"})
_NOT_AGENTS = frozenset({"asyncio", "subprocess", "trio", "anyio", "uvicorn", "os", "sys", "loop", "unittest", "pytest"})


def _agent_run(call: ast.Call) -> bool:
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr in _AGENT_RUNS):
        return False
    if isinstance(func.value, ast.Name) and func.value.id in _NOT_AGENTS:
        return False
    return bool(call.args) or any(k.arg in ("user_prompt", "message_history", "deps") for k in call.keywords)


class _AgentMarker:
    """A file that imports pydantic-ai, or runs an agent made in another module on a name with
    "agent" in it (``support_agent.run_sync(q)``, ``self.agent.iter(q)``). Both searches start
    with a literal, which keeps them fast on a large tree."""

    _run = re.compile(rb"gent\w*(?:\(\s*\))?\s*\.\s*(?:run|iter)\w*\s*\(")

    def search(self, data: bytes) -> bool:
        return b"pydantic_ai" in data or self._run.search(data) is not None


def _genai_call(call: ast.Call) -> bool:
    func = call.func
    if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Attribute)):
        return False
    if func.attr in ("generate_content", "generate_content_stream"):
        return func.value.attr == "models"
    return func.attr == "create" and func.value.attr == "caches"


_LANGCHAIN_RUNS = frozenset({"invoke", "ainvoke", "stream", "astream", "batch", "abatch"})


def _langchain_run(call: ast.Call) -> bool:
    func = call.func
    return isinstance(func, ast.Attribute) and func.attr in _LANGCHAIN_RUNS and bool(call.args or call.keywords)


class _LangchainMarker:
    """A file that imports LangChain, or runs something named like a model or chain (a chain
    made in another module: ``qa_chain.invoke(…)``, ``self.llm.stream(…)``). Two steps, as one
    regular expression that starts with the name costs 25 times as much on a large tree."""

    _run = re.compile(rb"\.\s*a?(?:invoke|stream|batch)\s*\(")
    _name = re.compile(rb"(?:chain|llm|model|chat|runnable|Chain|LLM|Llm|Model|Chat|Runnable)\w*(?:\(\s*\))?\s*\Z")

    def search(self, data: bytes) -> bool:
        if b"langchain" in data:
            return True
        return any(self._name.search(data, max(0, m.start() - 80), m.start()) for m in self._run.finditer(data))


class _SdkMarker:
    """``messages.create(`` and its relatives. The resource names are looked for as plain
    bytes first: a regular expression that starts with an alternation tries every position
    of every file, ten times the cost on a large tree."""

    # Called, or taken as a value to call under another name (then no parenthesis follows).
    _call = re.compile(rb"(?:messages|completions|responses|batches)\s*\.\s*(?:with_(?:raw|streaming)_response\s*\.\s*)?(?:create|stream|parse)\b")

    def search(self, data: bytes) -> bool:
        if not any(word in data for word in (b"messages", b"completions", b"responses", b"batches")):
            return False
        return self._call.search(data) is not None


PREFILTERS: tuple[Prefilter, ...] = (
    Prefilter("sdk", _SdkMarker(), _sdk_call, _sdk_method_taken),
    # completion(, acompletion(, router.completion(, and "import completion as …" (one literal: fast).
    Prefilter("litellm", re.compile(rb"completion(?:\s*\(| as )"), _litellm_call),
    Prefilter("boto3_bedrock", re.compile(rb"converse|invoke_model"), _converse_call),
    Prefilter("pydantic_ai", _AgentMarker(), _agent_run),  # type: ignore[arg-type]
    # A Gen AI file names genai (the import, types.CreateCachedContentConfig) or generate_content.
    Prefilter("google_genai", re.compile(rb"ge(?:nerate_content|nai\b)"), _genai_call),
    Prefilter("langchain", _LangchainMarker(), _langchain_run),  # type: ignore[arg-type]
)


def configured(functions: Iterable[str]) -> Prefilter | None:
    """The prefilter of the request functions a project names in config (by their last name)."""
    names = sorted({f.split(":")[0].rpartition(".")[2] for f in functions})
    if not names:
        return None
    wanted = frozenset(names)

    def quick(call: ast.Call) -> bool:
        func = call.func
        return (isinstance(func, ast.Name) and func.id in wanted) or (isinstance(func, ast.Attribute) and func.attr in wanted)

    marker = re.compile(rb"\b(?:" + b"|".join(re.escape(n.encode()) for n in names) + rb")\s*\(")
    return Prefilter("configured", marker, quick)


def worth_parsing(data: bytes, extra: Prefilter | None = None) -> bool:
    """Whether the file calls, in code, something a recognizer may turn into a request."""
    candidates = [p for p in (*PREFILTERS, *((extra,) if extra else ())) if p.marker.search(data)]
    if not candidates:
        return False
    try:
        tree = ast.parse(data)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return True  # libcst says why
    taking = [p.taken for p in candidates if p.taken is not None]
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and any(p.quick(node) for p in candidates):
            return True
        if taking and isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None and any(t(node.value) for t in taking):
            return True
    return False


@dataclass
class Found:
    """One request a recognised call sends, as a body in a provider's request shape.

    ``kind`` names the lowering (``anthropic``, ``openai-chat``, ``openai-responses``,
    ``bedrock-converse``); ``platform`` overrides the one the shape implies (a Bedrock
    or Vertex client); ``batch`` groups the bodies of one call into a request set.
    ``origins`` maps a body key to where its value is written, when that is not where
    the argument is (a model id in a module constant). ``open_ended``: a batch whose
    bodies stand for a run-time number of them (built in a loop over values not shown).
    """

    kind: str
    body: dict
    platform: str | None = None
    batch: bool = False
    origins: dict = field(default_factory=dict)
    open_ended: bool = False
