"""Recent release notes, oldest first."""

import glob
import os

NOTES_DIR = os.path.join(os.path.dirname(__file__), "notes")


def release_notes_text() -> str:
    chunks = []
    for name in sorted(glob.glob(os.path.join(NOTES_DIR, "*.md"))):
        with open(name, encoding="utf-8") as fh:
            chunks.append(fh.read())
    return "\n\n".join(chunks)
