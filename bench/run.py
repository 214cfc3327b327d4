"""Time promptlint on the benchmark workloads, side by side with peers when installed.

    python bench/run.py [--runs 3] [--out bench/out] [--compare]

Workloads: the 2,000-request trace from gen_trace.py (``promptlint check``), and one
small request file (the start-up latency a pre-commit user feels). With --compare, the
same trace goes through ``promptcachelint report`` in the same run, so the ratio is
measured on the same machine at the same moment (absolute seconds here are noisy).
Prints a Markdown table; medians of --runs runs, peak RSS of the child in MiB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def timed(command: list[str], runs: int) -> tuple[float, float, int]:
    """(median seconds, peak RSS MiB, exit code) over ``runs`` runs."""
    times, peaks, code = [], [], 0
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        start = time.perf_counter()
        proc = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_env())
        times.append(time.perf_counter() - start)
        # ru_maxrss of children is the largest child so far: a lower bound per run, exact for the max.
        peaks.append(max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024)
        code = proc.returncode
    return statistics.median(times), max(peaks), code


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def to_promptcachelint(trace: Path, out: Path) -> Path:
    """The same trace in promptcachelint's own record format (it reads no other)."""
    import datetime as dt

    with trace.open(encoding="utf-8") as src, out.open("w", encoding="utf-8") as dst:
        for line in src:
            record = json.loads(line)
            usage = record.get("response", {}).get("usage", {})
            at = dt.datetime.fromisoformat(record["timestamp"].replace("Z", "+00:00")).timestamp()
            dst.write(json.dumps({
                "provider": "anthropic",
                "body": record["request"],
                "at": at,
                "model": record["request"].get("model"),
                "usage": {
                    "input_tokens": usage.get("input_tokens", 0),
                    "cache_read": usage.get("cache_read_input_tokens", 0),
                    "cache_write": usage.get("cache_creation_input_tokens", 0),
                    "output_tokens": usage.get("output_tokens"),
                } if usage else None,
            }) + "\n")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--compare", action="store_true", help="also time promptcachelint if it is installed")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    trace = args.out / "trace.jsonl"
    if not trace.exists():
        subprocess.run([sys.executable, str(HERE / "gen_trace.py"), str(trace)], check=True, stdout=subprocess.DEVNULL)
    small = args.out / "small.json"
    small.write_text(
        json.dumps({"model": "claude-sonnet-4-6", "max_tokens": 64, "system": "You are terse.", "messages": [{"role": "user", "content": "Hi"}]}),
        encoding="utf-8",
    )
    promptlint = [sys.executable, "-m", "promptlint", "check"]
    rows = [
        ("promptlint check, 2,000-request trace", *timed([*promptlint, str(trace)], args.runs)),
        ("promptlint check, one small file", *timed([*promptlint, str(small)], args.runs)),
    ]
    if args.compare:
        peer = shutil.which("promptcachelint")
        if peer:
            theirs = to_promptcachelint(trace, args.out / "trace.promptcachelint.jsonl")
            rows.append(("promptcachelint report, same trace", *timed([peer, "report", str(theirs)], args.runs)))
        else:
            print("promptcachelint is not installed (pip install promptcachelint==0.1.0); skipped", file=sys.stderr)

    size = trace.stat().st_size / 1e6
    print(f"trace: {trace} ({size:.1f} MB); median of {args.runs} runs; Python {sys.version.split()[0]}\n")
    print("| workload | seconds | peak RSS MiB | exit |")
    print("|---|---|---|---|")
    for name, seconds, rss, code in rows:
        print(f"| {name} | {seconds:.2f} | {rss:.0f} | {code} |")
    if args.compare and len(rows) == 3:
        print(f"\npromptcachelint / promptlint on the trace: {rows[2][1] / rows[0][1]:.2f}×")


if __name__ == "__main__":
    main()
