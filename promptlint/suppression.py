"""Inline suppression in Python files: ``# promptlint: ignore[PC101] -- reason``.

The third level of suppression (style.md, "absorb" 8; the others are ``per-file-ignores``
and a baseline): Ruff's ``# noqa`` with its RUF100 check. A directive is a comment::

    x = build()  # promptlint: ignore[PC101]
    x = build()  # promptlint: ignore[PC101, too-many-breakpoints]   codes or rule names
    x = build()  # promptlint: ignore                                 every code
    x = build()  # promptlint: ignore[PC101] -- the date is fixed per deploy

The ``promptlint:`` marker and ``ignore`` may be in any case. Ruff's and flake8's
``# noqa: PC101, E501`` works too, for the PC and PL codes it names (a bare ``# noqa`` is
another tool's, and silences nothing here).

It silences the findings reported on its own line, and those reported on any line of the
innermost statement that starts on its line (so one comment on the first line of a
multi-line call covers the call's arguments; decorators count as part of their ``def``).
A line inside a multi-line string cannot carry a comment, so a finding there is also
silenced by a directive on the line where the string ends, after the closing quotes
(as Ruff's ``noqa`` does).

Comments are found with ``tokenize``, so the text in a string literal is not a directive;
statement extents come from ``ast``. Both run only when the file's bytes contain
``promptlint:`` or ``noqa``, so files without directives cost one substring search. A file that does
not tokenize or parse gets no suppression (its parse error is reported anyway).

A directive that suppressed nothing in this run is reported as PL004
(``unused-suppression``): a bare directive that matched nothing, codes of enabled rules
that nothing matched, unknown codes, codes given twice, and a ``# promptlint:`` comment
that is not a directive (``ignore PC101`` without brackets would otherwise silence
nothing, quietly). Codes of rules that are off for the file (not selected, or in its
``per-file-ignores``) are not reported: the comment may be needed when they are turned
on. A directive that names PL004 itself is never reported, and silences the PL004
findings it covers, like any other code (a bare directive does not: it would silence the
report about itself).

What a directive silences is returned as ``Suppressed`` (the finding, the reason after
``--`` and where the comment is), so SARIF output can show it as suppressed in source.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping, Sequence

from .checks import Finding
from .diagnostic import Diagnostic, Fix
from .request import Span

CODE = "PL004"
_FSTRING_START = getattr(tokenize, "FSTRING_START", -1)  # Python 3.12+
_FSTRING_END = getattr(tokenize, "FSTRING_END", -1)

# Where a directive starts inside a comment: at its start, or after whitespace that follows
# another tool's directive (a noqa first, then ours). Prose that quotes a directive between
# backticks is not one.
_START = re.compile(r"(?:^|(?<=\s))#[ \t]*promptlint:", re.I)
# Ruff's and flake8's noqa comment with codes, shared with other linters: the PC/PL codes in
# it are promptlint's (a bare noqa, or one naming only other tools' codes, is not).
_NOQA = re.compile(r"(?:^|(?<=\s))#[ \t]*noqa[ \t]*:[ \t]*(?P<codes>[A-Za-z]+[0-9]+(?:[ \t]*,?[ \t]*[A-Za-z]+[0-9]+)*)", re.I)
_OUR_CODE = re.compile(r"P[CL][0-9]{3}", re.I)
_ANY_NOQA = re.compile(r"(?:^|(?<=\s))#[ \t]*noqa\b", re.I)  # any tool's, for fingerprints
# What must follow it: ``ignore``, optional ``[codes]``, then the end, ``-- reason`` or
# another comment (a noqa). Anything else is not understood, and silences nothing.
_BODY = re.compile(r"[ \t]*ignore(?:[ \t]*\[(?P<codes>[^\]]*)\])?[ \t]*(?:--[ \t]*(?P<reason>.*?)[ \t]*$|(?=#)|$)", re.I)


def without_directive(line: str) -> str:
    """A source line with its ``# promptlint:`` or noqa comment (and whatever follows) cut off.

    Adding or removing a directive does not change the finding it is about: fingerprints
    hash the line without it.
    """
    cuts = [m.start() for m in (_START.search(line), _ANY_NOQA.search(line)) if m is not None]
    return line[: min(cuts)] if cuts else line


@dataclass(frozen=True, slots=True)
class Directive:
    """One ``# promptlint: ignore…`` in a comment. ``column`` and ``end_column`` are 1-based, inclusive."""

    line: int
    column: int
    end_column: int
    text: str
    codes: tuple[str, ...] | None = None  # as written; None: a bare ``ignore`` (every code)
    reason: str | None = None
    own_line: bool = False  # the comment is alone on its line
    understood: bool = True

    def span(self, path: str) -> Span:
        return Span(path, self.line, self.column, self.line, self.end_column)


