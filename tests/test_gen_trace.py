"""Tests for bench/gen_trace.py, the benchmark trace generator."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "bench" / "gen_trace.py"


def _load():
    spec = importlib.util.spec_from_file_location("gen_trace", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


gen_trace = _load()


def _strip_cc(obj):
    """The request without its cache_control markers (they move every turn)."""
    if isinstance(obj, dict):
        return {k: _strip_cc(v) for k, v in obj.items() if k != "cache_control"}
    if isinstance(obj, list):
        return [_strip_cc(v) for v in obj]
    return obj


def _prefix_changes(records):
    """Lines whose request does not extend the previous request of its session."""
    prev = {}
    changed = set()
    for lineno, rec in enumerate(records, 1):
        req = rec["request"]
        sid = req["metadata"]["user_id"]
        if sid in prev:
            p = prev[sid]
            n = len(p["messages"])
            same = (
                p["model"] == req["model"]
                and p.get("tool_choice") == req.get("tool_choice")
                and _strip_cc(p["tools"]) == _strip_cc(req["tools"])
                and _strip_cc(p["system"]) == _strip_cc(req["system"])
                and _strip_cc(p["messages"]) == _strip_cc(req["messages"][:n])
                and len(req["messages"]) == n + 2
            )
            if not same:
                changed.add(lineno)
        prev[sid] = req
    return changed


def _read(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def _check_records(records):
    for rec in records:
        assert set(rec) == {"timestamp", "request", "response"}
        ts = rec["timestamp"]
        assert ts.endswith("Z") and ts[10] == "T"
        req = rec["request"]
        assert req["max_tokens"] == 1024
        assert req["model"] in gen_trace.MODELS
        assert isinstance(req["system"], list) and req["system"]
        assert req["system"][-1]["cache_control"] == {"type": "ephemeral"}
        assert isinstance(req["tools"], list) and len(req["tools"]) >= 3
        for tool in req["tools"]:
            assert {"name", "description", "input_schema"} <= set(tool)
        msgs = req["messages"]
        assert len(msgs) % 2 == 1
        assert [m["role"] for m in msgs] == ["user", "assistant"] * (len(msgs) // 2) + ["user"]
        assert msgs[-1]["content"][-1]["cache_control"] == {"type": "ephemeral"}
        assert not any("cache_control" in b for m in msgs[:-1] for b in m["content"])
        breakpoints = 1 + 1 + ("cache_control" in req["tools"][-1])
        assert breakpoints <= 4
        usage = rec["response"]["usage"]
        assert set(usage) == {"input_tokens", "cache_creation_input_tokens",
                              "cache_read_input_tokens", "output_tokens"}
        assert all(isinstance(v, int) and v >= 0 for v in usage.values())
    stamps = [r["timestamp"] for r in records]
    assert stamps == sorted(stamps)


def _check_breaks_exact(records, sidecar):
    lines = [b["line"] for b in sidecar["breaks"]]
    assert len(set(lines)) == len(lines)
    assert _prefix_changes(records) == set(lines)
    for b in sidecar["breaks"]:
        rec = records[b["line"] - 1]
        assert rec["request"]["metadata"]["user_id"] == b["session"]
        assert len(rec["request"]["messages"]) == 2 * b["turn"] - 1
        assert b["turn"] >= 2
        assert b["kind"] in gen_trace.BREAK_KINDS


def _check_usage(records, break_lines):
    """Turns after the first read the previous turn's prefix, except on a break."""
    prev = {}
    for lineno, rec in enumerate(records, 1):
        sid = rec["request"]["metadata"]["user_id"]
        u = rec["response"]["usage"]
        if sid in prev:
            pu = prev[sid]
            previous_prefix = pu["cache_read_input_tokens"] + pu["cache_creation_input_tokens"]
            if lineno in break_lines:
                assert u["cache_read_input_tokens"] < previous_prefix
                assert u["cache_creation_input_tokens"] > 0
            else:
                assert u["cache_read_input_tokens"] >= previous_prefix > 0
        prev[sid] = u


@pytest.fixture()
def small(tmp_path):
    out = tmp_path / "small.jsonl"
    info = gen_trace.generate(str(out), requests=40, sessions=10, breaks=6, seed=7)
    return out, info


def test_small_trace_shape(small):
    out, info = small
    text = out.read_text(encoding="utf-8")
    assert text.endswith("\n")
    records = _read(out)
    assert len(records) == 40 == info["requests"]
    _check_records(records)
    sessions = {r["request"]["metadata"]["user_id"] for r in records}
    assert len(sessions) == 10
    for r in records:
        n = len(r["request"]["messages"])
        assert n in (1, 3, 5, 7)


