"""Vietnamese search text: syllable tokens, accent folding, query parsing, highlighted snippets.

Written words are syllables separated by spaces, so a multi-syllable word (`bồi thường`) is a
phrase of syllable tokens. Accent-insensitive search compares folded tokens (lower case, no
diacritics, `đ` -> `d`); exact search compares lower-case NFC tokens. Both engines index the same
tokens, and the snippet is cut and highlighted here, the same way on both.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from core.errors import InvalidInputError
from core.text import nfc, strip_diacritics

_TOKEN = re.compile(r"[^\W_]+")
_BETWEEN_TOKENS = re.compile(r"[\W_]+")
_QUOTED = re.compile(r'"([^"]*)"?')
SNIPPET_TOKENS = 28
"""Tokens of context shown around the first match (about two lines)."""
MAX_SYLLABLE_BYTES = 2047
"""The longest syllable searched for (UTF-8 bytes): PostgreSQL's limit on a tsvector's word. The index leaves
longer runs of letters out, as `to_tsvector` does; a query holding one is refused."""


def _fold_table() -> dict[int, str | None]:
    """Every character whose folded form differs (Latin with diacritics, `đ`, combining marks), for
    `str.translate`: a syllable is folded in C, not a Python step per character."""
    table: dict[int, str | None] = {}
    for code in range(0x80, 0x3000):
        char = chr(code)
        if unicodedata.category(char) == "Mn":
            table[code] = None
        elif (bare := strip_diacritics(char)) != char:
            table[code] = bare
    return table


_FOLD = _fold_table()


def exact(token: str) -> str:
    """`Đất` -> `đất`: what exact search compares (diacritics kept, case ignored)."""
    return nfc(token).casefold()


def fold(token: str) -> str:
    """`Đất` -> `dat`: what accent-insensitive search compares."""
    return exact(token).translate(_FOLD)


def indexed_forms(text: str) -> tuple[str, str]:
    """The passage as the engines index it: its syllables space-separated, exact and folded."""
    syllables = _BETWEEN_TOKENS.sub(" ", nfc(text)).strip(" ").casefold()
    return syllables, " ".join(map(_folded_syllable, syllables.split(" ")))


@lru_cache(maxsize=1 << 16)
def _folded_syllable(syllable: str) -> str:
    """A language has a few thousand syllables: each is folded once, then looked up (the cache is in C), about
    half the time of translating every character of every passage (`str.translate` looks each one up)."""
    return syllable.translate(_FOLD)


def syllable_count(text: str) -> int:
    return len(_TOKEN.findall(nfc(text)))


def tokens(text: str) -> list[re.Match[str]]:
    """The syllables of `text` with their positions."""
    return list(_TOKEN.finditer(nfc(text)))


@dataclass(frozen=True)
class Query:
    """A parsed query: phrases of syllables that must all occur; `accents`: compare diacritics too."""

    phrases: tuple[tuple[str, ...], ...]
    accents: bool = False

    @classmethod
    def parse(cls, text: str, *, accents: bool = False) -> Query:
        """`"bồi thường" đất` -> the phrase (bồi, thường) and the syllable (đất); a bare multi-syllable run is
        kept as separate syllables (any order, ranked higher when adjacent)."""
        key = exact if accents else fold
        quoted = [tuple(key(t.group()) for t in tokens(m.group(1))) for m in _QUOTED.finditer(text)]
        phrases = [p for p in quoted if p] + [(key(t.group()),) for t in tokens(_QUOTED.sub(" ", text))]
        if not phrases:
            raise InvalidInputError("câu tìm không có từ nào để tìm (the query has no words)")
        if any(len(s.encode()) > MAX_SYLLABLE_BYTES for p in phrases for s in p):
            raise InvalidInputError(
                f"câu tìm có từ dài quá {MAX_SYLLABLE_BYTES} byte (a query word is too long to be indexed)"
            )
        return cls(tuple(dict.fromkeys(phrases)), accents)

    def key(self, token: str) -> str:
        return exact(token) if self.accents else fold(token)

    @property
    def folded_phrases(self) -> tuple[tuple[str, ...], ...]:
        """The phrases as the engines' index holds them (exact mode then checks the diacritics)."""
        return tuple(tuple(map(fold, p)) for p in self.phrases)


@dataclass(frozen=True)
class Snippet:
    """A window of a passage's text; `highlights`: (start, end) character spans of matches in `text`;
    `first_token`: index, in the passage, of the first matched syllable (None when nothing matched)."""

    text: str
    highlights: list[tuple[int, int]]
    first_token: int | None


def snippet(text: str, query: Query, *, width: int = SNIPPET_TOKENS) -> Snippet:
    """The passage cut around its first match, every occurrence of a query phrase highlighted."""
    text = nfc(text)
    found = tokens(text)
    keys = [query.key(m.group()) for m in found]
    matched: list[int] = []
    for phrase in query.phrases:
        n = len(phrase)
        matched += [i + k for i in range(len(keys) - n + 1) if tuple(keys[i : i + n]) == phrase for k in range(n)]
    matched = sorted(set(matched))
    first = matched[0] if matched else None
    lo = 0 if first is None or len(found) <= width else max(0, min(first - width // 3, len(found) - width))
    hi = min(len(found), lo + width)
    if not found:
        return Snippet(text, [], None)
    begin = 0 if lo == 0 else found[lo].start()
    end = len(text) if hi == len(found) else found[hi - 1].end()
    body = text[begin:end]
    prefix = "… " if begin else ""
    suffix = " …" if end < len(text) else ""
    spans = [(found[i].start() - begin + len(prefix), found[i].end() - begin + len(prefix)) for i in matched]
    return Snippet(prefix + body + suffix, [s for s, i in zip(spans, matched, strict=True) if lo <= i < hi], first)
