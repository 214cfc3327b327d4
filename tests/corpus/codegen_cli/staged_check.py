"""Fast pre-commit check on one file, on the small model.

    python staged_check.py path/to/file.py
"""

import sys

from anthropic import Anthropic

QUICK_RULES = """You are a fast pre-commit checker for Python files. Report only these problems, one per
line, as "LINE: PROBLEM", and print "OK" if there are none:

- print() calls left in library code;
- bare "except:" clauses;
- mutable default arguments;
- datetime.utcnow() (use datetime.now(UTC));
- SQL strings built with f-strings or str.format;
- secrets or tokens that look hard-coded;
- TODO comments without a ticket number such as PLAT-1234.

Do not explain, do not suggest fixes, do not report anything else."""

client = Anthropic()
source = open(sys.argv[1], encoding="utf-8").read()

# The prefix is a few hundred tokens; claude-haiku-4-5 caches from 4,096, so this marker is ignored.
response = client.messages.create(
    model="claude-haiku-4-5",
    max_tokens=300,
    system=[{"type": "text", "text": QUICK_RULES, "cache_control": {"type": "ephemeral", "ttl": "1h"}}],  # expect: PC301
    messages=[{"role": "user", "content": source}],
)
print(response.content[0].text)
sys.exit(0 if response.content[0].text.strip() == "OK" else 1)
