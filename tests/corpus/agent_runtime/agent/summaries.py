"""Status updates and shift hand-offs."""

from agent.llm import MODEL, client
from agent.prompts import COMMS_GUIDE, POSTMORTEM_TEMPLATE, RUNBOOK, SEVERITY_MATRIX
from agent.telemetry import record


def status_update(timeline: str) -> str:
    response = client.messages.create(
        model=MODEL,
        max_tokens=500,
        system=[
            {"type": "text", "text": RUNBOOK, "cache_control": {"type": "ephemeral"}},
            # A 1h breakpoint after a 5m one (the bare marker above): the API rejects the request.
            {"type": "text", "text": COMMS_GUIDE, "cache_control": {"type": "ephemeral", "ttl": "1h"}},  # expect: PC204
        ],
        messages=[{"role": "user", "content": f"Write the next incident channel update.\n\n{timeline}"}],
    )
    record(response)
    return response.content[0].text


def shift_handoff(timeline: str) -> str:
    # Four breakpoints (the limit), every 1h one before every 5m one.
    response = client.messages.create(
        model=MODEL,
        max_tokens=1200,
        system=[
            {"type": "text", "text": RUNBOOK, "cache_control": {"type": "ephemeral", "ttl": "1h"}},
            {"type": "text", "text": SEVERITY_MATRIX, "cache_control": {"type": "ephemeral", "ttl": "1h"}},
            {"type": "text", "text": COMMS_GUIDE, "cache_control": {"type": "ephemeral", "ttl": "5m"}},
            {"type": "text", "text": POSTMORTEM_TEMPLATE, "cache_control": {"type": "ephemeral"}},
        ],
        messages=[{"role": "user", "content": f"Write the shift hand-off note.\n\n{timeline}"}],
    )
    record(response)
    return response.content[0].text
