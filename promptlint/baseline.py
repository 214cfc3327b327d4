"""A committed baseline: the findings a project has accepted for now (style.md, "absorb" 9).

``promptlint check --write-baseline FILE`` records every current finding;
``promptlint check --baseline FILE`` then hides the findings the file records, so only
new ones are printed and decide the exit code. A legacy project can adopt promptlint
today and fix the old findings over time.

An entry is keyed on the rule code, the path from the repository's top folder (posix; see
``report.paths``, so the file works from any folder of the repository) and the finding's
line-independent fingerprint (``report.fingerprint``, the same
one SARIF's ``partialFingerprints`` carry), never on a line number: inserting lines above
a finding does not make it new. The message is stored for people reading the file and
is not compared, so rewording a rule's message does not invalidate a baseline.

Entries are a multiset: two identical findings are two entries, and each entry absorbs
one finding. The fingerprint's ``:N`` occurrence suffix already tells identical findings
of one file apart, so a third copy of a baselined finding is reported as new.

Entries that no longer match a finding (fixed, or changed beyond recognition) are
*stale*; the CLI reports them so the baseline is rewritten and only ever shrinks.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

from . import __version__
from .diagnostic import Diagnostic
from .report import fingerprint, paths

# 2: paths (and the fingerprints, which hash them) from the repository's top folder.
# 1: from the working folder the baseline was written in; still read, as that of this run.
VERSION = 2


class BaselineError(Exception):
    """A baseline that cannot be read or written; the message is one line for the user."""


@dataclass(frozen=True, order=True)
class Entry:
    path: str
    code: str
    fingerprint: str
    message: str = field(default="", compare=False)
    legacy: bool = field(default=False, compare=False)  # from a version 1 file

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.code, self.path, self.fingerprint)

    def as_json(self) -> dict[str, str]:
        return {"code": self.code, "path": self.path, "fingerprint": self.fingerprint, "message": self.message}


@dataclass
class Matched:
    """``diagnostics`` split by a baseline: what is new, what it hides, which entries went unused."""

    new: list[Diagnostic]
    baselined: list[Diagnostic]
    unused: list[Entry]


def entries(diagnostics: Sequence[Diagnostic]) -> list[Entry]:
    """One entry per diagnostic, sorted by path, code and fingerprint (not by line)."""
    prints = fingerprint.fingerprints(diagnostics)
    return sorted(Entry(paths.repository_path(d.span.path), d.code, p, d.message) for d, p in zip(diagnostics, prints))


def dumps(diagnostics: Sequence[Diagnostic]) -> str:
    """The baseline file's text: stable key order, one entry per finding, a final newline."""
    document = {
        "version": VERSION,
        "generated_by": f"promptlint {__version__}",
        "findings": [e.as_json() for e in entries(diagnostics)],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def write(path: Path, diagnostics: Sequence[Diagnostic]) -> int:
    """Write the baseline atomically (a reader never sees half a file); return the entry count."""
    text = dumps(diagnostics)
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise BaselineError(f"cannot write baseline {path}: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(temp, path)
    except OSError as exc:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise BaselineError(f"cannot write baseline {path}: {exc.strerror or exc}") from exc
    return len(diagnostics)


def load(path: Path) -> list[Entry]:
    """The entries of a baseline file; anything unusable is a ``BaselineError``."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise BaselineError(f"baseline {path} does not exist (create it with --write-baseline {path})") from exc
    except IsADirectoryError as exc:
        raise BaselineError(f"baseline {path} is a folder, not a file") from exc
    except OSError as exc:
        raise BaselineError(f"cannot read baseline {path}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise BaselineError(f"baseline {path} is not UTF-8 text") from exc
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BaselineError(f"baseline {path} is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from exc
    return parse(document, str(path))


def parse(document: Any, where: str = "baseline") -> list[Entry]:
    def bad(why: str) -> BaselineError:
        return BaselineError(f"baseline {where} is not a promptlint baseline: {why}")

    if not isinstance(document, dict):
        raise bad("expected a JSON object with 'version' and 'findings'")
    version = document.get("version")
    if version not in (1, VERSION) or isinstance(version, bool):
        if isinstance(version, int) and not isinstance(version, bool) and version > VERSION:
            raise BaselineError(
                f"baseline {where} has version {version}, newer than this promptlint reads ({VERSION}); upgrade promptlint"
            )
        raise bad(f"'version' must be {VERSION}, found {json.dumps(version)}")
    findings = document.get("findings")
    if not isinstance(findings, list):
        raise bad("'findings' must be a list")
    out = []
    for i, item in enumerate(findings):
        if not isinstance(item, dict):
            raise bad(f"findings[{i}] is not an object")
        for key in ("code", "path", "fingerprint"):
            if not isinstance(item.get(key), str) or not item[key]:
                raise bad(f"findings[{i}] has no string {key!r}")
        message = item.get("message", "")
        if not isinstance(message, str):
            raise bad(f"findings[{i}] 'message' is not a string")
        out.append(Entry(item["path"], item["code"], item["fingerprint"], message, legacy=version == 1))
    return out


def match(diagnostics: Sequence[Diagnostic], baseline: Iterable[Entry]) -> Matched:
    """Split ``diagnostics`` (in output order) into new and baselined ones.

    Fingerprints are computed over all of ``diagnostics`` together, as the baseline's
    were when it was written, so the ``:N`` occurrence suffixes line up.
    """
    pool: dict[tuple[str, str, str], list[Entry]] = defaultdict(list)
    legacy = False
    for entry in baseline:
        pool[entry.key].append(entry)
        legacy = legacy or entry.legacy
    new: list[Diagnostic] = []
    baselined: list[Diagnostic] = []
    # A version 1 file named files as this run shows them (from the working folder).
    old = fingerprint.fingerprints(diagnostics, name=str) if legacy else [None] * len(diagnostics)
    for d, print_, old_print in zip(diagnostics, fingerprint.fingerprints(diagnostics), old):
        waiting = pool.get((d.code, paths.repository_path(d.span.path), print_)) or (pool.get((d.code, d.span.path, old_print)) if old_print else None)
        if waiting:
            waiting.pop()
            baselined.append(d)
        else:
            new.append(d)
    return Matched(new, baselined, sorted(entry for waiting in pool.values() for entry in waiting))


def stale(unused: Iterable[Entry], checked: Iterable[str]) -> list[Entry]:
    """The unused entries that say a finding is gone: their file was checked, or is gone.

    ``checked``: the paths this run looked at, as reported. A run over some files
    (pre-commit passes the changed ones) says nothing about the entries of the others.
    """
    looked_at = {paths.repository_path(p) for p in checked} | set(checked)
    top = paths.top()
    return sorted(e for e in unused if e.path in looked_at or not (Path(e.path) if e.legacy else top / e.path).exists())
