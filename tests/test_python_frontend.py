"""The Python front-end on the many ways application code builds a request.

Each case is a small module (or two) and the exact findings it must produce: the
evaluator must follow the value however it is written, and stay silent where the
value does not reach the cached prefix.
"""

from __future__ import annotations

import textwrap

import pytest
from conftest import lint_paths, lint_tree

from promptlint.config import Settings
from promptlint.engine import Engine
from promptlint.request import HoleKind

# Well above every Claude minimum (about 9,000 tokens of English).
LONG = "You answer questions about the Acme billing system, citing the relevant policy section. " * 400
USAGE = "\ndef log_usage(response):\n    return response.usage.cache_read_input_tokens\n"


run = lint_tree


def module(body: str, *, usage: bool = True) -> str:
    head = f"import anthropic\nclient = anthropic.Anthropic()\nPOLICY = {LONG!r}\n"
    return head + textwrap.dedent(body).lstrip("\n") + (USAGE if usage else "")


# -- volatile values, however they travel ------------------------------------------


@pytest.mark.parametrize(
    "source, line",
    [
        # an f-string with a format spec, through a local
        ("from datetime import datetime\ndef ask(q):\n    now = datetime.now()\n    system = f'Today is {now:%Y-%m-%d}. ' + POLICY\n    return client.messages.create(model='claude-sonnet-4-6', max_tokens=10, system=[{'type': 'text', 'text': system, 'cache_control': {'type': 'ephemeral'}}], messages=[{'role': 'user', 'content': q}])\n", 6),
        # module alias, str.format, and a helper two calls deep
        ("import datetime as dt\ndef stamp():\n    return dt.date.today().isoformat()\ndef header():\n    return 'Date: {}\\n'.format(stamp())\ndef ask(q):\n    return client.messages.create(model='claude-sonnet-4-6', max_tokens=10, system=[{'type': 'text', 'text': header() + POLICY, 'cache_control': {'type': 'ephemeral'}}], messages=[{'role': 'user', 'content': q}])\n", 6),
        # % formatting, uuid, and a kwargs dict built in steps
        ("import uuid\ndef ask(q):\n    params = {'model': 'claude-sonnet-4-6', 'max_tokens': 10}\n    params['system'] = [{'type': 'text', 'text': 'Session %s. ' % uuid.uuid4() + POLICY, 'cache_control': {'type': 'ephemeral'}}]\n    params['messages'] = [{'role': 'user', 'content': q}]\n    return client.messages.create(**params)\n", 7),
        # "".join of parts appended in steps, and os.environ
        ("import os\ndef ask(q):\n    parts = [POLICY]\n    parts.append('Host: ' + os.environ['HOSTNAME'])\n    return client.messages.create(model='claude-sonnet-4-6', max_tokens=10, system=[{'type': 'text', 'text': '\\n'.join(parts), 'cache_control': {'type': 'ephemeral'}}], messages=[{'role': 'user', 'content': q}])\n", 7),
        # a module constant computed at import time is still reported
        ("import time\nBOOT = time.time()\ndef ask(q):\n    return client.messages.create(model='claude-sonnet-4-6', max_tokens=10, system=[{'type': 'text', 'text': f'{POLICY} Booted at {BOOT}.', 'cache_control': {'type': 'ephemeral'}}], messages=[{'role': 'user', 'content': q}])\n", 5),
        # a template filled by str.replace, str.format_map and string.Template: the template's text stays
        ("from datetime import datetime\nT = 'Date: {{date}}. ' + POLICY\ndef ask(q):\n    return client.messages.create(model='claude-sonnet-4-6', max_tokens=10, system=[{'type': 'text', 'text': T.replace('{{date}}', datetime.now().isoformat()), 'cache_control': {'type': 'ephemeral'}}], messages=[{'role': 'user', 'content': q}])\n", 7),
        ("from datetime import datetime\nT = 'Date: {date}. ' + POLICY\ndef ask(q):\n    return client.messages.create(model='claude-sonnet-4-6', max_tokens=10, system=[{'type': 'text', 'text': T.format_map({'date': datetime.now()}), 'cache_control': {'type': 'ephemeral'}}], messages=[{'role': 'user', 'content': q}])\n", 7),
        ("import string, time\nT = string.Template('Started $started. ' + POLICY)\ndef ask(q):\n    return client.messages.create(model='claude-sonnet-4-6', max_tokens=10, system=[{'type': 'text', 'text': T.substitute(started=time.time()), 'cache_control': {'type': 'ephemeral'}}], messages=[{'role': 'user', 'content': q}])\n", 7),
    ],
    ids=["fstring-spec", "helpers-format", "percent-kwargs-steps", "join-environ", "module-constant", "str-replace", "format-map", "string-template"],
)
def test_volatile_value_is_followed_to_its_origin(tmp_path, monkeypatch, source, line):
    assert run(tmp_path, monkeypatch, {"app.py": module(source)}) == [("app.py", line, "PC101")]


@pytest.mark.parametrize(
    "render",
    ["render_system(now=datetime.now())", "Template(open('system.j2').read()).render(now=datetime.now())", "fmt(datetime.now())"],
)
def test_a_template_the_code_cannot_see_rendered_with_the_time_is_volatile_and_of_unknown_size(tmp_path, monkeypatch, render):
    # The rendered prompt varies with the time, but it is the whole template, not the few
    # characters of a timestamp: no certain "too short" (PC301) that would hide the PC101.
    source = (
        "from datetime import datetime\nfrom jinja2 import Template\nfrom myapp.prompts import render_system, fmt\n"
        f"def ask(q):\n    return client.messages.create(model='claude-sonnet-4-6', max_tokens=10, system=[{{'type': 'text', 'text': {render}, 'cache_control': {{'type': 'ephemeral'}}}}], messages=[{{'role': 'user', 'content': q}}])\n"
    )
    assert [code for _, _, code in run(tmp_path, monkeypatch, {"app.py": module(source)})] == ["PC101", "PC302"]


def test_a_value_made_at_import_is_reported_as_once_per_process(tmp_path, monkeypatch):
    # rules.md: "a value computed once at import time in a module constant is still reported,
    # as a warning that every new process or day writes a new cache".
    source = (
        "from datetime import datetime\nSYSTEM = f'{POLICY} Booted {datetime.now():%H:%M}.'\n"
        "def ask(q):\n    return client.messages.create(model='claude-sonnet-4-6', max_tokens=10, system=[{'type': 'text', 'text': SYSTEM, 'cache_control': {'type': 'ephemeral'}}], messages=[{'role': 'user', 'content': q}])\n"
        "def ask_now(q):\n    return client.messages.create(model='claude-sonnet-4-6', max_tokens=10, system=[{'type': 'text', 'text': f'{POLICY} {datetime.now()}', 'cache_control': {'type': 'ephemeral'}}], messages=[{'role': 'user', 'content': q}])\n"
    )
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.py").write_text(module(source), encoding="utf-8")
    messages = {d.span.line: d.message for d in lint_paths([tmp_path], tmp_path) if d.code == "PC101"}
    assert "made once, at import" in messages[5] and "every process" in messages[5]
    assert "the prefix changes with it" in messages[9]
    # Through a method of the value, and through a helper the constant calls.
    source = (
        "import datetime\ndef stamp():\n    return datetime.datetime.now().isoformat()\n"
        "SYSTEM = POLICY + datetime.date.today().strftime('%d %B %Y') + stamp()\n"
        "def ask(q):\n    return client.messages.create(model='claude-sonnet-4-6', max_tokens=10, system=[{'type': 'text', 'text': SYSTEM, 'cache_control': {'type': 'ephemeral'}}], messages=[{'role': 'user', 'content': q}])\n"
    )
    (tmp_path / "app.py").write_text(module(source), encoding="utf-8")
    found = [d.message for d in lint_paths([tmp_path], tmp_path) if d.code == "PC101"]
    assert len(found) == 2 and all("made once, at import" in m for m in found)


@pytest.mark.parametrize(
    "setup, shots, code",
    [
        ("import random\nrng = random.Random()\n", "rng.sample(EXAMPLES, 50)", "PC103"),
        # Seeded once for the module: each call draws on from where the last left it.
        ("import random\nrng = random.Random(42)\n", "rng.sample(EXAMPLES, 50)", "PC103"),
        # Seeded for each call: the same draws every time.
        ("import random\n", "random.Random(42).sample(EXAMPLES, 50)", None),
        ("import numpy as np\nrng = np.random.default_rng()\n", "rng.permutation(EXAMPLES)", "PC103"),
        ("from django.utils import timezone\n", "[f'Now: {timezone.now():%H:%M}'] + EXAMPLES", "PC101"),
    ],
)
def test_random_generators_and_django_time(tmp_path, monkeypatch, setup, shots, code):
    source = setup + (
        "EXAMPLES = [f'Example {i}: a question and its polite answer.' for i in range(400)]\n"
        f"def ask(q):\n    return client.messages.create(model='claude-sonnet-4-6', max_tokens=10, system=[{{'type': 'text', 'text': '\\n'.join({shots}), 'cache_control': {{'type': 'ephemeral'}}}}], messages=[{{'role': 'user', 'content': q}}])\n"
    )
    found = [c for _, _, c in run(tmp_path, monkeypatch, {"app.py": module(source)}) if c in ("PC101", "PC103")]
    assert found == ([code] if code else [])


@pytest.mark.parametrize("mapping, volatile", [("ctx", False), ("{'today': datetime.now()}", True), ("{'other': 1}", False)])
def test_safe_substitute_fills_what_its_mapping_may_hold(tmp_path, monkeypatch, mapping, volatile):
    # A mapping promptlint cannot see may fill any ${name}; one it sees fills only its keys.
    source = (
        "import string\nfrom datetime import datetime\nT = string.Template('Today is ${today}. ' + POLICY)\n"
        f"def ask(q, ctx):\n    return client.messages.create(model='claude-sonnet-4-6', max_tokens=10, system=[{{'type': 'text', 'text': T.safe_substitute({mapping}), 'cache_control': {{'type': 'ephemeral'}}}}], messages=[{{'role': 'user', 'content': q}}])\n"
    )
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.py").write_text(module(source), encoding="utf-8")
    parsed = Engine(Settings(root=tmp_path, cache=False)).parse(tmp_path / "app.py", "app.py")
    (request,) = parsed.requests
    text = request.blocks[0].text
    assert ("${today}" in text.known_text()) == (mapping == "{'other': 1}")
    assert any(h.kind is HoleKind.VOLATILE for h in text.holes) == volatile


