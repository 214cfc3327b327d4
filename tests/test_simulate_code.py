"""`promptlint simulate` on Python code: the calls a loop or a fan-out repeats, priced by hand.

Token counts come from ZqCounter (one token per "zq"), so every number below is worked out
from the prices: Claude Sonnet 4.6 at $3/MTok input, $3.75 a 5m write, $0.30 a read.
"""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from promptlint.checks.analysis import Context
from promptlint.cli import cli
from promptlint.config import Settings
from promptlint.engine import Engine
from promptlint.sets.code import repeated_calls, simulate_calls
from tests.test_simulate import REG, SONNET, ZqCounter

HEAD = '''
import anthropic
from concurrent.futures import ThreadPoolExecutor

client = anthropic.Anthropic()
SYSTEM = "zq " * 2000  # 2,000 tokens: above Sonnet 4.6's 1,024
'''

LABEL = '''
def label(page: str):
    return client.messages.create(
        model="claude-sonnet-4-6",
        max_tokens=20,
        system=[{"type": "text", "text": SYSTEM, "cache_control": {"type": "ephemeral"}}],
        messages=[{"role": "user", "content": [{"type": "text", "text": page%s}]}],
    )
'''


def simulated(tmp_path: Path, code: str, iterations: int = 4):
    (tmp_path / "app.py").write_text(textwrap.dedent(code), encoding="utf-8")
    parsed = Engine(Settings(root=tmp_path, cache=False)).parse(tmp_path / "app.py", "app.py")
    ctx = Context(registry=REG, counter=ZqCounter(), as_of=dt.date(2026, 11, 22), safety_margin=0.1)
    return [simulate_calls(members, ctx) for members in repeated_calls(parsed, "app.py", iterations)]


def test_prices_the_test_relies_on():
    p = SONNET.prices
    assert (p.input, p.write_5m, p.read) == (3.0, 3.75, 0.30)


def test_a_call_in_a_loop_writes_the_shared_prompt_once_and_reads_it_after(tmp_path):
    (s,) = simulated(tmp_path, HEAD + LABEL % "")
    assert (s.path, s.kind, s.count, s.hits) == ("app.py:9", "loop", 4, 3)
    assert "the calls of a loop: 4 assumed (--iterations)" in s.assumption
    assert s.tokens == {"read": 6000, "write_5m": 2000, "write_1h": 0, "uncached": 0}  # the page counts as 0
    with_, without, unpriced = s.cost()
    assert (round(with_, 6), round(without, 6), unpriced) == (0.0093, 0.024, 0)  # 2000*3.75 + 6000*0.30 vs 8000*3
    (g,) = s.groups
    assert (g.section, g.writes, g.reads, g.action) == ("system", 1, 3, "keep-5m")


def test_a_time_taken_at_import_is_the_same_on_every_call_of_the_process(tmp_path):
    # SYSTEM holds the time the module was imported: every call of one process sends the same
    # prefix, so the loop reads it as if it were constant (PC101 says the next process will not).
    dated = HEAD.replace('SYSTEM = "zq " * 2000', 'from datetime import datetime\nSYSTEM = "zq " * 2000 + str(datetime.now())')
    (s,) = simulated(tmp_path, dated + LABEL % "")
    assert (s.kind, s.count, s.hits) == ("loop", 4, 3)


def test_a_long_loop_lists_its_first_calls_and_counts_them_all(tmp_path):
    (tmp_path / "app.py").write_text(textwrap.dedent(HEAD + LABEL % ""), encoding="utf-8")
    parsed = Engine(Settings(root=tmp_path, cache=False)).parse(tmp_path / "app.py", "app.py")
    ctx = Context(registry=REG, counter=ZqCounter(), as_of=dt.date(2026, 11, 22), safety_margin=0.1)
    (members,) = repeated_calls(parsed, "app.py", 30)
    s = simulate_calls(members, ctx, keep=10)
    assert (len(s.requests), s.count, s.hits) == (10, 30, 29)
    assert s.tokens == {"read": 58_000, "write_5m": 2000, "write_1h": 0, "uncached": 0}


def test_a_breakpoint_on_each_call_s_own_message_is_written_and_never_read(tmp_path):
    marked = ', "cache_control": {"type": "ephemeral"}'
    (s,) = simulated(tmp_path, HEAD + LABEL % marked)
    system, *pages = s.groups
    assert (system.writes, system.reads) == (1, 3)
    # Each call's page is its own prefix: four groups, each written once, none read, and
    # not taken for a conversation's newest turn (nothing in code extends these calls).
    assert len(pages) == 4 and all((g.writes, g.reads, g.action) == (1, 0, "drop-marker") for g in pages)


def test_a_fan_out_writes_every_copy_and_is_advised_to_warm_up(tmp_path):
    fan_out = '''
def label_all(pages):
    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(label, pages))
'''
    (s,) = simulated(tmp_path, HEAD + LABEL % "" + fan_out)
    assert (s.kind, s.hits) == ("fan-out", 0)
    assert "all started at once with no warm-up request" in s.assumption
    (g,) = s.groups
    assert (g.writes, g.reads, g.action) == (4, 0, "warm-up")
    # Now 4 writes: 8000*3.75 = $0.0300; with one call first: 2000*3.75 + 6000*0.30 = $0.0093.
    assert "would then cost $0.0093 instead of $0.0300" in g.advice


