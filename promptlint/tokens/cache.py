"""Exact token counts kept on disk, so CI asks count_tokens once per changed prefix.

One small JSON file per (tokenizer family, sha256 of the prefix body): it holds the
family and the count, never any prompt text. Files are written to a temporary name in
the same folder and renamed into place, so a reader never sees half an entry.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

_DIGEST = re.compile(r"^[0-9a-f]{64}$")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
_SUFFIX = ".json"
_TEMP_PREFIX = ".tmp-"


class CountCache:
    """Token counts on disk, one small JSON file per key: counts only, never prompt text."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def __repr__(self) -> str:
        return f"CountCache({str(self.folder)!r})"

    def _path(self, family: str, digest: str) -> Path | None:
        if not _DIGEST.match(digest):
            return None  # not a sha256 hex digest: never let a key pick the path
        return self.folder / f"{_UNSAFE.sub('_', family)}-{digest}{_SUFFIX}"

    def get(self, family: str, digest: str) -> int | None:
        """The stored count, or None when there is none or it cannot be read or trusted."""
        path = self._path(family, digest)
        if path is None:
            return None
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):
            return None
        if not isinstance(entry, dict) or entry.get("family") != family:
            return None
        count = entry.get("input_tokens")
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            return None
        return count

    def put(self, family: str, digest: str, count: int) -> None:
        """Store ``count``; a folder that cannot be created or written makes this a no-op."""
        path = self._path(family, digest)
        if path is None or isinstance(count, bool) or not isinstance(count, int) or count < 0:
            return
        data = json.dumps({"family": family, "input_tokens": count}, sort_keys=True)
        temp: str | None = None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(prefix=_TEMP_PREFIX, suffix=_SUFFIX, dir=self.folder)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(data)
            os.replace(temp, path)
            temp = None
        except OSError:
            pass
        finally:
            if temp is not None:
                try:
                    os.unlink(temp)
                except OSError:
                    pass

    @staticmethod
    def default_folder() -> Path:
        """$PROMPTLINT_CACHE_DIR, else $XDG_CACHE_HOME/promptlint/token-counts, else ~/.cache/….

        An empty variable counts as unset, and so does a relative XDG_CACHE_HOME, as the
        XDG Base Directory spec says.
        """
        own = os.environ.get("PROMPTLINT_CACHE_DIR")
        if own:
            return Path(own).expanduser()
        xdg = os.environ.get("XDG_CACHE_HOME")
        if xdg and os.path.isabs(xdg):
            base = Path(xdg)
        else:
            try:
                base = Path.home() / ".cache"
            except RuntimeError:  # no home directory to be found
                base = Path(tempfile.gettempdir())
        return base / "promptlint" / "token-counts"
