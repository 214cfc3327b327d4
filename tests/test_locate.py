"""Positions of keys and elements in JSON text."""

from __future__ import annotations

import json

from hypothesis import given, settings, strategies as st

from promptlint.frontends.jsonreq.locate import LineIndex, locate
from promptlint.request import Span

_DECODER = json.JSONDecoder()

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=30,
)


def _walk(value, path=()):
    yield path, value
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _walk(child, path + (key,))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _walk(child, path + (index,))


@settings(max_examples=200, deadline=None)
@given(json_values, st.sampled_from([None, 0, 2, "\t"]), st.booleans())
def test_every_offset_points_at_its_element(value, indent, ascii_only):
    text = json.dumps(value, indent=indent, ensure_ascii=ascii_only)
    located = locate(text)
    assert located.value == value
    for path, child in _walk(value):
        if path == ():
            continue
        offset = located.offsets[path]
        if isinstance(path[-1], str):  # a key: the offset is its opening quote
            key, end = json.decoder.scanstring(text, offset + 1)
            assert key == path[-1]
        else:
            assert _DECODER.raw_decode(text, offset)[0] == child


def test_line_and_column_are_one_based_and_count_characters():
    text = '{\n  "é": [\n    {"type": "text", "cache_control": {"type": "ephemeral"}}\n  ]\n}'
    located = locate(text)
    assert located.position(("é",)) == (2, 3)
    assert located.position(("é", 0)) == (3, 5)
    assert located.position(("é", 0, "cache_control")) == (3, 22)
    # A path below the located depth falls back to its nearest located parent.
    assert located.position(("é", 0, "cache_control", "type", "nope")) == located.position(("é", 0, "cache_control", "type"))


def test_depth_limit_skips_deep_values_but_keeps_their_parents():
    deep = {"a": {"b": {"c": {"d": 1}}}}
    located = locate(json.dumps(deep), max_depth=2)
    assert ("a", "b") in located.offsets and ("a", "b", "c") not in located.offsets
    assert located.value == deep


def test_line_index():
    index = LineIndex("ab\ncd\n\nef")
    assert [index.position(o) for o in (0, 1, 3, 6, 7)] == [(1, 1), (1, 2), (2, 1), (3, 1), (4, 1)]


def test_pointer_escapes():
    pointer = lambda path: Span("f.json", 1, json_path=path).pointer
    assert pointer(()) == ""
    assert pointer(("messages", 0, "content")) == "/messages/0/content"
    assert pointer(("a/b", "m~n")) == "/a~1b/m~0n"
    assert Span("f.py", 1).pointer is None