def test_a_timestamp_only_logged_or_after_the_breakpoint_is_silent(tmp_path, monkeypatch):
    source = """
    import json, logging
    from datetime import datetime
    log = logging.getLogger(__name__)
    def ask(q):
        now = datetime.now()
        log.info("asking at %s: %s", now, json.dumps({"q": q}))
        return client.messages.create(
            model="claude-sonnet-4-6", max_tokens=10,
            system=[{"type": "text", "text": POLICY, "cache_control": {"type": "ephemeral"}}],
            messages=[{"role": "user", "content": f"({now:%H:%M}) {q}"}],
        )
    """
    assert run(tmp_path, monkeypatch, {"app.py": module(source)}) == []


# -- values from other modules and files -----------------------------------------------


def test_prompt_file_client_and_constants_from_other_modules(tmp_path, monkeypatch):
    files = {
        "svc/__init__.py": "",
        "svc/prompts/system.md": LONG,
        "svc/prompts.py": 'from pathlib import Path\nfrom datetime import date\nSYSTEM = (Path(__file__).parent / "prompts" / "system.md").read_text()\nFOOTER = f"Today: {date.today()}"\n',
        "svc/llm.py": "from anthropic import AsyncAnthropic\n\ndef get_client() -> AsyncAnthropic:\n    return AsyncAnthropic()\n",
        "svc/ask.py": """
            from svc.llm import get_client
            from svc.prompts import SYSTEM, FOOTER

            async def ask(q: str):
                client = get_client()
                r = await client.messages.create(
                    model="claude-haiku-4-5", max_tokens=10,
                    system=[{"type": "text", "text": SYSTEM + FOOTER, "cache_control": {"type": "ephemeral"}}],
                    messages=[{"role": "user", "content": q}],
                )
                return r.usage.cache_read_input_tokens
            """,
    }
    # The prompt file's real size is counted (no PC301/PC302 on haiku's 4,096 minimum), and the
    # date is reported where it is born, in the other module.
    assert run(tmp_path, monkeypatch, files) == [("svc/prompts.py", 4, "PC101")]


def test_a_prompt_file_too_short_for_the_model_is_pc301(tmp_path, monkeypatch):
    files = {
        "short.txt": "You are a terse assistant.",
        "app.py": module("""
            import os
            HERE = os.path.dirname(os.path.abspath(__file__))
            with open(os.path.join(HERE, "short.txt")) as fh:
                SHORT = fh.read()
            def ask(q):
                return client.messages.create(model="claude-haiku-4-5", max_tokens=10, system=[{"type": "text", "text": SHORT, "cache_control": {"type": "ephemeral"}}], messages=[{"role": "user", "content": q}])
            """),
    }
    assert run(tmp_path, monkeypatch, files) == [("app.py", 9, "PC301")]


# -- order --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "build, expected",
    [
        ("TOOLS = {'search', 'fetch'}\ntext = ', '.join(TOOLS)", [("app.py", 4, "PC103")]),
        ("TOOLS = {'search', 'fetch'}\ntext = ', '.join(sorted(TOOLS))", []),
        ("import glob\ntext = '\\n'.join(open(p).read() for p in glob.glob('shots/*.txt'))", [("app.py", 5, "PC103")]),
        ("import glob\ntext = '\\n'.join(open(p).read() for p in sorted(glob.glob('shots/*.txt')))", []),
        ("import random\nshots = ['a', 'b', 'c']\nrandom.shuffle(shots)\ntext = ' '.join(shots)", [("app.py", 6, "PC103")]),
        ("import json\ntext = json.dumps({'b': 1, 'a': 2})", [("app.py", 5, "PC102")]),
        ("import json\ntext = json.dumps({'b': 1, 'a': 2}, sort_keys=True)", []),
        ("text = str({'b': 1, 'a': 2})", [("app.py", 4, "PC102")]),
        # Only a value seen to be a dict: what an unfollowed call returns may be a list or a tuple.
        ("import json, yaml\ntext = json.dumps(yaml.safe_load(open('plans.yaml')))", []),
        ("import json, sqlite3\nrow = sqlite3.connect('app.db').execute('select * from plans').fetchone()\ntext = json.dumps(row)", []),
        ("import json\ndef render(limits: dict[str, int]):\n    return json.dumps(limits)\ntext = render(LIMITS)", [("app.py", 6, "PC102")]),
        ("import json\ndef render(limits: dict | None):\n    return json.dumps(limits)\ntext = render(LIMITS)", [("app.py", 6, "PC102")]),
        ("import json, typing\ndef render(limits: typing.Optional[dict]):\n    return json.dumps(limits)\ntext = render(LIMITS)", [("app.py", 6, "PC102")]),
        # Sets made from sets with operators.
        ("BASE = ['search', 'fetch']\nEXTRA = {'summarise'}\ntext = ', '.join(set(BASE) | EXTRA)", [("app.py", 6, "PC103")]),
        ("EXTRA = {'summarise'}\ntext = ', '.join(EXTRA | {'translate'})", [("app.py", 4, "PC103")]),
        # One known item has one order.
        ("BASE = {'billing', 'backups'}\ntext = ', '.join(BASE & {'billing'})", []),
    ],
    ids=["set-join", "sorted-set", "glob", "sorted-glob", "shuffle", "dumps", "dumps-sorted", "str-dict", "unfollowed-call", "db-row", "annotated-dict", "optional-dict", "typing-optional-dict", "set-union", "union-with-literal", "one-item-intersection"],
)
def test_order_of_prompt_content(tmp_path, monkeypatch, build, expected):
    source = f"{build}\ndef ask(q):\n    return client.messages.create(model='claude-sonnet-4-6', max_tokens=10, system=[{{'type': 'text', 'text': POLICY + text, 'cache_control': {{'type': 'ephemeral'}}}}], messages=[{{'role': 'user', 'content': q}}])\n"
    assert run(tmp_path, monkeypatch, {"app.py": module(source)}) == expected


def test_pc102_fix_is_offered_as_a_safe_edit(tmp_path, monkeypatch):
    from promptlint.diagnostic import Applicability

    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.py").write_text(module("import json\nSCHEMA = json.dumps({'b': 1},\n    indent=2,\n)\ndef ask(q):\n    return client.messages.create(model='claude-sonnet-4-6', max_tokens=10, system=[{'type': 'text', 'text': POLICY + SCHEMA, 'cache_control': {'type': 'ephemeral'}}], messages=[{'role': 'user', 'content': q}])\n"))
    [d] = lint_paths([tmp_path / "app.py"], tmp_path)
    assert d.code == "PC102" and d.fix.applicability is Applicability.SAFE
    [edit] = d.fix.edits
    assert edit.content == "sort_keys=True" and edit.start == edit.end == (7, 1)  # after the trailing comma


# -- parameters, callers and conversations --------------------------------------------------------


def test_parameter_resolved_through_callers(tmp_path, monkeypatch):
    source = """
    from datetime import datetime
    def ask(q, preamble):
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=10, system=[{"type": "text", "text": preamble + POLICY, "cache_control": {"type": "ephemeral"}}], messages=[{"role": "user", "content": q}])
    def morning(q):
        return ask(q, f"It is {datetime.now():%H:%M}. ")
    def evening(q):
        return ask(q, "Good evening. ")
    """
    assert run(tmp_path, monkeypatch, {"app.py": module(source)}) == [("app.py", 8, "PC101")]


def test_breakpoint_on_the_per_request_message_of_a_single_turn_call(tmp_path, monkeypatch):
    source = """
    def ask(q):
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=10, system=POLICY,
            messages=[{"role": "user", "content": [{"type": "text", "text": q, "cache_control": {"type": "ephemeral"}}]}])
    """
    assert run(tmp_path, monkeypatch, {"app.py": module(source)}) == [("app.py", 6, "PC202")]


def test_a_conversation_that_the_next_turn_extends_is_silent(tmp_path, monkeypatch):
    source = """
    class Chat:
        def __init__(self):
            self.history = []
        def send(self, text):
            for message in self.history:  # one breakpoint, moved to the newest turn
                for block in message["content"]:
                    block.pop("cache_control", None)
            self.history.append({"role": "user", "content": [{"type": "text", "text": text, "cache_control": {"type": "ephemeral"}}]})
            reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=10, system=POLICY, messages=self.history)
            self.history.append({"role": "assistant", "content": reply.content})
            return reply
    def turn(history: list, text: str):
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=10, system=POLICY, messages=[*history, {"role": "user", "content": [{"type": "text", "text": text, "cache_control": {"type": "ephemeral"}}]}])
    """
    assert run(tmp_path, monkeypatch, {"app.py": module(source)}) == []


@pytest.mark.parametrize("kept", ["history", "self.history"])
def test_a_kept_history_that_marks_every_turn_piles_up_breakpoints(tmp_path, monkeypatch, kept):
    # The tutorial shape with a marker on each user turn and none taken off: the fourth turn sends
    # a fifth breakpoint (PC201), as a chat loop would.
    body = f"""
        {kept}.append({{"role": "user", "content": [{{"type": "text", "text": text, "cache_control": {{"type": "ephemeral"}}}}]}})
        reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=10, system=POLICY, messages={kept})
        {kept}.append({{"role": "assistant", "content": reply.content}})
        return reply
    """
    if kept == "history":
        source = "history = []\ndef send(text):" + body
    else:
        source = "class Chat:\n    def __init__(self):\n        self.history = []\n    def send(self, text):" + body.replace("\n    ", "\n        ")
    found = run(tmp_path, monkeypatch, {"app.py": module(source)})
    assert [f[2] for f in found] == ["PC201"]


def test_a_history_kept_at_module_level_is_seen_as_the_function_builds_it(tmp_path, monkeypatch):
    # The tutorial shape: a module-level list that each call appends to, then sends; the
    # breakpoint moves to the newest turn.
    source = """
    history = []
    def send(text):
        for message in history:
            message["content"][-1].pop("cache_control", None)
        history.append({"role": "user", "content": [{"type": "text", "text": text, "cache_control": {"type": "ephemeral", "ttl": "5m"}}]})
        reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=10, system=POLICY, messages=history)
        history.append({"role": "assistant", "content": [{"type": "text", "text": reply.content[0].text}]})
        return reply
    """
    # The next turn extends it: the breakpoint on the newest message is read then (no PC202).
    assert run(tmp_path, monkeypatch, {"app.py": module(source)}) == []
    # What the function appends is followed: a TTL the API rejects is found on the appended block.
    assert run(tmp_path, monkeypatch, {"app.py": module(source.replace('"5m"', '"24h"'))}) == [("app.py", 8, "PC205")]


