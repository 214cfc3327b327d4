"""Polls the shared inbox and stores a draft reply for each new customer email."""

import time

from mailbot.client import client
from mailbot.reply import draft_reply
from mailbot.threads import Email
from helpdesk import fetch_new_threads, save_draft

POLL_SECONDS = 30


def run_forever() -> None:
    while True:
        for ticket in fetch_new_threads():
            thread = [Email(m["from"], m["date"], m["body"], m["from_customer"]) for m in ticket["messages"]]
            draft = draft_reply(client, thread, ticket["customer_record"], ticket.get("notes"))
            save_draft(ticket["id"], draft)
        time.sleep(POLL_SECONDS)


if __name__ == "__main__":
    run_forever()
