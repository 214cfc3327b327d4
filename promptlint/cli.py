"""The command line: check, tokens, rule, models, config."""

from __future__ import annotations

import datetime as dt
import gc
import io
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import click

from . import __version__, baseline as baseline_module, checks, docs, fixes, registry as registry_module, result_cache
from .changed import ChangedError, changes_since
from .config import DEFAULT_EXCLUDE, ConfigError, Settings, check_selectors, config_table, expand, find_config, load, tomllib
from .engine import SUFFIXES, Engine, PathError, discover, display_path
from .diagnostic import Diagnostic
from .report import REPORTERS, source, text
from .tokens.select import MODES
from .sets.command import simulate_command

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _fail(message: str) -> None:
    click.echo(f"promptlint: error: {message}", err=True)
    sys.exit(EXIT_ERROR)


def _selectors(value: str | None) -> list[str]:
    return [s.strip() for s in value.split(",") if s.strip()] if value else []


def _settings(config: Path | None, cwd: Path) -> Settings:
    rules = checks.all_rules()
    names = {code: r.name for code, r in rules.items()}
    try:
        return load(config or find_config(cwd), rules, names)
    except ConfigError as exc:
        _fail(str(exc))
        raise  # unreachable


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="promptlint")
def cli() -> None:
    """Find what silently defeats LLM prompt caching, before it reaches the bill."""


