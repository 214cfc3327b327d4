"""pydantic-ai agents and the Google Gen AI SDK, recognised in application code.

Each case is a small application module and the exact findings it must produce (path,
line, code): volatile values in what is cached, breakpoint structure the API rejects or
ignores, and clean code that must stay silent.
"""

from __future__ import annotations

import textwrap


from conftest import lint_tree
from promptlint.frontends.jsonreq.lower import Place, lower_gemini, lower_gemini_cache
from promptlint.registry import bundled
from promptlint.request import ContentKind, Section

# Well above every Claude and Gemini minimum (about 9,000 tokens of English).
POLICY = "You answer questions about the Acme billing system, citing the relevant policy section. " * 400


run = lint_tree


# -- pydantic-ai ----------------------------------------------------------------------------

AGENT_HEAD = f"""
from datetime import date, datetime

from pydantic_ai import Agent, CachePoint, RunContext
from pydantic_ai.models.anthropic import AnthropicModel, AnthropicModelSettings

POLICY = {POLICY!r}


"""


def agent_module(body: str) -> str:
    return textwrap.dedent(AGENT_HEAD).lstrip("\n") + textwrap.dedent(body).lstrip("\n")


def test_pydantic_ai_a_system_prompt_function_is_re_evaluated_each_run(tmp_path, monkeypatch):
    # System prompts are joined into the first system block, before the breakpoint that
    # anthropic_cache_instructions puts after the static instructions: the time is cached.
    source = agent_module("""
        billing = Agent(
            "anthropic:claude-sonnet-4-6",
            deps_type=str,
            instructions=POLICY,
            model_settings=AnthropicModelSettings(anthropic_cache_instructions=True),
        )


        @billing.system_prompt
        def clock(ctx: RunContext[str]) -> str:
            return f"The current time is {datetime.now():%H:%M}."


        async def answer(question: str, customer: str) -> str:
            result = await billing.run(question, deps=customer)
            print("cache reads:", result.usage().cache_read_tokens)
            return result.output
        """)
    assert run(tmp_path, monkeypatch, {"billing.py": source}) == [("billing.py", 19, "PC101")]


def test_pydantic_ai_dynamic_instructions_stay_after_the_instructions_breakpoint(tmp_path, monkeypatch):
    # Clean: pydantic-ai sorts static instructions first and puts the breakpoint after the
    # last of them, so the date and the customer's name in @agent.instructions are not cached.
    source = agent_module("""
        billing = Agent(
            AnthropicModel("claude-sonnet-4-6"),
            deps_type=str,
            instructions=POLICY,
            model_settings=AnthropicModelSettings(anthropic_cache_instructions=True),
        )


        @billing.instructions
        def customer_context(ctx: RunContext[str]) -> str:
            return f"Today is {date.today()}. The customer's name is {ctx.deps}."


        @billing.tool
        def invoice_total(ctx: RunContext[str], invoice_id: str) -> str:
            \"\"\"Return the total of one of the customer's invoices.\"\"\"
            return "42.00 EUR"


        def answer(question: str, customer: str) -> str:
            result = billing.run_sync(question, deps=customer)
            usage = result.usage()
            print(f"cache write {usage.cache_write_tokens}, read {usage.cache_read_tokens}")
            return result.output
        """)
    assert run(tmp_path, monkeypatch, {"billing.py": source}) == []


def test_pydantic_ai_instructions_below_the_model_minimum(tmp_path, monkeypatch):
    source = agent_module("""
        triage = Agent(
            "anthropic:claude-haiku-4-5",
            instructions="Classify the ticket as billing, shipping or other. Answer with one word.",
            model_settings=AnthropicModelSettings(
                anthropic_cache_instructions=True,
            ),
        )


        def classify(ticket: str) -> str:
            result = triage.run_sync(ticket)
            print(result.usage().cache_read_tokens)
            return result.output
        """)
    assert run(tmp_path, monkeypatch, {"triage.py": source}) == [("triage.py", 13, "PC301")]


