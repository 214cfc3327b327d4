"""Review one diff and print the review.

    git diff main... > change.diff && python review.py change.diff
"""

import sys
from pathlib import Path

from factory import MODEL, make_client
from guidelines import GUIDELINES

if __name__ == "__main__":
    diff = Path(sys.argv[1]).read_text()
    client = make_client()
    # One request per process: a 1h entry costs 2x to write and nothing here ever reads it.
    response = client.messages.create(
        model=MODEL,
        max_tokens=2000,
        system=[{"type": "text", "text": GUIDELINES, "cache_control": {"type": "ephemeral", "ttl": "1h"}}],  # expect: PC401, PC501
        messages=[{"role": "user", "content": f"Review this diff:\n\n{diff}"}],
    )
    print(response.content[0].text)