cli.add_command(simulate_command)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(readable=False, path_type=Path))
@click.option("--format", "--output-format", "output_format", type=click.Choice(sorted(REPORTERS)), help="Output format (default: full on a terminal, concise otherwise); --output-format is Ruff's name for it.")
@click.option("--select", help="Comma-separated rule codes, prefixes (PC3) or names to enable (replaces the config's).")
@click.option("--extend-select", help="Rules to enable in addition to the selection.")
@click.option("--ignore", help="Rules to disable.")
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), help="Date the lifecycle rules judge by (default: today).")
@click.option("--default-model", help="Model whose minimum applies when a request's model is unknown.")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="A promptlint.toml, or a pyproject.toml to read [tool.promptlint] from.")
@click.option("--tokens", "token_mode", type=click.Choice(MODES), default="offline", show_default=True, help="How to count prefixes near a minimum: offline estimates, or exact counts through count_tokens (sends those prefixes to the API; needs ANTHROPIC_API_KEY).")
@click.option("--exclude", "exclude", multiple=True, metavar="PATTERN", help="Files and folders to skip (glob), instead of the config's exclude; repeat or comma-separate.")
@click.option("--extend-exclude", "extend_exclude", multiple=True, metavar="PATTERN", help="Files and folders to skip in addition to the config's.")
@click.option("--force-exclude", is_flag=True, help="Apply exclude patterns to files named on the command line too (for pre-commit).")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings (errors of promptlint itself still exit 2).")
@click.option("--no-cache", is_flag=True, help="Check every file, even those that were clean and have not changed since.")
@click.option("-o", "--output-file", type=click.Path(dir_okay=False, path_type=Path), help="Write the report to a file instead of stdout.")
@click.option("--statistics", is_flag=True, help="Print how often each rule fired (count, code, name; tab-separated) instead of the findings.")
@click.option("--changed-since", "changed_since", metavar="REF", help="Report only findings on lines changed since git REF (the working tree against it; new files whole).")
@click.option("--baseline", "baseline_path", type=click.Path(path_type=Path), metavar="FILE", help="Hide the findings recorded in this baseline file; report only new ones.")
@click.option("--write-baseline", "write_baseline_path", type=click.Path(dir_okay=False, path_type=Path), help="Record every current finding in this baseline file, and exit 0.")
@click.option("--fix", is_flag=True, help="Apply safe fixes and write the fixed files; report what remains.")
@click.option("--unsafe-fixes", is_flag=True, help="Apply unsafe fixes too (with --fix or --diff), and count them as fixable.")
@click.option("--diff", is_flag=True, help="Print what --fix would change as unified diffs, and write nothing; exit 1 if there is any.")
@click.option("--exit-non-zero-on-fix", is_flag=True, help="With --fix, exit 1 when anything was fixed, even if nothing remains.")
@click.option("-q", "--quiet", is_flag=True, help="Print the findings and nothing else: no summary or hints.")
@click.option("-s", "--silent", is_flag=True, help="Print nothing but errors; the exit code still tells. A report asked for with -o is still written.")
@click.option("--stdin-filename", type=click.Path(dir_okay=False, path_type=Path), help="The file that content read from standard input (path -) stands for: its kind, per-file-ignores and the name findings show. Without it, stdin is taken for JSON, JSONL or Python by its look.")
def check(
    paths: Sequence[Path],
    output_format: str | None,
    select: str | None,
    extend_select: str | None,
    ignore: str | None,
    as_of: dt.datetime | None,
    default_model: str | None,
    config_path: Path | None,
    token_mode: str,
    exclude: tuple[str, ...],
    extend_exclude: tuple[str, ...],
    force_exclude: bool,
    exit_zero: bool,
    no_cache: bool,
    output_file: Path | None,
    statistics: bool,
    changed_since: str | None,
    baseline_path: Path | None,
    write_baseline_path: Path | None,
    fix: bool,
    unsafe_fixes: bool,
    diff: bool,
    exit_non_zero_on_fix: bool,
    quiet: bool,
    silent: bool,
    stdin_filename: Path | None,
) -> None:
    """Check request files and folders (default: the current folder); - reads standard input."""
    stdin = _stdin_wanted(paths, stdin_filename, "--fix" if fix else "--diff" if diff else None)
    if changed_since and write_baseline_path:
        raise click.UsageError("--changed-since and --write-baseline do not go together: a baseline records every current finding")
    if baseline_path and write_baseline_path:
        raise click.UsageError("--baseline and --write-baseline do not go together: --write-baseline records every current finding")
    if write_baseline_path and (fix or diff):
        raise click.UsageError(f"{'--diff' if diff else '--fix'} and --write-baseline do not go together: fix first, then record what remains")
    if diff and statistics:
        raise click.UsageError("--diff prints the fixes, not statistics")
    if statistics and output_format not in (None, "text", "concise", "full", "json"):
        raise click.UsageError(f"--statistics prints text, or json with --format json, not {output_format}")
    settings = _settings(config_path, Path.cwd())
    rules = checks.all_rules()
    names = {code: r.name for code, r in rules.items()}
    for option, value in (("--select", select), ("--extend-select", extend_select), ("--ignore", ignore)):
        try:
            check_selectors(_selectors(value), rules, names, option)
        except ConfigError as exc:
            _fail(str(exc))
    if select:
        # As in Ruff: the highest-priority select is the base, and the config's adjustments
        # to its own select go with it (`--select F401` enforces F401 whatever pyproject ignores).
        settings.select, settings.extend_select, settings.ignore = _selectors(select), [], []
    settings.extend_select += _selectors(extend_select)
    settings.ignore += _selectors(ignore)
    if as_of:
        settings.as_of = as_of.date()
    if default_model:
        settings.default_model = default_model
    if exclude:
        settings.exclude = _patterns(exclude)
    settings.extend_exclude += _patterns(extend_exclude)
    settings.force_exclude = settings.force_exclude or force_exclude
    settings.tokens = token_mode
    settings.cache = settings.cache and not no_cache

    known: list[baseline_module.Entry] | None = None
    if baseline_path:
        try:
            known = baseline_module.load(baseline_path)
        except baseline_module.BaselineError as exc:
            _fail(str(exc))

    targets = list(paths) or [Path(".")]
    try:
        engine = Engine(settings)
        result = engine.check_stdin(sys.stdin.buffer.read(), stdin_filename) if stdin else _check_with_progress(engine, targets)
    except (PathError, registry_module.RegistryError) as exc:
        _fail(str(exc))
        return

    if write_baseline_path:
        _write_baseline(write_baseline_path, result, engine, Talk(quiet, silent))
        return

    fixing: _Fixing | None = None
    if diff:
        fixing = _Fixing()
        candidates = _fixable(result.diagnostics, known)
        _fix_pass(candidates, unsafe_fixes, fixing, write=False)
        hidden_unsafe = sum(1 for d in candidates if fixes.hidden_unsafe(d, unsafe_fixes))
        _finish_diff(fixing, result, engine, output_file, hidden_unsafe, exit_zero, Talk(quiet, silent))
        return
    if fix:
        engine, result, fixing = _fix_passes(engine, result, targets, known, unsafe_fixes)

    unchanged = 0
    if changed_since:
        try:
            where = targets[0] if targets[0].is_dir() else targets[0].parent
            narrowed = changes_since(changed_since, where).narrow(result.diagnostics)
        except ChangedError as exc:
            _fail(str(exc))
        unchanged, result.diagnostics = len(result.diagnostics) - len(narrowed), narrowed
    shown, hidden, stale = result.diagnostics, [], []
    if known is not None:
        matched = baseline_module.match(result.diagnostics, known)
        shown, hidden = matched.new, matched.baselined
        if matched.unused:
            checked = {d.span.path for d in result.diagnostics} if stdin else {display_path(p) for p in discover(targets, settings)}
            stale = baseline_module.stale(matched.unused, checked)

    talk = Talk(quiet, silent)
    human = output_format in (None, "text", "concise", "full")
    if output_format is None:
        output_format = "full" if output_file is None and sys.stdout.isatty() else "concise"
    out = _open_output(output_file) if output_file else sys.stdout if not silent else io.StringIO()
    try:
        if statistics:
            _write_statistics(shown, out, as_json=output_format == "json")
        elif output_format == "sarif":
            # Baselined findings and those a `# promptlint: ignore` comment silenced, as suppressed results.
            silenced = sorted([*hidden, *result.suppressed], key=lambda s: getattr(s, "diagnostic", s).sort_key())
            from .report import sarif

            sarif.write_sarif(shown, out, suppressed=silenced, failures=result.failures)
        elif human:
            REPORTERS[output_format](shown, out, unsafe_fixes=unsafe_fixes)  # type: ignore[call-arg]
        elif output_format in ("github", "junit"):  # CI reports say which files were not checked
            REPORTERS[output_format](shown, out, failures=result.failures)  # type: ignore[call-arg]
        else:
            REPORTERS[output_format](shown, out)
    finally:
        if output_file:
            out.close()
    for failure in result.failures:
        click.echo(failure.line, err=True)
    if stale and talk.warnings:
        _report_stale(stale, baseline_path)
    if talk.warnings:
        _notices(engine)
    if fixing is not None:
        _report_fixing(fixing, talk)
        line = _fix_summary(fixing.fixed, sum(1 for d in shown if fixes.hidden_unsafe(d, unsafe_fixes)), applied=True)
        if line and talk.summaries:
            click.echo(line, err=True)  # on stderr in every format: the files changed
    if human and talk.summaries:
        summary = text.summary(shown, result.files, len(result.failures))
        if hidden:
            summary += f" {len(hidden)} finding{'s' if len(hidden) != 1 else ''} in the baseline not shown."
        if unchanged:
            summary += f" {unchanged} finding{'s' if unchanged != 1 else ''} on lines not changed since {changed_since} not shown."
        click.echo(summary, err=True)
        hint = _fixable_hint(shown, unsafe_fixes) if fixing is None else None
        if hint:
            click.echo(hint, err=True)
    if result.failures or (fixing is not None and fixing.errors):
        sys.exit(EXIT_ERROR)
    if exit_zero:
        sys.exit(EXIT_CLEAN)
    if exit_non_zero_on_fix and fixing is not None and fixing.fixed:
        sys.exit(EXIT_FINDINGS)
    sys.exit(EXIT_FINDINGS if shown else EXIT_CLEAN)