def test_a_module_list_no_function_adds_to_is_no_history(tmp_path, monkeypatch):
    source = """
    EXAMPLES = [{"role": "user", "content": "2+2?"}, {"role": "assistant", "content": "4"}]
    def ask(q):
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=10, system=POLICY,
            messages=[*EXAMPLES, {"role": "user", "content": [{"type": "text", "text": q, "cache_control": {"type": "ephemeral"}}]}])
    """
    assert run(tmp_path, monkeypatch, {"app.py": module(source)}) == [("app.py", 7, "PC202")]


@pytest.mark.parametrize(
    "choose, line",
    [
        ('model = "claude-opus-4-6" if hard else "claude-sonnet-4-6"', 6),
        ('if hard:\n        model = "claude-opus-4-6"\n    else:\n        model = "claude-sonnet-4-6"', 9),
        ('model = "claude-sonnet-4-6"\n    if hard:\n        model = "claude-opus-4-6"', 8),
        ('model = {True: "claude-opus-4-6", False: "claude-sonnet-4-6"}[hard]', 6),
    ],
    ids=["ternary", "if-else", "default-then-override", "table-lookup"],
)
def test_model_chosen_by_a_conditional_splits_the_cache(tmp_path, monkeypatch, choose, line):
    source = f"""
def ask(q, hard=False):
    {choose}
    return client.messages.create(model=model, max_tokens=10, system=[{{"type": "text", "text": POLICY, "cache_control": {{"type": "ephemeral"}}}}], messages=[{{"role": "user", "content": q}}])
"""
    assert run(tmp_path, monkeypatch, {"app.py": module(source)}) == [("app.py", line, "PC104")]


# -- how often a call runs ------------------------------------------------------------------------------


def test_one_hour_ttl_in_a_script_that_runs_once(tmp_path, monkeypatch):
    source = """
    def main():
        r = client.messages.create(model="claude-sonnet-4-6", max_tokens=10, system=[{"type": "text", "text": POLICY, "cache_control": {"type": "ephemeral", "ttl": "1h"}}], messages=[{"role": "user", "content": "Summarise."}])
        print(r)
    if __name__ == "__main__":
        main()
    """
    assert run(tmp_path, monkeypatch, {"app.py": module(source)}) == [("app.py", 5, "PC401")]


def test_one_hour_ttl_in_a_loop_is_silent(tmp_path, monkeypatch):
    source = """
    def main(docs):
        for doc in docs:
            client.messages.create(model="claude-sonnet-4-6", max_tokens=10, system=[{"type": "text", "text": POLICY, "cache_control": {"type": "ephemeral", "ttl": "1h"}}], messages=[{"role": "user", "content": doc}])
    if __name__ == "__main__":
        main(["a", "b"])
    """
    assert run(tmp_path, monkeypatch, {"app.py": module(source)}) == []


@pytest.mark.parametrize(
    "source",
    [
        # A function called from two places: not once, whatever each caller does.
        """
        def label(x):
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=10, system=[{"type": "text", "text": POLICY, "cache_control": {"type": "ephemeral", "ttl": "1h"}}], messages=[{"role": "user", "content": x}])
        if __name__ == "__main__":
            label("kettle")
            print([label(x) for x in ["toaster", "lamp"]])
        """,
        # A method, even one the script calls once: an object's to call any number of times.
        """
        class Labeler:
            def label(self, x):
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=10, system=[{"type": "text", "text": POLICY, "cache_control": {"type": "ephemeral", "ttl": "1h"}}], messages=[{"role": "user", "content": x}])
        if __name__ == "__main__":
            Labeler().label("kettle")
        """,
    ],
    ids=["two-callers", "method"],
)
def test_one_hour_ttl_on_a_call_that_may_run_again_is_silent(tmp_path, monkeypatch, source):
    assert run(tmp_path, monkeypatch, {"app.py": module(source)}) == []


@pytest.mark.parametrize("warm", [False, True, "count_tokens"])
def test_fanout_without_and_with_a_warm_up(tmp_path, monkeypatch, warm):
    # count_tokens writes no cache entry: it is no warm-up (rules.md, precedence).
    counting = "    await aclient.messages.count_tokens(model='claude-sonnet-4-6', system=POLICY, messages=[{'role': 'user', 'content': 'x'}])\n"
    warmup = "    await ask(questions[0])\n    rest = questions[1:]\n" if warm is True else counting + "    rest = questions\n" if warm else "    rest = questions\n"
    source = (
        "import asyncio\naclient = anthropic.AsyncAnthropic()\n"
        "async def ask(q):\n    return await aclient.messages.create(model='claude-sonnet-4-6', max_tokens=10, system=[{'type': 'text', 'text': POLICY, 'cache_control': {'type': 'ephemeral'}}], messages=[{'role': 'user', 'content': q}])\n"
        f"async def main(questions):\n{warmup}    return await asyncio.gather(*(ask(q) for q in rest))\n"
    )
    expected = [] if warm is True else [("app.py", 11 if warm else 10, "PC403")]
    assert run(tmp_path, monkeypatch, {"app.py": module(source)}) == expected


# -- OpenAI -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key, expected",
    [
        ("f'user-{user_id}'", [("app.py", 6, "PC404")]),
        ("f'support-{conversation_id}'", []),
        ("'support-bot-v3'", []),
        # A shared part beside the user's id still leaves one key per user.
        ("f'{prompt_version}-{user_id}'", [("app.py", 6, "PC404")]),
        # An attribute says what the value is: a user's session key is a session's.
        ("user.session_key", []),
        ("user.id", [("app.py", 6, "PC404")]),
        # A key per conversation is the recommended scope, with its user's id in it or not.
        ("f'{user_id}:{conversation_id}'", []),
    ],
    ids=["per-user", "per-conversation", "per-template", "version-and-user", "user-session-key", "user-id-attribute", "user-and-conversation"],
)
def test_prompt_cache_key(tmp_path, monkeypatch, key, expected):
    _prompt_cache_key(tmp_path, monkeypatch, f"prompt_cache_key={key}", expected)


@pytest.mark.parametrize(
    "key, expected",
    [("f'user-{user_id}'", [("app.py", 6, "PC404")]), ("'support-bot-v3'", [])],
    ids=["per-user", "per-template"],
)
def test_prompt_cache_key_passed_in_extra_body(tmp_path, monkeypatch, key, expected):
    # How code written for an older SDK passes it: the SDK sends extra_body's keys as parameters,
    # merged over the call's own.
    _prompt_cache_key(tmp_path, monkeypatch, f"extra_body={{'prompt_cache_key': {key}}}", expected)
    _prompt_cache_key(tmp_path, monkeypatch, f"prompt_cache_key='support-bot-v3', extra_body={{'prompt_cache_key': {key}}}", expected)


def _prompt_cache_key(tmp_path, monkeypatch, argument, expected):
    source = f"""
from openai import OpenAI
oai = OpenAI()
def reply(user_id, conversation_id, text, prompt_version="v3", user=None):
    return oai.chat.completions.create(model="gpt-5", messages=[{{"role": "system", "content": POLICY}}, {{"role": "user", "content": text}}],
        {argument})
"""
    files = {"app.py": f"POLICY = {LONG!r}\n" + source.lstrip("\n") + "\ndef log(r):\n    return r.usage.prompt_tokens_details.cached_tokens\n"}
    assert run(tmp_path, monkeypatch, files) == expected


@pytest.mark.parametrize("client", ["OpenAI()", "AzureOpenAI(api_version='2025-01-01-preview')"])
def test_azure_openai_is_checked_as_openai(tmp_path, monkeypatch, client):
    source = f"""
from datetime import datetime
from openai import OpenAI, AzureOpenAI
oai = {client}
def reply(text):
    return oai.chat.completions.create(model="gpt-4.1", messages=[{{"role": "system", "content": POLICY + datetime.now().isoformat()}}, {{"role": "user", "content": text}}])
"""
    files = {"app.py": f"POLICY = {LONG!r}\n" + source.lstrip("\n") + "\ndef log(r):\n    return r.usage.prompt_tokens_details.cached_tokens\n"}
    assert run(tmp_path, monkeypatch, files) == [("app.py", 6, "PC101")]


# -- the run goes on ------------------------------------------------------------------------------------


def test_syntax_error_large_file_and_count_tokens(tmp_path, monkeypatch):
    files = {
        "broken.py": "import anthropic\nclient.messages.create(model='x' messages=[])\n",
        "big.py": module("def ask(q):\n    return client.messages.create(model='claude-sonnet-4-6', max_tokens=5, system=POLICY, messages=[])\n") + "#" * 5000 + "\n",
        "count.py": module("def size(q):\n    return client.messages.count_tokens(model='claude-sonnet-4-6', system=[{'type': 'text', 'text': 'x', 'cache_control': {'type': 'ephemeral'}}], messages=[{'role': 'user', 'content': q}])\n"),
    }
    found = run(tmp_path, monkeypatch, files, max_python_file_size=len(files["big.py"]) - 100)
    assert found == [("big.py", 1, "PL005"), ("broken.py", 2, "PL001")]


def test_deep_nesting_and_mutual_recursion_do_not_blow_up(tmp_path, monkeypatch):
    nested = "(" * 90 + "'x'" + ")" * 90
    source = f"""
    def a(n):
        return b(n) + "a"
    def b(n):
        return a(n) + "b"
    DEEP = {nested}
    def ask(q):
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=10, system=[{{"type": "text", "text": POLICY + a(1) + DEEP, "cache_control": {{"type": "ephemeral"}}}}], messages=[{{"role": "user", "content": q}}])
    """
    assert run(tmp_path, monkeypatch, {"app.py": module(source)}) == []


