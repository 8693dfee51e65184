"""Vietnamese text helpers: everything is NFC before it is stored or compared."""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated

from num2words import num2words
from pydantic import AfterValidator, StringConstraints

_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)
_NUMBER = re.compile(r"\d+")


def nfc(text: str) -> str:
    """Compose Vietnamese diacritics the one canonical way (NFC)."""
    return unicodedata.normalize("NFC", text)


def clean_text(value: str) -> str:
    """NFC, with control characters refused (newline and tab are text): for every inbound string."""
    value = nfc(value)
    if any(unicodedata.category(c) == "Cc" and c not in "\n\t" for c in value):
        raise ValueError("chứa ký tự điều khiển (control characters are not allowed)")
    return value


Term = Annotated[
    str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True), AfterValidator(clean_text)
]
"""A name or term of a glossary, a list of hotwords or of attendees."""


def strip_diacritics(text: str) -> str:
    """`Đại biểu` -> `Dai bieu`, for diacritic-insensitive search."""
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return nfc(bare.replace("đ", "d").replace("Đ", "D"))


def spell_numbers(text: str) -> str:
    """Read digits out in Vietnamese so that "7" compares equal to "bảy"."""
    return _NUMBER.sub(lambda m: f" {num2words(int(m.group()), lang='vi')} ", text)


def normalize_for_scoring(text: str) -> str:
    """The normalisation used for WER/CER: NFC, lower case, numbers read out, no punctuation."""
    text = nfc(text).lower()
    text = spell_numbers(text)
    text = _PUNCT.sub(" ", text).replace("_", " ")
    return " ".join(text.split())


def clock(seconds: float) -> str:
    """`hh:mm:ss`, rounded down, as clerks quote times (transcripts, minutes, prompts)."""
    whole = max(0, int(seconds))
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"
