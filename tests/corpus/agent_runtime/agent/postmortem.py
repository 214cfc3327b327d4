"""First drafts of post-incident reviews."""

from agent.llm import MODEL, client
from agent.prompts import COMMS_GUIDE, EXAMPLE_REVIEWS, POSTMORTEM_TEMPLATE, RUNBOOK, SEVERITY_MATRIX
from agent.telemetry import record


def draft_review(timeline: str) -> str:
    # One breakpoint per section: five in all, and the API allows four.
    response = client.messages.create(
        model=MODEL,
        max_tokens=4000,
        system=[
            {"type": "text", "text": RUNBOOK, "cache_control": {"type": "ephemeral"}},
            {"type": "text", "text": POSTMORTEM_TEMPLATE, "cache_control": {"type": "ephemeral"}},
            {"type": "text", "text": SEVERITY_MATRIX, "cache_control": {"type": "ephemeral"}},
            {"type": "text", "text": COMMS_GUIDE, "cache_control": {"type": "ephemeral"}},
            {"type": "text", "text": EXAMPLE_REVIEWS, "cache_control": {"type": "ephemeral"}},  # expect: PC201
        ],
        messages=[{"role": "user", "content": f"Draft the post-incident review from this timeline:\n\n{timeline}"}],
    )
    record(response)
    return response.content[0].text
