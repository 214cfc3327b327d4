"""Suggests which saved reply (macro) an agent should start from."""

from llm import MODEL, client
from support_prompts import SUPPORT_POLICY

MACROS = """
## Saved replies

Pick the saved reply that fits the ticket best and answer with its id only.

- M01 reconnect-bank-feed: the bank connection expired or needs consent again.
- M02 payout-timing: when a Ledgerly Pay payout will arrive.
- M03 void-not-delete: why a sent invoice cannot be deleted and how to void it.
- M04 reminder-schedule: how to change when payment reminders go out.
- M05 remove-user: how to remove someone who has left the business.
- M06 export-accountant-pack: how to send the accountant pack.
- M07 none: no saved reply fits.
"""

MACRO_SYSTEM = SUPPORT_POLICY + MACROS


def suggest_macro(ticket_text: str) -> str:
    # Same large policy as every other endpoint, but nothing marks it for caching.
    response = client.messages.create(  # expect: PC206
        model=MODEL,
        max_tokens=20,
        system=MACRO_SYSTEM,
        messages=[{"role": "user", "content": ticket_text}],
    )
    return response.content[0].text.strip()
