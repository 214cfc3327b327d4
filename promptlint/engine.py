"""Discover files → pick a front-end → run the selected rules → suppress → sort.

One bad file never stops the run: what cannot be parsed is a PL001 diagnostic, and
an unexpected failure while checking a file is recorded as an internal error for
that file while the other files are still checked.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from . import __version__, checks, registry as registry_module, suppression
from .checks import Finding, Rule
from .checks.analysis import Analysis, Context
from .config import DEFAULT_EXCLUDE, Settings
from .diagnostic import Diagnostic
from .frontends import ParseError, Parsed, jsonreq, sniff_suffix
from .request import RequestSet, Span
from .result_cache import ResultCache, called_from, settings_key
from .tokens import select

# Below this many files or bytes, starting worker processes costs more than it saves
# (about half a second here, against some 10 MB a second of requests checked serially).
POOL_THRESHOLD = 128
POOL_BYTES = 16 << 20
_MAX_WORKERS = 8

# The front-end that reads each kind of file (Python's is made per engine: it keeps the
# run's parsed modules, and importing libcst is paid only when a .py file is read).
# None: the engine's own Python front-end.
FRONTENDS = {".json": jsonreq.read_json, ".jsonl": jsonreq.read_jsonl, ".py": None}
SUFFIXES = tuple(FRONTENDS)


@dataclass
class FileFailure:
    path: str
    message: str
    detail: str
    internal: bool = True  # a bug; otherwise the file could not be read (permissions, a folder that cannot be listed)

    @property
    def kind(self) -> str:
        """Its id in SARIF and JUnit."""
        return "internal-error" if self.internal else "file-not-read"

    @property
    def sentence(self) -> str:
        """What the output formats say of it, at the file."""
        if self.internal:
            return f"promptlint could not check this file: {self.message} (please report this)"
        return f"promptlint could not read this file: {self.message}"

    @property
    def line(self) -> str:
        """What the command line says of it."""
        if self.internal:
            return f"promptlint: internal error while checking {self.path}: {self.message} (please report this)"
        return f"promptlint: could not read {self.path}: {self.message}"


@dataclass
class Result:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    failures: list[FileFailure] = field(default_factory=list)
    files: int = 0
    # Findings an inline `# promptlint: ignore` silenced, for SARIF's suppressed results.
    suppressed: list[suppression.Suppressed] = field(default_factory=list)


class PathError(Exception):
    pass


class ProjectFiles:
    """The Python files under the project root, found on first use (most runs never ask)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._files: list[Path] | None = None

    def __iter__(self) -> Iterator[Path]:
        if self._files is None:
            self._files = [p for p in discover([self.settings.root], self.settings) if p.suffix == ".py"]
        return iter(self._files)


@dataclass
class Checked:
    """One file's outcome, as a worker process returns it."""

    path: Path
    diagnostics: list[Diagnostic]
    failure: FileFailure | None
    notices: set[str]
    suppressed: list[suppression.Suppressed]
    facts: object = None  # what run-level rules need (the Python front-end's FileFacts)
    depends: list[Path] = field(default_factory=list)
    callers_of: list[str] = field(default_factory=list)


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
        if not os.access(given, os.R_OK | os.X_OK):
            yield given  # checking it says why it could not be read
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
            if entry.name in DEFAULT_EXCLUDE or _is_venv(path) or _excluded(path, settings):
                continue
            if not os.access(path, os.R_OK | os.X_OK):
                yield path  # checking it says why it could not be read, beside the other files' findings
                continue
            yield from _walk(path, settings)
        elif entry.name.endswith(SUFFIXES) and entry.is_file() and not _excluded(path, settings):
            yield path


def _is_venv(folder: Path) -> bool:
    try:
        return (folder / "pyvenv.cfg").exists()
    except OSError:  # a folder that cannot be searched
        return False


def _excluded(path: Path, settings: Settings) -> bool:
    return bool(settings.exclude or settings.extend_exclude) and settings.is_excluded(relative(path, settings.root))


def relative(path: Path, root: Path) -> str:
    return _relative_to(path, _resolved(str(root)))


def display_path(path: Path) -> str:
    """Relative to the working folder when inside it, so editors and CI can link it."""
    return _relative_to(path, _resolved(os.getcwd()))


