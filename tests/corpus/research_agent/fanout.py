"""Key facts for many documents at once."""

import asyncio

import anthropic

from clients import get_client
from prompting import system_blocks
from tools import TOOLS

MODEL = "claude-sonnet-4-6"


async def summarize(client: anthropic.AsyncAnthropic, doc_tag: str, text: str) -> str:
    response = await client.messages.create(
        model=MODEL,
        max_tokens=1500,
        tools=TOOLS,
        system=system_blocks(),
        messages=[
            {
                "role": "user",
                "content": f"Document [{doc_tag}]:\n\n{text}\n\nWrite the key facts section for this document only.",
            }
        ],
    )
    return "".join(block.text for block in response.content if block.type == "text")


async def summarize_all(documents: dict[str, str]) -> list[str]:
    client = get_client()
    # Every request starts at the same moment: none can read the entry the others are writing.
    return await asyncio.gather(*(summarize(client, tag, text) for tag, text in documents.items()))  # expect: PC403


async def summarize_all_warm(documents: dict[str, str]) -> list[str]:
    client = get_client()
    items = list(documents.items())
    # The first request is awaited on its own, so the shared prefix is written before the rest start.
    first = await summarize(client, *items[0])
    rest = await asyncio.gather(*(summarize(client, tag, text) for tag, text in items[1:]))
    return [first, *rest]


async def prewarm(client: anthropic.AsyncAnthropic) -> None:
    # max_tokens=0: writes the cache for the shared prefix and generates nothing.
    await client.messages.create(
        model=MODEL,
        max_tokens=0,
        tools=TOOLS,
        system=system_blocks(),
        messages=[{"role": "user", "content": "."}],
    )


async def summarize_with_taskgroup(documents: dict[str, str]) -> list[str]:
    client = get_client()
    await prewarm(client)
    async with asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(summarize(client, tag, text)) for tag, text in documents.items()]
    return [task.result() for task in tasks]
