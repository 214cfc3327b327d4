"""Where CI looks for a finding's file: relative to the repository's top folder.

Code scanning and GitHub's annotations resolve a relative path against the checkout, not
against the folder promptlint ran in (a job's ``working-directory``), so a path shown
relative to the working folder is re-based on the nearest folder above it that holds
``.git``; without one, the working folder is the top.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path


def top() -> Path:
    """The repository's top folder around the working folder."""
    return _top(os.getcwd())


@functools.lru_cache(maxsize=8)
def _top(cwd: str) -> Path:
    here = Path(cwd).resolve()
    for folder in (here, *here.parents):
        if (folder / ".git").exists():  # a folder, or a worktree's file
            return folder
    return here


def in_repository(path: str) -> str | None:
    """``path`` (as shown: relative to the working folder, or absolute) relative to ``top()``,
    with forward slashes; None when it lies outside."""
    absolute = os.path.abspath(path)
    root = str(top())
    if os.path.commonpath([absolute, root]) != root:
        return None
    return Path(os.path.relpath(absolute, root)).as_posix()


def repository_path(path: str) -> str:
    """``in_repository(path)``, or ``path`` as shown when it lies outside: the name that stays
    the same wherever in the repository promptlint runs (baselines, fingerprints)."""
    return in_repository(path) or path