@functools.lru_cache(maxsize=64)
def _resolved(folder: str) -> str:
    return os.path.realpath(folder)


def _relative_to(path: Path, folder: str) -> str:
    """``path`` relative to a resolved ``folder``; the file itself is not resolved unless it
    has to be (a symlinked folder on the way), which costs a system call per part."""
    absolute = os.path.abspath(path)
    for candidate in (absolute, None):
        if candidate is None:
            candidate = os.path.realpath(path)
        if candidate == folder or candidate.startswith(folder.rstrip(os.sep) + os.sep):
            return Path(os.path.relpath(candidate, folder)).as_posix()
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
        if settings.default_model and registry.resolve(settings.default_model).model is None:
            raise registry_module.RegistryError(registry.unknown_model("default-model", settings.default_model))
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
        self.suppressed: list[suppression.Suppressed] = []  # the current file's, see suppress()
        self._parsed: Parsed | None = None  # the current file's, see check_one()
        self._python = None
        self.python_files: Iterable[Path] = []

    def check_paths(self, paths: Iterable[Path], progress: Callable[[int], None] | None = None) -> Result:
        """Check every file; files clean last time and unchanged since are not read again."""
        paths = list(paths)
        files = list(discover(paths, self.settings))
        # The Python front-end looks among the project's files for the callers of a function
        # whose parameters build a prompt. When only some files are named (pre-commit passes
        # the changed ones), their callers may be elsewhere: the project tree is walked then,
        # the first time a caller is looked for.
        named = any(p.is_file() for p in paths)
        self.python_files = ProjectFiles(self.settings) if named else [p for p in files if p.suffix == ".py"]
        cache = ResultCache(self.settings.root, self.cache_key()) if self.settings.cache else None
        todo = [p for p in files if cache is None or not cache.is_clean(p)]
        if cache is not None and todo:
            # A clean file may still have to be read again: a changed file calls one of its
            # functions. When only some files are named (pre-commit), so do the files the cache
            # knows elsewhere in the project: a named file may be their new caller, or a prompt
            # module they read (its findings are found by checking them).
            pending = set(todo)
            clean = {p: cache.callers_of(p) for p in files if p not in pending}
            stale = set()
            if named:
                clean.update(cache.clean_elsewhere(files))
                stale.update(cache.readers_elsewhere(files, todo))
            stale |= called_from(clean, todo)
            extra = sorted(stale - set(files))
            todo = [p for p in files if p in pending or p in stale] + extra
            files += extra
        result = Result(files=len(files))
        quiet: list[Checked] = []  # checked and found nothing of their own
        pending = set(todo)
        facts = [cache.facts(p) for p in files if p not in pending] if cache is not None else []
        for checked in self._run(todo):
            path, diagnostics, failure, suppressed = checked.path, checked.diagnostics, checked.failure, checked.suppressed
            self.context.notices.update(checked.notices)
            if failure is not None:
                result.failures.append(failure)
            result.diagnostics.extend(diagnostics)
            result.suppressed.extend(suppressed)
            facts.append(checked.facts)
            if cache is not None:
                # A file with silenced findings is read again: SARIF lists them as suppressed.
                if failure is not None:
                    cache.forget(path)
                elif diagnostics or suppressed:
                    cache.record(path, False, checked.depends)
                else:
                    quiet.append(checked)
            if progress:
                progress(1)
        if cache is not None:
            # A module with no request of its own is clean only if no other file's request
            # found something in it (a prompt module under its caller's call).
            found_in = {d.span.path for d in result.diagnostics} | {s.diagnostic.span.path for s in result.suppressed}
            for checked in quiet:
                if display_path(checked.path) in found_in:
                    cache.record(checked.path, False, checked.depends)
                else:
                    cache.mark_clean(checked.path, checked.depends, _facts_record(checked.facts), checked.callers_of)
            cache.save()
        return self._settle(result, facts)

    def check_stdin(self, data: bytes, name: Path | None) -> Result:
        """Content read from standard input, checked as the file ``name`` (its kind, its
        per-file-ignores, the name findings show), or, unnamed, as what it looks like.

        The content is written to a private temporary file, since a log is streamed and read
        again by line; nothing of it is kept. Python code named after a file in the project
        is analysed as that module: its imports and callers are found as they would be.
        """
        import tempfile

        if name is not None and self.settings.force_exclude and _excluded(name, self.settings):
            return Result(files=0)
        suffix = name.suffix if name is not None else sniff_suffix(data)
        self.python_files = ProjectFiles(self.settings)
        with tempfile.TemporaryDirectory(prefix="promptlint-stdin-") as folder:
            path = Path(folder) / f"stdin{suffix}"
            path.write_bytes(data)
            checked = self.check_one(path, shown=display_path(name) if name is not None else "-", as_path=name)
        self.context.notices.update(checked.notices)
        result = Result(diagnostics=checked.diagnostics, failures=[checked.failure] if checked.failure else [], files=1, suppressed=checked.suppressed)
        return self._settle(result, [checked.facts])

    def _settle(self, result: Result, facts: list) -> Result:
        """The run-level findings added, silenced findings settled, everything in order."""
        for finding in self._run_findings(facts):  # silenced like any other, in the file it points at
            self.suppressed = []
            result.diagnostics.extend(self.suppress([finding], Path(finding.span.path)))
            result.suppressed.extend(self.suppressed)
        self.suppressed = []
        result.diagnostics = _settle_unused(result.diagnostics, result.suppressed)
        result.diagnostics = _one_each(result.diagnostics)
        result.diagnostics.sort(key=Diagnostic.sort_key)
        result.suppressed.sort(key=lambda s: s.diagnostic.sort_key())
        return result

    def _run(self, files: list[Path]) -> Iterator[Checked]:
        """Each file checked, in this process or, for a large run, in a pool of processes."""
        workers = min(os.cpu_count() or 1, _MAX_WORKERS)
        if len(files) < POOL_THRESHOLD or workers < 2 or _total_size(files) < POOL_BYTES:
            for path in files:
                yield self.check_one(path)
            return
        from concurrent.futures import ProcessPoolExecutor  # only large runs pay for it

        chunk = max(1, len(files) // (workers * 8))
        with ProcessPoolExecutor(workers, initializer=_start_worker, initargs=(self.settings, self.python_files)) as pool:
            yield from pool.map(_check_in_worker, files, chunksize=chunk)

    def check_one(self, path: Path, shown: str | None = None, as_path: Path | None = None) -> Checked:
        """One file's diagnostics, notices and facts; a failure never escapes.

        ``as_path``: the file the content stands for, when ``path`` only holds it (stdin).
        """
        shown = shown or display_path(path)
        before = set(self.context.notices)
        self.suppressed = []
        self._parsed = None
        try:
            diagnostics, failure = self.check_file(path, shown, as_path), None
        except PermissionError as exc:
            diagnostics = []
            failure = FileFailure(shown, exc.strerror or str(exc), "", internal=False)
        except Exception as exc:  # noqa: BLE001 - one file's failure must not end the run
            diagnostics = []
            failure = FileFailure(shown, f"{type(exc).__name__}: {exc}", traceback.format_exc(limit=-3))
        suppressed, self.suppressed = self.suppressed, []
        parsed, self._parsed = self._parsed, None
        facts = parsed.facts if parsed is not None else None
        depends = parsed.depends if parsed is not None else []
        callers_of = parsed.callers_of if parsed is not None else []
        return Checked(path, diagnostics, failure, self.context.notices - before, suppressed, facts, depends, callers_of)

    def _run_findings(self, facts: list) -> list[Diagnostic]:
        """Findings about the run as a whole: PC501, caching nobody reads the usage of."""
        if "PC501" not in self.enabled:
            return []
        facts = [f for f in facts if f is not None]
        if any(f.reads_usage for f in facts):
            return []
        sites = sorted({s for f in facts for s in f.caching_sites}, key=lambda s: (s.path, s.line, s.column))
        if not sites:
            return []
        from .checks import observability

        return [self._diagnostic(self.rules["PC501"], observability.unobserved(sites[0], len(sites)))]

    def cache_key(self) -> str:
        """Everything that decides what a file reports, for the result cache."""
        s = self.settings
        return settings_key(
            __version__,
            sorted(self.enabled),
            {code: sev.value for code, sev in s.severity.items()},
            s.per_file_ignores,
            s.default_model,
            s.safety_margin,
            s.models,
            s.as_of.isoformat(),
            s.max_python_file_size,
            s.volatile_sources,
            s.unordered_sources,
            s.request_functions,
            s.tokens,
            self.context.counter.name,
            registry_module.data_digest(),
        )

    def analyses(self, paths: Iterable[Path]) -> Iterator[Analysis | Diagnostic]:
        """Each request of each file, analysed; what could not be parsed, as PL001."""
        for path in discover(paths, self.settings):
            parsed = self.parse(path, display_path(path))
            for error in parsed.errors:
                yield self._parse_error(error)
            for request in parsed.requests:
                yield Analysis(request, self.context)

    def check_file(self, path: Path, shown: str, as_path: Path | None = None) -> list[Diagnostic]:
        if path.is_dir():  # a folder the walk could not list: listing it again says why
            os.scandir(path).close()
            return []
        if path.suffix == ".jsonl":  # checked as it is read: a log of any size
            from .sets.checking import check_jsonl

            self._parsed = Parsed()
            return self.suppress(check_jsonl(self, path, shown), path, shown, as_path)
        parsed = self._parsed = self.parse(path, shown, as_path)
        diagnostics = self.check_parsed(parsed)
        if parsed.skipped:  # nothing was checked, so its comments silence nothing: no PL004
            if "PL005" not in self.enabled or "PL005" in self._ignored(as_path or path):
                return []
            return [self._diagnostic(self.rules["PL005"], Finding(Span(shown, 1, 1), f"not checked: {parsed.skipped}"))]
        return self.suppress(diagnostics, path, shown, as_path)

    def _ignored(self, path: Path) -> set[str]:
        if not self.settings.per_file_ignores:
            return set()
        return self.settings.ignored_for(relative(path, self.settings.root), self.rules, self.names)

    def check_parsed(self, parsed: Parsed) -> list[Diagnostic]:
        """What a front-end produced, checked: parse errors, lone requests, request sets."""
        diagnostics = [self._parse_error(e) for e in parsed.errors] if "PL001" in self.enabled else []
        # A set built in a loop over values the code does not show holds stand-ins for a run-time
        # number of requests: nothing can be measured over them, so each is checked on its own.
        measured = [s for s in parsed.sets if not s.open_ended]
        in_sets = {id(r) for s in measured for r in s.requests}
        for request in parsed.requests:
            if id(request) not in in_sets:
                diagnostics.extend(self.check_request(Analysis(request, self.context)))
        for members in measured:
            diagnostics.extend(self.check_set(members))
        return diagnostics

    def parse(self, path: Path, shown: str, as_path: Path | None = None) -> Parsed:
        reader = FRONTENDS[path.suffix]
        if reader is None:
            return self.python.read(path, shown, as_path=as_path)
        return reader(path, shown, self.context.registry)

    @property
    def python(self):
        """The Python front-end, made on first use."""
        if self._python is None:
            from .frontends.python import PythonFrontend

            s = self.settings
            self._python = PythonFrontend(s.root, self.context.registry, s.max_python_file_size, s.volatile_sources, s.unordered_sources, s.request_functions)
        self._python.files = self.python_files
        return self._python

    def check_request(self, analysis: Analysis) -> list[Diagnostic]:
        out = []
        call = analysis.request.call
        for rule in self.request_rules:
            for finding in rule.check(analysis):  # type: ignore[misc]
                if call is not None and call.via is not None:
                    via = f"{_VIA}{call.via.path}:{call.via.line}"
                    finding = dataclasses.replace(finding, note=f"{finding.note}; {via}" if finding.note else via)
                out.append(self._diagnostic(rule, finding))
        return out

    def check_set(self, members: RequestSet) -> list[Diagnostic]:
        """Each member's findings and the set's own (``sets.checking``)."""
        from .sets.checking import check_members

        return check_members(self, members)

    def suppress(self, diagnostics: list[Diagnostic], path: Path, shown: str | None = None, as_path: Path | None = None) -> list[Diagnostic]:
        """Drop what per-file-ignores and, in Python files, `# promptlint: ignore` comments silence.

        A finding is judged by the file it points into: a value born in one module and
        reported through a call in another is silenced by the comment on its own line.
        Silenced findings go to ``self.suppressed``; the checked file's unused comments are
        PL004 (``_settle_unused`` drops those another file's findings turned out to use).
        ``shown`` and ``as_path``: as ``check_one`` takes them.
        """
        shown = shown or display_path(path)
        groups: dict[str, list[Diagnostic]] = {shown: []}
        for diagnostic in diagnostics:
            groups.setdefault(diagnostic.span.path, []).append(diagnostic)
        kept: list[Diagnostic] = []
        for where, group in groups.items():
            own = where == shown
            file = path if own else Path(where)
            ignored = self._ignored(as_path if own and as_path is not None else file)
            group = [d for d in group if d.code not in ignored]
            if file.suffix == ".py" and (group or own):
                report = functools.partial(self._diagnostic, self.rules[suppression.CODE])
                active = self.enabled - ignored - (set() if own else {suppression.CODE})
                outcome = suppression.apply_file(file, where, group, active=active, names=self.names, report=report)
                self.suppressed.extend(outcome.suppressed)
                group = outcome.kept
            kept.extend(group)
        return kept

    def _diagnostic(self, rule: Rule, finding: Finding) -> Diagnostic:
        severity = self.settings.severity.get(rule.code) or finding.severity or rule.severity
        return Diagnostic(
            rule.code, rule.name, severity, finding.message, finding.span, finding.note, finding.fix, finding.data, finding.same_as
        )

    def _parse_error(self, error: ParseError) -> Diagnostic:
        return self._diagnostic(self.rules["PL001"], Finding(error.span, error.message))


def _total_size(files: list[Path]) -> int:
    total = 0
    for path in files:
        try:
            total += path.stat().st_size
        except OSError:
            pass
    return total


# -- worker processes ------------------------------------------------------------------------

_worker: Engine | None = None


def _start_worker(settings: Settings, python_files: Iterable[Path]) -> None:
    global _worker
    _worker = Engine(settings)
    _worker.python_files = python_files


def _check_in_worker(path: Path) -> Checked:
    assert _worker is not None
    return _worker.check_one(path)


def _facts_record(facts: object) -> dict | None:
    """A file's facts as the result cache keeps them (PC501 needs them from clean files too)."""
    if facts is None:
        return None
    sites = [[s.path, s.line, s.column] for s in facts.caching_sites]  # type: ignore[attr-defined]
    return {"reads_usage": facts.reads_usage, "caching_sites": sites}  # type: ignore[attr-defined]


def _settle_unused(diagnostics: list[Diagnostic], suppressed: list) -> list[Diagnostic]:
    """Drop PL004s for comments that silenced, in the end, what they name.

    A comment in a helper module silences findings reported while checking the modules
    that call it; checked alone, that module saw nothing for the comment to silence.
    """
    used: dict[tuple[str, int], set[str]] = {}
    for item in suppressed:
        used.setdefault((item.comment.path, item.comment.line), set()).add(item.diagnostic.code)
    if not used:
        return diagnostics
    out = []
    for d in diagnostics:
        codes = used.get((d.span.path, d.span.line))
        unused = d.data.get("unused") if d.code == suppression.CODE else None
        if codes and unused and not d.data.get("unknown") and not d.data.get("duplicated"):
            if "*" in unused or set(unused) <= codes:
                continue
        out.append(d)
    return out


_VIA = "for the call at "


def _one_each(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """One finding per rule, place and message.

    A value born in one module can reach requests made in several, and a function is
    checked once per caller: the same finding then comes more than once. When it came
    for several callers, it holds whoever calls, so the note naming one caller goes.
    """
    groups: dict[tuple, list[Diagnostic]] = {}
    for d in diagnostics:
        groups.setdefault((d.code, d.span, d.message), []).append(d)
    out = []
    for group in groups.values():
        first = group[0]
        if len({d.note for d in group}) > 1 and first.note and _VIA in first.note:
            kept = "; ".join(part for part in first.note.split("; ") if not part.startswith(_VIA)) or None
            first = dataclasses.replace(first, note=kept)
        out.append(first)
    return out
