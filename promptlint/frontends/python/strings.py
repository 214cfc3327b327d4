"""Strings as the code builds them: f-strings, ``%``, ``.format``, ``join`` and the pure str methods.

``TextBuilding`` is the part of the ``Evaluator`` that turns values into the text
``str()`` makes of them and joins texts: known pieces stay literal, and a value that is
not known becomes a hole in the text (a date from ``datetime.now()``, a parameter), so
the rules see exactly which part of a prompt varies.
"""

from __future__ import annotations

import re
import string
from typing import TYPE_CHECKING

import libcst as cst

from ...request import Hole, HoleKind, Text
from .values import Modelled, PathValue, SList, USet, holes_in, sample_of, unknown

if TYPE_CHECKING:
    from .evaluate import Frame

MAX_TEXT = 2 << 20  # prompt files read, and strings built, up to this size

_PURE_STR_METHODS = frozenset(
    {"strip", "lstrip", "rstrip", "upper", "lower", "title", "capitalize", "casefold", "replace", "removeprefix", "removesuffix", "splitlines", "split", "zfill", "center", "ljust", "rjust", "expandtabs"}
)


def concat(a: object, b: object) -> object:
    """Two texts joined; literal pieces merge so a Text stays short."""
    if isinstance(a, str) and isinstance(b, str):
        return a + b if len(a) + len(b) < MAX_TEXT else Text((a, b))
    pieces: list = []
    for value in (a, b):
        if isinstance(value, str):
            parts: tuple = (value,) if value else ()
        elif isinstance(value, Text):
            parts = value.pieces
        elif isinstance(value, Hole):
            parts = (value,)
        else:
            parts = (str(value),)
        for part in parts:
            if pieces and isinstance(part, str) and isinstance(pieces[-1], str):
                pieces[-1] += part
            else:
                pieces.append(part)
    return Text(tuple(pieces))