# -- fixes -------------------------------------------------------------------------------------


@dataclass
class _Fixing:
    """What --fix or --diff did: how many findings it fixed, the diffs, and what went wrong."""

    fixed: int = 0  # findings whose fix was applied (or would be, with --diff)
    diffs: list[str] = field(default_factory=list)  # --diff
    warnings: list[str] = field(default_factory=list)  # fixes left out; the run goes on
    errors: list[str] = field(default_factory=list)  # files that could not be written: exit 2


def _fixable(diagnostics: Sequence[Diagnostic], known) -> Sequence[Diagnostic]:
    """The findings fixes may touch: baselined ones are suppressed, and (like Ruff's noqa'd
    lines) not fixed."""
    return baseline_module.match(diagnostics, known).new if known is not None else diagnostics


def _fix_passes(engine: Engine, result, targets: list[Path], known, unsafe: bool):
    """--fix: fix and write, check again, and repeat while fixes apply (at most MAX_PASSES).

    Each check after a write is a whole new run with a fresh engine (front-ends keep what
    they parsed, and a finding may sit in a file other than the one whose check found
    it), so what is reported is what a run on the fixed tree reports. With the result
    cache, that run reads only the fixed files and those that had findings; the cache
    learns the fixed files' new state then, never from the run before the fix.
    """
    fixing = _Fixing()
    for _ in range(fixes.MAX_PASSES):
        if not _fix_pass(_fixable(result.diagnostics, known), unsafe, fixing, write=True):
            break
        notices = engine.context.notices
        engine = Engine(engine.settings)
        engine.context.notices.update(notices)
        result = _check_with_progress(engine, targets)
    fixing.warnings = list(dict.fromkeys(fixing.warnings))  # a later pass may meet the same fix again
    return engine, result, fixing