def test_pc501_once_per_run_at_the_first_caching_site(tmp_path, monkeypatch):
    call = "def ask{n}(q):\n    return client.messages.create(model='claude-sonnet-4-6', max_tokens=10, system=[{{'type': 'text', 'text': POLICY, 'cache_control': {{'type': 'ephemeral'}}}}], messages=[{{'role': 'user', 'content': q}}])\n"
    files = {"b.py": module(call.format(n=1), usage=False), "a.py": module(call.format(n=2), usage=False)}
    assert run(tmp_path, monkeypatch, files) == [("a.py", 5, "PC501")]
    files["metrics.py"] = "def record(r):\n    return r.usage.cache_creation_input_tokens\n"
    assert run(tmp_path, monkeypatch, files) == []


def test_sources_added_in_config(tmp_path, monkeypatch):
    files = {
        "pyproject.toml": '[tool.promptlint.python]\nvolatile-sources = ["myapp.clock.now"]\nunordered-sources = ["myapp.store.keys"]\n',
        "app.py": module("""
            from myapp import clock, store
            def ask(q):
                text = POLICY + str(clock.now()) + ", ".join(store.keys())
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=10, system=[{"type": "text", "text": text, "cache_control": {"type": "ephemeral"}}], messages=[{"role": "user", "content": q}])
            """),
    }
    from promptlint.config import load

    monkeypatch.chdir(tmp_path)
    for name, text in files.items():
        (tmp_path / name).write_text(textwrap.dedent(text).lstrip("\n") if name.endswith(".py") else text, encoding="utf-8")
    settings = load(tmp_path / "pyproject.toml", [], {})
    found = lint_paths([tmp_path / "app.py"], tmp_path, volatile_sources=settings.volatile_sources, unordered_sources=settings.unordered_sources)
    assert sorted((d.span.line, d.code) for d in found) == [(6, "PC101"), (6, "PC103")]


def test_a_comment_where_the_value_is_born_silences_it_in_every_module(tmp_path, monkeypatch):
    files = {
        "prompts.py": "from datetime import date\nHEADER = f'Today: {date.today()}'  # promptlint: ignore[PC101] -- one write a day is fine\n",
        "app.py": module("""
            from prompts import HEADER
            def ask(q):
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=10, system=[{"type": "text", "text": HEADER + POLICY, "cache_control": {"type": "ephemeral"}}], messages=[{"role": "user", "content": q}])
            """),
    }
    assert run(tmp_path, monkeypatch, files) == []
    files["prompts.py"] = files["prompts.py"].replace("PC101", "PC103")
    assert run(tmp_path, monkeypatch, files) == [("prompts.py", 2, "PC101"), ("prompts.py", 2, "PL004")]


def test_pc501_is_silenced_like_any_finding(tmp_path, monkeypatch):
    call = "def ask(q):\n    return client.messages.create(model='claude-sonnet-4-6', max_tokens=10, system=[{'type': 'text', 'text': POLICY, 'cache_control': {'type': 'ephemeral'}}], messages=[{'role': 'user', 'content': q}])COMMENT\n"
    files = {"app.py": module(call.replace("COMMENT", "  # promptlint: ignore[PC501] -- usage is exported by the gateway"), usage=False)}
    assert run(tmp_path, monkeypatch, files) == []
    files = {"app.py": module(call.replace("COMMENT", ""), usage=False)}
    assert run(tmp_path, monkeypatch, files, per_file_ignores={"app.py": ["PC501"]}) == []


def test_a_skipped_file_reports_only_that_it_was_skipped(tmp_path, monkeypatch):
    files = {"big.py": "x = 1  # promptlint: ignore[PC101]\n" + "#" * 400 + "\n"}
    assert run(tmp_path, monkeypatch, files, max_python_file_size=100) == [("big.py", 1, "PL005")]


def test_comprehension_calls_repeat(tmp_path, monkeypatch):
    source = """
    DOCS = ["a", "b"]
    RESULTS = [client.messages.create(model="claude-sonnet-4-6", max_tokens=10, system=[{"type": "text", "text": POLICY, "cache_control": {"type": "ephemeral", "ttl": "1h"}}], messages=[{"role": "user", "content": d}]) for d in DOCS]
    """
    assert run(tmp_path, monkeypatch, {"app.py": module(source)}) == []


@pytest.mark.parametrize(
    "build, expected",
    [
        ("import os\ntext = ', '.join(sorted(os.listdir('shots')))", []),
        ("import orjson\ntext = orjson.dumps({'b': 1}, option=orjson.OPT_SORT_KEYS).decode()", []),
        ("import json\ntext = json.dumps({k: 1 for k in ['b', 'a']})", [("app.py", 5, "PC102")]),
    ],
    ids=["sorted-listdir", "orjson-sorted", "dict-comprehension"],
)
def test_more_orders(tmp_path, monkeypatch, build, expected):
    source = f"{build}\ndef ask(q):\n    return client.messages.create(model='claude-sonnet-4-6', max_tokens=10, system=[{{'type': 'text', 'text': POLICY + text, 'cache_control': {{'type': 'ephemeral'}}}}], messages=[{{'role': 'user', 'content': q}}])\n"
    assert run(tmp_path, monkeypatch, {"app.py": module(source)}) == expected


def test_a_filter_inside_a_loop_does_not_bound_its_breakpoints(tmp_path, monkeypatch):
    source = """
    def ask(history):
        for m in history:
            if m["role"] == "user":
                m["content"][-1]["cache_control"] = {"type": "ephemeral"}
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=10, system=POLICY, messages=history)
    """
    assert run(tmp_path, monkeypatch, {"app.py": module(source)}) == [("app.py", 7, "PC201")]


def test_callers_in_other_modules_decide_a_parameter(tmp_path, monkeypatch):
    files = {
        "llm.py": "import anthropic\nclient = anthropic.Anthropic()\n\ndef complete(system: str, question: str):\n    r = client.messages.create(model='claude-sonnet-4-6', max_tokens=100, system=[{'type': 'text', 'text': system, 'cache_control': {'type': 'ephemeral'}}], messages=[{'role': 'user', 'content': question}])\n    print(r.usage.cache_read_input_tokens)\n    return r\n",
        "routes.py": f"from llm import complete\nPOLICY = {LONG!r}\n\ndef answer(q):\n    return complete(POLICY, q)\n",
    }
    # The one caller passes a constant well above the minimum: nothing to report.
    assert run(tmp_path, monkeypatch, files) == []
    # Each caller's request is judged on its own: one stamps the time into the prefix, one
    # passes a prompt too short to be cached.
    files["digest.py"] = "import time\nfrom llm import complete\nfrom routes import POLICY\n\ndef digest(q):\n    return complete(f'Run at {time.time()}. ' + POLICY, q)\n"
    files["short.py"] = "from llm import complete\n\ndef terse(q):\n    return complete('Answer in one word.', q)\n"
    assert run(tmp_path, monkeypatch, files) == [("digest.py", 6, "PC101"), ("llm.py", 5, "PC301")]


def test_a_finding_for_one_caller_names_it(tmp_path, monkeypatch):
    files = {
        "llm.py": "import anthropic\nclient = anthropic.Anthropic()\n\ndef complete(system: str, question: str):\n    r = client.messages.create(model='claude-sonnet-4-6', max_tokens=100, system=[{'type': 'text', 'text': system, 'cache_control': {'type': 'ephemeral'}}], messages=[{'role': 'user', 'content': question}])\n    print(r.usage.cache_read_input_tokens)\n    return r\n",
        "routes.py": f"from llm import complete\nPOLICY = {LONG!r}\n\ndef answer(q):\n    return complete(POLICY, q)\n",
        "short.py": "from llm import complete\n\ndef terse(q):\n    return complete('Answer in one word.', q)\n",
    }
    monkeypatch.chdir(tmp_path)
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    [d] = lint_paths([tmp_path], tmp_path)
    assert (d.code, d.span.path, d.span.line) == ("PC301", "llm.py", 5)
    assert d.note == "for the call at short.py:4"


def test_constructor_arguments_reach_attributes(tmp_path, monkeypatch):
    files = {
        "session.py": "import anthropic\n\nclass Session:\n    def __init__(self, system: str):\n        self.client = anthropic.Anthropic()\n        self.system = system\n        self.history = []\n\n    def send(self, text):\n        self.history.append({'role': 'user', 'content': text})\n        r = self.client.messages.create(model='claude-sonnet-4-6', max_tokens=100, system=[{'type': 'text', 'text': self.system, 'cache_control': {'type': 'ephemeral'}}], messages=self.history)\n        self.history.append({'role': 'assistant', 'content': r.content})\n        return r.usage.cache_read_input_tokens\n",
        "main.py": "import datetime\nfrom session import Session\n\nSTAMPED = Session(f'Today is {datetime.date.today()}. ' + " + repr(LONG) + ")\nSHORT = Session('Be brief.')\n",
    }
    assert run(tmp_path, monkeypatch, files) == [("main.py", 4, "PC101"), ("session.py", 11, "PC301")]


def test_web_request_input_is_per_request(tmp_path, monkeypatch):
    source = """
    from flask import Flask, request
    app = Flask(__name__)
    @app.post("/ask")
    def ask():
        question = request.get_json()["question"]
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=10, system=POLICY,
            messages=[{"role": "user", "content": [{"type": "text", "text": question, "cache_control": {"type": "ephemeral"}}]}])
    """
    assert run(tmp_path, monkeypatch, {"app.py": module(source)}) == [("app.py", 10, "PC202")]


def test_an_object_made_from_a_setting_does_not_make_its_results_volatile(tmp_path, monkeypatch):
    source = """
    import os, sqlite3
    conn = sqlite3.connect(os.environ.get("DB_PATH", "kb.db"))
    def ask(q):
        facts = "\\n".join(row[0] for row in conn.execute("select body from facts").fetchall())
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=10, system=[{"type": "text", "text": POLICY + facts, "cache_control": {"type": "ephemeral"}}], messages=[{"role": "user", "content": q}])
    """
    assert run(tmp_path, monkeypatch, {"app.py": module(source)}) == []


def test_lines_appended_in_a_loop_over_a_set(tmp_path, monkeypatch):
    source = """
    DESKS = {"world", "business", "sport"}
    def desks():
        lines = ["Desks:"]
        for desk in DESKS:
            lines.append(f"- {desk}")
        return "\\n".join(lines)
    def ask(q):
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=10, system=[{"type": "text", "text": POLICY + desks(), "cache_control": {"type": "ephemeral"}}], messages=[{"role": "user", "content": q}])
    """
    assert run(tmp_path, monkeypatch, {"app.py": module(source)}) == [("app.py", 4, "PC103")]