def test_pydantic_ai_tools_listed_from_a_set(tmp_path, monkeypatch):
    source = agent_module('''
        def lookup_order(order_id: str) -> str:
            """Look up an order."""
            return order_id


        def refund(order_id: str) -> str:
            """Refund an order."""
            return order_id


        agent = Agent("anthropic:claude-sonnet-4-6", instructions=POLICY, tools=list({lookup_order, refund}),
                      model_settings=AnthropicModelSettings(anthropic_cache_instructions=True))


        def ask(q):
            return agent.run_sync(q).usage().cache_read_tokens
        ''')
    assert run(tmp_path, monkeypatch, {"agent.py": source}) == [("agent.py", 19, "PC103")]


def test_pydantic_ai_one_hour_automatic_cache_after_five_minute_instructions(tmp_path, monkeypatch):
    # anthropic_cache puts the automatic breakpoint on the last block: a 1h one after the 5m
    # instructions breakpoint, which the API rejects.
    source = agent_module("""
        SETTINGS = AnthropicModelSettings(
            anthropic_cache_instructions=True,
            anthropic_cache="1h",
        )
        support = Agent("anthropic:claude-sonnet-4-6", instructions=POLICY, model_settings=SETTINGS)


        async def reply(question: str, history: list) -> str:
            result = await support.run(question, message_history=history)
            print(result.usage().cache_read_tokens)
            return result.output
        """)
    assert run(tmp_path, monkeypatch, {"support.py": source}) == [("support.py", 11, "PC204")]


def test_pydantic_ai_agent_from_another_module_and_cache_points_past_the_limit(tmp_path, monkeypatch):
    # The agent is defined in agents.py and run in routes.py. Tools + instructions + four
    # CachePoints are six breakpoints: pydantic-ai drops the oldest message ones, so no PC201.
    # The dynamic instruction is after the instructions breakpoint but before the message
    # breakpoints, so its date is reported where it is computed.
    files = {
        "agents.py": agent_module("""
            HANDBOOK = POLICY

            support_agent = Agent(
                "anthropic:claude-sonnet-4-6",
                instructions=HANDBOOK,
                model_settings=AnthropicModelSettings(anthropic_cache_instructions="1h"),
            )


            @support_agent.instructions
            def today() -> str:
                return f"Today is {date.today():%A, %d %B %Y}."
            """),
        "routes.py": """
            from pydantic_ai import CachePoint

            from agents import support_agent

            FAQ = ["Returns take 14 days.", "Shipping is free over 50 EUR.", "Invoices are sent by email."]


            async def ask(question: str):
                prompt = [FAQ[0], CachePoint(), FAQ[1], CachePoint(), FAQ[2], CachePoint(), "Answer briefly.", CachePoint(), question]
                result = await support_agent.run(prompt)
                return result.output, result.usage().cache_read_tokens
            """,
    }
    assert run(tmp_path, monkeypatch, files) == [("agents.py", 20, "PC101")]


def test_pydantic_ai_agents_on_other_providers_are_not_modelled(tmp_path, monkeypatch):
    source = agent_module("""
        helper = Agent("openai:gpt-5.6", instructions=f"Today is {date.today()}. " + POLICY)


        def ask(question: str) -> str:
            return helper.run_sync(question).output
        """)
    assert run(tmp_path, monkeypatch, {"helper.py": source}) == []


def test_pydantic_ai_caching_settings_without_reading_usage(tmp_path, monkeypatch):
    source = agent_module("""
        writer = Agent(
            "anthropic:claude-sonnet-4-6",
            system_prompt=POLICY,
            model_settings={"anthropic_cache_instructions": True},
        )


        def draft(topic: str) -> str:
            return writer.run_sync(f"Draft a reply about {topic}.").output
        """)
    assert run(tmp_path, monkeypatch, {"writer.py": source}) == [("writer.py", 12, "PC501")]


# -- google-genai -------------------------------------------------------------------------------

