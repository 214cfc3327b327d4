"""LangChain: chat models, messages and prompt templates, the ways teams write them.

Each case is a small application and the exact findings it must produce. As in the corpus,
a trailing ``# expect: CODE`` marks the line where a diagnostic must be reported; every other
line must produce nothing. The bodies are the ones the integrations send (langchain-anthropic,
langchain-aws, langchain-openai as documented in 2026), so the rules fire unchanged.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from conftest import lint_paths

# A support policy well above every minimum involved (about 2,800 tokens).
POLICY = '''POLICY = (
    "You are the billing assistant for Northwind Cloud. Answer questions about invoices, refunds, "
    "plan changes and payment methods, and quote the policy section you rely on.\\n"
) * 80
'''
_EXPECT = re.compile(r"#\s*expect:\s*([A-Z0-9, ]+?)\s*$")


def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str]) -> tuple[list, list]:
    """The findings of one run, and the ones its ``# expect:`` comments ask for."""
    monkeypatch.chdir(tmp_path)
    wanted = []
    for name, text in files.items():
        text = textwrap.dedent(text).lstrip("\n").replace("POLICY = ...\n", POLICY)
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        for number, line in enumerate(text.splitlines(), 1):
            match = _EXPECT.search(line)
            if match:
                wanted.extend((name, number, code.strip()) for code in match.group(1).split(","))
    found = sorted((d.span.path, d.span.line, d.code) for d in lint_paths([tmp_path], tmp_path))
    return found, sorted(wanted)


def check(tmp_path, monkeypatch, files: dict[str, str]) -> None:
    found, wanted = run(tmp_path, monkeypatch, files)
    assert found == wanted


# -- ChatAnthropic: a volatile value before the breakpoint (PC101) -----------------------------

