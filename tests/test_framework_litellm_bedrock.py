"""LiteLLM, boto3's Bedrock Converse and OpenAI-compatible clients, as teams write them.

Each case is a small project and the exact findings it must produce: the recognizers must
turn the framework's call into the request the provider receives (LiteLLM's OpenAI-format
messages into Claude's system blocks and breakpoints, Converse's cachePoints, an OpenAI
client pointed at DeepSeek or Gemini), so the same rules fire at the lines the code wrote.
"""

from __future__ import annotations

import textwrap

import pytest

from conftest import lint_tree

# Well above every Claude minimum (about 9,000 tokens of English).
LONG = "You answer questions about the Acme billing system, citing the relevant policy section. " * 400
# About 2,700 tokens: above claude-opus-4-7's first-party minimum (2,048), certainly below
# its Bedrock minimum (4,096).
MID = "Answer questions about invoices and refunds, and cite the policy section you rely on. " * 100
# DeepSeek's V4 ids are newer than the bundled registry; teams add them in config (PL003's fix).
DEEPSEEK_V4 = [{"id": "deepseek-v4-flash", "provider": "deepseek", "family": "deepseek"}]


run = lint_tree


def source(text: str, **constants: str) -> str:
    """A module: ``text`` dedented, with module constants (prompts) spliced in for ``{NAME}``."""
    text = textwrap.dedent(text).lstrip("\n")
    for name, value in constants.items():
        text = text.replace("{" + name + "}", repr(value))
    return text


# -- LiteLLM ---------------------------------------------------------------------------------------


LITELLM_VOLATILE = {
    # from-import, the system message as a string with a message-level cache_control
    "from-import-string-system": (
        """
        from datetime import date
        from litellm import completion

        POLICY = {LONG}

        def answer(question: str) -> str:
            response = completion(
                model="anthropic/claude-sonnet-4-6",
                messages=[
                    {"role": "system", "content": f"Today is {date.today():%A %d %B}.\\n{POLICY}", "cache_control": {"type": "ephemeral"}},
                    {"role": "user", "content": question},
                ],
            )
            print(response.usage.cache_read_input_tokens)
            return response.choices[0].message.content
        """,
        [("app.py", 10, "PC101")],
    ),
    # acompletion, content parts, a session id built in a helper
    "acompletion-parts-helper": (
        """
        import uuid
        import litellm

        POLICY = {LONG}

        def system_parts():
            return [
                {"type": "text", "text": f"Session {uuid.uuid4()}"},
                {"type": "text", "text": POLICY, "cache_control": {"type": "ephemeral"}},
            ]

        async def answer(question: str):
            response = await litellm.acompletion(
                model="claude-haiku-4-5",
                messages=[{"role": "system", "content": system_parts()}, {"role": "user", "content": question}],
                max_tokens=512,
            )
            return response.usage.prompt_tokens_details.cached_tokens
        """,
        [("app.py", 8, "PC101")],
    ),
    # imported under another name, the model chosen by a conditional between two Claude ids
    "aliased-import": (
        """
        from datetime import datetime
        from litellm import completion as chat

        POLICY = {LONG}

        def answer(question: str, thorough: bool = False):
            system = [{"type": "text", "text": f"{POLICY}\\nAs of {datetime.now().isoformat()}", "cache_control": {"type": "ephemeral"}}]
            model = "claude-opus-4-6" if thorough else "claude-sonnet-4-6"
            response = chat(model=model, messages=[{"role": "system", "content": system}, {"role": "user", "content": question}])
            return response.usage.cache_read_input_tokens
        """,
        [("app.py", 7, "PC101"), ("app.py", 9, "PC104")],
    ),
    # an OpenAI model through LiteLLM: no marker, cached automatically
    "openai-model-automatic": (
        """
        import time
        import litellm

        POLICY = {LONG}

        def answer(question: str):
            stamp = time.strftime("%Y-%m-%d %H:%M")
            response = litellm.completion(
                model="openai/gpt-4o",
                messages=[{"role": "system", "content": POLICY + "\\nGenerated at " + stamp}, {"role": "user", "content": question}],
            )
            return response.usage.prompt_tokens_details.cached_tokens
        """,
        [("app.py", 7, "PC101")],
    ),
}


