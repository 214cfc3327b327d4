"""Prompt text for the support desk, loaded once at import."""

from pathlib import Path

SUPPORT_POLICY = (Path(__file__).parent / "prompts" / "support_policy.md").read_text(encoding="utf-8")

TRIAGE_TASK = """
## Triage task

Read the customer's message and classify it. Answer with a JSON object and nothing else:
{"queue": one of "billing", "payments", "banking", "security", "data", "general",
 "priority": one of "urgent", "high", "normal",
 "needs_human": true or false,
 "summary": one sentence}

Use the escalation rules in section 4 to decide needs_human, and the priorities in section 8.
"""
