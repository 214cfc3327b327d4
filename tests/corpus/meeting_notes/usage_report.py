"""Daily cost report: how much of our input is served from the cache."""

from dataclasses import dataclass, field


@dataclass
class UsageTotals:
    calls: int = 0
    input_tokens: int = 0
    cache_read_input_tokens: int = 0
    cache_creation_input_tokens: int = 0
    by_task: dict[str, int] = field(default_factory=dict)

    def add(self, task: str, usage) -> None:
        self.calls += 1
        self.input_tokens += usage.input_tokens
        self.cache_read_input_tokens += usage.cache_read_input_tokens or 0
        self.cache_creation_input_tokens += usage.cache_creation_input_tokens or 0
        self.by_task[task] = self.by_task.get(task, 0) + 1

    @property
    def read_share(self) -> float:
        total = self.input_tokens + self.cache_read_input_tokens + self.cache_creation_input_tokens
        return self.cache_read_input_tokens / total if total else 0.0


TOTALS = UsageTotals()
