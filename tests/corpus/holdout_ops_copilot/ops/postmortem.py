"""Draft a postmortem from an incident log, once:  python -m ops.postmortem incident.log"""

from __future__ import annotations

import argparse
from pathlib import Path

import anthropic

from ops.models import SUMMARY_MODEL, TRIAGE_MODEL
from ops.tools import OPS_SYSTEM, TEXT

POSTMORTEM_NOTES = (TEXT / "postmortem.md").read_text(encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description="Draft a postmortem")
    parser.add_argument("log", type=Path)
    parser.add_argument("--out", type=Path, default=Path("postmortem.md"))
    args = parser.parse_args()

    client = anthropic.Anthropic()
    notes = args.log.read_text(encoding="utf-8")
    draft = client.messages.create(
        model=TRIAGE_MODEL,
        max_tokens=4000,
        system=OPS_SYSTEM + "\n\n" + POSTMORTEM_NOTES,
        messages=[{"role": "user", "content": f"Incident log:\n\n{notes}"}],
    )
    text = draft.content[0].text
    tldr = client.messages.create(
        model=SUMMARY_MODEL,
        max_tokens=120,
        system="Summarise the postmortem in two sentences for the status page.",
        messages=[{"role": "user", "content": text}],
    )
    args.out.write_text(f"{tldr.content[0].text}\n\n{text}", encoding="utf-8")


if __name__ == "__main__":
    main()
