"""Provider request shapes (jsonschema), for PL002.

A log or batch holds thousands of requests that repeat the same tools, system blocks
and conversation history, so a body is validated in parts: each element of a
top-level array whose items are a named definition (messages, tools, system blocks)
on its own, and the rest of the body with those arrays emptied. Each part's result is
remembered under a key that elides free text — the schemas ask of free-text fields
only that they be strings, so two parts that differ only there are equally valid.
"""

from __future__ import annotations

import json
import marshal
from functools import lru_cache
from importlib import resources
from typing import Any, Iterator


_SCHEMAS = {
    "anthropic": "anthropic_messages.json",
    "openai-chat": "openai_chat.json",
    "openai-responses": "openai_responses.json",
    "bedrock-converse": "bedrock_converse.json",
}
# Enough to show what is wrong; a body that breaks more is not a request of this shape.
MAX_PROBLEMS = 5
_FREE_TEXT = frozenset(
    ("text", "thinking", "signature", "data", "description", "instructions", "refusal", "content", "system", "input", "arguments", "output")
)
_TEMPLATES = frozenset(("tools",))
_CACHE_SIZE = 8192
_results: dict[tuple[str, str, str], list[tuple[tuple, str]]] = {}

Problem = tuple[tuple, str]  # (path inside the body, message)


class _Shape:
    def __init__(self, provider: str) -> None:
        from jsonschema import Draft202012Validator  # imported with the first request to validate

        text = resources.files(__package__).joinpath("schemas", _SCHEMAS[provider]).read_text(encoding="utf-8")
        schema = json.loads(text)
        self.provider = provider
        self.whole = Draft202012Validator(schema)
        # Top-level arrays whose items are a named definition: validated element by element.
        self.parts: dict[str, Any] = {}
        for name, prop in schema.get("properties", {}).items():
            ref = prop.get("items", {}).get("$ref") if isinstance(prop, dict) else None
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                self.parts[name] = Draft202012Validator(_sub(schema, ref))

    def problems(self, body: Any) -> list[Problem]:
        if not isinstance(body, dict):
            return self._cached("", body, self.whole)
        frame = {k: ([] if k in self.parts and isinstance(v, list) else v) for k, v in body.items()}
        found = list(self._cached("", frame, self.whole))
        for name, validator in self.parts.items():
            items = body.get(name)
            if isinstance(items, list):
                for index, item in enumerate(items):
                    found += [((name, index) + path, message) for path, message in self._cached(name, item, validator)]
        found.sort(key=lambda p: (len(p[0]), list(map(str, p[0]))))
        return found[:MAX_PROBLEMS]

    def _cached(self, part: str, instance: Any, validator: Any) -> list[Problem]:
        # Tool definitions are templates, the same on every request: keyed as written.
        keyed = instance if part in _TEMPLATES else _skeleton(instance)
        try:  # marshal's bytes: an exact key (types and key order kept), cheaper than JSON
            key = (self.provider, part, marshal.dumps(keyed, 2))
        except ValueError:  # a value marshal cannot write
            key = (self.provider, part, json.dumps(keyed, ensure_ascii=False, default=repr).encode())
        found = _results.get(key)
        if found is None:
            if len(_results) >= _CACHE_SIZE:
                _results.clear()
            found = _results[key] = list(_validate(validator, instance))
        return found


def _skeleton(value: Any) -> Any:
    """``value`` with free-text strings emptied: the part of it that decides validity."""
    if isinstance(value, dict):
        return {k: "" if k in _FREE_TEXT and isinstance(v, str) else _skeleton(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_skeleton(v) for v in value]
    return value


def _sub(schema: dict, ref: str) -> dict:
    """The root schema made to validate one definition, so its own $refs still resolve."""
    return {k: v for k, v in schema.items() if k in ("$schema", "$id", "$defs")} | {"$ref": ref}


def _validate(validator: Any, instance: Any) -> Iterator[Problem]:
    if validator.is_valid(instance):
        return
    for error in validator.iter_errors(instance):
        yield tuple(error.absolute_path), _message(error)


@lru_cache(maxsize=None)
def _shape(provider: str) -> _Shape:
    return _Shape(provider)


def problems(provider: str, body: Any) -> list[Problem]:
    """(path inside the body, message) for each way ``body`` departs from the shape."""
    return [(path, f"{_where(path) or 'request'}: {message}") for path, message in _shape(provider).problems(body)]


def _where(path: tuple) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")


def _message(error: Any) -> str:
    if error.validator == "required":
        return error.message.replace(" is a required property", " is required")
    if error.validator == "type":
        return f"expected {_kinds(error.validator_value)}, got {_json_type(error.instance)}"
    if error.validator == "enum":
        return f"{error.instance!r} is not one of {', '.join(map(repr, error.validator_value))}"
    return error.message


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    return {bool: "a boolean", str: "a string", list: "an array", dict: "an object", int: "a number", float: "a number"}.get(type(value), type(value).__name__)


def _kinds(value: Any) -> str:
    names = value if isinstance(value, list) else [value]
    words = {"object": "an object", "array": "an array", "string": "a string", "integer": "an integer", "number": "a number", "boolean": "a boolean", "null": "null"}
    return " or ".join(words.get(n, n) for n in names)
