from pathlib import Path

CURRICULUM = (Path(__file__).parent / "curriculum.md").read_text(encoding="utf-8")

MODEL = "claude-sonnet-5"