@dataclass(frozen=True, slots=True)
class Suppressed:
    """A finding an inline directive silenced; SARIF shows it with ``kind: inSource``."""

    diagnostic: Diagnostic
    reason: str | None  # the text after ``--``, if any
    comment: Span  # where the directive is


@dataclass
class Outcome:
    kept: list[Diagnostic]
    suppressed: list[Suppressed] = field(default_factory=list)


@dataclass
class Scan:
    directives: list[Directive]
    # A line inside a multi-line string → the line the string ends on, the first where a
    # comment can follow it (Ruff's noqa does the same).
    string_ends: dict[int, int]


def scan(source: bytes) -> Scan | None:
    """The directives in ``source`` (in comments only) and its multi-line strings; None if it does not tokenize."""
    found: list[Directive] = []
    string_ends: dict[int, int] = {}
    opened: list[int] = []  # lines of the f-strings open (Python 3.12 tokenizes them in parts)
    try:
        for tok in tokenize.tokenize(io.BytesIO(source).readline):
            if tok.type == tokenize.COMMENT:
                lowered = tok.string.lower()
                if "promptlint:" in lowered or "noqa" in lowered:
                    own_line = not tok.line[: tok.start[1]].strip()
                    found.extend(_parse_comment(tok.string, tok.start[0], tok.start[1], own_line))
            elif tok.type == tokenize.STRING:
                _ends(string_ends, tok.start[0], tok.end[0])
            elif tok.type == _FSTRING_START:
                opened.append(tok.start[0])
            elif tok.type == _FSTRING_END and opened:
                _ends(string_ends, opened.pop(), tok.end[0])
    except (tokenize.TokenError, SyntaxError, UnicodeDecodeError, LookupError, ValueError):
        return None
    return Scan(found, string_ends)


def directives(source: bytes) -> list[Directive] | None:
    """The directives in ``source`` (in comments only), in order; None if it does not tokenize."""
    scanned = scan(source)
    return scanned.directives if scanned is not None else None


def _ends(string_ends: dict[int, int], first: int, last: int) -> None:
    for line in range(first, last):
        string_ends[line] = last  # an f-string ends after the strings inside it, and comes after them


def _may_have_directives(source: bytes) -> bool:
    """Whether a directive may be in ``source``, in any case (``# PromptLint: Ignore``)."""
    lowered = source.lower()
    return b"promptlint:" in lowered or b"noqa" in lowered


def _parse_comment(comment: str, line: int, column: int, own_line: bool) -> Iterator[Directive]:
    """The directives in one comment token; ``column`` is the token's 0-based start."""
    for noqa in _NOQA.finditer(comment):
        ours = tuple(c.upper() for c in re.split(r"[\s,]+", noqa.group("codes")) if _OUR_CODE.fullmatch(c))
        if ours:
            at = column + noqa.start() + 1
            yield Directive(line, at, column + noqa.end(), noqa.group(0), ours, None, not comment[: noqa.start()].strip() and own_line)
    pos = 0
    while (start := _START.search(comment, pos)) is not None:
        body = _BODY.match(comment, start.end())
        if body is None:  # not understood: it runs to the next comment, or the end
            following = comment.find("#", start.end())
            end = len(comment) if following == -1 else following
            codes, reason = None, None
        else:
            end = body.end()
            written = body.group("codes")
            codes = None if written is None else tuple(c.strip() for c in written.split(",") if c.strip())
            reason = body.group("reason")
        # ``ignore[]`` silences nothing, which is surely not what was meant.
        understood = body is not None and codes != ()
        text = comment[start.start() : end].rstrip()
        at = column + start.start() + 1
        yield Directive(line, at, at + len(text) - 1, text, codes if understood else None, reason or None, own_line, understood)
        if reason is not None:
            return  # the reason runs to the end of the comment
        pos = max(end, start.end())