ANTHROPIC_VOLATILE = {
    # A module-level model, a SystemMessage whose content blocks carry the breakpoint.
    "system-message-blocks": {
        "app.py": """
            import logging
            from datetime import datetime

            from langchain_anthropic import ChatAnthropic
            from langchain_core.messages import HumanMessage, SystemMessage

            log = logging.getLogger(__name__)
            POLICY = ...
            llm = ChatAnthropic(model="claude-sonnet-4-6", max_tokens=1024)


            def answer(question: str) -> str:
                now = datetime.now()  # expect: PC101
                system = SystemMessage(
                    content=[
                        {
                            "type": "text",
                            "text": f"Current time: {now:%Y-%m-%d %H:%M}\\n\\n{POLICY}",
                            "cache_control": {"type": "ephemeral"},
                        }
                    ]
                )
                reply = llm.invoke([system, HumanMessage(content=question)])
                log.info("cache read: %s", reply.usage_metadata["input_token_details"]["cache_read"])
                return reply.content
            """,
    },
    # The model from a factory in another module, kept on self; the prompt stamped at import.
    "factory-self-attribute": {
        "svc/__init__.py": "",
        "svc/llm.py": """
            from langchain_anthropic import ChatAnthropic

            MODEL = "claude-sonnet-4-6"


            def get_llm(temperature: float = 0.0) -> ChatAnthropic:
                return ChatAnthropic(model_name=MODEL, temperature=temperature, max_tokens=2048)
            """,
        "svc/prompts.py": """
            import time

            POLICY = ...
            BUILD = time.time()  # expect: PC101
            SYSTEM_BLOCKS = [
                {"type": "text", "text": f"{POLICY}\\n(prompt build {BUILD:.0f})", "cache_control": {"type": "ephemeral"}},
            ]
            """,
        "svc/assistant.py": """
            from langchain_core.messages import HumanMessage, SystemMessage

            from svc.llm import get_llm
            from svc.prompts import SYSTEM_BLOCKS


            class BillingAssistant:
                def __init__(self) -> None:
                    self.llm = get_llm()

                def answer(self, question: str) -> str:
                    reply = self.llm.invoke([SystemMessage(content=SYSTEM_BLOCKS), HumanMessage(content=question)])
                    print(reply.usage_metadata["input_token_details"])
                    return reply.content
            """,
    },
    # ChatPromptTemplate: the time is a template variable, filled per call; an LCEL chain.
    "prompt-template-variable": {
        "chains.py": """
            from datetime import datetime

            from langchain_anthropic import ChatAnthropic
            from langchain_core.output_parsers import StrOutputParser
            from langchain_core.prompts import ChatPromptTemplate

            POLICY = ...
            prompt = ChatPromptTemplate.from_messages(
                [
                    ("system", [{"type": "text", "text": "It is {now}.\\n" + POLICY, "cache_control": {"type": "ephemeral"}}]),
                    ("human", "{question}"),
                ]
            )
            chain = prompt | ChatAnthropic(model="claude-sonnet-4-6") | StrOutputParser()


            async def answer(question: str) -> str:
                return await chain.ainvoke({"question": question, "now": datetime.now().isoformat()})  # expect: PC101
            """,
        "metrics.py": """
            def cache_hits(message) -> int:
                return message.usage_metadata["input_token_details"].get("cache_read", 0)
            """,
    },
    # Automatic caching through .bind(cache_control=...): the system prompt is the cached part.
    "bound-automatic-caching": {
        "bot.py": """
            import uuid

            from langchain_anthropic import ChatAnthropic

            POLICY = ...
            caching_llm = ChatAnthropic(model="claude-sonnet-4-6").bind(cache_control={"type": "ephemeral"})


            def reply(history: list, text: str):
                trace = uuid.uuid4()  # expect: PC101
                messages = [("system", f"{POLICY}\\nTrace: {trace}"), *history, ("human", text)]
                response = caching_llm.invoke(messages)
                print(response.usage_metadata["input_token_details"]["cache_creation"])
                return response
            """,
    },
    # Tools bound from a set: their order, and so the cached tools, can change between processes.
    "tools-from-a-set": {
        "bot.py": """
            from langchain_anthropic import ChatAnthropic
            from langchain_core.messages import HumanMessage, SystemMessage
            from langchain_core.tools import tool

            POLICY = ...


            @tool
            def lookup_order(order_id: str) -> str:
                '''Look up an order.'''
                return order_id


            @tool
            def refund(order_id: str) -> str:
                '''Refund an order.'''
                return order_id


            TOOLS = {lookup_order, refund}  # expect: PC103
            llm = ChatAnthropic(model="claude-sonnet-4-6").bind_tools(list(TOOLS))


            def ask(q):
                r = llm.invoke([SystemMessage(content=[{"type": "text", "text": POLICY, "cache_control": {"type": "ephemeral"}}]), HumanMessage(content=q)])
                return r.usage_metadata["input_token_details"]["cache_read"]
            """,
    },
}


@pytest.mark.parametrize("files", ANTHROPIC_VOLATILE.values(), ids=ANTHROPIC_VOLATILE.keys())
def test_chat_anthropic_volatile_value_before_the_breakpoint(tmp_path, monkeypatch, files):
    check(tmp_path, monkeypatch, files)


# -- ChatAnthropic: breakpoint structure ---------------------------------------------------------

