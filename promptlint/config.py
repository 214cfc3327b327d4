"""``[tool.promptlint]`` in the nearest pyproject.toml → validated Settings."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from .diagnostic import Severity

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

_CODE_LIST = {"type": "array", "items": {"type": "string"}}
_GLOB_LIST = {"type": "array", "items": {"type": "string"}}
# A model's prices (US dollars per million tokens), every one of them: a typo is an error, not a 0.
_PRICE_KEYS = ("input", "write_5m", "write_1h", "read", "output")
_PRICES: dict[str, Any] = {
    "type": "object",
    "required": list(_PRICE_KEYS),
    "additionalProperties": False,
    "properties": {k: {"type": "number", "minimum": 0} for k in _PRICE_KEYS},
}
# Where a minimum can be given: the first-party table ("default") and each platform.
_PLATFORMS = ("default", "anthropic", "bedrock", "vertex", "openai", "azure", "deepseek", "gemini")

SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "select": _CODE_LIST,
        "extend-select": _CODE_LIST,
        "ignore": _CODE_LIST,
        "per-file-ignores": {"type": "object", "additionalProperties": _CODE_LIST},
        "exclude": _GLOB_LIST,
        "extend-exclude": _GLOB_LIST,
        "force-exclude": {"type": "boolean"},
        "severity": {
            "type": "object",
            "additionalProperties": {"enum": ["error", "warning", "info"]},
        },
        "default-model": {"type": "string"},
        "python": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                # Python files larger than this are skipped with an info diagnostic (PL005).
                "max-file-size": {"type": "integer", "minimum": 1},
                # Extra calls, by qualified name, whose value changes between requests.
                "volatile-sources": {"type": "array", "items": {"type": "string", "pattern": "^[A-Za-z_][\\w.]*$"}},
                # Extra calls whose items come in an order that is not fixed.
                "unordered-sources": {"type": "array", "items": {"type": "string", "pattern": "^[A-Za-z_][\\w.]*$"}},
                # Your own functions that send a request (a wrapper in a library outside the checked
                # paths), by qualified name, with the request shape their keywords follow.
                "request-functions": {
                    "type": "array",
                    "items": {"type": "string", "pattern": "^[A-Za-z_][\\w.]*(:(anthropic|openai-chat|openai-responses|bedrock-converse))?$"},
                },
            },
        },
        "safety-margin": {"type": "number", "minimum": 0, "maximum": 0.9},
        "models": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id"],
                "additionalProperties": False,
                "properties": {
                    "id": {"type": "string"},
                    "provider": {"type": "string"},
                    "family": {"type": "string"},
                    "aliases": {"type": "array", "items": {"type": "string"}},
                    "patterns": {"type": "array", "items": {"type": "string"}},
                    "min_tokens": {"type": "object", "propertyNames": {"enum": list(_PLATFORMS)}, "additionalProperties": {"type": "integer", "minimum": 0}},
                    "prices": _PRICES,
                    "prices_long": {**_PRICES, "required": [*_PRICES["required"], "above_tokens"], "properties": {**_PRICES["properties"], "above_tokens": {"type": "integer", "minimum": 0}}},
                    "replacement": {"type": "string"},
                    # TOML dates; checked when the registry reads them.
                    "deprecated": {},
                    "retired": {},
                    "notes": {"type": "string"},
                    "sources": {"type": "object", "additionalProperties": {"type": "string"}},
                },
            },
        },
    },
}

# Folders that never hold a project's own requests.
DEFAULT_EXCLUDE = (
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    ".tox",
    ".nox",
    "node_modules",
    "__pycache__",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".promptlint_cache",
    "site-packages",
)

SAFETY_MARGIN = 0.10


class ConfigError(Exception):
    """A config that cannot be used; the message is one line for the user."""


@dataclass
class Settings:
    root: Path = field(default_factory=Path.cwd)
    config_path: Path | None = None
    select: list[str] = field(default_factory=lambda: ["ALL"])
    extend_select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    exclude: list[str] = field(default_factory=list)
    extend_exclude: list[str] = field(default_factory=list)
    force_exclude: bool = False
    severity: dict[str, Severity] = field(default_factory=dict)
    default_model: str | None = None
    safety_margin: float = SAFETY_MARGIN
    models: list[dict[str, Any]] = field(default_factory=list)
    as_of: dt.date = field(default_factory=dt.date.today)
    # "offline", or "api" to verify uncertain counts with count_tokens: a command-line choice
    # only, so no committed file can make a run send prompt text off the machine.
    tokens: str = "offline"
    # Remember clean files between runs (--no-cache turns it off).
    cache: bool = True
    # Python front-end: the size above which a file is skipped, and extra sources of holes.
    max_python_file_size: int = 2 << 20
    volatile_sources: list[str] = field(default_factory=list)
    unordered_sources: list[str] = field(default_factory=list)
    request_functions: list[str] = field(default_factory=list)

    def enabled(self, codes: Iterable[str], names: Mapping[str, str]) -> set[str]:
        """Codes the selection turns on, out of ``codes`` (with ``names`` code → name)."""
        chosen = expand(self.select + self.extend_select, codes, names)
        return chosen - expand(self.ignore, codes, names)

    def ignored_for(self, relpath: str, codes: Iterable[str], names: Mapping[str, str]) -> set[str]:
        ignored: set[str] = set()
        for pattern, selectors in self.per_file_ignores.items():
            negate = pattern.startswith("!")
            if glob_match(pattern.lstrip("!"), relpath) != negate:
                ignored |= expand(selectors, codes, names)
        return ignored

    def is_excluded(self, relpath: str) -> bool:
        return any(glob_match(p, relpath) for p in (*self.exclude, *self.extend_exclude))


def expand(selectors: Iterable[str], codes: Iterable[str], names: Mapping[str, str]) -> set[str]:
    """Codes matched by selectors: ALL, a code, a code prefix (PC, PC3) or a rule name."""
    codes = list(codes)
    out: set[str] = set()
    for selector in selectors:
        sel = selector.strip()
        if sel.upper() == "ALL":
            out.update(codes)
        else:
            out.update(c for c in codes if c.startswith(sel.upper()) or names.get(c) == sel)
    return out


def check_selectors(selectors: Iterable[str], codes: Iterable[str], names: Mapping[str, str], where: str) -> None:
    codes = list(codes)
    for selector in selectors:
        if not expand([selector], codes, names):
            raise ConfigError(f"{where}: unknown rule selector {selector!r} (see `promptlint rule --all`)")


_GLOB_CACHE: dict[str, re.Pattern[str]] = {}


def glob_match(pattern: str, relpath: str) -> bool:
    """gitignore-like matching: ``**`` spans folders; a pattern without ``/`` matches any path part."""
    regex = _GLOB_CACHE.get(pattern)
    if regex is None:
        regex = _GLOB_CACHE[pattern] = re.compile(_glob_to_regex(pattern))
    return regex.search(relpath) is not None


def _glob_to_regex(pattern: str) -> str:
    anchored = "/" in pattern.rstrip("/")
    pattern = pattern.strip("/")
    out = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        out.append({"*": "[^/]*", "?": "[^/]"}.get(char, re.escape(char)))
        i += 1
    body = "".join(out)
    # A match may stop at a folder: excluding "build" excludes everything below it.
    return (r"\A" if anchored else r"(?:\A|/)") + body + r"(?:/|\Z)"


# In each folder, as Ruff looks for .ruff.toml, ruff.toml, then pyproject.toml: the first
# found wins, and a pyproject.toml counts only with a [tool.promptlint] table.
CONFIG_FILES = (".promptlint.toml", "promptlint.toml", "pyproject.toml")


def find_config(start: Path) -> Path | None:
    """The nearest config at or above ``start``: a (.)promptlint.toml, or a pyproject.toml
    with a [tool.promptlint] table."""
    for folder in (start, *start.parents):
        for name in CONFIG_FILES:
            candidate = folder / name
            if not candidate.is_file():
                continue
            if name != "pyproject.toml":
                return candidate
            try:
                text = candidate.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            if "tool.promptlint" not in text:
                continue
            try:
                data = tomllib.loads(text)
            except tomllib.TOMLDecodeError as exc:
                raise ConfigError(f"{candidate}: not valid TOML: {exc}") from exc
            if "promptlint" in data.get("tool", {}):
                return candidate
    return None


def config_table(path: Path, data: dict) -> dict | None:
    """The promptlint settings in a parsed config file: a pyproject.toml's [tool.promptlint]
    table, a promptlint.toml's top level; a file named otherwise (``--config``) may be
    either, as its ``[tool]`` table says. None: a file with tables for other tools only."""
    tool = data.get("tool")
    if path.name == "pyproject.toml" or (path.name not in CONFIG_FILES and isinstance(tool, dict) and ("promptlint" in tool or data.keys() == {"tool"})):
        return tool.get("promptlint") if isinstance(tool, dict) else None
    if path.name not in CONFIG_FILES:  # flat settings beside other tools' tables
        return {k: v for k, v in data.items() if k != "tool"}
    return data


def load(path: Path | None, codes: Iterable[str], names: Mapping[str, str]) -> Settings:
    """Settings from ``path`` (a promptlint.toml or pyproject.toml), or the defaults when it is None."""
    if path is None:
        return Settings()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from exc
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    table = config_table(path, data)
    if table is None:
        # Named with --config (the search skips such files): a typo'd table must not pass silently.
        raise ConfigError(f"{path} has no [tool.promptlint] table")
    where = f"{path} [tool.promptlint]" if table is not data else str(path)
    from jsonschema import Draft202012Validator  # only when there is a config to validate

    error = next(iter(sorted(Draft202012Validator(SCHEMA).iter_errors(table), key=lambda e: list(map(str, e.path)))), None)
    if error is not None:
        key = ".".join(str(p) for p in error.absolute_path)
        if error.validator == "additionalProperties" and not key:
            hint = " (in a promptlint.toml the settings stand at the top level, without [tool.promptlint])" if "tool" in table and table is data else ""
            raise ConfigError(f"{where}: {error.message.replace('were unexpected', 'are not settings').replace('was unexpected', 'is not a setting')}{hint}")
        raise ConfigError(f"{where}: {key + ': ' if key else ''}{error.message}")
    codes = list(codes)
    for key in ("select", "extend-select", "ignore"):
        check_selectors(table.get(key, []), codes, names, f"{where} {key}")
    for selectors in table.get("per-file-ignores", {}).values():
        check_selectors(selectors, codes, names, f"{where} per-file-ignores")
    for code in table.get("severity", {}):
        if code not in codes:
            raise ConfigError(f"{where} severity: unknown rule code {code!r}")
    return Settings(
        root=path.parent,
        config_path=path,
        select=list(table.get("select", ["ALL"])),
        extend_select=list(table.get("extend-select", [])),
        ignore=list(table.get("ignore", [])),
        per_file_ignores=dict(table.get("per-file-ignores", {})),
        exclude=list(table.get("exclude", [])),
        extend_exclude=list(table.get("extend-exclude", [])),
        force_exclude=bool(table.get("force-exclude", False)),
        severity={code: Severity(value) for code, value in table.get("severity", {}).items()},
        default_model=table.get("default-model"),
        safety_margin=float(table.get("safety-margin", SAFETY_MARGIN)),
        models=list(table.get("models", [])),
        max_python_file_size=int(table.get("python", {}).get("max-file-size", 2 << 20)),
        volatile_sources=list(table.get("python", {}).get("volatile-sources", [])),
        unordered_sources=list(table.get("python", {}).get("unordered-sources", [])),
        request_functions=list(table.get("python", {}).get("request-functions", [])),
    )