def statement_starts(source: bytes) -> dict[int, int] | None:
    """Line → first line of the innermost statement spanning it; None if ``source`` does not parse.

    A decorated ``def`` or ``class`` starts at its first decorator; an ``except`` clause
    and a ``case`` block count as statements of their own.
    """
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    first: dict[int, int] = {}
    for start, end in _extents(tree.body):  # outer statements come before the ones they hold
        for line in range(start, end + 1):
            first[line] = start
    return first


def _extents(body: Iterable[ast.AST]) -> Iterator[tuple[int, int]]:
    for node in body:
        if isinstance(node, ast.match_case):  # no position of its own
            start = node.pattern.lineno
            end = max([node.pattern.end_lineno or start] + [s.end_lineno or s.lineno for s in node.body])
        else:
            start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", ())])  # type: ignore[attr-defined]
            end = node.end_lineno or node.lineno  # type: ignore[attr-defined]
        yield start, end
        for name in ("body", "orelse", "finalbody", "handlers", "cases"):
            inner = getattr(node, name, None)
            if isinstance(inner, list):
                yield from _extents(inner)


def apply(
    source: bytes,
    path: str,
    diagnostics: Sequence[Diagnostic],
    *,
    active: Iterable[str],
    names: Mapping[str, str],
    report: Callable[[Finding], Diagnostic],
) -> Outcome:
    """Split ``diagnostics`` of the file ``source`` (reported as ``path``) by its directives.

    ``active``: the codes on for this file (selected, not in its per-file-ignores);
    ``names``: every rule's code → name; ``report`` makes a PL004 diagnostic of a finding.
    Unused directives are reported (as PL004, in ``kept``) only when PL004 is active.
    """
    if not _may_have_directives(source):
        return Outcome(list(diagnostics))
    scanned = scan(source)
    if scanned is None or not scanned.directives:
        return Outcome(list(diagnostics))
    found = scanned.directives
    starts = statement_starts(source)
    if starts is None:
        return Outcome(list(diagnostics))
    active = set(active)
    by_name = {name: code for code, name in names.items()}
    by_line: dict[int, list[Directive]] = {}
    for directive in found:
        by_line.setdefault(directive.line, []).append(directive)
    used: dict[Directive, set[str]] = {d: set() for d in found}
    covers = {d: set(_resolve(d.codes, names, by_name)) for d in found if d.codes is not None}

    def silencer(d: Diagnostic, bare_too: bool) -> Directive | None:
        if d.span.path != path:  # a finding in another file this one led to
            return None
        line = d.span.line
        for at in dict.fromkeys((line, scanned.string_ends.get(line, line), starts.get(line, line))):
            for directive in by_line.get(at, ()):
                if not directive.understood:
                    continue
                if directive.codes is None:
                    if bare_too:
                        return directive
                elif d.code in covers[directive]:
                    return directive
        return None

    out = Outcome([])
    for d in diagnostics:
        directive = silencer(d, bare_too=True)
        if directive is None:
            out.kept.append(d)
        else:
            used[directive].add(d.code)
            out.suppressed.append(Suppressed(d, directive.reason, directive.span(path)))
    if CODE not in active:
        return out
    for directive in found:
        problem = _unused(directive, path, used[directive], active, names, by_name)
        if problem is None:
            continue
        pl004 = report(problem)
        by = silencer(pl004, bare_too=False)  # only an explicit PL004 silences one
        if by is None:
            out.kept.append(pl004)
        else:
            out.suppressed.append(Suppressed(pl004, by.reason, by.span(path)))
    return out