@pytest.mark.parametrize("case", LITELLM_VOLATILE, ids=list(LITELLM_VOLATILE))
def test_litellm_volatile_value_in_the_cached_prefix(tmp_path, monkeypatch, case):
    text, expected = LITELLM_VOLATILE[case]
    assert run(tmp_path, monkeypatch, {"app.py": source(text, LONG=LONG)}) == expected


def test_litellm_router_alias_resolves_to_its_deployment(tmp_path, monkeypatch):
    files = {
        "llm.py": """
            from litellm import Router

            router = Router(
                model_list=[
                    {"model_name": "support", "litellm_params": {"model": "bedrock/us.anthropic.claude-haiku-4-5-20251001-v1:0"}},
                    {"model_name": "fast", "litellm_params": {"model": "gpt-4o-mini"}},
                ],
                num_retries=2,
            )
            """,
        "app.py": """
            from llm import router

            SYSTEM = "You are a terse support agent for Acme. Answer in two sentences, and cite the policy section."

            async def answer(question):
                response = await router.acompletion(
                    model="support",
                    messages=[
                        {"role": "system", "content": SYSTEM, "cache_control": {"type": "ephemeral"}},
                        {"role": "user", "content": question},
                    ],
                )
                return response.usage.cache_read_input_tokens
            """,
    }
    # "support" is claude-haiku-4-5 on Bedrock, which caches from 4,096 tokens: the marker is ignored.
    assert run(tmp_path, monkeypatch, files) == [("app.py", 9, "PC301")]


def test_litellm_injection_points_add_a_fifth_breakpoint(tmp_path, monkeypatch):
    text = """
    import litellm

    POLICY = {LONG}
    EXAMPLES = [
        {"role": "user", "content": "Invoice 1001 was charged twice."},
        {"role": "assistant", "content": "Refund the duplicate charge (policy 4.2)."},
        {"role": "user", "content": "Invoice 1002 is for a cancelled plan."},
        {"role": "assistant", "content": "Refund the unused days (policy 5.1)."},
        {"role": "user", "content": "Invoice 1003 has the wrong VAT number."},
        {"role": "assistant", "content": "Reissue the invoice (policy 2.3)."},
    ]

    def classify(ticket: str):
        response = litellm.completion(
            model="anthropic/claude-sonnet-4-6",
            messages=[{"role": "system", "content": POLICY}, *EXAMPLES, {"role": "user", "content": ticket}],
            cache_control_injection_points=[
                {"location": "message", "role": "system"},
                {"location": "message", "role": "user"},
            ],
        )
        return response.usage.cache_read_input_tokens
    """
    # role "user" marks every user turn: the system, three examples and the ticket make five.
    assert run(tmp_path, monkeypatch, {"app.py": source(text, LONG=LONG)}) == [("app.py", 19, "PC201")]


def test_litellm_injection_at_the_last_message_of_a_single_turn_call(tmp_path, monkeypatch):
    files = {
        "app.py": source(
            """
            from litellm import Router

            POLICY = {LONG}
            router = Router(model_list=[{
                "model_name": "claude",
                "litellm_params": {
                    "model": "anthropic/claude-sonnet-4-6",
                    "cache_control_injection_points": [{"location": "message", "index": -1}],
                },
            }])

            def answer(question):
                response = router.completion(model="claude", messages=[{"role": "system", "content": POLICY}, {"role": "user", "content": question}])
                return response.usage.cache_read_input_tokens
            """,
            LONG=LONG,
        )
    }
    # The deployment's injection point lands on the question, which changes every call.
    assert run(tmp_path, monkeypatch, files) == [("app.py", 8, "PC202")]


def test_litellm_ttl_order_across_system_and_messages(tmp_path, monkeypatch):
    text = """
    from litellm import completion

    POLICY = {LONG}

    def answer(history: list, question: str):
        response = completion(
            model="claude-sonnet-4-6",
            messages=[
                {"role": "system", "content": POLICY, "cache_control": {"type": "ephemeral"}},
                *history,
                {"role": "user", "content": [{"type": "text", "text": question, "cache_control": {"type": "ephemeral", "ttl": "1h"}}]},
            ],
        )
        return response.usage.cache_creation_input_tokens
    """
    assert run(tmp_path, monkeypatch, {"app.py": source(text, LONG=LONG)}) == [("app.py", 11, "PC204")]


