"""Account briefs for account managers, on the small model."""

from llm import client
from style import NOTES_STYLE
from usage_report import TOTALS

BRIEF_TASK = """

## Task: account brief

Instead of meeting notes, write a brief for the account manager: the account's situation after this
call, in at most 150 words, then the action items. Use the account context below; do not repeat it.
"""


def account_brief(account_summary: str, transcript: str) -> str:
    response = client.messages.create(
        model="claude-haiku-4-5",
        max_tokens=800,
        system=[
            {
                "type": "text",
                # The style guide alone is below claude-haiku-4-5's 4,096-token minimum; whether the
                # account summary makes up the difference depends on the account.
                "text": f"{NOTES_STYLE}{BRIEF_TASK}\n## Account context\n\n{account_summary}",
                "cache_control": {"type": "ephemeral"},  # expect: PC302
            }
        ],
        messages=[{"role": "user", "content": f"Transcript of the latest call:\n\n{transcript}"}],
    )
    TOTALS.add("account_brief", response.usage)
    return response.content[0].text
