"""The scout (``sets.scout``): a forked process doing each request's own work ahead of the reader.

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
from promptlint.sets import scout as scouting
from tests.test_gen_trace import SCRIPT

pytestmark = pytest.mark.skipif(sys.platform != "linux" or len(os.sched_getaffinity(0)) < 2, reason="the scout runs on Linux with two cores")

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def mixed(tmp_path_factory) -> Path:
    """A generated log with what a reader must step over: broken, blank, non-request,
    pretty-printed and malformed records between the requests."""
    folder = tmp_path_factory.mktemp("scout")
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
    monkeypatch.setattr(scouting, "SCOUT_BYTES", 0 if scout else 1 << 62)
    check = CliRunner().invoke(cli, ["check", "--no-cache", "--format", "json", str(path)], catch_exceptions=False)
    simulate = CliRunner().invoke(cli, ["simulate", "--format", "json", str(path)], catch_exceptions=False)
    assert check.exit_code in (0, 1), check.output
    assert simulate.exit_code == 0, simulate.output
    return check.stdout, simulate.stdout


@pytest.fixture
def taken(monkeypatch) -> list[int]:
    """The lines whose work the reader took from a scout. The reader is made to wait for
    every request (it works alone on those the scout has not reached): which requests a
    scout sends in time depends on the machine's load, and the tests must not."""
    monkeypatch.setattr(scouting, "_worth_waiting", lambda scout_at, index: True)
    lines: list[int] = []
    take = scouting.Scout.take

    def counted(self, line, index):
        found = take(self, line, index)
        if found is not None:
            lines.append(line)
        return found

    monkeypatch.setattr(scouting.Scout, "take", counted)
    return lines


def _files(mixed: Path) -> list[Path]:
    return [mixed, *sorted((ROOT / "examples").rglob("*.jsonl")), ROOT / "tests/fixtures/golden/batch.jsonl"]


@pytest.mark.parametrize("spare", [-(1 << 62), 1 << 62], ids=["scout-ships-all", "scout-ships-least"])
def test_findings_and_simulation_are_the_same_with_a_scout(mixed, monkeypatch, taken, spare):
    # Whether the scout hands over the prefix identities and answers depends on how far
    # ahead of the reader it is: both extremes, forced.
    monkeypatch.setattr(scouting, "_SPARE", spare)
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
    scout = scouting._scout
    done = []

    def failing(handle, shown, ctx, rules, out, progress):
        def rules_then_fail(a):
            done.append(1)  # counted in the scout's own copy of this list
            if len(done) > 2 * scouting.BATCH:
                raise RuntimeError("the scout failed")
            return rules(a) if rules is not None else None

        scout(handle, shown, ctx, rules_then_fail, out, progress)

    monkeypatch.setattr(scouting, "_scout", failing)
    assert _outputs(mixed, monkeypatch, scout=True) == alone
    assert 0 < len(taken) <= 2 * 2 * scouting.BATCH  # two batches for each command, then none


def test_a_scout_out_of_step_is_not_trusted(mixed, monkeypatch, taken):
    alone = _outputs(mixed, monkeypatch, scout=False)
    records = scouting.records

    def skipping(*args, **kwargs):  # the scout misses its 50th request
        for n, item in enumerate(records(*args, **kwargs)):
            if n != 50:
                yield item

    monkeypatch.setattr(scouting, "records", skipping)
    assert _outputs(mixed, monkeypatch, scout=True) == alone
    assert 0 < len(taken) <= 2 * 50  # each command stopped taking its work at the gap


def test_a_stuck_scout_is_given_up(mixed, monkeypatch, taken):
    import time

    alone = _outputs(mixed, monkeypatch, scout=False)
    monkeypatch.setattr(scouting, "_PATIENCE", 0.2)
    scout = scouting._scout
    done = []

    def stuck(handle, shown, ctx, rules, out, progress):
        def rules_then_hang(a):
            done.append(1)
            if len(done) > 40:
                time.sleep(3600)  # the reader waits for this request, then works it out itself
            return rules(a) if rules is not None else None

        scout(handle, shown, ctx, rules_then_hang, out, progress)

    monkeypatch.setattr(scouting, "_scout", stuck)
    # Waiting for the first 40 (which come), then as the reader does: it waits for the
    # request the scout is stuck on, once, then works alone.
    monkeypatch.setattr(scouting, "_worth_waiting", lambda scout_at, index: index < 40 or scout_at >= index)
    started = time.monotonic()
    assert _outputs(mixed, monkeypatch, scout=True) == alone
    assert time.monotonic() - started < 10 and 0 < len(taken) <= 2 * 40


def test_the_scout_is_gone_when_the_reader_stops_early(mixed, monkeypatch):
    # A reader that stops part-way (an error, Ctrl-C) must not leave the scout behind.
    from promptlint.engine import Engine, Settings
    from promptlint.sets.members import read_jsonl

    monkeypatch.setattr(scouting, "SCOUT_BYTES", 0)
    started = []
    start = scouting.start
    monkeypatch.setattr(scouting, "start", lambda *a: started.append(start(*a)) or started[-1])
    engine = Engine(Settings(root=mixed.parent, cache=False))

    def consume(members, fetch, assumption):
        for n, member in enumerate(members):
            if n == 5:
                raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        read_jsonl(mixed, "mixed.jsonl", engine.context, consume, scout=True, rules=engine.check_request)
    (scout,) = started
    assert scout is not None and scout.ended
    with pytest.raises(ChildProcessError):
        os.waitpid(scout.pid, os.WNOHANG)  # reaped: no such child any more