class TextBuilding:
    """The Evaluator's string building (mixed into it: ``self.value`` evaluates an argument)."""

    def _fstring(self, node: cst.FormattedString, f: Frame) -> object:
        out: object = ""
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                out = concat(out, part.value.replace("{{", "{").replace("}}", "}"))
            elif isinstance(part, cst.FormattedStringExpression):
                value = self.value(part.expression, f)
                if part.format_spec and not holes_in(value) and isinstance(value, (int, float, str)):
                    spec = "".join(p.value for p in part.format_spec if isinstance(p, cst.FormattedStringText))
                    try:
                        out = concat(out, format(value, spec))
                        continue
                    except (ValueError, TypeError):
                        pass
                out = concat(out, self.text(value, part.expression, f, conversion=part.conversion))
        return out

    def text(self, value: object, node: cst.CSTNode, f: Frame, conversion: str | None = None) -> object:
        """``value`` as the text ``str()`` (or ``repr()``) would make of it."""
        if isinstance(value, (str, Text, Hole)):
            if conversion == "r" and isinstance(value, str):
                return repr(value)
            return value
        if isinstance(value, (bool, int, float)) or value is None:
            return repr(value) if conversion == "r" else str(value)
        if isinstance(value, USet):
            return Hole(HoleKind.UNORDERED, f"str() of {value.label}", value.origin, sample_of(value.items))
        if isinstance(value, dict):
            origin = f.module.span(node)
            return Hole(HoleKind.UNSORTED_JSON, f"str() of a dict ({f.module.code(node, 40)})", origin, sample_of(value))
        if isinstance(value, list):
            if value.unordered is not None:  # type: ignore[attr-defined]
                return value.unordered  # type: ignore[attr-defined]
            inner = holes_in(value)
            return Text(tuple(inner)) if inner else sample_of(value) or ""
        if isinstance(value, PathValue):
            return str(value.path)
        return unknown(f"str() of {f.module.code(node, 40)}", f.module.span(node))

    def _percent(self, template: str, args: object, node: cst.CSTNode, f: Frame) -> object:
        values = list(args) if isinstance(args, list) else [args]
        out: object = ""
        position = 0
        last = 0
        for match in re.finditer(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?[sdrifgexXo%]", template):
            out = concat(out, template[last : match.start()])
            last = match.end()
            if match.group(0) == "%%":
                out = concat(out, "%")
                continue
            if match.group(1) is not None and isinstance(args, dict):
                value = args.get(match.group(1), unknown(match.group(1), f.module.span(node)))
            elif position < len(values):
                value = values[position]
                position += 1
            else:
                value = unknown("a %-format argument", f.module.span(node))
            out = concat(out, self.text(value, node, f))
        return concat(out, template[last:])

    def _str_method(self, receiver: str, method: str, node: cst.Call, f: Frame) -> object:
        args = node.args
        if method == "join" and args:
            iterable = self.value(args[0].value, f)
            items, hole = self.iterate(iterable, args[0].value, f)
            out: object = ""
            for i, item in enumerate(items):
                if i:
                    out = concat(out, receiver)
                out = concat(out, self.text(item, args[0].value, f))
            if hole is not None:
                sized, bounded = out.sized_text() if isinstance(out, Text) else (out, True)
                return Hole(hole.kind, hole.label, hole.origin, sized if bounded and isinstance(sized, str) else None)
            return out
        if method == "format":
            return self._format(receiver, node, f)
        if method == "format_map" and args:
            return self._format(receiver, node, f, [self.value(args[0].value, f)])
        values = [self.value(a.value, f) for a in args if a.keyword is None and not a.star]
        if method == "replace" and len(values) >= 2 and not all(isinstance(v, str) for v in values[:2]):
            return self.replace_text(receiver, values, node, f)
        if all(isinstance(v, (str, int)) or v is None for v in values) and method in _PURE_STR_METHODS:
            try:
                result = getattr(receiver, method)(*values)
            except (TypeError, ValueError):
                return unknown(f.module.code(node), f.module.span(node))
            if isinstance(result, list):
                return SList(result, f.module.span(node))
            return result
        inner = [h for v in values for h in holes_in(v)]
        return inner[0] if inner else unknown(f.module.code(node), f.module.span(node))

    def replace_text(self, receiver: str | Text, values: list, node: cst.Call, f: Frame) -> object:
        """``receiver.replace(old, new)`` where ``new`` (or the receiver) is not known in full:
        the template's text stays, the replacement goes in at each place (a date filled into
        "{{date}}" is a hole there, not the whole prompt)."""
        old, new = values[0], self.text(values[1], node.args[1].value, f)
        if not isinstance(old, str) or not old:
            inner = [h for v in values for h in holes_in(v)]
            return inner[0] if inner else unknown(f.module.code(node), f.module.span(node))
        count = values[2] if len(values) > 2 and isinstance(values[2], int) else -1
        out: object = ""
        for piece in receiver.pieces if isinstance(receiver, Text) else (receiver,):
            if not isinstance(piece, str):
                out = concat(out, piece)
                continue
            parts = piece.split(old, count)
            count = -1 if count < 0 else max(0, count - (len(parts) - 1))
            for i, part in enumerate(parts):
                out = concat(out, new) if i else out
                out = concat(out, part)
        return out

    def substitute(self, template: str, node: cst.Call, f: Frame, safe: bool) -> object:
        """``string.Template(template).substitute(...)`` (or ``safe_substitute``)."""
        given = {a.keyword.value: self.value(a.value, f) for a in node.args if a.keyword is not None}
        unseen = False  # a mapping whose keys promptlint cannot see may fill any name
        for a in node.args:
            if a.keyword is None:
                mapping = self.value(a.value, f)
                given = {**mapping, **given} if isinstance(mapping, dict) else given
                unseen = unseen or not isinstance(mapping, dict) or not getattr(mapping, "complete", True)
        out: object = ""
        last = 0
        for match in string.Template.pattern.finditer(template):
            out = concat(out, template[last : match.start()])
            last = match.end()
            name = match.group("named") or match.group("braced")
            if match.group("escaped") is not None:
                out = concat(out, "$")
            elif name in given:
                out = concat(out, self.text(given[name], node, f))
            elif safe and not unseen:
                out = concat(out, match.group(0))
            else:
                out = concat(out, unknown(f"'{name}' in a string.Template", f.module.span(node)))
        return concat(out, template[last:])

    def _format(self, template: str, node: cst.Call, f: Frame, mappings: list | None = None) -> object:
        positional = [a for a in node.args if a.keyword is None and not a.star] if mappings is None else []
        keywords = {a.keyword.value: a for a in node.args if a.keyword is not None}
        mappings = (mappings or []) + [self.value(a.value, f) for a in node.args if a.star == "**"]
        out: object = ""
        auto = 0
        try:
            parsed = list(string.Formatter().parse(template))
        except ValueError:
            return unknown("a malformed format string", f.module.span(node))
        for literal, field_name, spec, conversion in parsed:
            out = concat(out, literal)
            if field_name is None:
                continue
            head = re.split(r"[.\[]", field_name, maxsplit=1)[0]
            if head == "":
                head = str(auto)
                auto += 1
            if head.isdigit() and int(head) < len(positional):
                arg_node = positional[int(head)].value
                value = self.value(arg_node, f)
            elif head in keywords:
                arg_node = keywords[head].value
                value = self.value(arg_node, f)
            else:
                arg_node = node
                value = next((m[head] for m in mappings if isinstance(m, dict) and head in m), None)
                if value is None:
                    value = unknown(f"'{head}' in a format string", f.module.span(node))
            if head != field_name:  # an attribute or index of the argument
                value = value if holes_in(value) else unknown(field_name, f.module.span(arg_node))
            out = concat(out, self.text(value, arg_node, f, conversion=conversion))
        return out


class StringTemplate(Modelled):
    """``string.Template(text)``: its ``substitute`` fills ``$name`` placeholders."""

    def __init__(self, template: str) -> None:
        self.template = template

    def method(self, evaluator, name: str, node, frame) -> object:
        if name in ("substitute", "safe_substitute"):
            return evaluator.substitute(self.template, node, frame, safe=name == "safe_substitute")
        return NotImplemented
