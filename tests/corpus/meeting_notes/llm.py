from anthropic import Anthropic

client = Anthropic()

NOTES_MODEL = "claude-sonnet-4-6"