ANTHROPIC_STRUCTURE = {
    # Five cache_control blocks: the API rejects the request (PC201, at the fifth).
    "five-breakpoints": {
        "assistant.py": """
            from langchain_anthropic import ChatAnthropic
            from langchain_core.messages import HumanMessage, SystemMessage

            POLICY = ...
            CACHE = {"type": "ephemeral"}


            class Assistant:
                def __init__(self) -> None:
                    self.llm = ChatAnthropic(model="claude-sonnet-4-6", max_tokens=512)

                def ask(self, question: str, history: list):
                    system = SystemMessage(
                        content=[
                            {"type": "text", "text": POLICY, "cache_control": CACHE},
                            {"type": "text", "text": "Refund rules: ...", "cache_control": CACHE},
                            {"type": "text", "text": "Plan rules: ...", "cache_control": CACHE},
                            {"type": "text", "text": "Tax rules: ...", "cache_control": CACHE},
                            {"type": "text", "text": "Escalation rules: ...", "cache_control": CACHE},  # expect: PC201
                        ]
                    )
                    response = self.llm.invoke([system, *history, HumanMessage(question)])
                    print(response.usage_metadata["input_token_details"]["cache_read"])
                    return response
            """,
    },
    # Every turn's human message is marked and kept: the fifth turn has five breakpoints (PC201,
    # loop form, at the marker the loop adds).
    "marker-on-every-turn": {
        "cli.py": """
            from langchain_anthropic import ChatAnthropic
            from langchain_core.messages import HumanMessage, SystemMessage

            POLICY = ...
            llm = ChatAnthropic(model="claude-sonnet-4-6")


            def repl():
                messages = [SystemMessage([{"type": "text", "text": POLICY, "cache_control": {"type": "ephemeral"}}])]
                while True:
                    text = input("you> ")
                    messages.append(HumanMessage([{"type": "text", "text": text, "cache_control": {"type": "ephemeral"}}]))  # expect: PC201
                    reply = llm.invoke(messages)
                    print(reply.content, reply.usage_metadata["input_token_details"]["cache_read"])
                    messages.append(reply)
            """,
    },
    # A cache_control type the API does not know, in a prompt template's system block (PC205).
    "bad-type-in-template": {
        "chain.py": """
            from langchain_anthropic import ChatAnthropic
            from langchain_core.prompts import ChatPromptTemplate, MessagesPlaceholder

            POLICY = ...
            prompt = ChatPromptTemplate.from_messages(
                [
                    ("system", [{"type": "text", "text": POLICY, "cache_control": {"type": "persistent"}}]),  # expect: PC205
                    MessagesPlaceholder("history"),
                    ("human", "{question}"),
                ]
            )
            chain = prompt | ChatAnthropic(model="claude-sonnet-4-6")


            def ask(question: str, history: list):
                result = chain.invoke({"question": question, "history": history})
                print(result.usage_metadata["input_token_details"]["cache_read"])
                return result
            """,
    },
    # The only breakpoint on the per-request question of a single-turn call (PC202).
    "breakpoint-on-the-question": {
        "qa.py": """
            from langchain_anthropic import ChatAnthropic
            from langchain_core.messages import HumanMessage, SystemMessage

            POLICY = ...
            llm = ChatAnthropic(model="claude-sonnet-4-6")


            def ask(question: str):
                response = llm.invoke(
                    [
                        SystemMessage(POLICY),
                        HumanMessage(content=[{"type": "text", "text": question, "cache_control": {"type": "ephemeral"}}]),  # expect: PC202
                    ]
                )
                print(response.usage_metadata["input_token_details"]["cache_read"])
                return response
            """,
    },
    # A 1h breakpoint after a 5m one: the API rejects the request (PC204, at the later one).
    "ttl-order": {
        "app.py": """
            from langchain_anthropic import ChatAnthropic
            from langchain_core.messages import HumanMessage, SystemMessage

            POLICY = ...
            EXAMPLES = "Q: Why was I charged twice?\\nA: One charge is a pending authorisation; see 4.2.\\n" * 60
            llm = ChatAnthropic(model="claude-sonnet-4-6")


            def ask(question: str, history: list):
                system = SystemMessage(
                    [
                        {"type": "text", "text": POLICY, "cache_control": {"type": "ephemeral"}},
                        {"type": "text", "text": EXAMPLES, "cache_control": {"type": "ephemeral", "ttl": "1h"}},  # expect: PC204
                    ]
                )
                response = llm.invoke([system, *history, HumanMessage(question)])
                print(response.usage_metadata["input_token_details"]["cache_read"])
                return response
            """,
    },
    # bind_tools: a breakpoint on the last of two short tools caches nothing (PC301): the
    # prefix up to it is the tools alone, far below the model's minimum.
    "short-tools-breakpoint": {
        "agent.py": """
            from langchain_anthropic import ChatAnthropic
            from langchain_core.messages import SystemMessage
            from langchain_core.tools import tool

            POLICY = ...


            @tool
            def lookup_invoice(invoice_id: str) -> str:
                '''Look up an invoice by its id.'''
                return "..."


            REFUND = {"name": "issue_refund", "description": "Refund an invoice.", "input_schema": {"type": "object"}, "cache_control": {"type": "ephemeral"}}  # expect: PC301
            agent_llm = ChatAnthropic(model="claude-sonnet-4-6").bind_tools([lookup_invoice, REFUND])


            def step(history: list):
                system = SystemMessage([{"type": "text", "text": POLICY, "cache_control": {"type": "ephemeral"}}])
                response = agent_llm.invoke([system, *history])
                print(response.usage_metadata["input_token_details"]["cache_read"])
                return response
            """,
    },
}


