"""Offline token bands from character classes (tokens.md §6).

Text is split into runs of one kind (CJK, Cyrillic, other scripts, and the rest
classified as prose, Markdown, code, JSON or machine data); each run's count is
bounded by its characters divided by that kind's chars-per-token range for the
tokenizer family. The bounds are linear, so sums over mixed content stay bounds.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Sequence

from ..registry import Family
from ..request import ContentKind
from . import Estimate, Segment

_CJK_RANGES = "\u1100-\u11ff\u3000-\u303f\u3040-\u30ff\u3130-\u318f\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
_CJK = f"[{_CJK_RANGES}]"
_CYRILLIC = "[\u0400-\u04ff]"
# Everything that is not ASCII, Latin-1, Latin Extended-A, Cyrillic, CJK, general punctuation or
# currency: other scripts (any block), IPA and rare Latin letters, combining marks, symbols (arrows,
# maths, APL, box drawing) and every supplementary-plane character (emoji, CJK Ext B+, Adlam, ...).
_OTHER_SCRIPT = f"[^\x00-\u017f\u0400-\u04ff\u2000-\u206f\u20a0-\u20bf{_CJK_RANGES}]"

# Share of a text in non-Latin scripts above which its spaces, digits and punctuation are priced
# as machine data: between non-Latin words they do not merge into word tokens as in English.
_SCRIPT_SHARE = 0.25
_STOP = frozenset("the of and that is for with this are which have has shall be not by from or it on any all their such been was were will can you your".split())
_WORD = re.compile(r"[^\W\d_]+")
# Characters that are neither letters nor whitespace: digits, punctuation, symbols.
_NOT_WORDS = re.compile(r"[^\w\s]|[\d_]")
_FENCE = re.compile(r"```.*?(?:```|\Z)", re.S)
_MARKDOWN = re.compile(r"(?m)^\s{0,3}(?:#{1,6}\s|[-*+]\s|\d+[.)]\s|>|\|)|`|\*\*|__|\[[^\]]+\]\(")
# Deleting these leaves the characters that are not of the class.
_NOT_PROSE = str.maketrans("", "", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz \t\n\r.,;:'\"!?()-")
_CODE_CHARS = "{}();=<>[]"
# A text's kind is judged on samples this long from its start, middle and end.
_SAMPLE = 4_096

# Share of a segment's characters in other scripts above which its count is not settled.
_UNSETTLED_SHARE = 0.02
_ENGLISH = 0.12
_SENTENCE_WORDS = 8
_DENSE = 0.35


_CACHE_SIZE = 8192


class HeuristicCounter:
    name = "offline estimate"

    def __init__(self) -> None:
        # The same system prompt is counted for every request of a log and every breakpoint.
        self._bands: dict[tuple[str, ContentKind, str], tuple[float, float, float, bool]] = {}
        self._ones: dict[tuple[str, ContentKind, str], tuple[int, int, float, str, bool]] = {}

    def count_one(self, text: str, kind: ContentKind, family: Family) -> tuple[int, int, float, str, bool]:
        """``count([(text, kind)], family)`` as (low, point, high, method, settled).

        A prefix is counted block by block and a log repeats its blocks request after
        request: this is that count without building an Estimate each time.
        """
        key = (text, kind, family.name)
        found = self._ones.get(key)
        if found is None:
            estimate = self.count([(text, kind)], family)
            if len(self._ones) >= _CACHE_SIZE:
                self._ones.clear()
            found = self._ones[key] = (estimate.low, estimate.point, estimate.high, estimate.method, estimate.settled)
        return found

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
    if not settled:
        # The bands do not hold for these scripts; a token still covers at least one byte.
        high = max(high, len(text.encode("utf-8", "surrogatepass")))
    return low, point, high, settled


@lru_cache(maxsize=1)
def _scripts() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """_CJK, _CYRILLIC and _OTHER_SCRIPT compiled, when a text first needs them: their
    classes are large enough to take milliseconds to compile, and most text is ASCII."""
    return re.compile(_CJK), re.compile(_CYRILLIC), re.compile(_OTHER_SCRIPT)


def _runs(text: str, kind: ContentKind) -> list[tuple[str, int]]:
    """(band kind, character count) pairs covering ``text``."""
    if not text:
        return []
    runs: list[tuple[str, int]] = []
    rest = text
    if not text.isascii():
        cjk_pattern, cyrillic_pattern, other_pattern = _scripts()
        cjk = len(cjk_pattern.findall(text))
        cyrillic = len(cyrillic_pattern.findall(text))
        other = len(other_pattern.findall(text))
        runs += [(k, n) for k, n in (("cjk", cjk), ("cyrillic", cyrillic), ("other_script", other)) if n]
        if cjk or cyrillic or other:
            rest = other_pattern.sub("", cyrillic_pattern.sub("", cjk_pattern.sub("", text)))
        if kind is not ContentKind.JSON and (cjk + cyrillic + other) >= _SCRIPT_SHARE * len(text):
            if rest:
                runs.append(("unknown", len(rest)))
            return runs
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
    if stripped[0] in "{[" and stripped[-1] in "}]" and _is_json(stripped):
        return "json"
    if len(stripped) > 3 * _SAMPLE:
        middle = len(stripped) // 2
        stripped = stripped[:_SAMPLE] + stripped[middle : middle + _SAMPLE] + stripped[-_SAMPLE:]
    size = len(stripped)
    # Long runs with almost no whitespace: ids, base64, minified data.
    if size > 200 and sum(stripped.count(c) for c in " \t\n") < size * 0.03:
        return "unknown"
    # Digits, punctuation and symbols: tables, matrices, terse code (J, K, APL sessions).
    if _count_not_words(stripped) > _DENSE * size:
        return "unknown"
    # Upper-case words cost a case marker each (v4.7+): BASIC, COBOL, ArnoldC, shouted text.
    ascii = stripped.isascii()
    # Words never span lines, so one pass line by line gives both the text's words and its
    # sentences (_reads_as_english).
    lines = _ascii_line_words(stripped) if ascii else None
    letters = [w for words in lines for w in words] if lines is not None else _WORD.findall(stripped)
    upper = sum(map(len, filter(str.isupper, letters)))
    if upper > 0.5 * max(sum(map(len, letters)), 1):
        return "unknown"
    if sum(stripped.count(c) for c in _CODE_CHARS) > size * 0.05:
        return "code"
    # Prose and Markdown bands were measured on English: other languages, and code the
    # shape test missed, are priced as machine data.
    if not (_ascii_reads_as_english(lines, letters) if lines is not None else _reads_as_english(stripped)):
        return "unknown"
    if _MARKDOWN.search(stripped):
        return "markdown"
    if len(stripped.translate(_NOT_PROSE)) <= size * 0.03:
        return "prose"
    # Prompts and technical text: the Markdown band is the one tokens.md measured for them.
    return "markdown"


def _reads_as_english(text: str) -> bool:
    """Whether English function words are as common as English has them.

    Judged on the text's sentences when it has several: a list of names or categories has
    few function words in any language, and takes the language of the instructions around it.
    """
    sentences = [line for line in text.splitlines() if len(_WORD.findall(line)) >= _SENTENCE_WORDS]
    words = _WORD.findall(("\n".join(sentences) if len(sentences) >= 2 else text).lower())
    return sum(w in _STOP for w in words) >= _ENGLISH * max(len(words), 1)


def _ascii_reads_as_english(lines: list[list[str]], letters: list[str]) -> bool:
    """``_reads_as_english`` of an ASCII text, from its words line by line and in all.

    In ASCII, lower-casing changes no character's class, so the words of the lower-cased
    text are the text's words lower-cased.
    """
    sentences = [words for words in lines if len(words) >= _SENTENCE_WORDS]
    words = [w for s in sentences for w in s] if len(sentences) >= 2 else letters
    return sum(map(_STOP.__contains__, map(str.lower, words))) >= _ENGLISH * max(len(words), 1)


# ASCII characters _NOT_WORDS does not match: deleting them leaves those it does.
_WORDS_OR_SPACE = bytes(c for c in range(128) if not _NOT_WORDS.match(chr(c)))


# ASCII letters and line breaks kept, every other byte a space: then ``str.split`` finds
# exactly the words _WORD finds, and ``splitlines`` the same lines, at C speed.
_LETTERS_AND_BREAKS = bytes(c if _WORD.fullmatch(chr(c)) or len(f"a{chr(c)}b".splitlines()) == 2 else 32 for c in range(256))


def _ascii_line_words(text: str) -> list[list[str]]:
    """``[_WORD.findall(line) for line in text.splitlines()]`` for an ASCII text."""
    plain = text.encode("ascii").translate(_LETTERS_AND_BREAKS).decode("ascii")
    return [line.split() for line in plain.splitlines()]


def _count_not_words(text: str) -> int:
    """``len(_NOT_WORDS.findall(text))``, without building the list for ASCII text."""
    if text.isascii():
        return len(text.encode("ascii").translate(None, _WORDS_OR_SPACE))
    return len(_NOT_WORDS.findall(text))


def _is_json(text: str) -> bool:
    import json

    try:
        json.loads(text)
    except ValueError:
        return False
    return True