def _fix_pass(diagnostics: Sequence[Diagnostic], unsafe: bool, fixing: _Fixing, write: bool) -> int:
    """One pass over the files that have applicable fixes: write each fixed file, or keep its
    diff (--diff: one pass only, since nothing is written to check again). How many files changed."""
    changed = 0
    by_file: dict[str, list[Diagnostic]] = {}
    for d in diagnostics:
        by_file.setdefault(d.span.path, []).append(d)
    for shown_path in sorted(by_file):
        found = by_file[shown_path]
        if not any(fixes.applicable(d, unsafe) for d in found):
            continue
        path = Path(shown_path)  # reports name files relative to the working folder, or as given
        try:
            original = fixes.read_source(path)
        except (OSError, SyntaxError, UnicodeDecodeError) as exc:
            fixing.warnings.append(f"{shown_path}: fixes not applied: the file cannot be read as text ({exc})")
            continue
        text, applied = fixes.apply_fixes(original.text, found, unsafe, path=shown_path, warnings=fixing.warnings)
        if text == original.text:
            continue
        if not write:
            fixing.diffs.append(fixes.unified_diff(original.text, text, shown_path))
            fixing.fixed += len(applied)
            changed += 1
            continue
        try:
            fixes.write_atomic(path, original.encode(text))
        except OSError as exc:
            fixing.errors.append(f"could not write the fixes to {shown_path}: {exc}")
            continue
        fixing.fixed += len(applied)
        changed += 1
    return changed


@dataclass(frozen=True)
class Talk:
    """What ``check`` says besides its report: -q keeps errors and warnings, -s errors only."""

    quiet: bool
    silent: bool

    @property
    def summaries(self) -> bool:
        return not (self.quiet or self.silent)

    @property
    def warnings(self) -> bool:
        return not self.silent


def _report_fixing(fixing: _Fixing, talk: Talk) -> None:
    for warning in fixing.warnings if talk.warnings else ():
        click.echo(source.printable(f"promptlint: warning: {warning}"), err=True)
    for error in fixing.errors:
        click.echo(source.printable(f"promptlint: error: {error}"), err=True)


def _open_output(path: Path, newline: str | None = None):
    """``-o FILE``, its folders made as in Ruff; one that cannot be written is a usage error."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return path.open("w", encoding="utf-8", newline=newline)
    except OSError as exc:
        _fail(f"cannot write {path}: {exc.strerror or exc}")


def _finish_diff(fixing: _Fixing, result, engine: Engine, output_file: Path | None, hidden_unsafe: int, exit_zero: bool, talk: Talk) -> None:
    """--diff: the diffs on stdout (or the output file), the count on stderr; exit 1 if any."""
    out = _open_output(output_file, newline="") if output_file else sys.stdout if not talk.silent else io.StringIO()
    try:
        for diff in fixing.diffs:
            out.write(diff)
        out.flush()
    finally:
        if output_file:
            out.close()
    for failure in result.failures:
        click.echo(failure.line, err=True)
    if talk.warnings:
        _notices(engine)
    _report_fixing(fixing, talk)
    line = _fix_summary(fixing.fixed, hidden_unsafe, applied=False)
    if line and talk.summaries:
        click.echo(line, err=True)
    if result.failures:
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FINDINGS if fixing.diffs and not exit_zero else EXIT_CLEAN)


def _problems(n: int) -> str:
    return f"{n} problem{'s' if n != 1 else ''}"


def _fixes(n: int) -> str:
    return f"{n} fix{'es' if n != 1 else ''}"


def _fix_summary(fixed: int, hidden_unsafe: int, applied: bool) -> str | None:
    """Ruff's line after --fix (applied) or --diff: what was fixed, and what --unsafe-fixes would add."""
    if hidden_unsafe:
        if fixed:
            more = f"{hidden_unsafe} more fix{'es' if hidden_unsafe != 1 else ''}"
            return f"{'Fixed' if applied else 'Would fix'} {_problems(fixed)} ({more} available with --unsafe-fixes)."
        return f"{'No problems fixed' if applied else 'No problems would be fixed'} ({_fixes(hidden_unsafe)} available with --unsafe-fixes)."
    if fixed:
        return f"{'Fixed' if applied else 'Would fix'} {_problems(fixed)}."
    return None


