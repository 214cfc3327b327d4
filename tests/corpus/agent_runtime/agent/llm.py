from anthropic import Anthropic

MODEL = "claude-opus-4-8"

client = Anthropic()