@pytest.mark.parametrize("files", ANTHROPIC_STRUCTURE.values(), ids=ANTHROPIC_STRUCTURE.keys())
def test_chat_anthropic_breakpoint_structure(tmp_path, monkeypatch, files):
    check(tmp_path, monkeypatch, files)


# -- ChatAnthropic: clean -------------------------------------------------------------------------

ANTHROPIC_CLEAN = {
    # A static cached system prompt; the date goes into the human turn through a template variable.
    "template-date-after-breakpoint": {
        "app.py": """
            from datetime import date

            from langchain_anthropic import ChatAnthropic
            from langchain_core.prompts import ChatPromptTemplate

            POLICY = ...
            prompt = ChatPromptTemplate.from_messages(
                [
                    ("system", [{"type": "text", "text": POLICY, "cache_control": {"type": "ephemeral"}}]),
                    ("human", "Today is {today}.\\n\\n{question}"),
                ]
            )


            def make_llm():
                return ChatAnthropic(model="claude-sonnet-4-6", max_tokens=1024)


            def answer(question: str) -> str:
                chain = prompt | make_llm()
                reply = chain.invoke({"question": question, "today": date.today().isoformat()})
                print(reply.usage_metadata["input_token_details"]["cache_read"])
                return reply.content
            """,
    },
    # A conversation: the breakpoint on the newest human turn moves forward as history grows.
    "multi-turn-history": {
        "chat.py": """
            from langchain_anthropic import ChatAnthropic
            from langchain_core.prompts import ChatPromptTemplate, MessagesPlaceholder

            POLICY = ...
            prompt = ChatPromptTemplate.from_messages(
                [
                    ("system", [{"type": "text", "text": POLICY, "cache_control": {"type": "ephemeral"}}]),
                    MessagesPlaceholder(variable_name="history"),
                    ("human", [{"type": "text", "text": "{question}", "cache_control": {"type": "ephemeral"}}]),
                ]
            )
            chain = prompt | ChatAnthropic(model="claude-sonnet-4-6")


            def turn(question: str, history: list):
                reply = chain.invoke({"question": question, "history": history})
                print(reply.usage_metadata["input_token_details"]["cache_read"])
                return reply
            """,
    },
    # Streaming with ("role", content) tuples and a constant system message.
    "stream-tuples": {
        "stream.py": """
            from langchain_anthropic import ChatAnthropic

            POLICY = ...
            llm = ChatAnthropic(model="claude-sonnet-4-6", streaming=True)
            SYSTEM = ("system", [{"type": "text", "text": POLICY, "cache_control": {"type": "ephemeral"}}])


            def stream_answer(question: str):
                usage = None
                for chunk in llm.stream([SYSTEM, ("human", question)]):
                    usage = chunk.usage_metadata or usage
                    yield chunk.content
                print(usage["input_token_details"]["cache_read"] if usage else 0)
            """,
    },
}


@pytest.mark.parametrize("files", ANTHROPIC_CLEAN.values(), ids=ANTHROPIC_CLEAN.keys())
def test_chat_anthropic_clean(tmp_path, monkeypatch, files):
    check(tmp_path, monkeypatch, files)


# -- ChatBedrockConverse ----------------------------------------------------------------------------

