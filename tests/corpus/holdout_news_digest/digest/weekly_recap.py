"""Weekly recap, run by hand on Friday afternoons:  python -m digest.weekly_recap digests/*.md"""

from __future__ import annotations

import argparse
from pathlib import Path

import anthropic

from digest.nightly_batch import DIGEST_SYSTEM
from digest.settings import CLAUDE_MODEL


def main() -> None:
    parser = argparse.ArgumentParser(description="Write the weekly recap from the week's digests")
    parser.add_argument("digests", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, default=Path("recap.md"))
    args = parser.parse_args()

    week = "\n\n".join(path.read_text(encoding="utf-8") for path in args.digests)
    client = anthropic.Anthropic()
    response = client.messages.create(
        model=CLAUDE_MODEL,
        max_tokens=2000,
        system=[
            {
                "type": "text",
                "text": DIGEST_SYSTEM,
                "cache_control": {"type": "ephemeral", "ttl": "1h"},  # expect: PC401
            }
        ],
        messages=[{"role": "user", "content": f"Write the weekly recap from these digests:\n\n{week}"}],
    )
    args.out.write_text(response.content[0].text, encoding="utf-8")


if __name__ == "__main__":
    main()