def _fixable_hint(diagnostics: Sequence[Diagnostic], unsafe: bool) -> str | None:
    """Ruff's ``[*] N fixable with the --fix option.``, and how many --unsafe-fixes would add."""
    fixable = sum(1 for d in diagnostics if fixes.applicable(d, unsafe))
    hidden = sum(1 for d in diagnostics if fixes.hidden_unsafe(d, unsafe))
    extra = f"{hidden} hidden fix{'es' if hidden != 1 else ''} can be enabled with the --unsafe-fixes option"
    if fixable and hidden:
        return f"[*] {fixable} fixable with the --fix option ({extra})."
    if fixable:
        return f"[*] {fixable} fixable with the --fix option."
    if hidden:
        return f"No fixes available ({extra})."
    return None


def _write_baseline(path: Path, result, engine: Engine, talk: Talk) -> None:
    for failure in result.failures:
        click.echo(failure.line, err=True)
    if talk.warnings:
        _notices(engine)
    if result.failures:
        # A baseline without those files' findings would report them all as new later.
        _fail(f"baseline {path} not written: {len(result.failures)} file{'s' if len(result.failures) != 1 else ''} could not be checked")
    try:
        count = baseline_module.write(path, result.diagnostics)
    except baseline_module.BaselineError as exc:
        _fail(str(exc))
    if talk.summaries:
        click.echo(
            f"promptlint: baseline: wrote {count} finding{'s' if count != 1 else ''} from {result.files} file{'s' if result.files != 1 else ''} to {path}",
            err=True,
        )
    sys.exit(EXIT_CLEAN)


def _report_stale(stale: Sequence[baseline_module.Entry], path: Path | None) -> None:
    n = len(stale)
    click.echo(f"promptlint: baseline: {n} entr{'ies' if n != 1 else 'y'} no longer match (fixed or moved):", err=True)
    for entry in stale:
        click.echo(source.printable(f"  {entry.path}: {entry.code} {entry.message}".rstrip()), err=True)
    click.echo(
        f"promptlint: baseline: re-run with --write-baseline {path} over the same files to drop "
        f"{'them' if n != 1 else 'it'}, so the baseline only shrinks",
        err=True,
    )


def statistics_rows(diagnostics: Sequence[Diagnostic]) -> list[tuple[int, str, str]]:
    """(count, code, name) per rule that fired, most frequent first, then by code."""
    counts: dict[str, int] = {}
    names: dict[str, str] = {}
    for d in diagnostics:
        counts[d.code] = counts.get(d.code, 0) + 1
        names.setdefault(d.code, d.name)
    return sorted(((n, code, names[code]) for code, n in counts.items()), key=lambda row: (-row[0], row[1]))


def _write_statistics(diagnostics: Sequence[Diagnostic], out, as_json: bool) -> None:
    rows = statistics_rows(diagnostics)
    if as_json:
        json.dump([{"count": n, "code": code, "name": name} for n, code, name in rows], out, indent=2)
        out.write("\n")
        return
    for n, code, name in rows:
        out.write(f"{n}\t{code}\t{name}\n")


def _patterns(given: Sequence[str]) -> list[str]:
    """Glob patterns from repeated options, each possibly comma-separated."""
    return [p.strip() for value in given for p in value.split(",") if p.strip()]


def _stdin_wanted(paths: Sequence[Path], name: Path | None, fixing: str | None) -> bool:
    """Whether ``check`` reads standard input (the path ``-``); usage errors for what cannot go with it."""
    if Path("-") not in paths:
        if name is not None:
            raise click.UsageError("--stdin-filename names what is read from standard input: give - as the path too")
        return False
    if len(paths) > 1:
        raise click.UsageError("- (standard input) is checked on its own, not with other paths")
    if fixing:
        raise click.UsageError(f"{fixing} reads the files it fixes: it does not work on standard input")
    if name is not None and name.suffix not in SUFFIXES:
        raise click.UsageError(f"--stdin-filename: promptlint reads {', '.join(SUFFIXES)} files, not {name.suffix or 'files without a suffix'}")
    return True


# A run this long on a terminal shows a progress bar on stderr.
_PROGRESS_FILES = 500


def _check_with_progress(engine: Engine, targets: list[Path]):
    if not sys.stderr.isatty():
        return engine.check_paths(targets)
    files = sum(1 for _ in discover(targets, engine.settings))
    if files < _PROGRESS_FILES:
        return engine.check_paths(targets)
    with click.progressbar(length=files, label="checking", file=sys.stderr) as bar:
        return engine.check_paths(targets, progress=bar.update)


