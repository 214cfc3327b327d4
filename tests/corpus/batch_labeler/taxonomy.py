from pathlib import Path

TAXONOMY = (Path(__file__).parent / "taxonomy.md").read_text(encoding="utf-8")
