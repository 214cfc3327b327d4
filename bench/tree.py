"""Cold, pooled and warm runs over a large tree of request files.

    python bench/tree.py [--files 3000] [--out bench/out/tree]

Generates a tree of rendered request bodies (deterministic; a share with a
finding (--dirty), the rest clean, 2-20 KB each, in nested folders) and times, in this process:
a cold serial run, a cold run with the process pool, and a warm re-run whose clean
files come from the result cache. Medians of 3; compare ratios within one run.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import promptlint.engine as engine_module  # noqa: E402
from promptlint.config import Settings  # noqa: E402
from promptlint.engine import Engine  # noqa: E402
from promptlint.result_cache import clean  # noqa: E402

POLICY = (
    "Answer as the support assistant for a home goods store. Check the order history before replying, "
    "quote order numbers back, never promise delivery dates the carrier has not confirmed, and hand over "
    "to a human for refunds above the automatic limit or any safety issue. "
)


def generate(root: Path, count: int, dirty: float) -> None:
    rng = random.Random(0)
    if root.exists():
        shutil.rmtree(root)
    for i in range(count):
        folder = root / f"team{i % 12}" / f"service{i % 7}"
        folder.mkdir(parents=True, exist_ok=True)
        system = POLICY * rng.randint(30, 80)  # certainly above the 1,024 minimum: clean unless marked dirty
        marked = {"type": "text", "text": system, "cache_control": {"type": "ephemeral"}}
        if rng.random() < dirty:  # a finding: a timestamp in the cached prefix
            marked["text"] = f"Current time: 2026-11-{1 + i % 28:02d} 10:{i % 60:02d}:07. " + system
        body = {"model": "claude-sonnet-4-6", "max_tokens": 512, "system": [marked], "messages": [{"role": "user", "content": f"Ticket {i}: where is my order?"}]}
        (folder / f"request_{i:05}.json").write_text(json.dumps(body, indent=2), encoding="utf-8")


def timed(root: Path, runs: int, **settings) -> float:
    times = []
    for _ in range(runs):
        engine = Engine(Settings(root=root, **settings))
        start = time.perf_counter()
        engine.check_paths([root])
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=3000)
    parser.add_argument("--out", type=Path, default=HERE / "out" / "tree")
    parser.add_argument("--dirty", type=float, default=0.02, help="share of files with a finding (never cached)")
    args = parser.parse_args()
    generate(args.out, args.files, args.dirty)
    size = sum(p.stat().st_size for p in args.out.rglob("*.json")) / 1e6
    threshold = engine_module.POOL_THRESHOLD
    engine_module.POOL_THRESHOLD = 10**9
    serial = timed(args.out, 3, cache=False)
    engine_module.POOL_THRESHOLD = threshold
    pooled = timed(args.out, 3, cache=False)
    clean(args.out)
    timed(args.out, 1)  # fills the cache
    warm = timed(args.out, 3)
    print(f"{args.files} request files, {size:.1f} MB, {args.dirty:.0%} with a finding; medians of 3\n")
    print("| run | seconds | vs cold serial |")
    print("|---|---|---|")
    for name, seconds in (("cold, serial", serial), ("cold, process pool", pooled), ("warm (result cache)", warm)):
        print(f"| {name} | {seconds:.2f} | {serial / seconds:.1f}× |")


if __name__ == "__main__":
    main()
