"""The conversation a JSONL record names: what ``sets.conversations`` links turns by."""

from __future__ import annotations

from typing import Any, Mapping

# Keys that name a conversation, most specific first: on a log record, then in a request's
# metadata (Anthropic `metadata.user_id`, OpenAI `metadata`), then OpenAI's `user`.
_RECORD_KEYS = ("conversation_id", "session_id", "thread_id", "conversation", "session")
_METADATA_KEYS = ("conversation_id", "session_id", "thread_id", "user_id")
_BODY_KEYS = ("user",)


def session_id(record: Mapping[str, Any]) -> str | None:
    """The conversation a JSONL record (log record, batch entry or bare body) names, if any."""
    body = record.get("request", record.get("params", record))
    for key in _RECORD_KEYS:
        value = record.get(key)
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            return f"{key}={value}"
    if not isinstance(body, Mapping):
        return None
    metadata = body.get("metadata")
    if isinstance(metadata, Mapping):
        for key in _METADATA_KEYS:
            value = metadata.get(key)
            if isinstance(value, (str, int)) and not isinstance(value, bool):
                return f"metadata.{key}={value}"
    for key in _BODY_KEYS:
        value = body.get(key)
        if isinstance(value, str):
            return f"{key}={value}"
    return None