def test_an_agent_loop_extends_its_own_messages(tmp_path, monkeypatch):
    source = """
    TOOLS = [{"name": "search", "description": "Search the knowledge base", "input_schema": {"type": "object"}}]
    def run_agent(task):
        messages = [{"role": "user", "content": [{"type": "text", "text": task, "cache_control": {"type": "ephemeral"}}]}]
        while True:
            reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=1000, system=POLICY, tools=TOOLS, messages=messages)
            if reply.stop_reason != "tool_use":
                return reply
            messages.append({"role": "assistant", "content": reply.content})
            messages.append({"role": "user", "content": [{"type": "tool_result", "tool_use_id": "x", "content": "ok"}]})
    """
    assert run(tmp_path, monkeypatch, {"app.py": module(source)}) == []


def test_a_prewarm_helper_is_a_warm_up(tmp_path, monkeypatch):
    source = (
        "import asyncio\naclient = anthropic.AsyncAnthropic()\n"
        "def system():\n    return [{'type': 'text', 'text': POLICY, 'cache_control': {'type': 'ephemeral'}}]\n"
        "async def prewarm():\n    await aclient.messages.create(model='claude-sonnet-4-6', max_tokens=0, system=system(), messages=[{'role': 'user', 'content': '.'}])\n"
        "async def ask(q):\n    return await aclient.messages.create(model='claude-sonnet-4-6', max_tokens=10, system=system(), messages=[{'role': 'user', 'content': q}])\n"
        "async def main(qs):\n    await prewarm()\n    async with asyncio.TaskGroup() as tg:\n        for q in qs:\n            tg.create_task(ask(q))\n"
    )
    assert run(tmp_path, monkeypatch, {"app.py": module(source)}) == []
    assert run(tmp_path, monkeypatch, {"app.py": module(source.replace("    await prewarm()\n", ""))}) == [("app.py", 15, "PC403")]


def test_a_timestamp_in_the_newest_turn_is_not_in_anyone_elses_prefix(tmp_path, monkeypatch):
    source = """
    from datetime import datetime
    def turn(history: list, text: str):
        stamped = f"[{datetime.now():%H:%M}] {text}"
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=10, system=POLICY, messages=[*history, {"role": "user", "content": [{"type": "text", "text": stamped, "cache_control": {"type": "ephemeral"}}]}])
    """
    assert run(tmp_path, monkeypatch, {"app.py": module(source)}) == []


@pytest.mark.parametrize("count, expected", [(40, [("app.py", 5, "PC301")]), (3000, [])])
def test_text_built_over_a_range_is_counted_in_full(tmp_path, monkeypatch, count, expected):
    # 40 rules are ~700 tokens, certainly below haiku's 4,096; 3,000 are far above it, though
    # only the first 2,048 are evaluated (the rest stand as a hole, never judged short).
    source = f"""
    RULES = " ".join(f"Rule {{i}}: answer politely and check the order history before replying." for i in range({count}))
    def ask(q):
        return client.messages.create(model="claude-haiku-4-5", max_tokens=10, system=[{{"type": "text", "text": RULES, "cache_control": {{"type": "ephemeral"}}}}], messages=[{{"role": "user", "content": q}}])
    """
    files = {"app.py": "import anthropic\nclient = anthropic.Anthropic()\n" + textwrap.dedent(source).lstrip("\n") + USAGE}
    assert run(tmp_path, monkeypatch, files) == expected


def test_a_file_named_alone_still_finds_its_callers_in_the_project(tmp_path, monkeypatch):
    # pre-commit passes only the changed file: the wrapper's callers are elsewhere in the tree.
    files = {
        "llm.py": "import anthropic\nclient = anthropic.Anthropic()\n\ndef complete(system: str, question: str):\n    r = client.messages.create(model='claude-sonnet-4-6', max_tokens=100, system=[{'type': 'text', 'text': system, 'cache_control': {'type': 'ephemeral'}}], messages=[{'role': 'user', 'content': question}])\n    print(r.usage.cache_read_input_tokens)\n    return r\n",
        "short.py": "from llm import complete\n\ndef terse(q):\n    return complete('Answer in one word.', q)\n",
    }
    monkeypatch.chdir(tmp_path)
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    [d] = lint_paths([tmp_path / "llm.py"], tmp_path)
    assert (d.code, d.span.path, d.span.line, d.note) == ("PC301", "llm.py", 5, "for the call at short.py:4")


def test_request_functions_named_in_config(tmp_path, monkeypatch):
    source = f"""
    from datetime import date
    from acme_llm.client import chat
    POLICY = {LONG!r}
    def ask(q):
        r = chat(model="claude-sonnet-4-6", system=[{{"type": "text", "text": f"Today: {{date.today()}}. " + POLICY, "cache_control": {{"type": "ephemeral"}}}}], messages=[{{"role": "user", "content": q}}])
        return r.usage.cache_read_input_tokens
    """
    # The wrapper lives in a library outside the checked paths: unknown until config names it.
    assert run(tmp_path, monkeypatch, {"app.py": source}) == []
    assert run(tmp_path, monkeypatch, {"app.py": source}, request_functions=["acme_llm.client.chat"]) == [("app.py", 5, "PC101")]


def test_the_sdks_typed_dict_constructors_build_blocks(tmp_path, monkeypatch):
    # TextBlockParam(...) and friends are TypedDicts: calling one makes the dict its keywords say.
    source = """
    from anthropic.types import CacheControlEphemeralParam, MessageParam, TextBlockParam
    def ask(q):
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=10,
            system=[TextBlockParam(type="text", text=POLICY, cache_control=CacheControlEphemeralParam(type="ephemeral", ttl="60m"))],
            messages=[MessageParam(role="user", content=q)])
    """
    assert run(tmp_path, monkeypatch, {"app.py": module(source)}) == [("app.py", 7, "PC205")]
    # With a valid TTL the block is a long, cached system prompt: nothing to report (not PC206, not PC301).
    assert run(tmp_path, monkeypatch, {"app.py": module(source.replace('"60m"', '"1h"'))}) == []


CHAT_LOOP = """
def main():
    messages = []
    while True:
        {before}
        messages.append({{"role": "user", "content": [{{"type": "text", "text": input("> "), {mark}}}]}})
        {after}
        reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=100, system=POLICY, messages=messages)
        messages.append({{"role": "assistant", "content": reply.content}})
"""


@pytest.mark.parametrize(
    "before, mark, after, expected",
    [
        # Each turn adds a marker and none is taken off: the fifth turn sends a fifth breakpoint.
        ("pass", '"cache_control": {"type": "ephemeral"}', "pass", [("app.py", 8, "PC201")]),
        # The markers are taken off first: one breakpoint moves to the newest turn (the rule page's fix).
        ("for m in messages:\n            for b in m['content']:\n                b.pop('cache_control', None)", '"x": 1', 'messages[-1]["content"][-1]["cache_control"] = {"type": "ephemeral"}', []),
        ("pass", '"x": 1', 'messages[-1]["content"][-1]["cache_control"] = {"type": "ephemeral"}', [("app.py", 9, "PC201")]),
    ],
    ids=["marks-pile-up", "moved-breakpoint", "set-each-turn-never-cleared"],
)
def test_a_chat_loop_that_marks_each_turn(tmp_path, monkeypatch, before, mark, after, expected):
    source = CHAT_LOOP.format(before=before, mark=mark, after=after)
    assert run(tmp_path, monkeypatch, {"app.py": module(source)}) == expected


def test_a_list_made_afresh_each_pass_holds_one_marker(tmp_path, monkeypatch):
    source = """
    def main():
        while True:
            messages = [{"role": "user", "content": [{"type": "text", "text": POLICY}]}]
            messages.append({"role": "user", "content": [{"type": "text", "text": input("> "), "cache_control": {"type": "ephemeral"}}]})
            client.messages.create(model="claude-sonnet-4-6", max_tokens=100, messages=messages)
    """
    assert [c for c in run(tmp_path, monkeypatch, {"app.py": module(source)}) if c[2] == "PC201"] == []


@pytest.mark.parametrize(
    "source",
    [
        # A REPL: the local history grows in the loop, and each request splices it in first.
        """
        def repl():
            history = []
            while True:
                q = input("> ")
                r = client.messages.create(model="claude-sonnet-4-6", max_tokens=100, system=POLICY,
                    messages=[*history, {"role": "user", "content": [{"type": "text", "text": q, "cache_control": {"type": "ephemeral"}}]}])
                history.append({"role": "user", "content": q})
                history.append({"role": "assistant", "content": r.content[0].text})
        """,
        """
        def repl():
            history = []
            while True:
                q = input("> ")
                r = client.messages.create(model="claude-sonnet-4-6", max_tokens=100, system=POLICY,
                    messages=history + [{"role": "user", "content": [{"type": "text", "text": q, "cache_control": {"type": "ephemeral"}}]}])
                history += [{"role": "user", "content": q}, {"role": "assistant", "content": r.content[0].text}]
        """,
        # A history passed in, the marked turn appended to it: the breakpoint is seen, the next turn extends it.
        """
        def turn(history: list, question: str):
            history.append({"role": "user", "content": [{"type": "text", "text": question, "cache_control": {"type": "ephemeral"}}]})
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=512, system=POLICY, messages=history)
        """,
        # Markers set on the last items of a history passed in: breakpoints promptlint cannot place (no PC206).
        """
        def turn(history: list):
            for m in history[-2:]:
                m["content"][-1]["cache_control"] = {"type": "ephemeral"}
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=512, system=POLICY, messages=history)
        """,
    ],
    ids=["splice-local-history", "concat-local-history", "append-to-parameter", "mark-items-of-parameter"],
)
def test_conversations_written_the_many_ways_are_silent(tmp_path, monkeypatch, source):
    assert run(tmp_path, monkeypatch, {"app.py": module(source)}) == []


def test_a_marked_turn_appended_to_a_history_passed_in_is_checked(tmp_path, monkeypatch):
    source = """
    def turn(history: list, question: str):
        history.append({"role": "user", "content": [{"type": "text", "text": question, "cache_control": {"type": "ephemeral", "ttl": "24h"}}]})
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=512, system=POLICY, messages=history)
    """
    assert run(tmp_path, monkeypatch, {"app.py": module(source)}) == [("app.py", 5, "PC205")]