def test_values_fixed_within_a_run_are_the_same_in_every_call(tmp_path):
    # A set's iteration order is the same for every call of one process: it splits the
    # cache between processes (PC103's finding), not between the calls of a loop.
    code = HEAD.replace('SYSTEM = "zq " * 2000', 'TAGS = {"billing", "refunds"}\nSYSTEM = "zq " * 2000 + ", ".join(TAGS)')
    (s,) = simulated(tmp_path, code + LABEL % "")
    assert (s.hits, s.groups[0].reads) == (3, 3)


def test_a_volatile_value_in_the_prompt_makes_every_call_write(tmp_path):
    code = HEAD.replace('SYSTEM = "zq " * 2000', 'import uuid\nSYSTEM = "zq " * 2000')
    code += LABEL.replace('"text": SYSTEM', '"text": SYSTEM + str(uuid.uuid4())') % ""
    (s,) = simulated(tmp_path, code)
    assert s.hits == 0 and [(g.writes, g.reads) for g in s.groups] == [(1, 0)] * 4


def test_calls_that_run_once_are_not_a_set(tmp_path):
    code = HEAD + 'client.messages.create(model="claude-sonnet-4-6", max_tokens=5, system=SYSTEM, messages=[{"role": "user", "content": "hi"}])\n'
    assert simulated(tmp_path, code) == []


def test_the_command_reads_python_and_says_what_it_assumed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.py").write_text(textwrap.dedent(HEAD + LABEL % ""), encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(cli, ["simulate", "app.py", "--iterations", "7", "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    (s,) = json.loads(result.stdout)["sets"]
    assert (s["path"], s["kind"], s["requests"]) == ("app.py:9", "loop", 7)
    assert s["groups"][0]["writes"] == 1 and s["groups"][0]["reads"] == 6
    # The report goes to a file under check's option name, and under the one simulate had first.
    for option in ("--output-file", "--output", "-o"):
        written = runner.invoke(cli, ["simulate", "app.py", "--iterations", "7", "--format", "json", option, "out.json"], catch_exceptions=False)
        assert written.exit_code == 0 and written.stdout == ""
        assert json.loads((tmp_path / "out.json").read_text(encoding="utf-8")) == json.loads(result.stdout)
    bad = runner.invoke(cli, ["simulate", "app.py", "--iterations", "0"])
    assert bad.exit_code == 2 and "--iterations" in bad.output


def test_code_with_nothing_repeated_says_so(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "once.py").write_text("print('no requests here')\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["simulate", "once.py"], catch_exceptions=False)
    assert result.exit_code == 0
    assert "no Batch API request or call repeated in a loop or fan-out" in result.stderr


@pytest.mark.parametrize("kind", ["loop", "fan-out"])
def test_the_text_report_names_the_call_site(tmp_path, monkeypatch, kind):
    monkeypatch.chdir(tmp_path)
    fan_out = "\ndef label_all(pages):\n    with ThreadPoolExecutor(8) as pool:\n        return list(pool.map(label, pages))\n"
    code = HEAD + LABEL % "" + (fan_out if kind == "fan-out" else "")
    (tmp_path / "app.py").write_text(textwrap.dedent(code), encoding="utf-8")
    result = CliRunner().invoke(cli, ["simulate", "app.py", "--iterations", "3"], catch_exceptions=False)
    assert result.stdout.startswith(f"app.py:9: {kind}, 3 requests (3 simulated)\n")


BATCH_ENTRY = '{"custom_id": tid, "params": {"model": "claude-sonnet-4-6", "max_tokens": 20, "system": [{"type": "text", "text": SYSTEM, "cache_control": {"type": "ephemeral", "ttl": "1h"}}], "messages": [{"role": "user", "content": body}]}}'


@pytest.mark.parametrize(
    "build",
    [
        f"requests = [{BATCH_ENTRY} for tid, body in tickets.items()]",
        f"requests = []\n    for tid, body in tickets.items():\n        requests.append({BATCH_ENTRY})",
    ],
    ids=["comprehension", "loop"],
)
def test_a_batch_built_from_values_the_code_does_not_show(tmp_path, monkeypatch, build):
    # Its entries stand for a run-time number of requests: --iterations of them, said so; and
    # check measures nothing over stand-ins (no PC401 'read 1 time for 1 write').
    monkeypatch.chdir(tmp_path)
    code = HEAD + f"\ndef submit(tickets):\n    {build}\n    return client.messages.batches.create(requests=requests)\n"
    (tmp_path / "app.py").write_text(textwrap.dedent(code), encoding="utf-8")
    result = CliRunner().invoke(cli, ["simulate", "app.py", "--iterations", "10", "--format", "json"], catch_exceptions=False)
    (s,) = json.loads(result.stdout)["sets"]
    assert (s["kind"], s["requests"]) == ("batch", 10)
    assert s["assumption"].startswith("the batch's requests are built in a loop over values the code does not show: 10 assumed")
    (g,) = s["groups"]
    assert (g["writes"], g["reads"]) == (1, 9)
    checked = CliRunner().invoke(cli, ["check", "app.py", "--no-cache", "--format", "json", "--select", "PC401,PC402"], catch_exceptions=False)
    assert json.loads(checked.stdout) == []
