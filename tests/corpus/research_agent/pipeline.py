"""Command-line entry point: python pipeline.py REPORT.txt CALL.txt ..."""

import asyncio
import sys
from pathlib import Path

from clients import get_client
from deep_dive import deep_dive
from fanout import summarize_all, summarize_all_warm, summarize_with_taskgroup


async def main(paths: list[str], mode: str) -> None:
    documents = {Path(p).stem.upper(): Path(p).read_text(encoding="utf-8") for p in paths}
    if mode == "cold":
        facts = await summarize_all(documents)
    elif mode == "taskgroup":
        facts = await summarize_with_taskgroup(documents)
    else:
        facts = await summarize_all_warm(documents)
    print("\n\n".join(facts))
    if mode == "report":
        print(await deep_dive(get_client(), "the company", "\n\n".join(documents.values()), thorough=True))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[2:], sys.argv[1]))