def apply_file(
    path: Path,
    shown: str,
    diagnostics: Sequence[Diagnostic],
    *,
    active: Iterable[str],
    names: Mapping[str, str],
    report: Callable[[Finding], Diagnostic],
) -> Outcome:
    """``apply`` to a file on disk; a file that cannot be read is left as it is."""
    active = set(active)
    if not diagnostics and CODE not in active:
        return Outcome([])  # nothing to silence, nothing to report
    try:
        source = path.read_bytes()
    except OSError:
        return Outcome(list(diagnostics))
    return apply(source, shown, diagnostics, active=active, names=names, report=report)


def _resolve(codes: Iterable[str], names: Mapping[str, str], by_name: Mapping[str, str]) -> list[str | None]:
    """Each written code or rule name as a rule code; None for one no rule has."""
    out: list[str | None] = []
    for written in codes:
        code = written.upper()
        out.append(code if code in names else by_name.get(written.lower()))
    return out


def _unused(
    directive: Directive,
    path: str,
    used: set[str],
    active: set[str],
    names: Mapping[str, str],
    by_name: Mapping[str, str],
) -> Finding | None:
    """The PL004 finding about ``directive`` after the run, if anything is wrong with it."""
    span = directive.span(path)
    where = "on this line or in a statement that starts on it"
    # No statement starts on a line that holds only a comment: the directive covers that line alone.
    misplaced = (
        "a comment alone on its line covers only that line: put the directive at the end of the "
        "reported line, or of the first line of the statement"
        if directive.own_line
        else None
    )
    if not directive.understood:
        return Finding(
            span,
            f"suppression comment not understood, so it silences nothing: {directive.text!r}",
            "the form is `# promptlint: ignore[CODE, …]`, or `# promptlint: ignore` for every code, "
            "optionally followed by `-- reason`",
            Fix("write it as `# promptlint: ignore[CODE]`, or remove it"),
            data={"not_understood": directive.text},
        )
    if directive.codes is None:
        if used:
            return None
        return Finding(span, f"unused suppression: nothing was reported {where}", misplaced, Fix("remove the comment"), data={"unused": ["*"]})
    resolved = _resolve(directive.codes, names, by_name)
    if CODE in resolved:
        return None  # it silences reports about itself (Ruff's RUF100 does the same)
    unknown: list[str] = []
    duplicated: list[str] = []
    unused: list[str] = []
    keep: list[str] = []
    seen: set[str] = set()
    for written, code in zip(directive.codes, resolved):
        if code is None:
            unknown.append(written)
        elif code in seen:
            duplicated.append(written)
        else:
            seen.add(code)
            if code in used or code not in active:
                keep.append(written)  # it worked, or its rule is off here: not this run's business
            else:
                unused.append(code)
    if not (unknown or duplicated or unused):
        return None
    parts = []
    if unused:
        verb = "was" if len(unused) == 1 else "were"
        parts.append(f"unused suppression: {_listing(f'{c} ({names[c]})' for c in unused)} {verb} not reported {where}")
    if unknown:
        plural = len(unknown) > 1
        parts.append(
            f"unknown rule code{'s' if plural else ''} {_listing(repr(c) for c in unknown)} in suppression comment: "
            f"no rule has {'these codes or names' if plural else 'this code or name'}"
        )
    if duplicated:
        parts.append(f"duplicate in suppression comment: {_listing(repr(c) for c in duplicated)} {'name rules' if len(duplicated) > 1 else 'names a rule'} already listed")
    reason = f" -- {directive.reason}" if directive.reason else ""
    fix = f"change it to `# promptlint: ignore[{', '.join(keep)}]{reason}`" if keep else "remove the comment"
    if unknown:
        fix += " (or correct the unknown code: `promptlint rule --all` lists the rules)"
    return Finding(
        span,
        "; ".join(parts),
        misplaced if unused else None,
        Fix(fix),
        data={"unused": unused, "unknown": unknown, "duplicated": duplicated},
    )


def _listing(items: Iterable[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
