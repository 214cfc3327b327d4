"""Provider request shapes (jsonschema), for PL002."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any, Iterator

from jsonschema import Draft202012Validator

_SCHEMAS = {
    "anthropic": "anthropic_messages.json",
    "openai-chat": "openai_chat.json",
    "openai-responses": "openai_responses.json",
    "bedrock-converse": "bedrock_converse.json",
}
# Enough to show what is wrong; a body that breaks more is not a request of this shape.
MAX_PROBLEMS = 5


@lru_cache(maxsize=None)
def _validator(provider: str) -> Draft202012Validator:
    text = resources.files(__package__).joinpath("schemas", _SCHEMAS[provider]).read_text(encoding="utf-8")
    return Draft202012Validator(json.loads(text))


def problems(provider: str, body: Any) -> Iterator[tuple[tuple, str]]:
    """(path inside the body, message) for each way ``body`` departs from the shape."""
    validator = _validator(provider)
    if validator.is_valid(body):
        return
    errors = sorted(validator.iter_errors(body), key=lambda e: (len(e.absolute_path), list(map(str, e.absolute_path))))
    for error in errors[:MAX_PROBLEMS]:
        path = tuple(error.absolute_path)
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
        yield path, f"{where or 'request'}: {_message(error)}"


def _message(error: Any) -> str:
    if error.validator == "required":
        return error.message.replace(" is a required property", " is required")
    if error.validator == "type":
        return f"expected {_kinds(error.validator_value)}, got {type(error.instance).__name__}"
    if error.validator == "enum":
        return f"{error.instance!r} is not one of {', '.join(map(repr, error.validator_value))}"
    return error.message


def _kinds(value: Any) -> str:
    names = value if isinstance(value, list) else [value]
    return " or ".join({"object": "an object", "array": "an array", "string": "a string", "integer": "an integer"}.get(n, n) for n in names)
