"""Applying fixes to a file's text: pick, apply, re-validate; and writing the result safely.

Ruff's model (style.md §2 and "What promptlint should absorb" 13):

- Safe fixes apply with ``--fix``; unsafe ones only with ``--unsafe-fixes`` too; display-only
  fixes, and fixes without edits, never.
- Fixes are sorted by where their first edit starts and applied in one left-to-right sweep; a
  fix whose edits overlap (or touch) an edit already taken is skipped, and a later pass picks it
  up. An edit identical to one already applied is not applied twice.
- The fixed text is parsed again by the file type's validator (libcst for ``.py``, ``json`` for
  ``.json`` and each line of ``.jsonl``). A fix that breaks the file is a bug in a rule: nothing
  is applied to that file and a warning says so (sqlfluff's "unparsable fix" reports).

Positions are those of :class:`~promptlint.diagnostic.Edit`: 1-based line, 1-based column in
characters (code points) of the line, end exclusive. Lines end at ``\\n``; the ``\\r`` of a
``\\r\\n`` ending belongs to the line break, not to the line, so a column never points between
the two. In a file with ``\\r\\n`` endings, a ``\\n`` inside an edit's content is written as
``\\r\\n``. A byte-order mark is not part of the text (see :func:`read_source`).

One call of :func:`apply_fixes` is one pass. Passes are the caller's: ``promptlint check
--fix`` writes the files, checks again, and fixes what is left, up to ``MAX_PASSES`` times.
This module knows nothing of the engine or the command line.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from .diagnostic import Applicability, Diagnostic
from .frontends.python.encoding import source_encoding

# How many times --fix fixes and checks again, at most (ruff: 100; promptlint's fixes are
# few and rarely meet, so a handful of passes settles any file).
MAX_PASSES = 10

_CODEC = "utf-8"
_BOM = "\ufeff"


def applicable(d: Diagnostic, unsafe: bool = False) -> bool:
    """Whether ``--fix`` (with ``--unsafe-fixes`` when ``unsafe``) would apply this diagnostic's fix."""
    fix = d.fix
    if fix is None or not fix.edits:
        return False
    return fix.applicability is Applicability.SAFE or (unsafe and fix.applicability is Applicability.UNSAFE)


def hidden_unsafe(d: Diagnostic, unsafe: bool = False) -> bool:
    """Whether this diagnostic has an unsafe fix that only ``--unsafe-fixes`` would apply."""
    fix = d.fix
    return not unsafe and fix is not None and bool(fix.edits) and fix.applicability is Applicability.UNSAFE


# -- one pass ----------------------------------------------------------------------------------


class _BadEdit(Exception):
    pass


@dataclass(frozen=True)
class _Lines:
    """Offsets of the lines of a text, to turn (line, column) into an index."""

    text: str
    starts: tuple[int, ...]

    @classmethod
    def of(cls, text: str) -> "_Lines":
        return cls(text, (0, *(m.end() for m in re.finditer("\n", text))))

    def offset(self, position: tuple[int, int]) -> int:
        line, column = position
        if not (1 <= line <= len(self.starts)) or column < 1:
            raise _BadEdit(f"{line}:{column} is not in the file")
        start = self.starts[line - 1]
        if line < len(self.starts):
            end = self.starts[line] - 1  # the "\n"
            if end > start and self.text[end - 1] == "\r":
                end -= 1  # "\r\n": the "\r" is part of the line break
        else:
            end = len(self.text)
        if start + column - 1 > end:
            raise _BadEdit(f"{line}:{column} is past the end of line {line} ({end - start} characters)")
        return start + column - 1


def _crlf(text: str) -> bool:
    """Whether the text's line breaks are ``\\r\\n`` (judged by the first one, as ruff's Stylist does)."""
    first = text.find("\n")
    return first > 0 and text[first - 1] == "\r"


def apply_fixes(
    text: str,
    diagnostics: Iterable[Diagnostic],
    unsafe: bool = False,
    *,
    path: str | None = None,
    warnings: list[str] | None = None,
) -> tuple[str, list[Diagnostic]]:
    """One pass: the text with the applicable fixes applied, and the diagnostics whose fix was.

    ``path`` names the file in warnings and picks the validator by its suffix (default: the path
    of the first diagnostic). Problems a caller should show — a fix whose edits lie outside the
    text or overlap each other, a result that no longer parses — are appended to ``warnings``.
    When the result does not parse, nothing is applied: ``(text, [])``.
    """
    diagnostics = list(diagnostics)
    notes = warnings if warnings is not None else []
    if path is None:
        path = diagnostics[0].span.path if diagnostics else ""
    lines = _Lines.of(text)
    crlf = _crlf(text)

    candidates: list[tuple[tuple, Diagnostic, list[tuple[int, int, str]]]] = []
    for index, d in enumerate(diagnostics):
        if not applicable(d, unsafe):
            continue
        assert d.fix is not None
        try:
            edits = sorted(
                ((lines.offset(e.start), lines.offset(e.end), _line_endings(e.content, crlf)) for e in d.fix.edits),
                key=lambda e: (e[0], e[1]),  # stable: insertions at one place keep their order
            )
            for start, end, _ in edits:
                if end < start:
                    raise _BadEdit("an edit ends before it starts")
            for before, after in zip(edits, edits[1:]):
                if after[0] < before[1]:
                    raise _BadEdit("two of its edits overlap")
        except _BadEdit as exc:
            notes.append(f"{path}:{d.span.line}:{d.span.column}: {d.code} fix not applied: {exc} (a bug in the rule; please report this)")
            continue
        candidates.append(((edits[0][0], edits[0][1], d.code, index), d, edits))
    candidates.sort(key=lambda c: c[0])

    out: list[str] = []
    cursor = 0
    last_end: int | None = None
    taken: set[tuple[int, int, str]] = set()
    applied: list[Diagnostic] = []
    for _, d, edits in candidates:
        fresh = [e for e in edits if e not in taken]
        if not fresh:  # the same edits as a fix already applied: fixed by it
            applied.append(d)
            continue
        if last_end is not None and fresh[0][0] <= last_end:
            continue  # overlaps or touches an accepted fix: left for the next pass
        for start, end, content in fresh:
            out.append(text[cursor:start])
            out.append(content)
            cursor = last_end = end
        taken.update(fresh)
        applied.append(d)
    if not applied:
        return text, []
    out.append(text[cursor:])
    fixed = "".join(out)

    broken = _breakage(text, fixed, path)
    if broken:
        codes = ", ".join(sorted({d.code for d in applied}))
        notes.append(
            f"{path}: fixes not applied, the file is left as it was: with them it would no longer parse "
            f"({broken}); the fixes of {codes} are at fault (a bug in promptlint; please report this)"
        )
        return text, []
    return fixed, applied