def _notices(engine: Engine) -> None:
    for notice in sorted(engine.context.notices):
        click.echo(f"promptlint: note: {notice}", err=True)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(readable=False, path_type=Path))
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--tokens", "token_mode", type=click.Choice(MODES), default="offline", show_default=True, help="offline estimates, or exact counts through count_tokens for every prefix (sends them to the API).")
@click.option("--default-model", help="Model whose minimum applies when a request's model is unknown.")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def tokens(paths: Sequence[Path], output_format: str, token_mode: str, default_model: str | None, config_path: Path | None) -> None:
    """Count each request's prefix at each breakpoint against the model's minimum."""
    settings = _settings(config_path, Path.cwd())
    settings.tokens = token_mode
    if default_model:
        settings.default_model = default_model
    try:
        engine = Engine(settings)
        items = list(engine.analyses(list(paths) or [Path(".")]))
    except (PathError, registry_module.RegistryError) as exc:
        _fail(str(exc))
        return
    rows = []
    for item in items:
        if isinstance(item, Diagnostic):
            click.echo(text.line(item), err=True)
            continue
        rows.append(_token_row(item, exact=token_mode == "api"))
    if output_format == "json":
        click.echo(json.dumps(rows, indent=2))
    else:
        for row in rows:
            click.echo(f"{row['path']}:{row['line']}  {row['model'] or 'unknown model'} on {row['platform']}, minimum {_number(row['minimum'])}")
            for p in row["prefixes"]:
                where = f"breakpoint {p['breakpoint']}" if p["breakpoint"] else "whole prompt (no breakpoint)"
                band = f"{p['low']:,}–{_number(p['high'])}" if p["low"] != p["high"] else f"{p['low']:,}"
                click.echo(f"  {where:<28} {band:>15} (~{p['point']:,})  {p['method']:<18} {p['verdict']}")
    _notices(engine)


def _number(value: int | None) -> str:
    return f"{value:,}" if value is not None else "unknown"


def _token_row(a, exact: bool) -> dict:
    blocks = a.request.blocks
    ends = [(m.number, m.index, m.automatic) for m in a.marked] or ([(None, len(blocks) - 1, False)] if blocks else [])
    prefixes = []
    minimum = None
    for number, end, automatic in ends:
        estimate, minimum, verdict = a.judge_prefix(end, exact=exact, precise=True)
        prefixes.append(
            {
                "breakpoint": number,
                "automatic": automatic,
                "low": estimate.low,
                "point": estimate.point,
                "high": estimate.high if estimate.bounded else None,
                "method": estimate.method,
                "verdict": verdict.value,
            }
        )
    return {
        "path": a.request.span.path,
        "line": a.request.span.line,
        "model": a.sizing_model.id if a.sizing_model else a.request.model,
        "platform": a.platform,
        "minimum": minimum if prefixes else a.minimum(),
        "prefixes": prefixes,
    }


@cli.command("diff")
@click.argument("a", metavar="A")
@click.argument("b", metavar="B")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--default-model", help="Model whose minimum applies when a request's model is unknown.")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def diff_command(a: str, b: str, output_format: str, default_model: str | None, config_path: Path | None) -> None:
    """Explain why request B misses request A's cache (A, B: FILE.json or FILE.jsonl:LINE).

    Exit 0 when B reads A's cache, 1 when it misses, 2 on usage errors.
    """
    from .sets import diff as diff_module

    settings = _settings(config_path, Path.cwd())
    if default_model:
        settings.default_model = default_model
    try:
        engine = Engine(settings)
        pair = diff_module.select_pair(a, b, engine.context.registry)
    except (diff_module.DiffError, registry_module.RegistryError) as exc:
        _fail(str(exc))
        return
    result = diff_module.compare(*pair, engine.context)
    click.echo(json.dumps(result.as_json(), indent=2, ensure_ascii=False) if output_format == "json" else result.text(), nl=output_format == "json")
    _notices(engine)
    sys.exit(EXIT_CLEAN if result.verdict == "read" else EXIT_FINDINGS)


@cli.command("clean")
def clean_command() -> None:
    """Remove the result cache (.promptlint_cache) of the project in this folder."""
    settings = _settings(None, Path.cwd())
    removed = result_cache.clean(settings.root)
    click.echo(f"removed {settings.root / result_cache.FOLDER}" if removed else "no result cache here", err=True)