@pytest.mark.parametrize(
    "model, expected",
    [
        ("bedrock/global.anthropic.claude-opus-4-7-v1", [("app.py", 7, "PC301")]),
        ("bedrock/converse/global.anthropic.claude-opus-4-7-v1", [("app.py", 7, "PC301")]),
        ("anthropic/claude-opus-4-7", []),
        ("vertex_ai/claude-opus-4-7@20260416", []),
    ],
    ids=["bedrock", "bedrock-converse-route", "anthropic", "vertex"],
)
def test_litellm_platform_follows_the_model_prefix(tmp_path, monkeypatch, model, expected):
    text = """
    import litellm

    POLICY = {MID}

    def answer(question):
        response = litellm.completion(model=MODEL, messages=[
            {"role": "system", "content": [{"type": "text", "text": POLICY, "cache_control": {"type": "ephemeral"}}]},
            {"role": "user", "content": question},
        ])
        return response.usage.cache_read_input_tokens
    """
    files = {"app.py": source(text, MID=MID).replace("MODEL", repr(model))}
    assert run(tmp_path, monkeypatch, files) == expected


def test_litellm_tools_images_and_tool_results_keep_their_lines(tmp_path, monkeypatch):
    text = """
    import json
    from litellm import Router

    POLICY = {LONG}
    TOOLS = [
        {"type": "function", "function": {"name": "lookup_invoice", "description": "Find an invoice.", "parameters": {"type": "object", "properties": {"number": {"type": "string"}}}}},
        {"type": "function", "function": {"name": "refund", "description": "Refund an invoice.", "parameters": {"type": "object", "properties": {"number": {"type": "string"}}}, "cache_control": {"type": "ephemeral"}}},
    ]

    class Agent:
        def __init__(self):
            self.router = Router(model_list=[{"model_name": "claude", "litellm_params": {"model": "anthropic/claude-sonnet-4-6"}}])

        def step(self, question, screenshot_url):
            messages = [
                {"role": "system", "content": [{"type": "text", "text": POLICY, "cache_control": {"type": "ephemeral"}}]},
                {"role": "user", "content": [{"type": "image_url", "image_url": {"url": screenshot_url}, "cache_control": {"type": "ephemeral"}}]},
                {"role": "assistant", "content": None, "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "lookup_invoice", "arguments": json.dumps({"number": "1"})}}]},
                {"role": "tool", "tool_call_id": "call_1", "content": "paid", "cache_control": {"type": "ephemeral"}},
                {"role": "user", "content": [{"type": "text", "text": question, "cache_control": {"type": "ephemeral"}}]},
            ]
            response = self.router.completion("claude", messages, tools=TOOLS)
            return response.usage.cache_read_input_tokens
    """
    # The marker on the last tool's function caches the tools alone (too short); the tool call's
    # arguments are unsorted JSON in the cached prefix; the question's marker is the fifth.
    assert run(tmp_path, monkeypatch, {"app.py": source(text, LONG=LONG)}) == [
        ("app.py", 7, "PC301"),
        ("app.py", 18, "PC102"),
        ("app.py", 20, "PC201"),
    ]


LITELLM_CLEAN = {
    "anthropic-static-system": """
        import litellm

        POLICY = {LONG}

        def answer(question):
            response = litellm.completion(
                model="anthropic/claude-sonnet-4-6",
                messages=[
                    {"role": "system", "content": [{"type": "text", "text": POLICY, "cache_control": {"type": "ephemeral"}}]},
                    {"role": "user", "content": question},
                ],
            )
            return response.usage.cache_read_input_tokens
        """,
    "conversation-extended-each-turn": """
        from litellm import acompletion

        POLICY = {LONG}

        class Chat:
            def __init__(self):
                self.history = [{"role": "system", "content": POLICY, "cache_control": {"type": "ephemeral"}}]

            async def send(self, text):
                for message in self.history[1:]:  # the breakpoint moves to the newest turn
                    message["content"][-1].pop("cache_control", None)
                self.history.append({"role": "user", "content": [{"type": "text", "text": text, "cache_control": {"type": "ephemeral"}}]})
                response = await acompletion(model="bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0", messages=self.history)
                self.history.append({"role": "assistant", "content": response.choices[0].message.content})
                return response.usage.cache_read_input_tokens
        """,
    "provider-without-caching-facts": """
        from datetime import datetime
        import litellm

        def answer(question):
            return litellm.completion(model="groq/llama-3.3-70b-versatile", messages=[
                {"role": "system", "content": f"Now: {datetime.now()}"},
                {"role": "user", "content": question},
            ])
        """,
    "deepseek-static": """
        import litellm

        POLICY = {LONG}

        def answer(question):
            params = {"model": "deepseek/deepseek-v4-flash", "messages": [{"role": "system", "content": POLICY}, {"role": "user", "content": question}]}
            response = litellm.completion(**params)
            return response.usage.prompt_tokens_details.cached_tokens
        """,
}


