"""How a number from one to nine is written where it stands: in words, in digits, or in two digits.

Vietnamese documents write "05 năm", "5 năm" and "năm năm", "đối tượng 2" but "hai bên", "01 bản" but
"một lần", and no short list of rules says which: it hangs on the words around the number. So the choice
is read off the legal corpus's training documents (never the development or held-out ones): for each
one-to-nine number there, its form and its neighbours are counted, and a number ITN meets is written the
way the majority wrote it in the most specific context seen often enough (the two words before it and the
one after, then fewer), when that majority is clear; otherwise the rules' choice in `asr.itn` stays.

Contexts are written words, lower case, without their punctuation, any token with a digit as "#"; the
spoken form has the same words, so what is counted is what ITN sees.
"""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Literal

from asr.legal_corpus import lines

Form = Literal["word", "digit", "padded"]
FORMS: tuple[Form, ...] = ("word", "digit", "padded")
DATA_FILE = "itn_small_numbers.json.gz"
"""The shipped counts, in `asr/data/` (written by `gobang text train-itn`)."""

_WORDS = {"một": 1, "hai": 2, "ba": 3, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7, "tám": 8, "chín": 9}
_WRITTEN_WORDS = {value: word for word, value in _WORDS.items()}
_PART_OF_A_NUMBER = frozenset(
    {"mươi", "trăm", "nghìn", "ngàn", "triệu", "tỷ", "lăm", "mốt", "mười", "linh", "lẻ", "phẩy"}
)
"""Neighbours that make the digit part of a larger number ("hai mươi", "ba trăm"): not a number of its own."""
_RULES_OWN = frozenset({"thứ", "quý", "ngày", "tháng", "mồng", "mùng"})
"""Ordinals and dates after these words follow `asr.itn`'s rules (Nghị định 30/2020, "kỳ họp thứ 8")."""
_YEAR = re.compile(r"\d{4}")
_EDGE = re.compile(r"^[^\w%²]+|[^\w%²]+$")
_START, _END = "<s>", "</s>"


def shipped_table() -> Path:
    return Path(str(files("asr").joinpath("data", DATA_FILE)))


def _form(token: str) -> tuple[Form, int] | None:
    if token in _WORDS:
        return "word", _WORDS[token]
    if len(token) == 1 and "1" <= token <= "9":
        return "digit", int(token)
    if len(token) == 2 and token[0] == "0" and "1" <= token[1] <= "9":
        return "padded", int(token[1])
    return None


def _context(token: str) -> str:
    return "#" if any(c.isdigit() for c in token) else token


def _keys(before2: str, before: str, value: int, after: str) -> tuple[str, ...]:
    """From the most specific context to the least; "một" (also the article "a") is kept apart from 2-9."""
    v = "1" if value == 1 else "n"
    return (
        f"{before2} {before} {v} {after}",
        f"_ {before} {v} {after}",
        f"{before2} {before} {v} _",
        f"_ {before} {v} _",
        f"_ _ {v} {after}",
    )


def _numbers(tokens: list[str]) -> Iterator[tuple[int, Form, int, tuple[str, ...]]]:
    """Each standalone one-to-nine number in `tokens`: its index, form, value and context keys."""
    for i, token in enumerate(tokens):
        found = _form(token)
        if found is None:
            continue
        before = tokens[i - 1] if i else _START
        after = tokens[i + 1] if i + 1 < len(tokens) else _END
        if before in _PART_OF_A_NUMBER or after in _PART_OF_A_NUMBER or before in _RULES_OWN:
            continue
        if (before in _WORDS and before != "năm") or (after in _WORDS and after != "năm"):
            continue  # "hai ba người" (two or three): a pair of numbers, not one in context
        if len(before) == 1 and before.isalpha():
            continue  # "khổ a bốn": a letter and a digit are a code ("A4")
        if token == "năm" and _YEAR.fullmatch(after):
            continue  # "năm 2026": the word for year
        before2 = tokens[i - 2] if i > 1 else _START
        form, value = found
        yield i, form, value, _keys(_context(before2), _context(before), value, _context(after))


def count(texts: Iterable[str]) -> dict[str, list[int]]:
    """Counts of each form (word, digit, padded) per context, over written lines."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for text in texts:
        tokens = [_EDGE.sub("", t).lower() for t in text.split()]
        for _, form, _, keys in _numbers(tokens):
            for key in keys:
                counts[key][form] += 1
    return {key: [c[f] for f in FORMS] for key, c in counts.items() if sum(c.values()) >= 2}


def learn(corpus: Path, out: Path) -> int:
    """Count the corpus's training documents into `out` (gzipped JSON); returns the number of contexts."""
    counts = count(line.text for line in lines(corpus, "train"))
    out.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(out, "wt", encoding="utf-8") as f:
        json.dump(counts, f, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return len(counts)


@dataclass(frozen=True)
class SmallNumberForms:
    """Writes each standalone one-to-nine number as the training documents write it in its context."""

    counts: dict[str, list[int]]
    min_count: int = 2
    """A context is used when seen at least this often..."""
    min_share: float = 0.9
    """...and its majority form holds at least this share (both chosen on development documents)."""

    @classmethod
    def load(cls, path: Path | None = None) -> SmallNumberForms:
        with gzip.open(path or shipped_table(), "rt", encoding="utf-8") as f:
            return cls(json.load(f))

    def choose(self, keys: tuple[str, ...]) -> Form | None:
        """The majority form in the most specific context seen `min_count` times; None when it is not clear."""
        for key in keys:
            counts = self.counts.get(key)
            if counts is None or sum(counts) < self.min_count:
                continue
            best = max(range(len(FORMS)), key=counts.__getitem__)
            return FORMS[best] if counts[best] >= self.min_share * sum(counts) else None
        return None

    def __call__(self, text: str) -> str:
        """`text` (ITN output, lower case) with its one-to-nine numbers in the chosen form."""
        tokens = text.split(" ")
        for i, _, value, keys in _numbers(tokens):  # lazily: a rewritten number is the next one's context
            form = self.choose(keys)
            if form is not None:
                tokens[i] = _write(value, form)
        return " ".join(tokens)


def _write(value: int, form: Form) -> str:
    if form == "word":
        return _WRITTEN_WORDS[value]
    return f"0{value}" if form == "padded" else str(value)