BEDROCK = {
    # A session id in the system prompt before the cache point (PC101).
    "volatile-before-cache-point": {
        "app.py": """
            import uuid

            from langchain_aws import ChatBedrockConverse
            from langchain_core.messages import HumanMessage, SystemMessage

            POLICY = ...
            llm = ChatBedrockConverse(model_id="us.anthropic.claude-opus-5-v1:0", region_name="us-east-1")


            def answer(question: str):
                session = uuid.uuid4()  # expect: PC101
                system = SystemMessage(content=[POLICY, f"Session: {session}", {"cachePoint": {"type": "default"}}])
                response = llm.invoke([system, HumanMessage(question)])
                print(response.usage_metadata["input_token_details"]["cache_read"])
                return response
            """,
    },
    # The model's own system= blocks come first: the host name ends up before the cache point.
    "volatile-in-constructor-system": {
        "llm.py": """
            import os

            from langchain_aws import ChatBedrockConverse

            POLICY = ...
            llm = ChatBedrockConverse(
                model="us.anthropic.claude-opus-5-v1:0",
                system=[POLICY, "Served by " + os.environ["HOSTNAME"], {"cachePoint": {"type": "default"}}],  # expect: PC101
            )


            def answer(question: str):
                response = llm.invoke(question)
                print(response.usage_metadata["input_token_details"]["cache_read"])
                return response
            """,
    },
    # cache_control= on a single-turn call adds a cache point after the per-request question too.
    "invoke-cache-control-single-turn": {
        "app.py": """
            from langchain_aws import ChatBedrockConverse

            POLICY = ...
            llm = ChatBedrockConverse(model="us.anthropic.claude-opus-5-v1:0")


            def answer(question: str):
                messages = [("system", POLICY), ("human", question)]
                response = llm.invoke(messages, cache_control={"type": "ephemeral"})  # expect: PC202
                print(response.usage_metadata["input_token_details"]["cache_read"])
                return response
            """,
    },
    # An Anthropic-style cache_control in a text block is not sent by ChatBedrockConverse:
    # nothing is cached (PC206).
    "anthropic-marker-not-sent": {
        "app.py": """
            from langchain_aws import ChatBedrockConverse
            from langchain_core.messages import HumanMessage, SystemMessage

            POLICY = ...
            llm = ChatBedrockConverse(model="us.anthropic.claude-opus-5-v1:0")


            def answer(question: str):
                system = SystemMessage(content=[{"type": "text", "text": POLICY, "cache_control": {"type": "ephemeral"}}])
                return llm.invoke([system, HumanMessage(question)])  # expect: PC206
            """,
    },
    # Clean: the documented helper places the cache point after the static system prompt.
    "clean-create-cache-point": {
        "app.py": """
            from langchain_aws import ChatBedrockConverse
            from langchain_core.messages import HumanMessage, SystemMessage

            POLICY = ...
            llm = ChatBedrockConverse(model="us.anthropic.claude-opus-5-v1:0", temperature=0)


            def answer(question: str, today: str):
                system = SystemMessage(content=[POLICY, ChatBedrockConverse.create_cache_point()])
                response = llm.invoke([system, HumanMessage(f"Today is {today}. {question}")])
                print(response.usage_metadata["input_token_details"]["cache_read"])
                return response
            """,
    },
    # Clean: a prompt template, a conversation, the cache point in the constructor's system.
    "clean-template-history": {
        "app.py": """
            from langchain_aws import ChatBedrockConverse
            from langchain_core.prompts import ChatPromptTemplate

            POLICY = ...
            llm = ChatBedrockConverse(model="us.anthropic.claude-opus-5-v1:0", system=[POLICY, {"cachePoint": {"type": "default"}}])
            prompt = ChatPromptTemplate.from_messages([("placeholder", "{history}"), ("human", "{question}")])
            chain = prompt | llm


            def turn(question: str, history: list):
                response = chain.invoke({"question": question, "history": history})
                print(response.usage_metadata["input_token_details"]["cache_read"])
                return response
            """,
    },
}


@pytest.mark.parametrize("files", BEDROCK.values(), ids=BEDROCK.keys())
def test_chat_bedrock_converse(tmp_path, monkeypatch, files):
    check(tmp_path, monkeypatch, files)


# -- ChatOpenAI ---------------------------------------------------------------------------------------