def test_small_trace_breaks_sidecar(small):
    out, _ = small
    sidecar_path = out.with_name("small.breaks.json")
    assert sidecar_path.exists()
    sidecar = json.loads(sidecar_path.read_text(encoding="utf-8"))
    assert sidecar["count"] == len(sidecar["breaks"]) == 6
    records = _read(out)
    _check_breaks_exact(records, sidecar)
    _check_usage(records, {b["line"] for b in sidecar["breaks"]})


def test_deterministic(tmp_path):
    a, b, c = tmp_path / "a.jsonl", tmp_path / "b.jsonl", tmp_path / "c.jsonl"
    gen_trace.generate(str(a), requests=40, sessions=10, breaks=6, seed=3)
    gen_trace.generate(str(b), requests=40, sessions=10, breaks=6, seed=3)
    gen_trace.generate(str(c), requests=40, sessions=10, breaks=6, seed=4)
    assert a.read_bytes() == b.read_bytes()
    side_a = json.loads((tmp_path / "a.breaks.json").read_text(encoding="utf-8"))
    side_b = json.loads((tmp_path / "b.breaks.json").read_text(encoding="utf-8"))
    assert side_a.pop("trace") == "a.jsonl" and side_b.pop("trace") == "b.jsonl"
    assert side_a == side_b
    assert a.read_bytes() != c.read_bytes()


def test_many_breaks_per_session(tmp_path):
    # 3 sessions x 4 turns: every turn after the first is a break.
    out = tmp_path / "dense.jsonl"
    gen_trace.generate(str(out), requests=12, sessions=3, breaks=9, seed=1)
    records = _read(out)
    sidecar = json.loads((tmp_path / "dense.breaks.json").read_text(encoding="utf-8"))
    assert sidecar["count"] == 9
    _check_records(records)
    _check_breaks_exact(records, sidecar)


def test_uneven_turns(tmp_path):
    out = tmp_path / "uneven.jsonl"
    gen_trace.generate(str(out), requests=23, sessions=5, breaks=4, seed=2)
    records = _read(out)
    assert len(records) == 23
    _check_records(records)
    sidecar = json.loads((tmp_path / "uneven.breaks.json").read_text(encoding="utf-8"))
    _check_breaks_exact(records, sidecar)


def test_too_many_breaks_rejected(tmp_path):
    with pytest.raises(ValueError):
        gen_trace.generate(str(tmp_path / "x.jsonl"), requests=8, sessions=4, breaks=5)


def test_cli_same_bytes_across_processes(tmp_path):
    # Different hash seeds in two processes must not change a byte.
    outputs = []
    for hashseed in ("1", "2"):
        out = tmp_path / hashseed / "cli.jsonl"
        out.parent.mkdir()
        env = dict(os.environ, PYTHONHASHSEED=hashseed)
        subprocess.run([sys.executable, str(SCRIPT), str(out), "--requests", "20",
                        "--sessions", "5", "--breaks", "3", "--seed", "9"], check=True,
                       capture_output=True, env=env)
        assert len(out.read_text(encoding="utf-8").splitlines()) == 20
        sidecar = out.with_name("cli.breaks.json")
        assert json.loads(sidecar.read_text(encoding="utf-8"))["count"] == 3
        outputs.append((out.read_bytes(), sidecar.read_bytes()))
    assert outputs[0] == outputs[1]


def test_full_size_defaults(tmp_path):
    out = tmp_path / "trace.jsonl"
    t0 = time.perf_counter()
    info = gen_trace.generate(str(out))
    elapsed = time.perf_counter() - t0
    size = out.stat().st_size
    assert 15_000_000 <= size <= 25_000_000
    assert elapsed < 10
    records = _read(out)
    assert len(records) == 2000 == info["requests"]
    _check_records(records)
    assert len({r["request"]["metadata"]["user_id"] for r in records}) == 500
    sidecar = json.loads((tmp_path / "trace.breaks.json").read_text(encoding="utf-8"))
    assert sidecar["count"] == len(sidecar["breaks"]) == 300
    _check_breaks_exact(records, sidecar)
    _check_usage(records, {b["line"] for b in sidecar["breaks"]})
    # ~9 KB of system text per request.
    sys_chars = [sum(len(b["text"]) for b in r["request"]["system"]) for r in records]
    assert 7_500 <= sum(sys_chars) / len(sys_chars) <= 10_000
