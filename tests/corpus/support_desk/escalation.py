"""Hand-off notes for the human queues."""

from datetime import date

from llm import MODEL, client
from metrics import record_usage
from support_prompts import SUPPORT_POLICY

# Computed once per process, then baked into the cached system prompt: every deploy and every
# day starts a new cache entry.
TODAY = date.today().strftime("%A %d %B %Y")  # expect: PC101

HANDOFF_RULES = """
## Hand-off notes

You are now writing for a colleague on the human support team, not for the customer. Write a note of
at most 120 words: what the customer wants, what they already tried, the exact error messages, the
invoice or payout references, and what you think the next step is. Leave out greetings and apologies.
Never include card numbers, bank account numbers, passwords or one-time codes.
"""


def draft_handoff(conversation: list[dict], queue: str) -> str:
    system = [
        {"type": "text", "text": f"Today is {TODAY}.\n\n{SUPPORT_POLICY}"},
        {"type": "text", "text": HANDOFF_RULES, "cache_control": {"type": "ephemeral"}},
    ]
    response = client.messages.create(
        model=MODEL,
        max_tokens=400,
        system=system,
        messages=conversation + [{"role": "user", "content": f"Write the hand-off note for the {queue} queue."}],
    )
    record_usage("draft_handoff", response.usage)
    return response.content[0].text


def summarize_for_agent(transcript: str) -> str:
    # The date goes in the final user message, after the breakpoint: the cached prefix stays the same.
    today = date.today().isoformat()
    response = client.messages.create(
        model=MODEL,
        max_tokens=400,
        system=[{"type": "text", "text": SUPPORT_POLICY, "cache_control": {"type": "ephemeral"}}],
        messages=[
            {
                "role": "user",
                "content": f"Date: {today}\n\nSummarise this chat for the agent taking over:\n\n{transcript}",
            }
        ],
    )
    record_usage("summarize_for_agent", response.usage)
    return response.content[0].text