@pytest.mark.parametrize("case", LITELLM_CLEAN, ids=list(LITELLM_CLEAN))
def test_litellm_clean(tmp_path, monkeypatch, case):
    files = {"app.py": source(LITELLM_CLEAN[case], LONG=LONG)}
    assert run(tmp_path, monkeypatch, files, models=DEEPSEEK_V4) == []


# -- boto3 Bedrock Runtime: Converse ---------------------------------------------------------------


def test_converse_volatile_value_before_the_cache_point(tmp_path, monkeypatch):
    text = """
    import boto3
    from datetime import datetime, timezone

    bedrock = boto3.client("bedrock-runtime", region_name="us-east-1")
    POLICY = {LONG}

    def answer(question):
        response = bedrock.converse(
            modelId="us.anthropic.claude-sonnet-4-5-20250929-v1:0",
            system=[
                {"text": POLICY},
                {"text": "Current time: " + datetime.now(timezone.utc).isoformat()},
                {"cachePoint": {"type": "default"}},
            ],
            messages=[{"role": "user", "content": [{"text": question}]}],
            inferenceConfig={"maxTokens": 512},
        )
        print(response["usage"].get("cacheReadInputTokens", 0))
        return response["output"]["message"]["content"][0]["text"]
    """
    assert run(tmp_path, monkeypatch, {"app.py": source(text, LONG=LONG)}) == [("app.py", 12, "PC101")]


def test_invoke_model_with_an_anthropic_body(tmp_path, monkeypatch):
    # InvokeModel sends the Messages body as JSON: the dict given to json.dumps is the request.
    text = """
    import json
    from datetime import datetime

    import boto3

    brt = boto3.client("bedrock-runtime")
    POLICY = {LONG}

    def answer(question):
        body = json.dumps({
            "anthropic_version": "bedrock-2023-05-31",
            "max_tokens": 512,
            "system": [{"type": "text", "text": POLICY + " Today: " + datetime.now().isoformat(), "cache_control": {"type": "ephemeral"}}],
            "messages": [{"role": "user", "content": question}],
        })
        response = brt.invoke_model(modelId="us.anthropic.claude-sonnet-4-6", body=body)
        return json.loads(response["body"].read())["usage"]["cache_read_input_tokens"]

    def classify(ticket):
        return brt.invoke_model_with_response_stream(modelId="us.anthropic.claude-haiku-4-5-20251001-v1:0", body=json.dumps({
            "anthropic_version": "bedrock-2023-05-31", "max_tokens": 100,
            "system": [{"type": "text", "text": "Classify the ticket.", "cache_control": {"type": "ephemeral"}}],
            "messages": [{"role": "user", "content": ticket}]}))
    """
    # Haiku 4.5's Bedrock minimum is 4,096 tokens (the registry): the short prompt's marker is ignored.
    assert run(tmp_path, monkeypatch, {"app.py": source(text, LONG=LONG)}) == [("app.py", 13, "PC101"), ("app.py", 22, "PC301")]


