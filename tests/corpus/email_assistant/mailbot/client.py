import anthropic

MODEL = "claude-sonnet-4-6"

client = anthropic.Anthropic()
