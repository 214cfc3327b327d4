"""Review every Python file under a directory, one request per file.

    python review_all.py services/billing
"""

import sys
from pathlib import Path

import anthropic as ac

from factory import MODEL, make_client
from guidelines import GUIDELINES


def review_file(client: ac.Anthropic, path: Path) -> str:
    response = client.messages.create(
        model=MODEL,
        max_tokens=1500,
        # Many requests over a long run share this prefix: the 1h entry is read again and again.
        system=[{"type": "text", "text": GUIDELINES, "cache_control": {"type": "ephemeral", "ttl": "1h"}}],
        messages=[{"role": "user", "content": f"Review this file ({path.name}):\n\n{path.read_text()}"}],
    )
    return response.content[0].text


if __name__ == "__main__":
    client = make_client()
    for path in sorted(Path(sys.argv[1]).rglob("*.py")):
        print(f"## {path}\n\n{review_file(client, path)}\n")