OPENAI = {
    # Automatic caching covers the system message: a time in it defeats it (PC101).
    "volatile-in-template-system": {
        "app.py": """
            from datetime import datetime

            from langchain_core.prompts import ChatPromptTemplate
            from langchain_openai import ChatOpenAI

            POLICY = ...
            prompt = ChatPromptTemplate.from_messages([("system", POLICY + "\\nCurrent time: {now}"), ("human", "{question}")])
            chain = prompt | ChatOpenAI(model="gpt-4o", temperature=0)


            def answer(question: str):
                response = chain.invoke({"question": question, "now": datetime.now()})  # expect: PC101
                print(response.usage_metadata["input_token_details"]["cache_read"])
                return response
            """,
    },
    # Dict messages with the date in the system content; the model from init_chat_model.
    "volatile-dict-messages": {
        "app.py": """
            import datetime

            from langchain.chat_models import init_chat_model

            POLICY = ...
            model = init_chat_model("openai:gpt-4o-mini")


            def answer(question: str):
                today = datetime.date.today()  # expect: PC101
                messages = [
                    {"role": "system", "content": f"Today is {today}.\\n{POLICY}"},
                    {"role": "user", "content": question},
                ]
                response = model.invoke(messages)
                print(response.usage_metadata["input_token_details"]["cache_read"])
                return response
            """,
    },
    # A mustache template (the system message built with a message template class).
    "volatile-mustache-template": {
        "app.py": """
            import datetime

            from langchain_core.prompts import ChatPromptTemplate, SystemMessagePromptTemplate
            from langchain_openai import ChatOpenAI

            POLICY = ...
            SYSTEM = SystemMessagePromptTemplate.from_template(POLICY + "\\nToday is {{today}}.", template_format="mustache")
            prompt = ChatPromptTemplate.from_messages([SYSTEM, ("human", "{{question}}")], template_format="mustache")
            llm = ChatOpenAI(model="gpt-4o-mini")


            def answer(question: str):
                values = {"question": question, "today": datetime.date.today().isoformat()}  # expect: PC101
                response = (prompt | llm).invoke(values)
                print(response.usage_metadata["input_token_details"]["cache_read"])
                return response
            """,
    },
    # A per-user prompt_cache_key splits traffic that shares the prefix (PC404).
    "per-user-cache-key": {
        "app.py": """
            from langchain_openai import ChatOpenAI

            POLICY = ...
            llm = ChatOpenAI(model="gpt-4o")


            def answer(question: str, user_id: str):
                response = llm.invoke([("system", POLICY), ("user", question)], prompt_cache_key=f"user-{user_id}")  # expect: PC404
                print(response.usage_metadata["input_token_details"]["cache_read"])
                return response
            """,
    },
    # Clean: a static system message, the date in the user turn, one key for the whole app.
    "clean": {
        "app.py": """
            from datetime import date

            from langchain_core.messages import HumanMessage, SystemMessage
            from langchain_openai import ChatOpenAI

            POLICY = ...
            llm = ChatOpenAI(model="gpt-4o", prompt_cache_key="billing-assistant")


            def answer(question: str):
                messages = [SystemMessage(POLICY), HumanMessage(f"Today is {date.today()}.\\n{question}")]
                response = llm.invoke(messages)
                print(response.usage_metadata["input_token_details"]["cache_read"])
                return response
            """,
    },
}


@pytest.mark.parametrize("files", OPENAI.values(), ids=OPENAI.keys())
def test_chat_openai(tmp_path, monkeypatch, files):
    check(tmp_path, monkeypatch, files)


# -- where the chain is built, and what is not a request -----------------------------------------------


def test_a_chain_run_in_a_module_that_does_not_import_langchain(tmp_path, monkeypatch):
    check(
        tmp_path,
        monkeypatch,
        {
            "app/__init__.py": "",
            "app/chains.py": """
                import socket

                from langchain_anthropic import ChatAnthropic
                from langchain_core.prompts import ChatPromptTemplate

                POLICY = ...
                prompt = ChatPromptTemplate.from_messages(
                    [
                        ("system", [{"type": "text", "text": POLICY + "\\nNode: {node}", "cache_control": {"type": "ephemeral"}}]),
                        ("human", "{question}"),
                    ]
                ).partial(node=socket.gethostname())  # expect: PC101
                qa_chain = prompt | ChatAnthropic(model="claude-sonnet-4-6")
                """,
            "app/api.py": """
                from app.chains import qa_chain


                def handle(request: dict) -> str:
                    reply = qa_chain.invoke({"question": request["question"]})
                    print(reply.usage_metadata["input_token_details"]["cache_read"])
                    return reply.content
                """,
        },
    )


