"""promptlint as a library: lint a request body in memory, or files as ``promptlint check`` does.

The functions here run the same front-end (the JSON one) and the same rules as the
command line; they only build the settings and hand the engine text instead of files::

    from promptlint import check_request

    for d in check_request(body, as_of=datetime.date(2026, 11, 22)):
        print(d.code, d.severity.value, d.message)

An in-memory request has no file: its diagnostics carry the path ``"<request>"``
(``"<requests>"`` for a set, whose line numbers count the requests from 1), and the
JSON pointer of the offending element in ``span.pointer``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

from . import checks
from .config import ConfigError, Settings, check_selectors, find_config, load
from .diagnostic import Diagnostic
from .engine import Engine, FileFailure, PathError
from .frontends import Parsed, jsonreq

__all__ = [
    "REQUEST_PATH",
    "REQUESTS_PATH",
    "CheckFailed",
    "check_paths",
    "check_request",
    "check_requests",
]

# The span path of a request that comes from memory rather than a file.
REQUEST_PATH = "<request>"
# The span path of a set of in-memory requests; a diagnostic's line is the request's 1-based number.
REQUESTS_PATH = "<requests>"


class CheckFailed(RuntimeError):
    """Some files could not be checked because of an internal error (the CLI exits 2 then).

    ``failures`` names each file and the error; ``diagnostics`` holds what the other files gave.
    """

    def __init__(self, failures: list[FileFailure], diagnostics: list[Diagnostic]) -> None:
        self.failures = failures
        self.diagnostics = diagnostics
        listed = "; ".join(f"{f.path}: {f.message}" for f in failures)
        super().__init__(f"{len(failures)} file{'s' if len(failures) != 1 else ''} could not be checked: {listed}")


def check_request(
    request: Mapping[str, Any],
    *,
    model: str | None = None,
    as_of: dt.date | None = None,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] = (),
    default_model: str | None = None,
    config: str | os.PathLike[str] | None = None,
) -> list[Diagnostic]:
    """Lint one rendered request and return its diagnostics, sorted as the CLI sorts them.

    ``request`` is what a ``*.json`` file or a ``*.jsonl`` line may hold: a request body
    (Anthropic Messages, OpenAI Chat Completions or Responses, Bedrock Converse), an
    Anthropic Batch API entry ``{"custom_id", "params"}``, or a log record
    ``{"timestamp", "request", "response"}``. It must be JSON-serialisable.

    ``model`` replaces the body's model (``modelId`` for Bedrock Converse), for bodies
    whose model travels in the URL (Bedrock ``InvokeModel``, Vertex ``rawPredict``).
    ``as_of`` is the date lifecycle rules judge by (default: today). ``select`` replaces
    the selection (default: every rule), ``ignore`` removes rules from it; both take
    codes, code prefixes (``"PC3"``) or rule names. ``default_model`` is the model whose
    minimum applies when the request's model is unknown. ``config`` is a
    ``promptlint.toml``, or a ``pyproject.toml`` whose ``[tool.promptlint]`` table applies
    (severities, added models, …); unlike :func:`check_paths` none is looked for when it is not given, and
    ``per-file-ignores`` never apply (there is no file).

    Raises ``ValueError`` when ``request`` is not a request promptlint recognises (so a
    test cannot pass by linting nothing), ``TypeError`` when it is not JSON-serialisable,
    and ``ConfigError`` for an unknown rule selector or a bad config.
    """
    engine = Engine(_settings(config, False, as_of, select, ignore, default_model))
    text = _serialise(_with_model(request, model), indent=2)
    parsed = jsonreq.parse_json(REQUEST_PATH, text, engine.context.registry)
    if not parsed.requests:
        raise ValueError(_not_a_request(request))
    return _check_parsed(engine, parsed)


def check_requests(
    requests: Iterable[Mapping[str, Any]],
    *,
    model: str | None = None,
    as_of: dt.date | None = None,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] = (),
    default_model: str | None = None,
    config: str | os.PathLike[str] | None = None,
) -> list[Diagnostic]:
    """Lint requests sent together or in sequence as one request set, as a ``*.jsonl`` file is.

    A finding repeated across the set is reported once, on the first request that has
    it, with the numbers of the others in its note (``data["repeated_on_lines"]``).
    Spans carry the path ``"<requests>"`` and, as line, the request's 1-based number in
    ``requests``. The options are :func:`check_request`'s; ``model`` applies to every
    request. Raises ``ValueError`` when one of ``requests`` is not a request.
    """
    engine = Engine(_settings(config, False, as_of, select, ignore, default_model))
    records = [_with_model(r, model) for r in requests]
    if not records:
        return []
    lines = [_serialise(record).encode("utf-8") for record in records]
    parsed = jsonreq.parse_jsonl(REQUESTS_PATH, lines, engine.context.registry)
    if len(parsed.requests) != len(records):
        read = {r.span.line for r in parsed.requests}
        number = next(n for n in range(1, len(records) + 1) if n not in read)
        raise ValueError(f"request {number}: {_not_a_request(records[number - 1])}")
    return _check_parsed(engine, parsed)


def check_paths(
    paths: Iterable[str | os.PathLike[str]] = (),
    *,
    config: str | os.PathLike[str] | None = None,
    as_of: dt.date | None = None,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] = (),
    default_model: str | None = None,
    cache: bool = True,
) -> list[Diagnostic]:
    """What ``promptlint check PATHS`` reports, as a list of diagnostics.

    Folders are walked and ``*.json`` / ``*.jsonl`` files read, as the command line does;
    no paths means the current folder. Settings come from ``config`` (a
    ``promptlint.toml`` or ``pyproject.toml``), or when it is None from the nearest
    ``.promptlint.toml``, ``promptlint.toml`` or ``pyproject.toml`` with a
    ``[tool.promptlint]`` table at or above the current folder. ``select`` replaces the
    configured selection (as ``--select``), ``ignore`` adds to the configured one (as
    ``--ignore``); ``as_of`` and ``default_model`` are ``--as-of`` and ``--default-model``.
    ``cache=False`` is ``--no-cache``: by default, as on the command line, files found
    clean are remembered under ``.promptlint_cache`` at the project root.

    Raises ``FileNotFoundError`` for a path that does not exist, ``ConfigError`` for a bad
    config or selector, and :class:`CheckFailed` when a file could not be checked because
    of an internal error (the command line's exit 2).
    """
    settings = _settings(config, True, as_of, select, ignore, default_model)
    settings.cache = settings.cache and cache
    engine = Engine(settings)
    given = [Path(p) for p in paths] or [Path(".")]
    try:
        result = engine.check_paths(given)
    except PathError as exc:
        raise FileNotFoundError(str(exc)) from exc
    if result.failures:
        raise CheckFailed(result.failures, result.diagnostics)
    return result.diagnostics


# -- shared -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Rules:
    codes: list[str]
    names: dict[str, str]


def _rules() -> _Rules:
    rules = checks.all_rules()
    return _Rules(list(rules), {code: r.name for code, r in rules.items()})


def _selectors(value: Iterable[str] | None, option: str, rules: _Rules) -> list[str] | None:
    """A list of selectors; a string is read as the command line reads it (comma-separated)."""
    if value is None:
        return None
    items = value.split(",") if isinstance(value, str) else list(value)
    if not all(isinstance(s, str) for s in items):
        raise TypeError(f"{option}: rule selectors must be strings, got {value!r}")
    selectors = [s.strip() for s in items if s.strip()]
    check_selectors(selectors, rules.codes, rules.names, option)
    return selectors


def _settings(
    config: str | os.PathLike[str] | None,
    discover: bool,
    as_of: dt.date | None,
    select: Iterable[str] | None,
    ignore: Iterable[str],
    default_model: str | None,
) -> Settings:
    """Settings as the command line builds them from a config and its options."""
    rules = _rules()
    found: Path | None
    if config is not None:
        found = Path(config)
        if not found.is_file():
            raise ConfigError(f"{config}: no such config file")
    else:
        found = find_config(Path.cwd()) if discover else None
    settings = load(found, rules.codes, rules.names)
    chosen = _selectors(select, "select", rules)
    if chosen is not None:
        settings.select = chosen
    settings.ignore += _selectors(ignore, "ignore", rules) or []
    if as_of is not None:
        if isinstance(as_of, dt.datetime):
            as_of = as_of.date()
        if not isinstance(as_of, dt.date):
            raise TypeError(f"as_of: expected a datetime.date, got {type(as_of).__name__}")
        settings.as_of = as_of
    if default_model:
        settings.default_model = default_model
    return settings


def _check_parsed(engine: Engine, parsed: Parsed) -> list[Diagnostic]:
    """The engine's per-file step on text that never was a file (so no per-file-ignores).

    The text is ``json.dumps`` output, so it always parses: there is no PL001 to report.
    """
    assert not parsed.errors, parsed.errors
    return sorted(engine.check_parsed(parsed), key=Diagnostic.sort_key)


def _serialise(record: Mapping[str, Any], indent: int | None = None) -> str:
    try:
        return json.dumps(dict(record), ensure_ascii=False, indent=indent, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"a request must be JSON-serialisable: {exc}") from exc


def _body_key(record: Mapping[str, Any]) -> tuple[tuple[str, ...], str]:
    """Where the request body sits in ``record`` (as the front-end finds it) and its model's key."""
    body, where, _ = jsonreq._request_of(dict(record))
    converse = "modelId" in body or (body.get("provider") == "bedrock" and "messages" in body and "anthropic_version" not in body)
    return tuple(where), "modelId" if converse else "model"


def _with_model(record: Mapping[str, Any], model: str | None) -> Mapping[str, Any]:
    """``record`` with its body's model set to ``model`` (copies only what changes)."""
    if not isinstance(record, Mapping):
        raise TypeError(f"a request must be a dict, got {type(record).__name__}")
    if model is None:
        return record
    where, key = _body_key(record)

    def replace(node: Mapping[str, Any], rest: tuple[str, ...]) -> dict[str, Any]:
        out = dict(node)
        if rest:
            out[rest[0]] = replace(node[rest[0]], rest[1:])
        else:
            out[key] = model
        return out

    return replace(record, where)


def _not_a_request(record: Any) -> str:
    keys = ", ".join(sorted(map(str, record)))[:200] if isinstance(record, Mapping) else type(record).__name__
    return (
        "not a request promptlint recognises (an Anthropic Messages, OpenAI Chat Completions or "
        "Responses, or Bedrock Converse body; a Batch API entry; or a log record); "
        f"its keys: {keys or 'none'}"
    )

