"""`promptlint check` on a request set: each request's rules, the set rules, one finding per kind.

A set is checked one request at a time, in the order its requests were sent (see
``sets.members``), so a `.jsonl` log of any size is checked as it is read, and a set held
in memory (a Python batch, requests given to the API) goes through the same loop.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from ..checks.analysis import Analysis
from ..diagnostic import Diagnostic
from ..frontends import ParseError
from ..frontends.jsonreq import set_kind
from ..frontends.jsonreq.locate import Located, locate
from ..request import RequestSet
from .members import Member, in_memory, read_jsonl, read_lines

if TYPE_CHECKING:
    from ..engine import Engine


class Repeats:
    """Findings in the order found, a finding repeated across requests kept once with its lines.

    A batch of ten thousand requests built from one template would otherwise say the same
    thing ten thousand times; the first line is reported with the count.
    """

    def __init__(self) -> None:
        self.first: dict[tuple[str, str], Diagnostic] = {}
        self.repeats: dict[tuple[str, str], list[int]] = {}
        self.wasted: dict[tuple[str, str], float] = {}  # money the repeated findings say is wasted, added up

    def add(self, diagnostic: Diagnostic) -> None:
        # A rule may say what makes two findings the same when the message quotes a value
        # that differs from request to request (a timestamp, an id).
        key = (diagnostic.code, diagnostic.same_as or diagnostic.message)
        if key in self.first:
            self.repeats[key].append(diagnostic.span.line)
        else:
            self.first[key] = diagnostic
            self.repeats[key] = []
        wasted = diagnostic.data.get("wasted")
        if isinstance(wasted, (int, float)):
            self.wasted[key] = self.wasted.get(key, 0.0) + wasted

    def result(self) -> list[Diagnostic]:
        out = []
        for key, diagnostic in self.first.items():
            lines = self.repeats[key]
            if lines:
                data = dict(diagnostic.data, repeated_on_lines=lines)
                if key in self.wasted:
                    data["wasted_in_all"] = round(self.wasted[key], 6)
                note = repeat_note(lines, same_kind=diagnostic.same_as is not None, wasted=data.get("wasted_in_all"))
                note = f"{diagnostic.note}; {note}" if diagnostic.note else note
                diagnostic = dataclasses.replace(diagnostic, note=note, data=data)
            out.append(diagnostic)
        return out


def repeat_note(lines: list[int], same_kind: bool, wasted: float | None = None) -> str:
    """What a finding's note says of the other requests that repeat it (``Repeats``).

    ``same_kind``: they repeat it each with a value of its own (a timestamp, a prefix group);
    ``wasted``: the money all of them say is wasted.
    """
    shown = ", ".join(map(str, lines[:5])) + (", …" if len(lines) > 5 else "")
    what = "the same" if not same_kind else "the same, each for a prefix of its own," if wasted is not None else "the same kind of value"
    note = f"{what} in {len(lines)} more request{'s' if len(lines) > 1 else ''} of this file (line{'s' if len(lines) > 1 else ''} {shown})"
    return note + (f"; ${wasted:,.4f} wasted in all {len(lines) + 1}" if wasted is not None else "")


def check_in_order(
    engine: Engine, path: str, members: Iterable[Member | ParseError], fetch: Callable[[int], Analysis | None], assumption: Callable[[], str | None]
) -> list[Diagnostic]:
    """Every request's findings and the set's, from requests in the order they were sent."""
    from ..checks.request_sets import CODES, SetChecker

    codes = CODES & engine.enabled
    checker = SetChecker(path, engine.context, fetch) if codes else None
    found = Repeats()
    errors: list[Diagnostic] = []
    kinds: set[str] = set()
    count = 0
    for member in members:
        if isinstance(member, ParseError):
            if "PL001" in engine.enabled:
                errors.append(engine._parse_error(member))
            continue
        count += 1
        kinds.add(member.kind)
        a = member.analysis(engine.context)
        scouted = member.scouted.findings if member.scouted is not None else None
        diagnostics = scouted if scouted is not None else engine.check_request(a)
        if checker is not None:
            reported = {d.code for d in diagnostics}
            overruled = checker.feed(member.index, a, member.now, member.timestamp, member.usage, member.session, member.kind, reported)
            diagnostics = [d for d in diagnostics if d.code not in overruled]
        for diagnostic in diagnostics:
            found.add(diagnostic)
    if checker is not None and count > 1:
        for code, finding in checker.finish(set_kind(kinds), assumption()):
            if code in codes:
                found.add(engine._diagnostic(engine.rules[code], finding))
    return errors + found.result()


def check_members(engine: Engine, members: RequestSet) -> list[Diagnostic]:
    """A set held in memory."""
    return in_memory(members, engine.context, lambda found, fetch, assumption: check_in_order(engine, members.path, found, fetch, assumption))


def check_jsonl(engine: Engine, path: Path, shown: str) -> list[Diagnostic]:
    """A batch file or log, checked as it is read."""
    result = read_jsonl(
        path, shown, engine.context, lambda found, fetch, assumption: check_in_order(engine, shown, found, fetch, assumption), scout=True, rules=engine.check_request
    )
    return pin_columns(path, shown, result) if result else []


# A record longer than this keeps its findings at column 1 rather than be walked again.
PIN_LONGEST = 4 << 20


def pin_columns(path: Path, shown: str, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Each finding at the column of its key in the record's line, not at the line's start.

    Records are read without positions (a second walk over every line of a log would cost
    as much as reading it); the lines of the findings reported are walked again here.
    """
    wanted = [d for d in diagnostics if d.span.path == shown and d.span.json_path and d.span.column == 1]
    texts = read_lines(path, {d.span.line for d in wanted}, PIN_LONGEST) if wanted else {}
    pinned = {id(d) for d in wanted}
    located: dict[int, Located | None] = {}
    out = []
    for diagnostic in diagnostics:
        span = diagnostic.span
        text = texts.get(span.line) if id(diagnostic) in pinned else None
        if text is not None:
            if span.line not in located:
                try:
                    located[span.line] = locate(text)
                except (ValueError, RecursionError):  # the line read differently: leave the finding where it was
                    located[span.line] = None
            where = located[span.line]
            if where is not None:
                row, column = where.position(span.json_path)
                if row == 1:
                    diagnostic = dataclasses.replace(diagnostic, span=dataclasses.replace(span, column=column))
        out.append(diagnostic)
    return out