def test_other_invoke_calls_and_unsent_prompts_are_not_requests(tmp_path, monkeypatch):
    check(
        tmp_path,
        monkeypatch,
        {
            "jobs.py": """
                import json
                from datetime import datetime

                import boto3
                from langchain_core.prompts import ChatPromptTemplate

                lambda_client = boto3.client("lambda")
                preview = ChatPromptTemplate.from_messages([("system", "Now: {now}"), ("human", "{q}")])


                def trigger(payload: dict):
                    return lambda_client.invoke(FunctionName="reindex", Payload=json.dumps(payload, sort_keys=True))


                def show(q: str):
                    return preview.invoke({"q": q, "now": datetime.now()})
                """,
        },
    )


CLEAN = {
    **{f"anthropic-{k}": v for k, v in ANTHROPIC_CLEAN.items()},
    **{f"bedrock-{k}": v for k, v in BEDROCK.items() if k.startswith("clean")},
    "openai-clean": OPENAI["clean"],
}


@pytest.mark.parametrize("files", CLEAN.values(), ids=CLEAN.keys())
def test_clean_cases_are_recognised_requests(tmp_path, monkeypatch, files):
    """Silence must come from a recognised request: without its usage reads, each clean app
    reports PC501 at its caching site, which only a request with caching has."""
    blind = {
        name: text.replace('"input_token_details"', '"total"').replace('"cache_read"', '"hits"')
        for name, text in files.items()
    }
    found, _ = run(tmp_path, monkeypatch, blind)
    assert [code for _, _, code in found] == ["PC501"]


def test_a_batch_runs_its_inputs_concurrently(tmp_path, monkeypatch):
    # Runnable.batch starts its inputs together (PC403), unless one run completes first.
    check(tmp_path, monkeypatch, {
        "answers.py": """
            from langchain_anthropic import ChatAnthropic
            from langchain_core.messages import HumanMessage, SystemMessage

            POLICY = ...
            llm = ChatAnthropic(model="claude-sonnet-4-6")
            SYSTEM = SystemMessage(content=[{"type": "text", "text": POLICY, "cache_control": {"type": "ephemeral"}}])


            def answer_all(questions: list[str]):
                results = llm.batch([[SYSTEM, HumanMessage(content=q)] for q in questions])  # expect: PC403
                return [r.usage_metadata["input_token_details"]["cache_read"] for r in results]


            def answer_all_warm(questions: list[str]):
                first = llm.invoke([SYSTEM, HumanMessage(content=questions[0])])
                return [first, *llm.batch([[SYSTEM, HumanMessage(content=q)] for q in questions[1:]])]
            """,
    })


def test_a_batch_one_at_a_time_or_after_another_models_run(tmp_path, monkeypatch):
    # max_concurrency=1 runs the inputs in turn (no PC403); a run of another model warms nothing (PC403).
    check(tmp_path, monkeypatch, {
        "answers.py": """
            from langchain_anthropic import ChatAnthropic
            from langchain_core.messages import HumanMessage, SystemMessage

            POLICY = ...
            llm = ChatAnthropic(model="claude-sonnet-4-6")
            classifier = ChatAnthropic(model="claude-haiku-4-5")
            SYSTEM = SystemMessage(content=[{"type": "text", "text": POLICY, "cache_control": {"type": "ephemeral"}}])


            def in_turn(questions: list[str]):
                results = llm.batch([[SYSTEM, HumanMessage(content=q)] for q in questions], config={"max_concurrency": 1})
                return [r.usage_metadata["input_token_details"]["cache_read"] for r in results]


            def after_another_model(questions: list[str]):
                classifier.invoke("warm up")
                return llm.batch([[SYSTEM, HumanMessage(content=q)] for q in questions])  # expect: PC403
            """,
    })