GENAI_HEAD = f"""
import datetime

from google import genai
from google.genai import types

client = genai.Client()
MANUAL = {POLICY!r}


"""


def genai_module(body: str) -> str:
    return textwrap.dedent(GENAI_HEAD).lstrip("\n") + textwrap.dedent(body).lstrip("\n")


def test_genai_date_in_the_system_instruction_defeats_implicit_caching(tmp_path, monkeypatch):
    source = genai_module("""
        def answer(question: str) -> str:
            today = datetime.date.today().isoformat()
            response = client.models.generate_content(
                model="gemini-2.5-flash",
                contents=question,
                config=types.GenerateContentConfig(system_instruction=f"Today is {today}.\\n\\n{MANUAL}"),
            )
            print(response.usage_metadata.cached_content_token_count)
            return response.text
        """)
    assert run(tmp_path, monkeypatch, {"manual_bot.py": source}) == [("manual_bot.py", 11, "PC101")]


def test_genai_volatile_value_written_into_an_explicit_cache(tmp_path, monkeypatch):
    # Everything in caches.create is the cached prefix, the contents too. The size of a Gemini
    # prefix cannot be settled offline (no token bands for its tokenizer): PC302 at the cache.
    source = genai_module("""
        def create_manual_cache() -> str:
            cache = client.caches.create(
                model="gemini-2.5-flash",
                config=types.CreateCachedContentConfig(
                    display_name="dishwasher-manual",
                    system_instruction="Answer questions about the manual.",
                    contents=[
                        types.Content(role="user", parts=[types.Part.from_text(text=MANUAL)]),
                        types.Content(role="user", parts=[types.Part(text=f"Indexed at {datetime.datetime.now()}")]),
                    ],
                    ttl="3600s",
                ),
            )
            print(cache.usage_metadata.total_token_count, "tokens cached")
            return cache.name


        def ask(cache_name: str, question: str) -> str:
            response = client.models.generate_content(
                model="gemini-2.5-flash",
                contents=question,
                config=types.GenerateContentConfig(cached_content=cache_name),
            )
            print(response.usage_metadata.cached_content_token_count)
            return response.text
        """)
    assert run(tmp_path, monkeypatch, {"manual_cache.py": source}) == [("manual_cache.py", 11, "PC302"), ("manual_cache.py", 18, "PC101")]


def test_genai_cached_content_with_system_instruction_or_tools_is_rejected(tmp_path, monkeypatch):
    source = genai_module("""
        def lookup_part(part_number: str) -> str:
            \"\"\"Return the spare part's name and price.\"\"\"
            return "drain pump, 39 EUR"


        def ask(cache_name: str, question: str) -> str:
            response = client.models.generate_content(
                model="gemini-2.5-flash",
                contents=question,
                config=types.GenerateContentConfig(
                    cached_content=cache_name,
                    system_instruction="Answer in one paragraph.",
                ),
            )
            print(response.usage_metadata.cached_content_token_count)
            return response.text


        async def ask_with_tools(cache_name: str, question: str) -> str:
            config = {"cached_content": cache_name, "tools": [lookup_part]}
            response = await client.aio.models.generate_content(model="gemini-2.5-flash", contents=question, config=config)
            return response.text
        """)
    assert run(tmp_path, monkeypatch, {"parts_bot.py": source}) == [("parts_bot.py", 21, "PL002"), ("parts_bot.py", 29, "PL002")]


def test_genai_static_system_instruction_is_clean(tmp_path, monkeypatch):
    source = genai_module("""
        CONFIG = types.GenerateContentConfig(
            system_instruction=MANUAL,
            tools=[types.Tool(function_declarations=[types.FunctionDeclaration(name="open_ticket", description="Open a support ticket.")])],
        )


        def answer(question: str) -> str:
            today = datetime.date.today().isoformat()
            response = client.models.generate_content(
                model="gemini-2.5-flash",
                contents=[f"Today is {today}.", question],
                config=CONFIG,
            )
            usage = response.usage_metadata
            print(f"{usage.cached_content_token_count} of {usage.prompt_token_count} prompt tokens cached")
            return response.text
        """)
    assert run(tmp_path, monkeypatch, {"manual_bot.py": source}) == []