CONVERSE_STRUCTURE = {
    # Anthropic's cache type in a cachePoint, a request dict passed with **, a session client
    "cachepoint-type-ephemeral": (
        """
        import boto3

        session = boto3.Session(profile_name="prod")
        client = session.client("bedrock-runtime")
        POLICY = {LONG}

        def answer(question):
            request = {
                "modelId": "anthropic.claude-sonnet-4-6",
                "system": [{"text": POLICY}, {"cachePoint": {"type": "ephemeral"}}],
                "messages": [{"role": "user", "content": [{"text": question}]}],
            }
            response = client.converse(**request)
            return response["usage"]["cacheReadInputTokens"]
        """,
        [("app.py", 10, "PC205")],
    ),
    # a cache point after every few-shot answer: the fifth is rejected (converse_stream)
    "five-cache-points": (
        """
        import boto3

        POLICY = {LONG}
        EXAMPLES = [
            {"role": "user", "content": [{"text": "Invoice 1001 was charged twice."}]},
            {"role": "assistant", "content": [{"text": "Refund the duplicate (policy 4.2)."}, {"cachePoint": {"type": "default"}}]},
            {"role": "user", "content": [{"text": "Invoice 1002 is for a cancelled plan."}]},
            {"role": "assistant", "content": [{"text": "Refund the unused days (policy 5.1)."}, {"cachePoint": {"type": "default"}}]},
            {"role": "user", "content": [{"text": "Invoice 1003 has the wrong VAT number."}]},
            {"role": "assistant", "content": [{"text": "Reissue the invoice (policy 2.3)."}, {"cachePoint": {"type": "default"}}]},
            {"role": "user", "content": [{"text": "Invoice 1004 was paid twice by card."}]},
            {"role": "assistant", "content": [{"text": "Refund the second payment (policy 4.2)."}, {"cachePoint": {"type": "default"}}]},
        ]

        def classify(ticket):
            brt = boto3.Session().client("bedrock-runtime")
            response = brt.converse_stream(
                modelId="anthropic.claude-sonnet-4-6",
                system=[{"text": POLICY}, {"cachePoint": {"type": "default"}}],
                messages=EXAMPLES + [{"role": "user", "content": [{"text": ticket}]}],
            )
            for event in response["stream"]:
                if "metadata" in event:
                    return event["metadata"]["usage"]["cacheWriteInputTokens"]
        """,
        [("app.py", 12, "PC201")],
    ),
    # Opus 4.7 caches from 4,096 tokens on Bedrock (2,048 on the Claude API)
    "below-bedrock-minimum": (
        """
        import boto3

        POLICY = {MID}
        brt = boto3.client("bedrock-runtime")

        def answer(question):
            response = brt.converse(
                modelId="global.anthropic.claude-opus-4-7-v1",
                system=[{"text": POLICY}, {"cachePoint": {"type": "default"}}],
                messages=[{"role": "user", "content": [{"text": question}]}],
            )
            return response["usage"]["cacheReadInputTokens"]
        """,
        [("app.py", 9, "PC301")],
    ),
    # a 1h cache point after a 5m one (no ttl: 5m)
    "ttl-order": (
        """
        import boto3

        POLICY = {LONG}
        TOOLS = {"tools": [
            {"toolSpec": {"name": "lookup_invoice", "description": "Find an invoice.", "inputSchema": {"json": {"type": "object"}}}},
        ]}

        def answer(history, question):
            response = boto3.client("bedrock-runtime").converse(
                modelId="us.anthropic.claude-sonnet-4-5-20250929-v1:0",
                system=[{"text": POLICY}, {"cachePoint": {"type": "default"}}],
                messages=[*history, {"role": "user", "content": [{"text": question}, {"cachePoint": {"type": "default", "ttl": "1h"}}]}],
                toolConfig=TOOLS,
            )
            return response["usage"]["cacheWriteInputTokens"]
        """,
        [("app.py", 12, "PC204")],
    ),
}


@pytest.mark.parametrize("case", CONVERSE_STRUCTURE, ids=list(CONVERSE_STRUCTURE))
def test_converse_breakpoint_structure(tmp_path, monkeypatch, case):
    text, expected = CONVERSE_STRUCTURE[case]
    assert run(tmp_path, monkeypatch, {"app.py": source(text, LONG=LONG, MID=MID)}) == expected


CONVERSE_CLEAN = {
    "client-on-self-1h-ttl": """
        import boto3

        POLICY = {LONG}

        class Assistant:
            def __init__(self):
                self.client = boto3.client("bedrock-runtime")

            def answer(self, question):
                response = self.client.converse(
                    modelId="us.anthropic.claude-haiku-4-5-20251001-v1:0",
                    system=[{"text": POLICY}, {"cachePoint": {"type": "default", "ttl": "1h"}}],
                    messages=[{"role": "user", "content": [{"text": question}]}],
                )
                return response["usage"]["cacheReadInputTokens"]
        """,
    "system-cache-point-covers-tools": """
        import boto3

        POLICY = {LONG}
        TOOLS = {"tools": [
            {"toolSpec": {"name": "lookup_invoice", "description": "Find an invoice.", "inputSchema": {"json": {"type": "object"}}}},
        ]}
        brt = boto3.client("bedrock-runtime")

        def answer(question):
            response = brt.converse(
                modelId="anthropic.claude-sonnet-4-6",
                system=[{"text": POLICY}, {"cachePoint": {"type": "default"}}],
                messages=[{"role": "user", "content": [{"text": question}]}],
                toolConfig=TOOLS,
            )
            return response["usage"]["cacheReadInputTokens"]
        """,
    "another-library-converse": """
        from chatbot import Bot

        bot = Bot()

        def talk(text):
            return bot.converse(text, memory=True)
        """,
}


