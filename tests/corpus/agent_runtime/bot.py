"""Slack entry point: one agent per incident channel."""

from slack_bolt import App

from agent import OpsAgent, Principal
from agent.llm import client
from agent.logs import explain_logs
from agent.postmortem import draft_review
from agent.summaries import shift_handoff, status_update

app = App()
_agents: dict[str, OpsAgent] = {}


@app.event("app_mention")
def on_mention(event, say):
    principal = Principal(user=event["user"], is_admin=event["user"] in app.client.usergroups_users_list(usergroup="ops-admins")["users"])
    agent = _agents.setdefault(event["channel"], OpsAgent(client, principal))
    say(agent.step(event["text"]))


@app.command("/relay-update")
def on_update(ack, command, say):
    ack()
    say(status_update(command["text"]))


@app.command("/relay-handoff")
def on_handoff(ack, command, say):
    ack()
    say(shift_handoff(command["text"]))


@app.command("/relay-review")
def on_review(ack, command, say):
    ack()
    say(draft_review(command["text"]))


@app.command("/relay-logs")
def on_logs(ack, command, say):
    ack()
    say(explain_logs(command["text"].split("\n---\n")))
