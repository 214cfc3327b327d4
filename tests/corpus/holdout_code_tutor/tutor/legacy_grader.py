"""The pre-2024 grader, kept for reference. It no longer parses (half-migrated)."""

import os


def grade(path)
    return os.path.basename(path)  # not reported: this file calls no model, so it is never parsed (rules/PL001)


def main():
    for name in os.listdir("."):
        print(grade(name))
