import os

_PROMPTS = os.path.join(os.path.dirname(__file__), "prompts")

with open(os.path.join(_PROMPTS, "notes_style.md"), encoding="utf-8") as _fh:
    NOTES_STYLE = _fh.read()
