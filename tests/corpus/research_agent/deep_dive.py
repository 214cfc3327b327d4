"""Long-form reports: the same guidelines, optionally on the larger model."""

import anthropic

from fanout import MODEL
from prompting import system_blocks
from tools import TOOLS


async def deep_dive(client: anthropic.AsyncAnthropic, company: str, documents: str, thorough: bool = False) -> str:
    response = await client.messages.create(
        # Switching model per call starts a separate cache for each model.
        model="claude-opus-4-8" if thorough else MODEL,  # expect: PC104
        max_tokens=4000,
        tools=TOOLS,
        system=system_blocks(),
        messages=[
            {
                "role": "user",
                "content": f"Write a long-form report on {company} from these documents.\n\n{documents}",
            }
        ],
    )
    return "".join(block.text for block in response.content if block.type == "text")
