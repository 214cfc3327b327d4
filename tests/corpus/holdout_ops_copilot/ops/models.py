"""Which model does what."""

TRIAGE_MODEL = "claude-sonnet-4-6"
SUMMARY_MODEL = "claude-3-5-haiku-20241022"  # expect: PC303
PLANNER_MODEL = "claude-sonet-4-6"  # expect: PL003