@cli.command()
@click.argument("code", required=False)
@click.option("--all", "show_all", is_flag=True, help="List every rule.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def rule(code: str | None, show_all: bool, output_format: str) -> None:
    """Show a rule's page, or list every rule with --all."""
    rules = checks.all_rules()
    if show_all == bool(code):
        raise click.UsageError("give a rule code, or --all")
    chosen = list(rules.values()) if show_all else [r for r in rules.values() if code and code.upper() in (r.code, r.name.upper())]
    if not chosen:
        _fail(f"unknown rule {code!r} (see `promptlint rule --all`)")
    if output_format == "json":
        payload = [
            {
                "code": r.code,
                "name": r.name,
                "severity": r.severity.value,
                "summary": r.summary,
                "frontends": r.frontends,
                "url": r.url,
                "explanation": docs.page(r.code, r.name),
            }
            for r in chosen
        ]
        click.echo(json.dumps(payload if show_all else payload[0], indent=2, ensure_ascii=False))
    elif show_all:
        for r in chosen:
            click.echo(f"{r.code}  {r.name:<32} {r.severity.value:<8} {r.summary}")
    else:
        r = chosen[0]
        click.echo(docs.page(r.code, r.name) or f"{r.code} ({r.name}): {r.summary}")


@cli.command()
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), help="Date for the lifecycle column (default: today).")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def models(output_format: str, as_of: dt.datetime | None, config_path: Path | None) -> None:
    """Print the model registry: minimums, prices, lifecycle."""
    settings = _settings(config_path, Path.cwd())
    try:
        reg = registry_module.load(settings.models)
    except registry_module.RegistryError as exc:
        _fail(str(exc))
        return
    day = as_of.date() if as_of else settings.as_of
    rows = []
    for m in reg.models:
        state, since = m.lifecycle(day)
        rows.append(
            {
                "id": m.id,
                "provider": m.provider,
                "family": m.family,
                "aliases": list(m.aliases),
                "min_tokens": dict(m.min_tokens),
                "prices": dict(m.prices.__dict__) if m.prices else None,
                "state": state,
                "since": since.isoformat() if since else None,
                "deprecated": m.deprecated.isoformat() if m.deprecated else None,
                "retired": m.retired.isoformat() if m.retired else None,
                "replacement": m.replacement,
                "sources": dict(m.sources),
            }
        )
    if output_format == "json":
        click.echo(json.dumps({"updated": reg.updated.isoformat(), "as_of": day.isoformat(), "models": rows}, indent=2))
        return
    click.echo(f"model registry updated {reg.updated}; lifecycle as of {day}")
    header = f"{'model':<30} {'provider':<9} {'minimum':<22} {'input':>6} {'5m wr':>6} {'1h wr':>6} {'read':>6}  state"
    click.echo(header)
    for row in rows:
        minimum = ", ".join(f"{k}={v:,}" for k, v in row["min_tokens"].items()) or "unknown"
        p = row["prices"] or {}
        price = " ".join(f"{p[k]:>6g}" if k in p else f"{'-':>6}" for k in ("input", "write_5m", "write_1h", "read"))
        state = row["state"] + (f" {row['since']}" if row["since"] else "")
        click.echo(f"{row['id']:<30} {row['provider']:<9} {minimum:<22} {price}  {state}")