@pytest.mark.parametrize(
    "marked, expected",
    [
        # The document is the same on every pass: the loop reads the prefix the first pass wrote.
        ("document", []),
        # ... also rendered by a method of the object passed in.
        ("document.to_markdown()", []),
        # Each question is new: every pass writes and nothing reads.
        ("q", [("app.py", 7, "PC202")]),
    ],
)
def test_a_breakpoint_the_loop_repeats_or_changes(tmp_path, monkeypatch, marked, expected):
    source = f"""
    def ask_all(document: str, questions: list[str]):
        for q in questions:
            r = client.messages.create(model="claude-sonnet-4-6", max_tokens=300, messages=[{{"role": "user", "content": [
                {{"type": "text", "text": {marked}, "cache_control": {{"type": "ephemeral"}}}},
                {{"type": "text", "text": "Answer briefly."}}]}}])
    """
    found = run(tmp_path, monkeypatch, {"app.py": module(source)})
    assert [f for f in found if f[2] == "PC202"] == expected


@pytest.mark.parametrize(
    "caller, expected",
    [
        # The helper is called in a loop with the same document: it reads what the first call wrote.
        ("def review(document, questions):\n    return [ask(document, q) for q in questions]\n", []),
        ("def review(document, questions):\n    for q in questions:\n        ask(document, q)\n", []),
        # A new document on every pass: every call writes and nothing reads.
        ("def review(documents, q):\n    return [ask(d, q) for d in documents]\n", [("app.py", 6, "PC202")]),
        ("def review(document, q):\n    return ask(document, q)\n", [("app.py", 6, "PC202")]),
        # What an object passed in answers is new on every pass (an agent's observation).
        ("def run(browser, q):\n    while True:\n        ask(browser.snapshot(), q)\n", [("app.py", 6, "PC202")]),
    ],
)
def test_a_helper_called_in_a_loop_with_the_same_marked_document(tmp_path, monkeypatch, caller, expected):
    source = """
    def ask(document, q):
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=300, system=POLICY, messages=[{"role": "user", "content": [
            {"type": "text", "text": document, "cache_control": {"type": "ephemeral"}},
            {"type": "text", "text": q}]}])
    """
    found = run(tmp_path, monkeypatch, {"app.py": module(source) + caller})
    assert [f for f in found if f[2] == "PC202"] == expected


@pytest.mark.parametrize(
    "calls, expected",
    [
        ('step(h, "claude-sonnet-4-6")\n    step(h, "claude-opus-4-8")\n', [("app.py", 2, "PC104")]),
        ('step(h, "claude-sonnet-4-6")\n    step(h, "claude-sonnet-4-6")\n', []),
        # Callers that send different prompts share no cached prefix: nothing to lose.
        ('step(h, "claude-sonnet-4-6")\n    step(h, "claude-opus-4-8", POLICY + " Be terse.")\n', []),
    ],
)
def test_callers_that_pass_different_models_choose_it_per_call(tmp_path, monkeypatch, calls, expected):
    source = f"""
    def step(history, model, system=POLICY):
        return client.messages.create(model=model, max_tokens=500, system=[{{"type": "text", "text": system, "cache_control": {{"type": "ephemeral"}}}}], messages=history)
    def run(h):
        {calls}"""
    found = run(tmp_path, monkeypatch, {"app.py": module(source)})
    assert [(p, line + 3, c) for p, line, c in expected] == [f for f in found if f[2] == "PC104"]


@pytest.mark.parametrize("choose", [
    "if kind == 'deep':\n        model = 'claude-opus-4-8'\n    else:\n        model = 'claude-sonnet-4-6'",
    "match kind:\n        case 'deep':\n            model = 'claude-opus-4-8'\n        case _:\n            model = 'claude-sonnet-4-6'",
])
def test_a_model_picked_in_the_arms_of_an_if_or_a_match_is_chosen_per_call(tmp_path, monkeypatch, choose):
    source = (
        f"def ask(kind, q):\n    {choose}\n"
        "    return client.messages.create(model=model, max_tokens=10, system=[{'type': 'text', 'text': POLICY, 'cache_control': {'type': 'ephemeral'}}], messages=[{'role': 'user', 'content': q}])\n"
    )
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.py").write_text(module(source), encoding="utf-8")
    found = [d for d in lint_paths([tmp_path], tmp_path) if d.code == "PC104"]
    assert len(found) == 1 and "('claude-opus-4-8' or 'claude-sonnet-4-6')" in found[0].message


@pytest.mark.parametrize("guard, expected", [("if hard:\n        ", ["PC104"]), ("", []), ("try:\n        ", [])])
def test_thinking_added_to_the_keywords_in_one_branch_is_chosen_per_call(tmp_path, monkeypatch, guard, expected):
    source = (
        "def tutor(history, hard):\n    extra = {}\n"
        f"    {guard}extra['thinking'] = {{'type': 'enabled', 'budget_tokens': 4000}}\n"
        + ("    except KeyError:\n        pass\n" if guard.startswith("try") else "")
        + "    return client.messages.create(model='claude-sonnet-4-6', max_tokens=6000, system=[{'type': 'text', 'text': POLICY, 'cache_control': {'type': 'ephemeral'}}], "
        "messages=[*history, {'role': 'user', 'content': [{'type': 'text', 'text': 'go', 'cache_control': {'type': 'ephemeral'}}]}], **extra)\n"
    )
    assert [c for _, _, c in run(tmp_path, monkeypatch, {"app.py": module(source)}) if c == "PC104"] == expected


@pytest.mark.parametrize("guard, expected", [("if shot:\n        ", ["PC104"]), ("", [])])
def test_an_image_added_in_one_branch_is_sent_on_some_calls_only(tmp_path, monkeypatch, guard, expected):
    source = (
        "def triage(history, report, shot=None):\n    content = [{'type': 'text', 'text': report}]\n"
        f"    {guard}content.insert(0, {{'type': 'image', 'source': {{'type': 'base64', 'media_type': 'image/png', 'data': shot}}}})\n"
        "    return client.messages.create(model='claude-sonnet-4-6', max_tokens=300, system=[{'type': 'text', 'text': POLICY, 'cache_control': {'type': 'ephemeral'}}], "
        "messages=[*history, {'role': 'user', 'content': content}], cache_control={'type': 'ephemeral'})\n"
    )
    assert [c for _, _, c in run(tmp_path, monkeypatch, {"app.py": module(source)}) if c == "PC104"] == expected


def test_prompt_cache_key_from_an_attribute_of_an_unknown_object(tmp_path, monkeypatch):
    source = '''
from openai import OpenAI
oai = OpenAI()
class Handler:
    def reply(self, text):
        return oai.responses.create(model="gpt-5.6", instructions=POLICY, input=text, prompt_cache_key=self.user.{attr})
'''
    def found(attr: str):
        files = {"app.py": f"POLICY = {LONG!r}\n" + source.lstrip("\n").format(attr=attr) + "\ndef log(r):\n    return r.usage.input_tokens_details.cached_tokens\n"}
        return run(tmp_path, monkeypatch, files)

    assert found("session_key") == []
    assert found("id") == [("app.py", 6, "PC404")]


def test_a_wrapper_that_passes_its_keywords_on(tmp_path, monkeypatch):
    # def complete(**kwargs): create(model=..., **kwargs): what each caller passes is the request.
    source = """
    from datetime import datetime
    def complete(**kwargs):
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=1024, **kwargs)
    def ask(q):
        return complete(system=[{"type": "text", "text": f"{POLICY} now={datetime.now()}", "cache_control": {"type": "ephemeral"}}],
                        messages=[{"role": "user", "content": q}])
    def ask_later(q):
        return complete(**{"system": [{"type": "text", "text": POLICY, "cache_control": {"type": "ephemeral", "ttl": "24h"}}]},
                        messages=[{"role": "user", "content": q}])
    """
    # The dict spread with ** is followed too: its TTL is one the API rejects.
    assert run(tmp_path, monkeypatch, {"app.py": module(source)}) == [("app.py", 8, "PC101"), ("app.py", 11, "PC205")]


@pytest.mark.parametrize(
    "source, line",
    [
        # Marked in a helper's loop: the list it returns carries a breakpoint per item.
        ("""
        def mark_user_turns(msgs):
            out = []
            for m in msgs:
                out.append({"role": m["role"], "content": [{"type": "text", "text": m["content"], "cache_control": {"type": "ephemeral"}}]})
            return out
        def ask(history: list):
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=100, system=POLICY, messages=mark_user_turns(history))
        """, 7),
        # Marked in a comprehension over a history of any length.
        ("""
        def ask(history: list):
            msgs = [{"role": m["role"], "content": [{"type": "text", "text": m["content"], "cache_control": {"type": "ephemeral"}}]} for m in history]
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=100, system=POLICY, messages=msgs)
        """, 5),
    ],
    ids=["helper-loop", "comprehension"],
)
def test_a_breakpoint_on_every_item_of_a_history(tmp_path, monkeypatch, source, line):
    assert run(tmp_path, monkeypatch, {"app.py": module(source)}) == [("app.py", line, "PC201")]


# -- cases from the review of the loop, history and branch logic ----------------------------------


@pytest.mark.parametrize(
    "source",
    [
        # The markers are stripped by a helper the loop hands the list to.
        """
        def strip_markers(messages):
            for m in messages:
                for b in m["content"]:
                    b.pop("cache_control", None)
        def chat():
            messages = []
            while True:
                strip_markers(messages)
                messages.append({"role": "user", "content": [{"type": "text", "text": input("> "), "cache_control": {"type": "ephemeral"}}]})
                reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=100, system=POLICY, messages=messages)
                messages.append({"role": "assistant", "content": reply.content})
        """,
        # The key is popped through a name that holds it.
        """
        KEY = "cache_control"
        def chat():
            messages = []
            while True:
                for m in messages:
                    for b in m["content"]:
                        b.pop(KEY, None)
                messages.append({"role": "user", "content": [{"type": "text", "text": input("> "), "cache_control": {"type": "ephemeral"}}]})
                reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=100, system=POLICY, messages=messages)
                messages.append({"role": "assistant", "content": reply.content})
        """,
        # Only the last item is marked: a marker chosen per item is not on every one.
        """
        def ask(docs: list, q):
            blocks = [{"type": "text", "text": d, "cache_control": {"type": "ephemeral"} if i == len(docs) - 1 else None} for i, d in enumerate(docs)]
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=100, system=[{"type": "text", "text": POLICY}, *blocks], messages=[{"role": "user", "content": q}])
        """,
    ],
    ids=["helper-strips", "pop-through-a-name", "marker-on-the-last-item"],
)
def test_breakpoints_that_do_not_pile_up(tmp_path, monkeypatch, source):
    assert [f for f in run(tmp_path, monkeypatch, {"app.py": module(source)}) if f[2] == "PC201"] == []


