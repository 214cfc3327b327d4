"""Cache hit accounting for both OpenAI APIs the widget uses."""

from prometheus_client import Counter

PROMPT_TOKENS = Counter("widget_prompt_tokens_total", "Prompt tokens", ["api", "kind"])


def record_chat_usage(completion) -> None:
    usage = completion.usage
    cached = usage.prompt_tokens_details.cached_tokens if usage.prompt_tokens_details else 0
    PROMPT_TOKENS.labels("chat", "cached").inc(cached)
    PROMPT_TOKENS.labels("chat", "uncached").inc(usage.prompt_tokens - cached)


def record_responses_usage(response) -> None:
    usage = response.usage
    cached = usage.input_tokens_details.cached_tokens
    PROMPT_TOKENS.labels("responses", "cached").inc(cached)
    PROMPT_TOKENS.labels("responses", "uncached").inc(usage.input_tokens - cached)
