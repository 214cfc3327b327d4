"""Time `promptlint check` and `promptlint simulate` on the 2,000-request trace, beside promptcachelint.

    python bench/trace.py [--trace bench/out/trace.jsonl] [--runs 3] [--python PYTHON] [--json OUT]
                          [--no-peer] [--cache bench/.trees]

Run from the repository root. The trace is written by gen_trace.py first if it is not
there (deterministic: the default arguments give the same bytes every time). Each
command is a fresh process, as a user runs it, so interpreter start-up and imports are
part of the time:

- ``python -m promptlint check TRACE --no-cache`` (exit 1: the trace has findings);
- ``python -m promptlint simulate TRACE`` (text report, to /dev/null);
- ``python -c pass``, the interpreter alone, as the floor under both;
- ``promptcachelint report TRACE`` (the peer, peers.md), unless ``--no-peer``: installed
  from PyPI into a venv of its own under ``--cache`` on the first run, and given the same
  trace in its own record format (``{provider, body, at, model, usage, session_id}``,
  written next to the trace; the session is the record's ``metadata.user_id``).

One untimed warm-up run comes first, then ``--runs`` runs of each command in turn (so
the machine's noise falls on all of them alike). Prints, per command, the median wall
time, the fastest and slowest run, and the peak RSS (from ``wait4``, the largest run).
The checkout runs from bytecode cached under ``bench/out/pycache``: with
PYTHONDONTWRITEBYTECODE set (as in this sandbox), it would otherwise compile every
changed module on every start. ``--python`` defaults to this interpreter; a pyenv shim
adds its own start-up (about 0.1 s here), so pass the real binary to leave it out.

Absolute times drift with the machine's load: the ratio of each command to the peer's,
measured in the same run, is the figure to compare across runs (printed last).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PEER = "promptcachelint==0.1.0"


def run_once(command: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """(seconds, peak RSS MiB, exit code) of one run."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, rusage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    return seconds, rusage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024), os.waitstatus_to_exitcode(status)


def peer_trace(trace: Path) -> Path:
    """The trace as promptcachelint records it (its ``Record.to_dict``), written once next to the trace."""
    out = trace.with_suffix(".promptcachelint.jsonl")
    if out.exists() and out.stat().st_mtime >= trace.stat().st_mtime:
        return out
    with trace.open(encoding="utf-8") as source, out.open("w", encoding="utf-8") as sink:
        for line in source:
            record = json.loads(line)
            request, usage = record["request"], record["response"]["usage"]
            sink.write(
                json.dumps(
                    {
                        "provider": "anthropic",
                        "body": request,
                        "at": datetime.fromisoformat(record["timestamp"].replace("Z", "+00:00")).timestamp(),
                        "model": request.get("model"),
                        "usage": {
                            "input_tokens": usage["input_tokens"],
                            "cache_read": usage.get("cache_read_input_tokens", 0),
                            "cache_write": usage.get("cache_creation_input_tokens", 0),
                            "output_tokens": usage.get("output_tokens"),
                        },
                        "session_id": (request.get("metadata") or {}).get("user_id"),
                        "session_explicit": True,
                    }
                )
                + "\n"
            )
    return out


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["PYTHONPATH"] = str(ROOT)  # the checkout, whatever is installed
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(HERE / "out" / "pycache")
    env["NO_COLOR"] = "1"
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trace", type=Path, default=HERE / "out" / "trace.jsonl")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--python", default=sys.executable, help="the interpreter to run promptlint with")
    parser.add_argument("--json", type=Path, help="also write every run here")
    parser.add_argument("--no-peer", action="store_true", help="leave promptcachelint out")
    parser.add_argument("--cache", type=Path, default=HERE / ".trees", help="where the peer's venv is kept")
    args = parser.parse_args()

    trace = args.trace.resolve()
    if not trace.exists():
        trace.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, str(HERE / "gen_trace.py"), str(trace)], check=True)
    commands = {
        "check": [args.python, "-m", "promptlint", "check", str(trace), "--no-cache"],
        "simulate": [args.python, "-m", "promptlint", "simulate", str(trace)],
        "python -c pass": [args.python, "-c", "pass"],
    }
    if not args.no_peer:
        sys.path.insert(0, str(HERE))
        from pytree import prepare_peer

        args.cache.mkdir(parents=True, exist_ok=True)
        commands["promptcachelint"] = [str(prepare_peer(args.cache.resolve(), PEER) / "promptcachelint"), "report", str(peer_trace(trace))]
    env = environment()
    for command in commands.values():  # warm-up: bytecode written, files in the page cache
        run_once(command, env)
    runs: dict[str, list[tuple[float, float, int]]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, command in commands.items():
            runs[name].append(run_once(command, env))

    size = trace.stat().st_size / 1e6
    print(f"{trace.name} ({size:.1f} MB), {args.python}, median of {args.runs}:")
    for name, results in runs.items():
        seconds = [r[0] for r in results]
        peak = max(r[1] for r in results)
        codes = sorted({r[2] for r in results})
        print(
            f"  {name:15s} {statistics.median(seconds):6.2f} s  (runs {min(seconds):.2f}–{max(seconds):.2f} s)"
            f"  peak RSS {peak:5.0f} MiB  exit {', '.join(map(str, codes))}"
        )
    if "promptcachelint" in runs:
        peer = statistics.median(r[0] for r in runs["promptcachelint"])
        print(f"  against {PEER} in this run: " + ", ".join(
            f"{name} {statistics.median(r[0] for r in runs[name]) / peer:.2f}x" for name in ("check", "simulate")
        ))
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "trace": str(trace),
                    "python": args.python,
                    "runs": {
                        name: [{"seconds": round(s, 3), "peak_mib": round(p, 1), "exit": c} for s, p, c in results]
                        for name, results in runs.items()
                    },
                },
                indent=2,
            )
            + "\n"
        )


if __name__ == "__main__":
    main()
