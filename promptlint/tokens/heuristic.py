"""Offline token bands from character classes (tokens.md §6).

Text is split into runs of one kind (CJK, Cyrillic, other scripts, and the rest
classified as prose, Markdown, code, JSON or machine data); each run's count is
bounded by its characters divided by that kind's chars-per-token range for the
tokenizer family. The bounds are linear, so sums over mixed content stay bounds.
"""

from __future__ import annotations

import math
import re
from typing import Sequence

from ..registry import Family
from ..request import ContentKind
from . import Estimate, Segment

_CJK = re.compile(
    "[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f]"
)
_CYRILLIC = re.compile("[\u0400-\u04ff]")
# Letters of scripts whose bands are too wide to decide on (Greek, Armenian, Hebrew,
# Arabic, Syriac, Indic, Thai, Lao, Tibetan, Myanmar, Georgian, Ethiopic, Khmer, …).
_OTHER_SCRIPT = re.compile("[\u0370-\u03ff\u0530-\u08ff\u0900-\u0fff\u1000-\u10ff\u1200-\u137f\u1780-\u17ff]")
_FENCE = re.compile(r"```.*?(?:```|\Z)", re.S)
_MARKDOWN = re.compile(r"(?m)^\s{0,3}(?:#{1,6}\s|[-*+]\s|\d+[.)]\s|>|\|)|`|\*\*|__|\[[^\]]+\]\(")
# Deleting these leaves the characters that are not of the class.
_NOT_PROSE = str.maketrans("", "", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz \t\n\r.,;:'\"!?()-")
_CODE_CHARS = "{}();=<>[]"
# A text's kind is judged on samples this long from its start, middle and end.
_SAMPLE = 16_384

# Share of a segment's characters in other scripts above which its count is not settled.
_UNSETTLED_SHARE = 0.02


_CACHE_SIZE = 8192


class HeuristicCounter:
    name = "offline estimate"

    def __init__(self) -> None:
        # The same system prompt is counted for every request of a log and every breakpoint.
        self._bands: dict[tuple[str, ContentKind, str], tuple[float, float, float, bool]] = {}

    def count(self, segments: Sequence[Segment], family: Family) -> Estimate:
        if not family.cpt:
            # A tokenizer with no measured bands: a byte-level BPE token covers at least one
            # byte, so the UTF-8 length is a hard upper bound; nothing useful bounds it below.
            size = sum(len(text.encode("utf-8")) for text, _ in segments)
            return Estimate(0, round(size / 4), size, self.name)
        low = point = high = 0.0
        settled = True
        for text, kind in segments:
            key = (text, kind, family.name)
            band = self._bands.get(key)
            if band is None:
                if len(self._bands) >= _CACHE_SIZE:
                    self._bands.clear()
                band = self._bands[key] = _band(text, kind, family)
            low, point, high = low + band[0], point + band[1], high + band[2]
            settled = settled and band[3]
        return Estimate(math.floor(low), round(point), math.ceil(high), self.name, settled)


def _band(text: str, kind: ContentKind, family: Family) -> tuple[float, float, float, bool]:
    low = point = high = 0.0
    settled = True
    for run_kind, chars in _runs(text, kind):
        cpt_lo, cpt_mid, cpt_hi = family.cpt[run_kind]
        low += chars / cpt_hi
        point += chars / cpt_mid
        high += chars / cpt_lo
        if run_kind == "other_script" and chars > _UNSETTLED_SHARE * len(text):
            settled = False
    return low, point, high, settled


def _runs(text: str, kind: ContentKind) -> list[tuple[str, int]]:
    """(band kind, character count) pairs covering ``text``."""
    if not text:
        return []
    runs: list[tuple[str, int]] = []
    rest = text
    if not text.isascii():
        cjk = len(_CJK.findall(text))
        cyrillic = len(_CYRILLIC.findall(text))
        other = len(_OTHER_SCRIPT.findall(text))
        runs += [(k, n) for k, n in (("cjk", cjk), ("cyrillic", cyrillic), ("other_script", other)) if n]
        if cjk or cyrillic or other:
            rest = _OTHER_SCRIPT.sub("", _CYRILLIC.sub("", _CJK.sub("", text)))
    if kind is ContentKind.JSON:
        runs.append(("json", len(rest)))
        return runs
    code = sum(len(m) for m in _FENCE.findall(rest)) if "```" in rest else 0
    if code:
        runs.append(("code", code))
        rest = _FENCE.sub("", rest)
    if rest:
        runs.append((_latin_kind(rest), len(rest)))
    return runs


def _latin_kind(text: str) -> str:
    """Classify text in Latin script (or symbols) by its shape."""
    stripped = text.strip()
    if not stripped:
        return "prose"
    if stripped[0] in "{[" and stripped[-1] in "}]":
        return "json"
    if len(stripped) > 3 * _SAMPLE:
        middle = len(stripped) // 2
        stripped = stripped[:_SAMPLE] + stripped[middle : middle + _SAMPLE] + stripped[-_SAMPLE:]
    size = len(stripped)
    # Long runs with almost no whitespace: ids, base64, minified data.
    if size > 200 and sum(stripped.count(c) for c in " \t\n") < size * 0.03:
        return "unknown"
    if sum(stripped.count(c) for c in _CODE_CHARS) > size * 0.05:
        return "code"
    if _MARKDOWN.search(stripped):
        return "markdown"
    if len(stripped.translate(_NOT_PROSE)) <= size * 0.03:
        return "prose"
    # Prompts and technical text: the Markdown band is the one tokens.md measured for them.
    return "markdown"
