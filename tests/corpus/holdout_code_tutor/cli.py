"""tutor: command-line Python tutor.

    python cli.py explain path/to/file.py
    python cli.py quiz "list comprehensions"
    python cli.py chat
    python cli.py grade submissions/*.py
"""

from __future__ import annotations

import argparse
from pathlib import Path

from tutor.client import TutorClient
from tutor.grader import grade_submission, grade_with_lessons
from tutor.prompts import QUIZ_TEMPLATE, TUTOR_SYSTEM
from tutor.session import TutorSession


def explain_file(client: TutorClient, path: Path) -> str:
    source = path.read_text(encoding="utf-8")
    return client.complete(
        system=[
            {
                "type": "text",
                "text": TUTOR_SYSTEM,
                "cache_control": {"type": "ephemeral", "ttl": "1h"},  # expect: PC401, PC501
            }
        ],
        messages=[{"role": "user", "content": f"Explain this file to a beginner:\n\n{source}"}],
    )


def make_quiz(client: TutorClient, topic: str) -> str:
    # Runs once per invocation: no breakpoint needed even though the system prompt is long.
    return client.complete(
        system=TUTOR_SYSTEM,
        messages=[{"role": "user", "content": QUIZ_TEMPLATE.format(topic=topic)}],
        max_tokens=1200,
    )


def run_chat() -> None:
    session = TutorSession(TUTOR_SYSTEM)
    print("Type your question (empty line to quit).")
    while True:
        line = input("> ").strip()
        if not line:
            break
        session.send(line)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tutor", description="Command-line Python tutor")
    sub = parser.add_subparsers(dest="command", required=True)
    explain = sub.add_parser("explain")
    explain.add_argument("path", type=Path)
    quiz = sub.add_parser("quiz")
    quiz.add_argument("topic")
    sub.add_parser("chat")
    grade = sub.add_parser("grade")
    grade.add_argument("files", nargs="+", type=Path)
    grade.add_argument("--with-lessons", action="store_true")
    args = parser.parse_args(argv)

    client = TutorClient()
    if args.command == "explain":
        print(explain_file(client, args.path))
    elif args.command == "quiz":
        print(make_quiz(client, args.topic))
    elif args.command == "chat":
        run_chat()
    elif args.command == "grade":
        for path in args.files:
            submission = path.read_text(encoding="utf-8")
            if args.with_lessons:
                print(grade_with_lessons(client, submission))
            else:
                print(grade_submission(client, submission))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
