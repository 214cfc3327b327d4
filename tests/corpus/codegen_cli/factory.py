"""Client and model settings shared by the review scripts."""

import anthropic as ac

MODEL = "claude-sonnet-4-6"


def make_client() -> ac.Anthropic:
    return ac.Anthropic(max_retries=5, timeout=300.0)