def _line_endings(content: str, crlf: bool) -> str:
    return re.sub(r"(?<!\r)\n", "\r\n", content) if crlf and "\n" in content else content


# -- validators --------------------------------------------------------------------------------


def problems(text: str, path: str) -> list[str]:
    """Why ``text`` does not parse as the file type of ``path`` (none: it parses, or no validator)."""
    suffix = os.path.splitext(path)[1].lower()
    validator = _VALIDATORS.get(suffix)
    return validator(text) if validator else []


def _python(text: str) -> list[str]:
    import libcst  # only files being fixed pay for it

    try:
        libcst.parse_module(text)
    except libcst.ParserSyntaxError as exc:
        message = exc.message if len(exc.message) <= 100 else exc.message[:99] + "…"
        return [f"Python syntax error at {exc.editor_line}:{exc.editor_column}: {message}"]
    return []


def _json(text: str) -> list[str]:
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        return [f"invalid JSON at {exc.lineno}:{exc.colno}: {exc.msg}"]
    except RecursionError:
        return ["invalid JSON: nested too deeply"]
    return []


def _jsonl(text: str) -> list[str]:
    found = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            json.loads(line.rstrip("\r"))
        except json.JSONDecodeError as exc:
            found.append(f"invalid JSON on line {number}, column {exc.colno}: {exc.msg}")
        except RecursionError:
            found.append(f"invalid JSON on line {number}: nested too deeply")
    return found


_VALIDATORS: dict[str, Callable[[str], list[str]]] = {".py": _python, ".json": _json, ".jsonl": _jsonl}


def _breakage(before: str, after: str, path: str) -> str | None:
    """What the fixes broke: a problem of ``after`` that ``before`` did not have, or None.

    A file that was already broken (a PL001 line in a JSONL file) may still be fixed elsewhere;
    only new problems count.
    """
    now = problems(after, path)
    if not now:
        return None
    then = problems(before, path)
    if len(now) <= len(then):
        return None
    new = [p for p in now if p not in then]
    return (new or now)[0]


# -- files -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """A file's text as fixes see it (no byte-order mark, line endings as they are)."""

    text: str
    bom: bool = False
    codec: str = _CODEC  # a Python file's declared encoding (PEP 263), kept when it is written back

    def encode(self, text: str) -> bytes:
        return ((_BOM if self.bom else "") + text).encode(self.codec)


def read_source(path: Path) -> Source:
    """The file's text, line endings as they are; raises OSError, SyntaxError or UnicodeDecodeError."""
    data = path.read_bytes()
    codec = source_encoding(data) if path.suffix in (".py", ".pyi") else _CODEC
    if not codec.startswith("utf-8"):
        return Source(data.decode(codec), codec=codec)
    text = data.decode(_CODEC)
    if text.startswith(_BOM):
        return Source(text[1:], bom=True)
    return Source(text)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace the file's content in one step: a temporary file beside it, then os.replace.

    The file keeps its permission bits; a symbolic link stays a link (its target is replaced).
    A reader sees the old file or the new one, never half of it. Raises OSError.
    """
    target = Path(os.path.realpath(path))
    mode = target.stat().st_mode & 0o7777
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".promptlint-fix")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def unified_diff(before: str, after: str, path: str) -> str:
    """``--- a/path`` / ``+++ b/path`` unified diff of a fix, as git prints it."""
    lines = difflib.unified_diff(_split(before), _split(after), fromfile=f"a/{path}", tofile=f"b/{path}")
    out = []
    for line in lines:
        if line.endswith("\n"):
            out.append(line)
        else:  # the file's last line has no line break
            out.append(line + "\n\\ No newline at end of file\n")
    return "".join(out)


def _split(text: str) -> list[str]:
    """Lines with their endings, split at ``\\n`` only (str.splitlines also splits at \\x0c, \\u2028, …)."""
    return re.findall(r"[^\n]*\n|[^\n]+$", text)
