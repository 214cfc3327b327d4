"""Knowledge base articles that go into the prompt after the fixed instructions."""

from pathlib import Path

KB_DIR = Path(__file__).parent / "kb_articles"


def articles_text() -> str:
    parts = []
    # Directory order is whatever the file system returns: it differs between machines and after
    # files are added, so the cached prefix differs too.
    for path in KB_DIR.glob("*.md"):  # expect: PC103
        parts.append(f'<article name="{path.stem}">\n{path.read_text()}\n</article>')
    return "\n\n".join(parts)