@pytest.mark.parametrize("case", CONVERSE_CLEAN, ids=list(CONVERSE_CLEAN))
def test_converse_clean(tmp_path, monkeypatch, case):
    assert run(tmp_path, monkeypatch, {"app.py": source(CONVERSE_CLEAN[case], LONG=LONG)}) == []


# -- OpenAI-compatible clients ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "construct, platform",
    [
        ('OpenAI(base_url="https://api.deepseek.com")', "deepseek"),
        ('AsyncOpenAI(api_key=os.environ["DEEPSEEK_API_KEY"], base_url="https://api.deepseek.com/v1")', "deepseek"),
        ('OpenAI(base_url=os.getenv("LLM_BASE_URL", "https://api.deepseek.com"))', "deepseek"),
        ('OpenAI(base_url=f"https://api.deepseek.com/{VERSION}")', "deepseek"),
        ('OpenAI(base_url="https://generativelanguage.googleapis.com/v1beta/openai/")', "gemini"),
        ('OpenAI(base_url="http://localhost:8000/v1")', "openai"),
        ("OpenAI()", "openai"),
    ],
    ids=["deepseek", "async-v1", "env-default", "fstring", "gemini", "unknown-host", "no-base-url"],
)
def test_the_client_platform_follows_its_base_url(tmp_path, construct, platform):
    from promptlint.frontends.python import PythonFrontend
    from promptlint.registry import bundled

    path = tmp_path / "app.py"
    path.write_text(
        "import os\nfrom openai import AsyncOpenAI, OpenAI\nVERSION = 'beta'\n"
        f"client = {construct}\n"
        "def ask(q):\n    return client.chat.completions.create(model='some-new-model', messages=[{'role': 'user', 'content': q}])\n",
        encoding="utf-8",
    )
    parsed = PythonFrontend(tmp_path, bundled(), 1 << 20).read(path, "app.py")
    assert [r.platform for r in parsed.requests] == [platform]


def test_openai_compatible_volatile_value_in_the_system_prompt(tmp_path, monkeypatch):
    files = {
        "deepseek_bot.py": source(
            """
            import os
            from datetime import date
            from openai import OpenAI

            client = OpenAI(api_key=os.environ["DEEPSEEK_API_KEY"], base_url="https://api.deepseek.com")
            POLICY = {LONG}

            def answer(question):
                response = client.chat.completions.create(
                    model="deepseek-v4-flash",
                    messages=[
                        {"role": "system", "content": f"{POLICY}\\nToday is {date.today():%B %d, %Y}."},
                        {"role": "user", "content": question},
                    ],
                )
                return response.usage.prompt_cache_hit_tokens
            """,
            LONG=LONG,
        ),
        "gemini_bot.py": source(
            """
            import uuid
            from openai import AsyncOpenAI

            gemini = AsyncOpenAI(base_url="https://generativelanguage.googleapis.com/v1beta/openai/")
            POLICY = {LONG}

            async def answer(question):
                trace = uuid.uuid4().hex
                response = await gemini.chat.completions.create(
                    model="gemini-2.5-flash",
                    messages=[{"role": "system", "content": f"[trace {trace}] {POLICY}"}, {"role": "user", "content": question}],
                )
                return response.usage.prompt_tokens_details.cached_tokens
            """,
            LONG=LONG,
        ),
    }
    assert run(tmp_path, monkeypatch, files, models=DEEPSEEK_V4) == [("deepseek_bot.py", 12, "PC101"), ("gemini_bot.py", 8, "PC101")]


def test_openai_compatible_tools_chosen_per_call(tmp_path, monkeypatch):
    text = """
    from openai import OpenAI

    client = OpenAI(base_url="https://api.deepseek.com")
    POLICY = {LONG}
    SEARCH = [{"type": "function", "function": {"name": "search_docs", "parameters": {"type": "object", "properties": {"q": {"type": "string"}}}}}]

    def answer(question, allow_search=False):
        response = client.chat.completions.create(
            model="deepseek-v4-flash",
            messages=[{"role": "system", "content": POLICY}, {"role": "user", "content": question}],
            tools=SEARCH if allow_search else [],
        )
        return response.usage.prompt_cache_hit_tokens
    """
    # DeepSeek caches the prefix by itself; the tools come first in it, so half the calls miss.
    assert run(tmp_path, monkeypatch, {"app.py": source(text, LONG=LONG)}, models=DEEPSEEK_V4) == [("app.py", 11, "PC104")]


