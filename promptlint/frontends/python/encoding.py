"""How Python reads a source file's bytes: UTF-8, unless a coding declaration (PEP 263) says otherwise."""

from __future__ import annotations

import io
import tokenize


def source_encoding(data: bytes) -> str:
    """The codec Python reads ``data`` with (``utf-8-sig`` after a byte-order mark).

    Raises SyntaxError for a declaration Python refuses (an unknown codec, or one that
    contradicts the byte-order mark).
    """
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return encoding


def decode(data: bytes) -> str:
    """``data`` as Python reads it; raises SyntaxError or UnicodeDecodeError."""
    return data.decode(source_encoding(data))
