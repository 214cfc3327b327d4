from anthropic import AnthropicVertex

vertex = AnthropicVertex(region="us-east5", project_id="harbor-docs-prod")

# Google Cloud keeps its own retirement schedule for this model.
VERTEX_MODEL = "claude-sonnet-4-5@20250929"
