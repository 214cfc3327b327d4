"""One-off backfill of short descriptions for invoices imported before 2025."""

from __future__ import annotations

import argparse

import anthropic
import psycopg

OLD_SUMMARY_MODEL = "claude-3-5-haiku-20241022"  # expect: PC303

client = anthropic.Anthropic()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dsn", default="postgresql://localhost/invoices")
    parser.add_argument("--limit", type=int, default=500)
    args = parser.parse_args()

    with psycopg.connect(args.dsn) as db:
        rows = db.execute(
            "select id, ocr_text from invoices where short_description is null limit %s", (args.limit,)
        ).fetchall()
        for invoice_id, text in rows:
            response = client.messages.create(
                model=OLD_SUMMARY_MODEL,
                max_tokens=60,
                system="Describe the invoice in at most ten words.",
                messages=[{"role": "user", "content": text[:4000]}],
            )
            db.execute(
                "update invoices set short_description = %s where id = %s",
                (response.content[0].text, invoice_id),
            )


if __name__ == "__main__":
    main()
