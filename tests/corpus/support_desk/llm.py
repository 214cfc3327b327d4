"""The one Anthropic client the support desk uses, and its model settings."""

import os

import anthropic

MODEL = "claude-sonnet-4-6"
MAX_TOKENS = 1024

# The key comes from the environment; it never reaches a prompt.
client = anthropic.Anthropic(api_key=os.environ["ANTHROPIC_API_KEY"], max_retries=3)
