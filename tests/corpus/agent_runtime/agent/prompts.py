"""Prompt text for the operations agent."""

from pathlib import Path

_FILES = Path(__file__).parent / "prompt_files"

RUNBOOK = (_FILES / "ops_runbook.md").read_text(encoding="utf-8")

POSTMORTEM_TEMPLATE = """## Post-incident review template

Title: one line, what broke and for whom.
Summary: three sentences: impact, duration, cause.
Impact: customers, regions, channels, messages delayed or lost, error budget consumed.
Timeline: UTC times, one line each, from first signal to resolution.
Contributing factors: what in the system allowed this; never who.
What went well, and what was hard.
Actions: each with an owner team, a ticket, and a due date; split into prevent, detect and mitigate.
"""

SEVERITY_MATRIX = """## Severity matrix for reviews

SEV1: messages lost, sending impossible, or cross-customer exposure. Review within 3 working days.
SEV2: delivery objective missed for a channel, or a large customer blocked. Review within 5 working days.
SEV3 and SEV4: review only if the on-call engineer or the incident commander asks for one.
"""

COMMS_GUIDE = """## Writing for the incident channel and the status page

Channel updates: affected service and regions, current action, next update time. No speculation.
Status page: plain language, no customer or provider names, no root cause until the review is done.
Regulated customers: the incident commander notifies them; never contact them directly.
"""

EXAMPLE_REVIEWS = """## Example summary

Webhook deliveries in eu-west were delayed by up to 14 minutes between 09:12 and 09:47 UTC after a
configuration change lowered the worker pool's autoscaler maximum. No messages were lost. The change
was reverted at 09:40 and the queue drained by 09:47.
"""
