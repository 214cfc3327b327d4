from pathlib import Path

GUIDELINES = (Path(__file__).parent / "prompts" / "review_guidelines.md").read_text()
