"""Line-number-free identities of findings: SARIF ``partialFingerprints``, later baselines.

A fingerprint must stay the same when lines are inserted or removed above a finding, and
change when the finding is about something else. It is the SHA-256 of:

- the rule code and the path from the repository's top folder (``paths``), so running
  from another folder of the repository keeps it;
- for a finding in a ``.json`` document with a known element, the element's JSON
  pointer (``/system/0/text``): that survives lines moving and the document being
  reformatted;
- otherwise the text of the offending line with runs of whitespace collapsed to one
  space and the ends trimmed (GitHub's ``primaryLocationLineHash`` also hashes line
  text), and in Python without a ``# promptlint:`` comment, so that silencing a finding
  on its own line keeps its fingerprint (code scanning then shows the same alert as
  suppressed, not a new one). Parse errors have no pointer. In a ``.jsonl`` file the pointer only says where
  in a record the element is, so the record's line text is hashed with it: each record
  is one line, which is what tells two records apart;
- when the line cannot be read (file gone, binary, line out of range): the message.

The hex digest is cut to 32 characters and followed by ``:N``, the 1-based occurrence of
that identity among the run's findings in path, line and column order (the ``:1`` suffix
of GitHub's own line hashes), so two identical findings still get distinct fingerprints.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from typing import Callable, Mapping, Sequence

from ..diagnostic import Diagnostic
from ..suppression import without_directive
from . import paths, source

_SPACE = re.compile(r"\s+")


def needs_line(d: Diagnostic) -> bool:
    return d.span.pointer is None or source.is_jsonl(d.span.path)


def normalize(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def identity(d: Diagnostic, line_text: str | None, name: Callable[[str], str] = paths.repository_path) -> str:
    parts = [d.code, name(d.span.path)]
    if d.span.pointer is not None:
        parts += ["pointer", d.span.pointer]
    if needs_line(d):
        if line_text is not None and d.span.path.endswith(".py"):
            line_text = without_directive(line_text)
        parts += ["line", normalize(line_text)] if line_text is not None else ["message", d.message]
    return "\x1f".join(parts)


def fingerprints(
    diagnostics: Sequence[Diagnostic], lines: Mapping[str, Mapping[int, str]] | None = None, name: Callable[[str], str] = paths.repository_path
) -> list[str]:
    """One fingerprint per diagnostic, in order. ``lines``: path -> line -> text, read if not given;
    ``name``: a file's name in the identity (``str``: as shown, as baselines of version 1 had it)."""
    if lines is None:
        wanted: dict[str, set[int]] = {}
        for d in diagnostics:
            if needs_line(d):
                wanted.setdefault(d.span.path, set()).add(d.span.line)
        lines = source.read_all(wanted)
    digests = [
        hashlib.sha256(identity(d, lines.get(d.span.path, {}).get(d.span.line), name).encode("utf-8")).hexdigest()[:32]
        for d in diagnostics
    ]
    # Occurrences count in path, line, column order, whatever order the caller passes
    # (findings, then suppressed ones): moving a finding between the two keeps every key.
    seen: Counter[str] = Counter()
    result = [""] * len(diagnostics)
    for i in sorted(range(len(diagnostics)), key=lambda i: diagnostics[i].sort_key()):
        seen[digests[i]] += 1
        result[i] = f"{digests[i]}:{seen[digests[i]]}"
    return result
