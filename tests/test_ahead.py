"""The scout (``sets.ahead``): a forked process doing each request's own work ahead of the reader.

It may only ever save time: ``check`` and ``simulate`` must say exactly what they say
without it, whether it runs to the end, fails part-way, or falls out of step.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from promptlint.cli import cli
from promptlint.sets import ahead
from tests.test_gen_trace import SCRIPT

pytestmark = pytest.mark.skipif(sys.platform != "linux" or len(os.sched_getaffinity(0)) < 2, reason="the scout runs on Linux with two cores")

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def mixed(tmp_path_factory) -> Path:
    """A generated log with what a reader must step over: broken, blank, non-request,
    pretty-printed and malformed records between the requests."""
    folder = tmp_path_factory.mktemp("ahead")
    trace = folder / "trace.jsonl"
    subprocess.run([sys.executable, str(SCRIPT), str(trace), "--requests", "300", "--sessions", "75", "--breaks", "40", "--seed", "3"], check=True)
    lines = trace.read_text(encoding="utf-8").splitlines(keepends=True)
    bad_shape = json.loads(lines[5])
    bad_shape["request"]["max_tokens"] = "lots"  # PL002, which only the scout checks
    inserts = {
        3: "{not json\n",
        4: "\n",
        9: json.dumps({"event": "deploy", "version": 3}) + "\n",  # JSON, but no request
        12: json.dumps(json.loads(lines[12]), indent=2) + "\n",  # a record over many lines
        20: json.dumps(bad_shape) + "\n",
    }
    out = folder / "mixed.jsonl"
    out.write_text("".join(inserts.get(i, "") + line for i, line in enumerate(lines)), encoding="utf-8")
    return out


def _outputs(path: Path, monkeypatch, scout: bool) -> tuple[str, str]:
    monkeypatch.setattr(ahead, "SCOUT_BYTES", 0 if scout else 1 << 62)
    check = CliRunner().invoke(cli, ["check", "--no-cache", "--format", "json", str(path)], catch_exceptions=False)
    simulate = CliRunner().invoke(cli, ["simulate", "--format", "json", str(path)], catch_exceptions=False)
    assert check.exit_code in (0, 1), check.output
    assert simulate.exit_code == 0, simulate.output
    return check.stdout, simulate.stdout


@pytest.fixture
def taken(monkeypatch) -> list[int]:
    """The lines whose work the reader took from a scout."""
    lines: list[int] = []
    take = ahead.Scout.take

    def counted(self, line, index):
        found = take(self, line, index)
        if found is not None:
            lines.append(line)
        return found

    monkeypatch.setattr(ahead.Scout, "take", counted)
    return lines


def _files(mixed: Path) -> list[Path]:
    return [mixed, *sorted((ROOT / "examples").rglob("*.jsonl")), ROOT / "tests/fixtures/golden/batch.jsonl"]


@pytest.mark.parametrize("spare", [-(1 << 62), 1 << 62], ids=["scout-ships-all", "scout-ships-least"])
def test_findings_and_simulation_are_the_same_with_a_scout(mixed, monkeypatch, taken, spare):
    # Whether the scout hands over the prefix identities and answers depends on how far
    # ahead of the reader it is: both extremes, forced.
    monkeypatch.setattr(ahead, "_SPARE", spare)
    for path in _files(mixed):
        alone = _outputs(path, monkeypatch, scout=False)
        assert not taken
        with_scout = _outputs(path, monkeypatch, scout=True)
        assert taken, f"no scout ran on {path.name}"
        assert with_scout == alone, path.name
        taken.clear()
    check = json.loads(_outputs(mixed, monkeypatch, scout=False)[0])
    assert {"PL001", "PL002", "PC101", "PC104"} <= {d["code"] for d in check}  # the mix was read as a mix


def test_a_scout_that_fails_part_way_leaves_the_rest_to_the_reader(mixed, monkeypatch, taken):
    alone = _outputs(mixed, monkeypatch, scout=False)
    scout = ahead._scout
    done = []

    def failing(path, shown, ctx, work, out, progress):
        def work_then_fail(a):
            done.append(1)  # counted in the scout's own copy of this list
            if len(done) > 2 * ahead.BATCH:
                raise RuntimeError("the scout failed")
            return work(a)

        scout(path, shown, ctx, work_then_fail, out, progress)

    monkeypatch.setattr(ahead, "_scout", failing)
    assert _outputs(mixed, monkeypatch, scout=True) == alone
    assert 0 < len(taken) <= 2 * 2 * ahead.BATCH  # two batches for each command, then none


def test_a_scout_out_of_step_is_not_trusted(mixed, monkeypatch, taken):
    alone = _outputs(mixed, monkeypatch, scout=False)
    records = ahead.records

    def skipping(*args, **kwargs):  # the scout misses its 50th request
        for n, item in enumerate(records(*args, **kwargs)):
            if n != 50:
                yield item

    monkeypatch.setattr(ahead, "records", skipping)
    assert _outputs(mixed, monkeypatch, scout=True) == alone
    assert 0 < len(taken) <= 2 * 50  # each command stopped taking its work at the gap


def test_a_stuck_scout_is_given_up(mixed, monkeypatch, taken):
    import time

    alone = _outputs(mixed, monkeypatch, scout=False)
    monkeypatch.setattr(ahead, "_PATIENCE", 0.2)
    scout = ahead._scout
    done = []

    def stuck(path, shown, ctx, work, out, progress):
        def work_then_hang(a):
            done.append(1)
            if len(done) > 40:
                time.sleep(3600)  # the reader waits for this request, then gives up
            return work(a)

        scout(path, shown, ctx, work_then_hang, out, progress)

    monkeypatch.setattr(ahead, "_scout", stuck)
    started = time.monotonic()
    assert _outputs(mixed, monkeypatch, scout=True) == alone
    assert time.monotonic() - started < 10 and 0 < len(taken) <= 2 * 40


def test_the_scout_is_gone_when_the_reader_stops_early(mixed, monkeypatch):
    # A reader that stops part-way (an error, Ctrl-C) must not leave the scout behind.
    from promptlint.engine import Engine, Settings
    from promptlint.sets.members import read_jsonl

    monkeypatch.setattr(ahead, "SCOUT_BYTES", 0)
    started = []
    start = ahead.start
    monkeypatch.setattr(ahead, "start", lambda *a: started.append(start(*a)) or started[-1])
    engine = Engine(Settings(root=mixed.parent, cache=False))

    def consume(members, fetch, assumption):
        for n, member in enumerate(members):
            if n == 5:
                raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        read_jsonl(mixed, "mixed.jsonl", engine.context, consume, work=engine.check_request)
    (scout,) = started
    assert scout is not None and scout.ended
    with pytest.raises(ChildProcessError):
        os.waitpid(scout.pid, os.WNOHANG)  # reaped: no such child any more


def test_when_a_scout_would_not_run(mixed, monkeypatch):
    from promptlint.engine import Engine, Settings

    ctx = Engine(Settings(root=mixed.parent, cache=False)).context
    monkeypatch.setattr(ahead, "SCOUT_BYTES", 0)
    assert ahead.worth_it(mixed, ctx)
    monkeypatch.setattr(ahead, "SCOUT_BYTES", mixed.stat().st_size + 1)
    assert not ahead.worth_it(mixed, ctx)  # too small to pay for a second process
    monkeypatch.setattr(ahead, "SCOUT_BYTES", 0)
    assert not ahead.worth_it(mixed, __import__("dataclasses").replace(ctx, api=object()))  # --tokens api
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not ahead.worth_it(mixed, ctx)  # forking with other threads running is not safe
    finally:
        stop.set()
        other.join()
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0})
    assert not ahead.worth_it(mixed, ctx)  # one core: nothing to gain