@cli.command("config")
@click.option("--show", is_flag=True, help="Print the effective settings and why each rule is on or off.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="A promptlint.toml, or a pyproject.toml to read [tool.promptlint] from.")
def config_command(show: bool, output_format: str, config_path: Path | None) -> None:
    """Show the settings `check` would use here (config file or defaults)."""
    if not show:
        raise click.UsageError("give --show")
    settings = _settings(config_path, Path.cwd())
    rules = checks.all_rules()
    names = {code: r.name for code, r in rules.items()}
    where = display_path(settings.config_path) if settings.config_path else None
    explicit = _config_keys(settings.config_path)
    states = rule_states(settings, rules, names, where, explicit)
    payload = {
        "config": where,
        "select": settings.select,
        "extend-select": settings.extend_select,
        "ignore": settings.ignore,
        "per-file-ignores": settings.per_file_ignores,
        "exclude": settings.exclude,
        "extend-exclude": settings.extend_exclude,
        "default-exclude": list(DEFAULT_EXCLUDE),
        "force-exclude": settings.force_exclude,
        "severity": {code: sev.value for code, sev in sorted(settings.severity.items())},
        "default-model": settings.default_model,
        "safety-margin": settings.safety_margin,
        "models": settings.models,
        "rules": states,
    }
    if output_format == "json":
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False, default=str))
        return
    listed = lambda values: ", ".join(values) if values else "(none)"  # noqa: E731
    click.echo(f"config: {where or 'defaults (no promptlint.toml, nor pyproject.toml with [tool.promptlint], found)'}")
    click.echo(f"select: {listed(settings.select)}")
    click.echo(f"extend-select: {listed(settings.extend_select)}")
    click.echo(f"ignore: {listed(settings.ignore)}")
    click.echo("per-file-ignores:" + ("" if settings.per_file_ignores else " (none)"))
    for pattern, selectors in settings.per_file_ignores.items():
        click.echo(f"  {pattern}: {listed(selectors)}")
    click.echo(f"exclude: {listed(settings.exclude)} (always excluded: {', '.join(DEFAULT_EXCLUDE)})")
    if settings.extend_exclude:
        click.echo(f"extend-exclude: {listed(settings.extend_exclude)}")
    click.echo(f"force-exclude: {str(settings.force_exclude).lower()}")
    click.echo(f"severity: {listed([f'{c} = {v}' for c, v in payload['severity'].items()])}")
    click.echo(f"default-model: {settings.default_model or '(none)'}")
    click.echo(f"safety-margin: {settings.safety_margin:g}")
    click.echo(f"models: {listed([str(m.get('id')) for m in settings.models])}")
    on = sum(1 for s in states if s["enabled"])
    click.echo(f"\nrules ({on} of {len(states)} on):")
    for state in states:
        extra = f" [severity {state['severity']}]" if state["severity"] != rules[state["code"]].severity.value else ""
        click.echo(f"  {state['code']}  {'on ' if state['enabled'] else 'off'}  {state['name']:<32} {state['reason']}{extra}")


def _config_keys(path: Path | None) -> set[str]:
    """The keys the config file sets itself (to tell "select = ALL" from the default)."""
    if path is None:
        return set()
    try:
        return set(config_table(path, tomllib.loads(path.read_text(encoding="utf-8"))) or {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):  # already read by load()
        return set()


def rule_states(settings: Settings, rules, names, where: str | None, explicit: set[str]) -> list[dict]:
    """Each rule: on or off, and why, from the selectors as ``Settings.enabled`` expands them."""
    codes = list(rules)
    enabled = settings.enabled(codes, names)  # what the engine runs: the verdict
    selected = expand(settings.select + settings.extend_select, codes, names)
    ignored = expand(settings.ignore, codes, names)

    def first(selectors: list[str], code: str) -> str | None:
        return next((s for s in selectors if code in expand([s], codes, names)), None)

    def origin(key: str) -> str:
        return f" in {where}" if key in explicit and where else " (the default)" if key not in explicit else ""

    states = []
    for code, r in rules.items():
        if code in selected and code in ignored:
            reason = f"ignored by {first(settings.ignore, code)}{origin('ignore')}"
        elif code in selected:
            by = first(settings.select, code)
            reason = f"selected by {by}{origin('select')}" if by else f"selected by {first(settings.extend_select, code)} via extend-select{origin('extend-select')}"
        else:
            reason = f"not selected (select = {', '.join(settings.select) or 'nothing'}{origin('select')})"
        if (code in enabled) != (code in selected and code not in ignored):  # pragma: no cover - a selector bug
            reason += " (inconsistent with the engine's selection; please report this)"
        per_file = [pattern for pattern, sels in settings.per_file_ignores.items() if code in expand(sels, codes, names)]
        if per_file and code in enabled:
            reason += "; off in " + ", ".join(
                f"files not matching {p[1:]}" if p.startswith("!") else f"files matching {p}" for p in per_file
            )
        states.append(
            {
                "code": code,
                "name": r.name,
                "enabled": code in enabled,
                "reason": reason,
                "per-file-ignores": per_file,
                "severity": settings.severity.get(code, r.severity).value,
            }
        )
    return states


def main(argv: Sequence[str] | None = None) -> None:
    # A run allocates objects by the million and frees nearly all of them by reference
    # counting; the cycle collector finds almost nothing, yet by default it runs every 700
    # allocations and each time walks what the imports made. Set those aside and run it
    # less often: ~5% of a large log's check.
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="promptlint")
    except SystemExit:
        raise
    except Exception as exc:  # noqa: BLE001 - an internal error is exit 2 with one line, not a traceback
        click.echo(f"promptlint: internal error: {type(exc).__name__}: {exc} (please report this)", err=True)
        sys.exit(EXIT_ERROR)
