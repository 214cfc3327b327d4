"""Discover files → pick a front-end → run the selected rules → suppress → sort.

One bad file never stops the run: what cannot be parsed is a PL001 diagnostic, and
an unexpected failure while checking a file is recorded as an internal error for
that file while the other files are still checked.
"""

from __future__ import annotations

import os
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from . import checks, registry as registry_module
from .checks import Finding, Rule
from .checks.analysis import Analysis, Context
from .config import DEFAULT_EXCLUDE, Settings
from .diagnostic import Diagnostic
from .frontends import ParseError, Parsed, jsonreq
from .request import RequestSet
from .tokens import select

# The front-end that reads each kind of file.
FRONTENDS = {".json": jsonreq.read_json, ".jsonl": jsonreq.read_jsonl}
SUFFIXES = tuple(FRONTENDS)


@dataclass
class FileFailure:
    path: str
    message: str
    detail: str


@dataclass
class Result:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    failures: list[FileFailure] = field(default_factory=list)
    files: int = 0


class PathError(Exception):
    pass


def discover(paths: Iterable[Path], settings: Settings) -> Iterator[Path]:
    """Files to check, in a stable order; folders are walked, named files are kept."""
    seen: set[Path] = set()
    for given in paths:
        if not given.exists():
            raise PathError(f"{given}: no such file or folder")
        if given.is_file():
            # Named files are read whatever their folder, but only in formats promptlint reads:
            # pre-commit and shells pass whatever matched.
            if given.suffix not in SUFFIXES or (settings.force_exclude and _excluded(given, settings)):
                continue
            if given not in seen:
                seen.add(given)
                yield given
            continue
        for found in _walk(given, settings):
            if found not in seen:
                seen.add(found)
                yield found


def _walk(folder: Path, settings: Settings) -> Iterator[Path]:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        path = Path(entry.path)
        if entry.is_dir(follow_symlinks=False):
            if entry.name in DEFAULT_EXCLUDE or (path / "pyvenv.cfg").exists() or _excluded(path, settings):
                continue
            yield from _walk(path, settings)
        elif entry.name.endswith(SUFFIXES) and entry.is_file() and not _excluded(path, settings):
            yield path


def _excluded(path: Path, settings: Settings) -> bool:
    return bool(settings.exclude) and settings.is_excluded(relative(path, settings.root))


def relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def display_path(path: Path) -> str:
    """Relative to the working folder when inside it, so editors and CI can link it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


class Engine:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.rules = checks.all_rules()
        names = {code: r.name for code, r in self.rules.items()}
        self.names = names
        self.enabled = settings.enabled(self.rules, names)
        self.request_rules = list(checks.request_rules(self.enabled))
        registry = registry_module.load(settings.models)
        api, notice = select.api_counter() if settings.tokens == "api" else (None, None)
        self.context = Context(
            registry=registry,
            counter=select.offline_counter(),
            as_of=settings.as_of,
            safety_margin=settings.safety_margin,
            default_model=settings.default_model,
            api=api,
        )
        if notice:
            self.context.notices.add(notice)

    def check_paths(self, paths: Iterable[Path]) -> Result:
        result = Result()
        for path in discover(paths, self.settings):
            result.files += 1
            shown = display_path(path)
            try:
                result.diagnostics.extend(self.check_file(path, shown))
            except Exception as exc:  # noqa: BLE001 - one file's failure must not end the run
                result.failures.append(
                    FileFailure(shown, f"{type(exc).__name__}: {exc}", traceback.format_exc(limit=-3))
                )
        result.diagnostics.sort(key=Diagnostic.sort_key)
        return result

    def analyses(self, paths: Iterable[Path]) -> Iterator[Analysis | Diagnostic]:
        """Each request of each file, analysed; what could not be parsed, as PL001."""
        for path in discover(paths, self.settings):
            parsed = self.parse(path, display_path(path))
            for error in parsed.errors:
                yield self._parse_error(error)
            for request in parsed.requests:
                yield Analysis(request, self.context)

    def check_file(self, path: Path, shown: str) -> list[Diagnostic]:
        parsed = self.parse(path, shown)
        diagnostics = [self._parse_error(e) for e in parsed.errors] if "PL001" in self.enabled else []
        in_sets = {id(r) for s in parsed.sets for r in s.requests}
        for request in parsed.requests:
            if id(request) not in in_sets:
                diagnostics.extend(self.check_request(Analysis(request, self.context)))
        for members in parsed.sets:
            diagnostics.extend(self.check_set(members))
        return self.suppress(diagnostics, path)

    def parse(self, path: Path, shown: str) -> Parsed:
        return FRONTENDS[path.suffix](path, shown, self.context.registry)

    def check_request(self, analysis: Analysis) -> list[Diagnostic]:
        out = []
        for rule in self.request_rules:
            for finding in rule.check(analysis):  # type: ignore[misc]
                out.append(self._diagnostic(rule, finding))
        return out

    def check_set(self, members: RequestSet) -> list[Diagnostic]:
        """Each member's findings, with a finding repeated across members reported once.

        A batch of ten thousand requests built from one template would otherwise say the
        same thing ten thousand times; the first line is reported with the count.
        """
        first: dict[tuple[str, str], Diagnostic] = {}
        repeats: dict[tuple[str, str], list[int]] = {}
        for request in members.requests:
            for diagnostic in self.check_request(Analysis(request, self.context)):
                key = (diagnostic.code, diagnostic.message)
                if key in first:
                    repeats[key].append(diagnostic.span.line)
                else:
                    first[key] = diagnostic
                    repeats[key] = []
        out = []
        for key, diagnostic in first.items():
            lines = repeats[key]
            if lines:
                shown = ", ".join(map(str, lines[:5])) + (", …" if len(lines) > 5 else "")
                note = f"the same in {len(lines)} more request{'s' if len(lines) > 1 else ''} of this file (lines {shown})"
                note = f"{diagnostic.note}; {note}" if diagnostic.note else note
                data = dict(diagnostic.data, repeated_on_lines=lines)
                diagnostic = Diagnostic(
                    diagnostic.code, diagnostic.name, diagnostic.severity, diagnostic.message,
                    diagnostic.span, note, diagnostic.fix, data,
                )
            out.append(diagnostic)
        return out

    def suppress(self, diagnostics: list[Diagnostic], path: Path) -> list[Diagnostic]:
        if not self.settings.per_file_ignores:
            return diagnostics
        ignored = self.settings.ignored_for(relative(path, self.settings.root), self.rules, self.names)
        return [d for d in diagnostics if d.code not in ignored]

    def _diagnostic(self, rule: Rule, finding: Finding) -> Diagnostic:
        severity = self.settings.severity.get(rule.code) or finding.severity or rule.severity
        return Diagnostic(
            rule.code, rule.name, severity, finding.message, finding.span, finding.note, finding.fix, finding.data
        )

    def _parse_error(self, error: ParseError) -> Diagnostic:
        return self._diagnostic(self.rules["PL001"], Finding(error.span, error.message))