def test_genai_explicit_cache_without_reading_usage(tmp_path, monkeypatch):
    source = genai_module("""
        def create_manual_cache() -> str:
            cache = client.caches.create(
                model="gemini-2.5-flash",
                config={"system_instruction": MANUAL, "ttl": "600s"},
            )
            return cache.name
        """)
    assert run(tmp_path, monkeypatch, {"manual_cache.py": source}) == [("manual_cache.py", 11, "PC302"), ("manual_cache.py", 11, "PC501")]


def test_genai_types_in_a_config_built_in_steps_keep_their_text(tmp_path, monkeypatch):
    # types.Part in a dict filled in step by step: the evaluator builds it through the
    # recognizer's hook, so the system instruction keeps its text (and its size), not only the date.
    from pathlib import Path

    from promptlint.config import Settings
    from promptlint.engine import Engine

    source = genai_module("""
        def answer(question: str) -> str:
            config = {}
            config["system_instruction"] = [types.Part.from_text(text=MANUAL + f" Today is {datetime.date.today()}.")]
            response = client.models.generate_content(model="gemini-2.5-flash", contents=question, config=config)
            print(response.usage_metadata.cached_content_token_count)
            return response.text
        """)
    assert run(tmp_path, monkeypatch, {"manual_bot.py": source}) == [("manual_bot.py", 12, "PC101")]
    (request,) = Engine(Settings(root=tmp_path, cache=False)).parse(Path("manual_bot.py"), "manual_bot.py").requests
    (system,) = [b for b in request.blocks if b.section is Section.SYSTEM]
    assert system.type == "text" and system.text.known_text().startswith(POLICY)


# -- the Gemini lowering, on a REST body ---------------------------------------------------------


def test_lower_gemini_rest_body():
    body = {
        "model": "models/gemini-2.5-pro",
        "systemInstruction": {"parts": [{"text": "Be brief."}]},
        "tools": [{"functionDeclarations": [{"name": "f"}]}],
        "contents": [
            {"role": "user", "parts": [{"text": "Summarise this."}, {"fileData": {"fileUri": "gs://b/manual.pdf", "mimeType": "application/pdf"}}]},
            {"role": "model", "parts": [{"text": "It is a manual."}]},
            "And the warranty?",
        ],
        "cachedContent": "cachedContents/abc",
    }
    request = lower_gemini(body, Place("r.json", None, 1), bundled(), None)
    assert (request.provider, request.platform, request.model) == ("gemini", "gemini", "gemini-2.5-pro")
    assert [(b.section, b.type, b.role, b.message_index) for b in request.blocks] == [
        (Section.TOOLS, "tool", None, None),
        (Section.SYSTEM, "text", None, None),
        (Section.MESSAGES, "text", "user", 0),
        (Section.MESSAGES, "fileData", "user", 0),
        (Section.MESSAGES, "text", "model", 1),
        (Section.MESSAGES, "text", "user", 2),
    ]
    assert request.blocks[3].content is ContentKind.MEDIA and not request.breakpoints
    assert [p.message.split("'")[1] for p in request.shape_problems] == ["systemInstruction", "tools"]
    assert request.params["cached_content"] == "cachedContents/abc"


def test_lower_gemini_cache_marks_everything_cached():
    body = {"model": "gemini-2.5-flash", "systemInstruction": "Be brief.", "contents": ["A long manual.", "Its appendix."], "ttl": "300s"}
    request = lower_gemini_cache(body, Place("r.json", None, 1), bundled(), None)
    assert [b.section for b in request.blocks] == [Section.SYSTEM] * 3
    assert [b.breakpoint is not None for b in request.blocks] == [False, False, True]
    assert request.breakpoints[0].style == "cachedContent" and request.breakpoints[0].value == {"ttl": "300s"}
