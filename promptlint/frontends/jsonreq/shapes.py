"""Provider request shapes (jsonschema), for PL002.

A log or batch holds thousands of requests that repeat the same tools, system blocks
and conversation history, so a body is validated in parts: each element of a
top-level array whose items are a named definition (messages, tools, system blocks)
on its own, and the rest of the body with those arrays emptied. Each part's result is
remembered under a key that keeps only what the schema can see: a field the schema
asks nothing of but its JSON type (free text, ids, ``metadata``, a tool's
``input_schema``) is keyed by its type alone, so parts that differ only there share one
validation. Which fields those are is read off the schema itself, not listed here.
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
_CACHE_SIZE = 8192
_results: dict[tuple[str, str, str], list[tuple[tuple, str]]] = {}

Problem = tuple[tuple, str]  # (path inside the body, message)


class _Shape:
    def __init__(self, provider: str) -> None:
        from jsonschema import Draft202012Validator  # imported with the first request to validate

        text = resources.files(__package__).joinpath("schemas", _SCHEMAS[provider]).read_text(encoding="utf-8")
        schema = json.loads(text)
        self.provider = provider
        self.skeleton = _Skeleton(*_free_fields(schema))
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
        keyed = self.skeleton(instance)
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


# Keywords that carry no constraint, and those that cannot fail on a string.
_ANNOTATIONS = frozenset(("description", "title", "$comment", "examples", "default", "deprecated", "readOnly", "writeOnly"))
_NOT_FOR_STRINGS = frozenset(
    (
        "items", "prefixItems", "contains", "minContains", "maxContains", "minItems", "maxItems", "uniqueItems",
        "properties", "required", "minProperties", "maxProperties", "dependentRequired",
        "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
    )
)  # fmt: skip
# Keywords that constrain keys no ``properties`` lists: with them, a field's name no longer tells its schema.
_UNLISTED_KEYS = ("additionalProperties", "patternProperties", "unevaluatedProperties", "propertyNames", "dependentSchemas")
_BLANK = {str: "", dict: {}, list: []}


def _free_fields(schema: Any) -> tuple[frozenset[str], frozenset[str]]:
    """(fields whose value the schema checks only for its JSON type, fields whose string value it does not check beyond that).

    A field counts only if every ``properties`` entry of that name, anywhere in the schema,
    says so; a schema that constrains unlisted keys gives no field at all.
    """
    seen: dict[str, list[set[str]]] = {}
    unlisted = False

    def walk(node: Any) -> None:
        nonlocal unlisted
        if isinstance(node, list):
            for item in node:
                walk(item)
        if not isinstance(node, dict):
            return
        if any(node.get(k) not in (None, True, {}) for k in _UNLISTED_KEYS):
            unlisted = True
        properties = node.get("properties")
        if isinstance(properties, dict):
            for name, sub in properties.items():
                seen.setdefault(name, []).append(set(sub) - _ANNOTATIONS if isinstance(sub, dict) else {"?"} if sub is False else set())
        for value in node.values():
            walk(value)

    walk(schema)
    if unlisted:
        return frozenset(), frozenset()
    typed_only = frozenset(name for name, uses in seen.items() if all(keys <= {"type"} for keys in uses))
    free_strings = frozenset(name for name, uses in seen.items() if all(keys - {"type"} <= _NOT_FOR_STRINGS for keys in uses))
    return typed_only, free_strings


class _Skeleton:
    """A value reduced to what its schema can see: the key its validity is remembered under."""

    def __init__(self, typed_only: frozenset[str], free_strings: frozenset[str]) -> None:
        self.typed_only, self.free_strings = typed_only, free_strings

    def __call__(self, value: Any) -> Any:
        kind = type(value)
        if kind is dict:
            out = {}
            for key, item in value.items():
                item_kind = type(item)
                if key in self.typed_only:
                    out[key] = _BLANK.get(item_kind, item)
                elif item_kind is str:
                    out[key] = "" if key in self.free_strings else item
                elif item_kind is dict or item_kind is list:
                    out[key] = self(item)
                else:
                    out[key] = item
            return out
        if kind is list:
            return [self(item) if type(item) in (dict, list) else item for item in value]
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
