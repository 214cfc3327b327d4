"""Model choices for the review service."""

PRIMARY_MODEL = "claude-opus-4-8"

# The summary endpoint was never migrated off the old model.
LEGACY_MODEL = "claude-sonnet-4-5"  # expect: PC303

MAX_CLAUSES_PER_REQUEST = 200
