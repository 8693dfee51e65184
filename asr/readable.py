"""Readability restoration for engines that write lower case without punctuation.

The Vietnamese CTC engine writes "hôm nay quốc hội họp tại hà nội"; clerks expect
"Hôm nay Quốc hội họp tại Hà Nội.". `restore` capitalises each segment's first word, ends it
with a full stop, and gives proper names (a bundled gazetteer plus the user's glossary) their
spelling, while every word keeps its timing.

It only ever *raises* case, and only in syllables that are entirely lower case, and it keeps
any punctuation already there: text that is already cased (Whisper) is left as it is, and
running it twice changes nothing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from core.text import nfc
from core.transcript import Segment

GAZETTEER = "gazetteer_vi.txt"
"""Bundled list of places and institutions, in `asr/data/`."""

_TOKEN = re.compile(r"\S+")
_EDGES = re.compile(r"^(\W*)(.*?)(\W*)$", re.DOTALL)
"""Splits a token into leading punctuation, its core (the syllable) and trailing punctuation."""

_ENDS_CLAUSE = frozenset(".!?…,;:\"'”’»)]}")
"""A segment ending in one of these already has its punctuation (possibly continued by the next)."""

TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"
"""The five Vietnamese tone marks as combining characters (NFD): grave, acute, tilde, hook above, dot below."""
_OLD_STYLE_TONE = re.compile(rf"([oOuU])([{TONE_MARKS}])([aAeEyY])$")
"""Tone written on the first vowel of a final "oa/oe/uy" (hòa, thủy); moved to the second for keys."""

Index = dict[tuple[str, ...], tuple[str, ...]]
"""Matching keys of an entry's syllables -> the syllables as they should be spelled."""


@dataclass
class _Syllable:
    """Where a syllable's core sits in one of the segment's texts (a word's, or the segment's)."""

    owner: int
    start: int
    end: int
    core: str
    leading: str
    trailing: str


def restore(segments: Sequence[Segment], glossary: Sequence[str] = ()) -> list[Segment]:
    """New segments with sentence case, a final full stop and proper names capitalised.

    `glossary` entries are written in their correct spelling ("Nguyễn Văn An", "Luật Đất đai",
    "HĐND") and win over the gazetteer. Word starts and ends are never changed.
    """
    names = _index(glossary)
    places = _gazetteer()
    return [_restore_segment(segment, names, places) for segment in segments]


def _restore_segment(segment: Segment, *indexes: Index) -> Segment:
    texts = [nfc(w.text) for w in segment.words] if segment.words else [nfc(segment.text)]
    syllables = _syllables(texts)
    if not syllables:
        return segment.model_copy(deep=True)

    edits = _name_edits(syllables, indexes)
    first = syllables[0]
    if first.start not in edits.get(first.owner, {}):
        capitalised = _capitalise(first.core)
        if capitalised != first.core:
            edits.setdefault(first.owner, {})[first.start] = (first.end, capitalised)

    new_texts = [_apply(text, edits.get(i, {})) for i, text in enumerate(texts)]
    last = max(i for i, text in enumerate(new_texts) if text.strip())
    if new_texts[last].rstrip()[-1] not in _ENDS_CLAUSE:
        new_texts[last] = new_texts[last].rstrip() + "."

    if new_texts == texts:
        return segment.model_copy(deep=True)
    if not segment.words:
        return segment.model_copy(update={"text": new_texts[0]})
    words = [w.model_copy(update={"text": t}) for w, t in zip(segment.words, new_texts, strict=True)]
    text = " ".join(t.strip() for t in new_texts if t.strip())
    return segment.model_copy(update={"words": words, "text": text})


def _syllables(texts: Sequence[str]) -> list[_Syllable]:
    """Every syllable with letters or digits, in reading order; punctuation-only tokens are skipped."""
    found: list[_Syllable] = []
    for owner, text in enumerate(texts):
        for token in _TOKEN.finditer(text):
            match = _EDGES.match(token.group())
            assert match is not None  # the pattern matches any string
            leading, core, trailing = match.groups()
            if core:
                start = token.start() + len(leading)
                found.append(_Syllable(owner, start, start + len(core), core, leading, trailing))
    return found


def _name_edits(syllables: list[_Syllable], indexes: Sequence[Index]) -> dict[int, dict[int, tuple[int, str]]]:
    """Longest match first, left to right, whole syllables only, never across punctuation."""
    keys = [_key(s.core) for s in syllables]
    longest = max((len(k) for index in indexes for k in index), default=0)
    edits: dict[int, dict[int, tuple[int, str]]] = {}
    i = 0
    while i < len(syllables):
        spelled = None
        for n in range(min(longest, len(syllables) - i), 0, -1):
            window = syllables[i : i + n]
            if any(s.trailing for s in window[:-1]) or any(s.leading for s in window[1:]):
                continue
            key = tuple(keys[i : i + n])
            spelled = next((index[key] for index in indexes if key in index), None)
            if spelled is not None:
                break
        if spelled is None:
            i += 1
            continue
        for syllable, spelling in zip(syllables[i : i + len(spelled)], spelled, strict=True):
            if syllable.core == syllable.core.lower() and spelling != spelling.lower():
                edits.setdefault(syllable.owner, {})[syllable.start] = (syllable.end, spelling)
        i += len(spelled)
    return edits


def _apply(text: str, edits: dict[int, tuple[int, str]]) -> str:
    for start in sorted(edits, reverse=True):
        end, replacement = edits[start]
        text = text[:start] + replacement + text[end:]
    return text


def _capitalise(core: str) -> str:
    """Upper-case the first letter of an all-lower-case syllable; "iPhone" or "HĐND" stay as they are."""
    if core != core.lower() or not core[0].isalpha():
        return core
    return core[0].upper() + core[1:]


def _key(syllable: str) -> str:
    """Case- and tone-placement-insensitive form, so "Hoà", "hòa" and "HÒA" compare equal."""
    decomposed = unicodedata.normalize("NFD", syllable.casefold())
    return nfc(_OLD_STYLE_TONE.sub(r"\1\3\2", decomposed))


def _index(entries: Iterable[str]) -> Index:
    """Index entries by their syllables' keys; later entries win over earlier ones with the same key."""
    index: Index = {}
    for entry in entries:
        syllables = [s.core for s in _syllables([nfc(entry)])]
        if syllables:
            index[tuple(_key(s) for s in syllables)] = tuple(syllables)
    return index


@cache
def gazetteer_entries() -> tuple[str, ...]:
    """The bundled entries as written (NFC), read once per process."""
    text = files("asr").joinpath("data", GAZETTEER).read_text(encoding="utf-8")
    lines = (nfc(line.strip()) for line in text.splitlines())
    return tuple(line for line in lines if line and not line.startswith("#"))


@cache
def _gazetteer() -> Index:
    return _index(gazetteer_entries())
