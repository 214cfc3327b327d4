"""Explain a module to a new team member.

    python explain.py services/billing/tasks.py
"""

import sys
from pathlib import Path

from anthropic import Anthropic

from factory import MODEL
from guidelines import GUIDELINES

if __name__ == "__main__":
    # Runs once per invocation: caching the guidelines would only add a write premium.
    client = Anthropic()
    source = Path(sys.argv[1]).read_text()
    response = client.messages.create(
        model=MODEL,
        max_tokens=1500,
        system=GUIDELINES + "\n\nExplain what this module does for an engineer who is new to the team.",
        messages=[{"role": "user", "content": source}],
    )
    print(response.content[0].text)