def test_openai_compatible_clean(tmp_path, monkeypatch):
    text = """
    from datetime import date
    from openai import OpenAI

    client = OpenAI(base_url="https://api.deepseek.com")
    POLICY = {LONG}

    def answer(question):
        response = client.chat.completions.create(
            model="deepseek-v4-flash",
            messages=[
                {"role": "system", "content": POLICY},
                {"role": "user", "content": f"Today is {date.today():%B %d, %Y}. {question}"},
            ],
        )
        return response.usage.prompt_cache_hit_tokens
    """
    assert run(tmp_path, monkeypatch, {"app.py": source(text, LONG=LONG)}, models=DEEPSEEK_V4) == []


def test_converse_parameters_chosen_per_call(tmp_path, monkeypatch):
    # Converse's own names for the model and thinking: a conditional choice splits the cache (PC104).
    text = """
    import boto3

    brt = boto3.client("bedrock-runtime")
    POLICY = {LONG}

    def ask(history, question, deep: bool):
        response = brt.converse(
            modelId="us.anthropic.claude-sonnet-4-6",
            system=[{"text": POLICY}, {"cachePoint": {"type": "default"}}],
            messages=history + [{"role": "user", "content": [{"text": question}, {"cachePoint": {"type": "default"}}]}],
            additionalModelRequestFields={"thinking": {"type": "enabled", "budget_tokens": 2048}} if deep else {},
        )
        return response["usage"]["cacheReadInputTokens"]

    def route(question, hard: bool):
        return brt.converse(
            modelId="us.anthropic.claude-sonnet-4-5-20250929-v1:0" if hard else "us.anthropic.claude-sonnet-4-6",
            system=[{"text": POLICY}, {"cachePoint": {"type": "default"}}],
            messages=[{"role": "user", "content": [{"text": question}]}],
        )
    """
    assert run(tmp_path, monkeypatch, {"app.py": source(text, LONG=LONG)}) == [("app.py", 11, "PC104"), ("app.py", 17, "PC104")]


def test_converse_sampling_settings_chosen_per_call_split_nothing(tmp_path, monkeypatch):
    # additionalModelRequestFields also carries sampling settings (top_k): only thinking and effort change a cache level.
    text = """
    import boto3

    brt = boto3.client("bedrock-runtime")
    POLICY = {LONG}

    def ask(question, top_k):
        response = brt.converse(
            modelId="us.anthropic.claude-sonnet-4-6",
            system=[{"text": POLICY}, {"cachePoint": {"type": "default"}}],
            messages=[{"role": "user", "content": [{"text": question}]}],
            additionalModelRequestFields={"top_k": top_k},
        )
        return response["usage"]["cacheReadInputTokens"]
    """
    assert run(tmp_path, monkeypatch, {"app.py": source(text, LONG=LONG)}) == []


def test_invoke_model_with_another_models_body_is_left_alone(tmp_path, monkeypatch):
    # Nova and Mistral bodies have messages too; only Anthropic ones are modelled. .encode() is followed.
    text = """
    import json

    import boto3

    brt = boto3.client("bedrock-runtime")
    POLICY = {LONG}

    def nova(question):
        body = {"messages": [{"role": "user", "content": [{"text": question}]}], "system": [{"text": POLICY}]}
        return brt.invoke_model(modelId="us.amazon.nova-pro-v1:0", body=json.dumps(body))

    def claude(question):
        body = {"anthropic_version": "bedrock-2023-05-31", "max_tokens": 100,
                "system": [{"type": "text", "text": POLICY, "cache_control": {"type": "ephemeral", "ttl": "24h"}}],
                "messages": [{"role": "user", "content": question}]}
        response = brt.invoke_model(modelId="us.anthropic.claude-sonnet-4-6", body=json.dumps(body).encode())
        return json.loads(response["body"].read())["usage"]["cache_read_input_tokens"]
    """
    assert run(tmp_path, monkeypatch, {"app.py": source(text, LONG=LONG)}) == [("app.py", 14, "PC205")]