def test_when_a_scout_would_not_run(mixed, monkeypatch):
    import dataclasses

    from promptlint.engine import Engine, Settings

    ctx = Engine(Settings(root=mixed.parent, cache=False)).context
    size = mixed.stat().st_size
    monkeypatch.setattr(scouting, "SCOUT_BYTES", size)
    assert scouting.worth_it(size, ctx)
    assert not scouting.worth_it(size - 1, ctx)  # too small to pay for a second process
    assert not scouting.worth_it(size, dataclasses.replace(ctx, api=object()))  # --tokens api
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not scouting.worth_it(size, ctx)  # forking with other threads running is not safe
    finally:
        stop.set()
        other.join()
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0})
    assert not scouting.worth_it(size, ctx)  # one core: nothing to gain


def _check_in(env_code: str, path: Path) -> subprocess.CompletedProcess:
    """``promptlint check`` on ``path`` in a fresh interpreter, after ``env_code`` ran (a scout
    forced on, and waited for)."""
    code = f"import sys\n{env_code}\nimport promptlint.sets.scout as s\ns.SCOUT_BYTES = 0\ns._worth_waiting = lambda scout_at, index: True\nsys.argv = ['promptlint', 'check', '--no-cache', '--format', 'json', {str(path)!r}]\nfrom promptlint.cli import main\nmain()\n"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(
    "host",
    [
        "import signal\nsignal.signal(signal.SIGCHLD, signal.SIG_IGN)",  # children reaped by the kernel
        "sys.stdout.flush(); sys.stdout = None",  # a host with no stdout (the report goes to -o)
        "import os\nos.fork = lambda: (_ for _ in ()).throw(BlockingIOError(11, 'Resource temporarily unavailable'))",  # a pids limit
        "import os, resource\nresource.setrlimit(resource.RLIMIT_NOFILE, (4096, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))\nkept = [os.dup2(0, n) for n in range(1030, 1100)]",  # many files open
    ],
    ids=["sigchld-ignored", "no-stdout", "fork-fails", "fds-over-1024"],
)
def test_a_host_process_the_scout_cannot_count_on_changes_nothing(mixed, host):
    alone = _check_in("import promptlint.sets.scout as s\ns.SCOUT_BYTES = 1 << 62\ns.worth_it = lambda *a: False", mixed)
    assert alone.returncode == 1, alone.stderr
    if "stdout = None" in host:
        out = mixed.parent / "report.json"
        code = f"import sys\n{host}\nimport promptlint.sets.scout as s\ns.SCOUT_BYTES = 0\ns._worth_waiting = lambda scout_at, index: True\nsys.argv = ['promptlint', 'check', '--no-cache', '--format', 'json', '-o', {str(out)!r}, {str(mixed)!r}]\nfrom promptlint.cli import main\nmain()\n"
        hosted = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
        assert hosted.returncode == 1, hosted.stderr
        assert out.read_text() == alone.stdout
        return
    hosted = _check_in(host, mixed)
    assert (hosted.returncode, hosted.stdout) == (1, alone.stdout), hosted.stderr


def test_the_scout_reads_the_file_the_reader_opened(mixed, tmp_path, monkeypatch, taken):
    # A log rotated or rewritten after the reader opened it: the scout must not read the new one.
    log = tmp_path / "live.jsonl"
    log.write_bytes(mixed.read_bytes())
    alone = _outputs(log, monkeypatch, scout=False)[0]
    start = scouting.start

    def rotate_then_start(handle, *args):
        replacement = tmp_path / "rotated.jsonl"
        replacement.write_bytes(b"".join(line for line in mixed.read_bytes().splitlines(keepends=True)[::-1]))
        os.replace(replacement, log)
        return start(handle, *args)

    monkeypatch.setattr(scouting, "start", rotate_then_start)
    monkeypatch.setattr(scouting, "SCOUT_BYTES", 0)
    check = CliRunner().invoke(cli, ["check", "--no-cache", "--format", "json", str(log)], catch_exceptions=False)
    assert taken
    found = json.loads(check.stdout)
    assert [(d["code"], d["location"]["row"], d["message"]) for d in found] == [(d["code"], d["location"]["row"], d["message"]) for d in json.loads(alone)]


@pytest.mark.parametrize("depth", [200, 250, 280, 300, 310, 320, 325, 330, 400, 900])
def test_a_record_nested_deeply_reads_the_same_with_a_scout_and_never_crashes(tmp_path, monkeypatch, depth):
    # Decoded, but perhaps too deep to walk with the stack left: whichever process goes
    # deeper, the findings are the same, and a record too deep is one PL001 at its line.
    ok = {"request": {"model": "claude-sonnet-4-6", "max_tokens": 5, "system": [{"type": "text", "text": "Be brief.", "cache_control": {"type": "ephemeral"}}], "messages": [{"role": "user", "content": "hi"}]}, "timestamp": "2026-12-01T00:00:01Z"}
    deep = json.dumps(ok).replace('"max_tokens": 5', '"max_tokens": 5, "zz": {"a": ' + "[" * depth + "]" * depth + "}")
    path = tmp_path / "deep.jsonl"
    path.write_text(json.dumps(ok) + "\n" + deep + "\n" + json.dumps(ok) + "\n", encoding="utf-8")
    outputs = []
    for scout in (False, True):
        monkeypatch.setattr(scouting, "SCOUT_BYTES", 1 << 62 if not scout else 0)
        result = CliRunner().invoke(cli, ["check", "--no-cache", "--format", "json", str(path)], catch_exceptions=False)
        assert result.exit_code == 1, result.output
        outputs.append(result.stdout)
        found = {(d["code"], d["location"]["row"]) for d in json.loads(result.stdout)}
        assert ("PC301", 1) in found
    assert outputs[0] == outputs[1]
