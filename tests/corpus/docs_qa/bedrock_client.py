from anthropic import AnthropicBedrock

bedrock = AnthropicBedrock(aws_region="us-east-1")

BEDROCK_MODEL = "us.anthropic.claude-sonnet-4-6"
