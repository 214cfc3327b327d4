"""``check --changed-since REF``: findings only on the lines a change touched.

Adopting a linter on a tree with history is easier when a pull request is judged by what
it changes. Git says which lines those are (``git diff --unified=0 REF``, the working tree
against REF) and which files are new (untracked ones count whole). Every file is still
checked, since a finding in one file may come from values in another; only what is
reported is narrowed: in code and in a .jsonl (a record per line) to the changed lines, in a
.json request body to the file, since its findings point at the key of an element that may
span many lines (a change to a breakpoint's ttl is reported at its ``cache_control``).
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from .diagnostic import Diagnostic

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


class ChangedError(Exception):
    pass


@dataclass
class Changes:
    """Per file (absolute, resolved path): the changed line numbers, or None for a whole new file."""

    files: dict[str, set[int] | None] = field(default_factory=dict)

    def keeps(self, diagnostic: Diagnostic) -> bool:
        path = os.path.realpath(diagnostic.span.path)
        lines = self.files.get(path, ())
        if lines is None or (path.endswith(".json") and lines):
            return True
        end = diagnostic.span.end_line or diagnostic.span.line
        return any(line in lines for line in range(diagnostic.span.line, end + 1))

    def narrow(self, diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
        return [d for d in diagnostics if self.keeps(d)]


def changes_since(ref: str, cwd: Path) -> Changes:
    """What the working tree changes since ``ref``, by git."""
    top = Path(_git(["rev-parse", "--show-toplevel"], cwd).strip())
    _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], cwd, what=f"{ref!r} is not a commit git knows here")
    changes = Changes()
    diff = _git(["diff", "--unified=0", "--no-color", "--no-ext-diff", "--no-renames", ref, "--"], cwd)
    current: set[int] | None = None
    for line in diff.splitlines():
        if line.startswith("+++ "):
            target = line[4:]
            current = None
            if target != "/dev/null":
                current = changes.files.setdefault(os.path.realpath(top / target.removeprefix("b/")), set())  # type: ignore[assignment]
            continue
        hunk = _HUNK.match(line)
        if hunk and current is not None:
            start, count = int(hunk.group(1)), int(hunk.group(2) or 1)
            current.update(range(start, start + count))
    for name in _git(["ls-files", "--others", "--exclude-standard", "-z"], top).split("\0"):
        if name:
            changes.files[os.path.realpath(top / name)] = None
    return changes


def _git(args: list[str], cwd: Path, what: str | None = None) -> str:
    try:
        run = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise ChangedError(f"--changed-since needs git: {exc}") from exc
    if run.returncode != 0:
        raise ChangedError(f"--changed-since: {what or (run.stderr.strip().splitlines() or ['git ' + ' '.join(args) + ' failed'])[-1]}")
    return run.stdout