def test_a_retry_loop_is_no_repetition(tmp_path, monkeypatch):
    # Sent again only when it failed: the question marked is still new on every call (PC202).
    source = """
    import time
    def ask(question: str):
        for attempt in range(3):
            try:
                return client.messages.create(model="claude-sonnet-4-6", max_tokens=100, system=POLICY,
                    messages=[{"role": "user", "content": [{"type": "text", "text": question, "cache_control": {"type": "ephemeral"}}]}])
            except anthropic.RateLimitError:
                time.sleep(2 ** attempt)
    """
    assert run(tmp_path, monkeypatch, {"app.py": module(source)}) == [("app.py", 9, "PC202")]


def test_a_module_list_a_loader_fills_at_import_is_no_history(tmp_path, monkeypatch):
    source = """
    EXAMPLES = []
    def load_examples():
        for q, a in [("hi", "hello"), ("bye", "goodbye")]:
            EXAMPLES.append({"role": "user", "content": q})
            EXAMPLES.append({"role": "assistant", "content": a})
    def ask(question: str):
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=100, system=POLICY,
            messages=[*EXAMPLES, {"role": "user", "content": [{"type": "text", "text": question, "cache_control": {"type": "ephemeral"}}]}])
    load_examples()
    """
    assert run(tmp_path, monkeypatch, {"app.py": module(source)}) == [("app.py", 11, "PC202")]


def test_an_arm_that_returns_is_no_choice_after_it(tmp_path, monkeypatch):
    source = """
    def ask(q, quick=False):
        if quick:
            model = "claude-haiku-4-5"
            return client.messages.create(model=model, max_tokens=10, messages=[{"role": "user", "content": q}])
        else:
            model = "claude-sonnet-4-6"
        return client.messages.create(model=model, max_tokens=10, system=[{"type": "text", "text": POLICY, "cache_control": {"type": "ephemeral"}}], messages=[{"role": "user", "content": q}])
    """
    assert [f for f in run(tmp_path, monkeypatch, {"app.py": module(source)}) if f[2] == "PC104"] == []


def test_a_model_chosen_per_call_settles_no_certain_too_short(tmp_path, monkeypatch):
    # ~2,300 tokens: below Opus 4.6's 4,096 but above Sonnet 4.6's 1,024. Which is sent is chosen
    # per call, so the breakpoint is not certainly ignored (no PC301 error), whichever comes first.
    for models in ('{"hard": "claude-opus-4-6", "easy": "claude-sonnet-4-6"}', '{"easy": "claude-sonnet-4-6", "hard": "claude-opus-4-6"}'):
        source = f"""
        MODELS = {models}
        SYSTEM = "You are a helpful assistant for Northwind Cloud. " * 200
        def ask(q, tier):
            return client.messages.create(model=MODELS[tier], max_tokens=10, system=[{{"type": "text", "text": SYSTEM, "cache_control": {{"type": "ephemeral"}}}}], messages=[{{"role": "user", "content": q}}])
        """
        codes = {f[2] for f in run(tmp_path, monkeypatch, {"app.py": module(source)})}
        assert "PC104" in codes and "PC301" not in codes, (models, codes)


def test_a_loop_that_runs_once_piles_nothing_up(tmp_path, monkeypatch):
    # while True: ...; break (whatever happens) marks one block.
    source = """
    def first(questions: list):
        blocks = []
        while True:
            blocks.append({"type": "text", "text": questions[0], "cache_control": {"type": "ephemeral"}})
            break
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=10, system=POLICY, messages=[{"role": "user", "content": blocks}])
    """
    assert [f for f in run(tmp_path, monkeypatch, {"app.py": module(source)}) if f[2] == "PC201"] == []


# -- a request method called under another name ---------------------------------------------

_CALL_ARGS = "system=[{'type': 'text', 'text': f'Today is {datetime.now()}. ' + POLICY, 'cache_control': {'type': 'ephemeral'}}], messages=[{'role': 'user', 'content': q}]"


@pytest.mark.parametrize(
    "source",
    [
        # bound to a module name
        f"create = client.messages.create\ndef ask(q):\n    return create(model='claude-sonnet-4-6', max_tokens=10, {_CALL_ARGS})\n",
        # functools.partial with the model and max_tokens bound, and partial of that
        f"import functools\nbase = functools.partial(client.messages.create, max_tokens=10)\nask_sonnet = functools.partial(base, model='claude-sonnet-4-6')\ndef ask(q):\n    return ask_sonnet({_CALL_ARGS})\n",
        # bound to an attribute in __init__, called in a method
        f"class Bot:\n    def __init__(self):\n        self.client = anthropic.Anthropic()\n        self.send = self.client.messages.create\n    def ask(self, q):\n        return self.send(model='claude-sonnet-4-6', max_tokens=10, {_CALL_ARGS})\n",
        # handed to a function that calls it with the request's keywords
        f"import asyncio\nasync def ask(q):\n    return await asyncio.to_thread(client.messages.create, model='claude-sonnet-4-6', max_tokens=10, {_CALL_ARGS})\n",
    ],
    ids=["alias", "partial", "self-attribute", "to-thread"],
)
def test_a_request_method_called_under_another_name_is_a_request(tmp_path, monkeypatch, source):
    found = run(tmp_path, monkeypatch, {"app.py": module("from datetime import datetime\n" + source)})
    assert [code for _, _, code in found] == ["PC101"]


@pytest.mark.parametrize("model, expected", [("claude-haiku-4-5", [(7, "PC301")]), ("claude-sonnet-4-6", [])])
def test_a_partial_keeps_the_model_it_binds(tmp_path, monkeypatch, model, expected):
    # ~2,500 tokens: under Haiku 4.5's 4,096-token minimum, over Sonnet 4.6's 1,024.
    source = f"import functools\nshort = functools.partial(client.messages.create, model='{model}', max_tokens=10)\ndef ask(q):\n    return short(system=[{{'type': 'text', 'text': 'You are terse and exact. ' * 400, 'cache_control': {{'type': 'ephemeral'}}}}], messages=[{{'role': 'user', 'content': q}}])\n"
    found = run(tmp_path, monkeypatch, {"app.py": module(source)})
    assert [(line, code) for _, line, code in found] == expected


def test_a_method_of_the_same_name_on_something_else_is_no_request(tmp_path, monkeypatch):
    source = (
        "import functools\nclass Factory:\n    @staticmethod\n    def create(**kw):\n        return kw\n"
        "make = Factory.create\nmessages = Factory()\nbuild = functools.partial(Factory.create, model='x')\n"
        "def go():\n    return make(model='claude-sonnet-4-6', messages=[], system=POLICY), build(messages=[])\n"
    )
    assert run(tmp_path, monkeypatch, {"app.py": module(source)}) == []


@pytest.mark.parametrize(
    "argument",
    ["tools=[{**tool, 'cache_control': {'type': 'ephemeral'}}]", "system=[{**block, 'cache_control': {'type': 'ephemeral'}}]"],
    ids=["tool", "system-block"],
)
def test_a_block_spread_from_a_value_not_known_is_of_unknown_size(tmp_path, monkeypatch, argument):
    # The block's entries come from the caller: the prefix may well reach the minimum, so
    # no certain "too short" (PC301), only "cannot tell" (PC302).
    source = f"def run(task, tool, block):\n    return client.messages.create(model='claude-sonnet-4-6', max_tokens=10, {argument}, messages=[{{'role': 'user', 'content': task}}])\n"
    assert [code for _, _, code in run(tmp_path, monkeypatch, {"app.py": module(source)})] == ["PC302"]


_FIELD_CALL = "    def ask(self, q):\n        return client.messages.create(model=self.model, max_tokens=10, system=[{'type': 'text', 'text': 'You are terse and exact. ' * 400, 'cache_control': {'type': 'ephemeral'}}], messages=[{'role': 'user', 'content': q}])\n"


@pytest.mark.parametrize(
    "cls, expected",
    [
        # a plain class attribute is the value: ~2,500 tokens are certainly under Haiku's 4,096
        ("class Bot:\n    model: str = 'claude-haiku-4-5'\n", ["PC301"]),
        # a pydantic field is a default a construction may override: not certain
        ("from pydantic import BaseModel\nclass Bot(BaseModel):\n    model: str = 'claude-haiku-4-5'\n", ["PC302"]),
        # a dataclass constructed with Sonnet in the checked code: Sonnet's 1,024 is passed
        ("from dataclasses import dataclass\n@dataclass\nclass Bot:\n    model: str = 'claude-haiku-4-5'\n", []),
    ],
    ids=["plain-class", "pydantic-field", "dataclass-constructed"],
)
def test_a_field_default_is_what_constructions_leave_alone(tmp_path, monkeypatch, cls, expected):
    construct = "bot = Bot(model='claude-sonnet-4-6')\n" if "dataclass" in cls else ""
    found = run(tmp_path, monkeypatch, {"app.py": module(cls + _FIELD_CALL + construct)})
    assert [code for _, _, code in found] == expected


@pytest.mark.parametrize(
    "warmup",
    [
        "    await create(model='claude-sonnet-4-6', max_tokens=1, system=SYS, messages=[{'role': 'user', 'content': 'hi'}])\n",
        "    await asyncio.to_thread(client.messages.create, model='claude-sonnet-4-6', max_tokens=1, system=SYS, messages=[{'role': 'user', 'content': 'hi'}])\n",
        "",
    ],
    ids=["alias", "to-thread", "none"],
)
def test_a_warm_up_under_another_name_is_a_warm_up(tmp_path, monkeypatch, warmup):
    source = (
        "import asyncio\naclient = anthropic.AsyncAnthropic()\ncreate = aclient.messages.create\n"
        "SYS = [{'type': 'text', 'text': POLICY, 'cache_control': {'type': 'ephemeral'}}]\n"
        f"async def main(questions):\n{warmup}    return await asyncio.gather(*(create(model='claude-sonnet-4-6', max_tokens=10, system=SYS, messages=[{{'role': 'user', 'content': q}}]) for q in questions))\n"
    )
    assert [code for _, _, code in run(tmp_path, monkeypatch, {"app.py": module(source)})] == ([] if warmup else ["PC403"])


