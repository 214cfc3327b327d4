"""Which files were clean last time, so an unchanged tree is not linted again.

Ruff's design (style.md §2): only clean files are remembered — a hit means "checked,
nothing found", so a file with findings is always checked again and always reported.
One cache file per (promptlint version, settings), under ``.promptlint_cache`` at the
project root, written atomically; the folder carries CACHEDIR.TAG and a ``*``
.gitignore so backup tools and git leave it alone. A file is the same when its size
and modification time are; when they moved but its bytes did not, its content hash
says so. A clean result also depends on the files it read (modules, prompt files) and, for
a function whose parameters build a request, on its callers: one whose file changed, or a
new or changed file that calls the function (``called_from``), has the file read again.
A file with findings is remembered too, never as clean, only for the files it read: when
pre-commit names a prompt module alone, the modules that send requests with it are read
again (``readers_elsewhere``), since that is where its findings are found.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Iterable

FOLDER = ".promptlint_cache"
_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by promptlint.\n"


class ResultCache:
    def __init__(self, root: Path, key: str) -> None:
        self.folder = root / FOLDER
        self.path = self.folder / f"clean-{key}.json"
        self._entries: dict[str, list] = self._load()
        self._changed = False

    def _load(self) -> dict[str, list]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def is_clean(self, path: Path) -> bool:
        """Whether ``path``, and every file its result depends on, is unchanged since a run
        found nothing in it."""
        entry = self._entries.get(os.path.abspath(path))
        if not entry or (len(entry) > 6 and not entry[6]) or not self._unchanged(path, entry):
            return False
        depends = entry[3] if len(entry) > 3 else {}
        return all(self._same_stamp(Path(dep), stamp) for dep, stamp in depends.items())

    def facts(self, path: Path) -> object:
        """What the run-level rules need from a clean file, as its last check recorded it."""
        entry = self._entries.get(os.path.abspath(path))
        record = entry[4] if entry and len(entry) > 4 else None
        if not record:
            return None
        from .request import Span

        return _Facts(record.get("reads_usage", False), [Span(p, line, column) for p, line, column in record.get("caching_sites", [])])

    def _unchanged(self, path: Path, entry: list) -> bool:
        try:
            stat = path.stat()
        except OSError:
            return False
        size, mtime, digest = entry[:3]
        if stat.st_size == size and stat.st_mtime_ns == mtime:
            return True
        if stat.st_size != size:
            return False
        if _digest(path) == digest:  # touched, not changed
            entry[1] = stat.st_mtime_ns
            self._changed = True
            return True
        return False

    @staticmethod
    def _same_stamp(path: Path, stamp: list) -> bool:
        try:
            stat = path.stat()
        except OSError:
            return False
        return [stat.st_size, stat.st_mtime_ns] == stamp

    def callers_of(self, path: Path) -> list[str]:
        """Names of functions whose callers ``path``'s clean result depends on (see ``called_from``)."""
        entry = self._entries.get(os.path.abspath(path))
        names = entry[5] if entry and len(entry) > 5 else []
        return [n for n in names if isinstance(n, str)] if isinstance(names, list) else []

    def readers_elsewhere(self, known: Iterable[Path], changed: Iterable[Path]) -> list[Path]:
        """Files other than ``known`` whose last check read one of ``changed``: a named prompt
        module's findings are found by checking the module that calls the API with it."""
        seen = {os.path.abspath(p) for p in known}
        wanted = {os.path.abspath(p) for p in changed}
        found = []
        for where, entry in self._entries.items():
            depends = entry[3] if len(entry) > 3 and isinstance(entry[3], dict) else {}
            if where not in seen and wanted.intersection(depends) and os.path.isfile(where):
                found.append(Path(where))
        return sorted(found)

    def clean_elsewhere(self, known: Iterable[Path]) -> dict[Path, list[str]]:
        """Clean files other than ``known`` whose results depend on their functions' callers, with those names."""
        seen = {os.path.abspath(p) for p in known}
        found = {}
        for where in list(self._entries):
            names = self.callers_of(Path(where))
            if names and where not in seen and self.is_clean(Path(where)):
                found[Path(where)] = names
        return found

    def mark_clean(self, path: Path, depends: "list[Path] | tuple" = (), facts: dict | None = None, callers_of: "list[str] | tuple" = ()) -> None:
        self.record(path, True, depends, facts, callers_of)

    def record(self, path: Path, clean: bool, depends: "list[Path] | tuple" = (), facts: dict | None = None, callers_of: "list[str] | tuple" = ()) -> None:
        """What a check of ``path`` found; a file with findings is kept only for the files it
        read (``readers_elsewhere``) and is never clean."""
        try:
            stat = path.stat()
            digest = _digest(path)
            stamps = {}
            for dep in depends:
                dep_stat = dep.stat()
                stamps[os.path.abspath(dep)] = [dep_stat.st_size, dep_stat.st_mtime_ns]
        except OSError:
            return
        self._entries[os.path.abspath(path)] = [stat.st_size, stat.st_mtime_ns, digest, stamps, facts, list(callers_of), clean]
        self._changed = True

    def forget(self, path: Path) -> None:
        if self._entries.pop(os.path.abspath(path), None) is not None:
            self._changed = True

    def save(self) -> None:
        """Write the entries atomically; a cache that cannot be written is simply not kept."""
        if not self._changed:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            tag = self.folder / "CACHEDIR.TAG"
            if not tag.exists():
                tag.write_text(_TAG, encoding="utf-8")
                (self.folder / ".gitignore").write_text("*\n", encoding="utf-8")
            handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".clean-", suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(self._entries, out, separators=(",", ":"))
            os.replace(temporary, self.path)
        except OSError:
            return


class _Facts:
    def __init__(self, reads_usage: bool, caching_sites: list) -> None:
        self.reads_usage = reads_usage
        self.caching_sites = caching_sites


def _digest(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest() if hasattr(hashlib, "file_digest") else hashlib.sha256(handle.read()).hexdigest()


def settings_key(*parts: object) -> str:
    """A short hash of everything that decides what a run reports."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:16]


def clean(root: Path) -> bool:
    """Remove the project's result cache; whether there was one."""
    folder = root / FOLDER
    if not folder.is_dir():
        return False
    shutil.rmtree(folder, ignore_errors=True)
    return True


def called_from(clean: dict[Path, list[str]], changed: Iterable[Path]) -> set[Path]:
    """The clean files whose result may change because a changed (or new) file calls one of their functions.

    A function whose parameters build a request is checked with what its callers pass; a
    file added since, or edited, may pass something new. A caller names the function
    followed by ``(``: its bytes are searched for that, a word at a time.
    """
    wanted: dict[bytes, list[Path]] = {}
    for path, names in clean.items():
        for name in names:
            wanted.setdefault(name.encode(), []).append(path)
    if not wanted:
        return set()
    pattern = re.compile(rb"\b(" + b"|".join(re.escape(n) for n in sorted(wanted)) + rb")\s*\(")
    found: set[Path] = set()
    for path in changed:
        if path.suffix != ".py":
            continue
        try:
            data = path.read_bytes()
        except OSError:
            continue
        for name in set(pattern.findall(data)):
            found.update(wanted[name])
    return found