_TOOLS = "TOOLS = [{'name': 'lookup', 'description': 'Find an invoice.', 'input_schema': {'type': 'object'}}]\n"
_PARAMS = "    params = {'model': 'claude-sonnet-4-6', 'max_tokens': 10, 'system': [{'type': 'text', 'text': POLICY, 'cache_control': {'type': 'ephemeral'}}], 'messages': [{'role': 'user', 'content': q}]}\n"


@pytest.mark.parametrize(
    "pick",
    [
        "    create = client.beta.messages.create if beta else client.messages.create\n",
        "    if beta:\n        create = client.beta.messages.create\n    else:\n        create = client.messages.create\n",
    ],
    ids=["ternary", "if-else"],
)
def test_a_request_method_chosen_by_a_flag_is_still_a_request(tmp_path, monkeypatch, pick):
    source = f"from datetime import datetime\ndef ask(q, beta):\n{pick}    return create(model='claude-sonnet-4-6', max_tokens=10, {_CALL_ARGS})\n"
    assert [code for _, _, code in run(tmp_path, monkeypatch, {"app.py": module(source)})] == ["PC101"]


@pytest.mark.parametrize(
    "tools",
    [
        "    tools = list(TOOLS)\n    params['tools'] = tools if tools else anthropic.NOT_GIVEN\n",
        "    tools = list(TOOLS)\n    if tools:\n        params['tools'] = tools\n",
        "    tools = list(TOOLS)\n    params['tools'] = tools or None\n",
    ],
    ids=["if-else-not-given", "set-if-non-empty", "or-none"],
)
def test_a_parameter_left_out_only_when_empty_is_no_choice(tmp_path, monkeypatch, tools):
    # An empty list of tools and no tools send the same prefix: leaving it out is no per-call choice (PC104).
    source = (
        _TOOLS + "def ask(q):\n" + _PARAMS
        + f"{tools}    return client.messages.create(**params)\n"
    )
    assert run(tmp_path, monkeypatch, {"app.py": module(source)}) == []


def test_a_classmethods_cls_is_the_same_on_every_call(tmp_path, monkeypatch):
    source = (
        _TOOLS + "class Actions:\n    @classmethod\n    def tools(cls):\n        return TOOLS\n"
        + "    @classmethod\n    def ask(cls, q):\n        return client.messages.create(model='claude-sonnet-4-6', max_tokens=10, tools=cls.tools(), system=[{'type': 'text', 'text': POLICY, 'cache_control': {'type': 'ephemeral'}}], messages=[{'role': 'user', 'content': q}])\n"
    )
    assert run(tmp_path, monkeypatch, {"app.py": module(source)}) == []


def test_checking_a_file_parses_a_bounded_amount_of_other_modules(tmp_path, monkeypatch):
    # An app server of 10,000 lines imported for one name costs seconds to parse: a module
    # over the per-module limit is not parsed to follow a value (the name is unknown, as a
    # name from outside the project is), and a small prompts module still is.
    from promptlint.frontends.python import project

    filler = "".join(f"def handler_{i}(request):\n    return {{'status': {i}, 'path': request.path}}\n\n" for i in range(project.CONTEXT_FILE_BYTES // 60))
    files = {
        "svc/__init__.py": "",
        "svc/server.py": "from datetime import date\nBANNER = f'Today: {date.today()}'\n" + filler,
        "svc/prompts.py": "from datetime import date\nFOOTER = f'Today: {date.today()}'\n",
        "svc/ask.py": f"""
            import anthropic
            from svc.server import BANNER
            from svc.prompts import FOOTER
            client = anthropic.Anthropic()
            POLICY = {LONG!r}

            def ask(q: str):
                r = client.messages.create(
                    model="claude-sonnet-4-6", max_tokens=10,
                    system=[{{"type": "text", "text": POLICY + FOOTER + BANNER, "cache_control": {{"type": "ephemeral"}}}}],
                    messages=[{{"role": "user", "content": q}}],
                )
                return r.usage.cache_read_input_tokens
            """,
    }
    assert len(files["svc/server.py"]) > project.CONTEXT_FILE_BYTES
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    found = lint_paths([tmp_path / "svc" / "ask.py"], tmp_path)  # the file alone, as pre-commit names it
    assert [(d.span.path, d.code) for d in found] == [("svc/prompts.py", "PC101")]


@pytest.mark.parametrize(
    "helper, call",
    [
        ("def mark_last(blocks):\n    blocks[-1]['cache_control'] = {'type': 'ephemeral'}\n", "    mark_last(system)\n"),
        ("def mark_last(blocks, ttl='5m'):\n    blocks[-1]['cache_control'] = {'type': 'ephemeral', 'ttl': ttl}\n", "    mark_last(ttl='1h', blocks=system)\n"),
        # aider's shape: a method that marks the last block of what it is handed
        (
            "class Coder:\n    def add_cache_control(self, messages):\n        messages[-1]['cache_control'] = {'type': 'ephemeral'}\n"
            "CODER = Coder()\n",
            "    CODER.add_cache_control(system)\n",
        ),
    ],
    ids=["function", "keyword", "method"],
)
def test_a_breakpoint_a_helper_adds_in_place_is_seen(tmp_path, monkeypatch, helper, call):
    source = (
        "from datetime import date\n" + helper
        + "def ask(q):\n    system = [{'type': 'text', 'text': f'Today is {date.today()}. ' + POLICY}]\n" + call
        + "    return client.messages.create(model='claude-sonnet-4-6', max_tokens=10, system=system, messages=[{'role': 'user', 'content': q}])\n"
    )
    assert [code for _, _, code in run(tmp_path, monkeypatch, {"app.py": module(source)})] == ["PC101"]


def test_a_helper_that_only_reads_what_it_is_handed_changes_nothing(tmp_path, monkeypatch):
    source = (
        "from datetime import date\nimport logging\n"
        "def log_blocks(blocks):\n    logging.info('%d blocks', len(blocks))\n"
        "def ask(q):\n    system = [{'type': 'text', 'text': f'Today is {date.today()}. ' + POLICY}]\n    log_blocks(system)\n    print(system)\n"
        "    return client.messages.create(model='claude-sonnet-4-6', max_tokens=10, system=system, messages=[{'role': 'user', 'content': q}])\n"
    )
    assert run(tmp_path, monkeypatch, {"app.py": module(source)}) == []  # no breakpoint: nothing cached, the date is harmless


# -- what a review of the above found -----------------------------------------------------


def test_tools_left_out_for_one_caller_and_passed_by_another_is_a_choice(tmp_path, monkeypatch):
    source = (
        _TOOLS + "def ask(q, tools=None):\n" + _PARAMS
        + "    if tools:\n        params['tools'] = tools\n    return client.messages.create(**params)\n"
        "def chat(q):\n    return ask(q)\ndef agent(q):\n    return ask(q, tools=TOOLS)\n"
    )
    assert [code for _, _, code in run(tmp_path, monkeypatch, {"app.py": module(source)})] == ["PC104"]


def test_a_constant_of_an_abstract_base_class_is_the_value(tmp_path, monkeypatch):
    source = "from abc import ABC\nclass Agent(ABC):\n    model: str = 'claude-haiku-4-5'\n" + _FIELD_CALL
    assert [code for _, _, code in run(tmp_path, monkeypatch, {"app.py": module(source)})] == ["PC301"]


def test_a_prefix_under_every_minimum_is_certain_whatever_the_model(tmp_path, monkeypatch):
    source = (
        "from dataclasses import dataclass\n@dataclass\nclass Bot:\n    model: str = 'claude-sonnet-4-6'\n"
        "    def ask(self, q):\n        return client.messages.create(model=self.model, max_tokens=10, system=[{'type': 'text', 'text': 'Be brief.', 'cache_control': {'type': 'ephemeral'}}], messages=[{'role': 'user', 'content': q}])\n"
    )
    assert [code for _, _, code in run(tmp_path, monkeypatch, {"app.py": module(source)})] == ["PC301"]


def test_neither_an_sms_nor_a_partial_is_a_request(tmp_path, monkeypatch):
    source = (
        "import asyncio, functools\naclient = anthropic.AsyncAnthropic()\nsms = object()\n"
        "SYS = [{'type': 'text', 'text': POLICY, 'cache_control': {'type': 'ephemeral', 'ttl': '1h'}}]\n"
        "ask = functools.partial(client.messages.create, model='claude-sonnet-4-6', max_tokens=10, system=SYS)\n"
        "def answer(q):\n    return ask(messages=[{'role': 'user', 'content': q}])\n"
        "for line in open('questions.txt'):\n    answer(line)\n"
        "async def one(q):\n    return await aclient.messages.create(model='claude-sonnet-4-6', max_tokens=10, system=SYS, messages=[{'role': 'user', 'content': q}])\n"
        "async def main(qs, admin):\n    await asyncio.to_thread(sms.messages.create, to=admin, body='starting')\n    return await asyncio.gather(*(one(q) for q in qs))\n"
    )
    # The SMS is no warm-up (PC403 stands); the partial is no request made once (no PC401 on it).
    assert [code for _, _, code in run(tmp_path, monkeypatch, {"app.py": module(source)})] == ["PC403"]


def test_what_a_file_reports_does_not_depend_on_the_files_checked_before_it(tmp_path, monkeypatch):
    files = {
        "bot.py": "from dataclasses import dataclass\nimport anthropic\nclient = anthropic.Anthropic()\n@dataclass\nclass Bot:\n    model: str = 'claude-haiku-4-5'\n"
        + _FIELD_CALL + "USAGE = 'cache_read_input_tokens'\n",
        "app.py": "from bot import Bot\nBOT = Bot(model='claude-sonnet-4-6')\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    orders = [lint_paths([tmp_path / a, tmp_path / b], tmp_path) for a, b in (("bot.py", "app.py"), ("app.py", "bot.py"))]
    assert [[d.code for d in found] for found in orders] == [[], []]  # Sonnet, as app.py builds it, in either order
