"""Inverse text normalisation (ITN): spoken-form Vietnamese to the written form clerks publish.

"mười hai phẩy năm phần trăm" -> "12,5%", "khóa mười lăm" -> "khóa XV", "nghị quyết số một nghìn ba
trăm bốn mươi ba trên en quy gạch u bê tê vê quy hát mười lăm" -> "nghị quyết số 1343/NQ-UBTVQH15".

NeMo's Vietnamese grammars (`nemo-text-processing`, compiled with pynini into the model cache) read
cardinals, decimals, percentages, money, dates, times, ordinals, phone numbers and units. They follow
English conventions in places and know nothing of document numbers or Roman numerals, so a layer of
Vietnamese conventions runs on their output: decimal comma, thousands dots, sums of money in digits
("10.000.000 đồng", as legal texts write them), Roman numerals after "khóa" and "chương", digits after
"điều"/"khoản"/"mục", ordinals under ten in words, and document numbers spelled letter by letter.
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
import shutil
from pathlib import Path
from typing import Protocol

from core.errors import ModelError
from core.text import nfc

logger = logging.getLogger(__name__)

PROBES: dict[str, str] = {
    "ngày mười lăm tháng chín năm hai nghìn không trăm hai mươi lăm": "ngày 15 tháng 9 năm 2025",
    "mười hai phẩy năm phần trăm": "12,5%",
    "hai triệu năm trăm nghìn đồng": "2.500.000 đồng",
    "mười bảy trên hai mươi mốt": "17/21",
    "ba mươi ki lô mét": "30 km",
}
"""What a correctly built grammar computes: a grammar compiled on the user's machine is checked by these."""

_DIGITS = {
    "không": 0,
    "một": 1,
    "hai": 2,
    "ba": 3,
    "bốn": 4,
    "tư": 4,
    "năm": 5,
    "sáu": 6,
    "bảy": 7,
    "tám": 8,
    "chín": 9,
    "mười": 10,
}
"""Numbers NeMo leaves as words (it writes only 10 and above as digits, except in dates)."""

_LETTERS = {
    "a": "A",
    "bê": "B",
    "bờ": "B",
    "xê": "C",
    "cờ": "C",
    "dê": "D",
    "dờ": "D",
    "đê": "Đ",
    "đờ": "Đ",
    "e": "E",
    "ép": "F",
    "giê": "G",
    "gờ": "G",
    "hát": "H",
    "hắt": "H",
    "hờ": "H",
    "i": "I",
    "ca": "K",
    "ka": "K",
    "lờ": "L",
    "e-lờ": "L",
    "em": "M",
    "mờ": "M",
    "en": "N",
    "nờ": "N",
    "o": "O",
    "pê": "P",
    "pờ": "P",
    "quy": "Q",
    "cu": "Q",
    "rờ": "R",
    "e-rờ": "R",
    "ét": "S",
    "tê": "T",
    "tờ": "T",
    "u": "U",
    "vê": "V",
    "vờ": "V",
    "ích": "X",
    "dét": "Z",
}
"""Vietnamese names of the Latin letters, as document symbols are read out ("en quy" -> "NQ")."""

_SLASH = ("trên", "xẹt", "sẹc", "gạch chéo")
_DASH = ("gạch ngang", "gạch")
_ROMAN_AFTER = re.compile(r"\b(khóa|khoá|chương) (\d+|" + "|".join(_DIGITS) + r")\b", re.IGNORECASE)
_DIGIT_AFTER = re.compile(r"\b(điều|khoản|mục) (" + "|".join(_DIGITS) + r")\b")
_SMALL_ORDINAL = re.compile(r"(?<!kỳ họp )\bthứ ([2-9])\b")
_ORDINAL_WORDS = {2: "hai", 3: "ba", 4: "tư", 5: "năm", 6: "sáu", 7: "bảy", 8: "tám", 9: "chín"}
"""Ordinals under ten are written as words ("lần thứ hai", "Phần thứ ba"), except a session's ("kỳ họp thứ 8")."""
_DECIMAL = re.compile(r"(?<![\d.,/:-])(\d+)\.(\d+)(?![\d.,/:-]|\.\d)")
_LONG_NUMBER = re.compile(r"(?<![\d.,/:+-])([1-9]\d{4,})(?![\d/:-]|[.,]\d)")
_THOUSAND_BEFORE_UNIT = re.compile(
    r"(?<![\d.,/:+-])([1-9]\d{3})(?= (?:đồng|USD|triệu|tỷ|người|kg|tấn|mm|cm|m|km|ha|m²|m³|lít)(?!\w))"
)
"""Four-digit amounts and measures are grouped too ("3.500 kg", "1.000 đồng"); years ("năm 2015") are not."""
_CLASS = re.compile(r"\b(hạng|loại) (" + "|".join(_LETTERS) + r") (\d|" + "|".join(_DIGITS) + r")\b")
"""Classes named by a letter and a digit: "hạng bê hai" -> "hạng B2" (driving licences, categories)."""
_MONEY = re.compile(r"(?<![\d.,/])(\d+) (nghìn|triệu) đồng\b")
_MULTIPLIER = {"nghìn": 1000, "triệu": 1_000_000}
_RATE = re.compile(
    r"\b(miligam|mg|gam|g|kg|tấn|lít|l|mililít|ml|mét|m|km|cm|mm|đồng|người) trên (\d+|giờ|phút|giây|ngày|tháng|năm)\b"
)
"""A rate or concentration: "50 miligam trên 100 mililít" -> "50 miligam/100 mililít", "30 km trên giờ"."""
_DOC_START = re.compile(r"\b(\d+) (?:" + "|".join(_SLASH) + r") ")


_AFTER_NAM = re.compile(
    r"(?<=\bnăm) (?=(?:một|hai|ba|bốn|tư|năm|sáu|bảy|tám|chín) (?:mươi|trăm|nghìn|ngàn|triệu|tỷ)\b)"
)
"""Where "năm" (year, or five) is followed by a number of its own: NeMo reads "năm hai nghìn" as 52,000 and
"năm bốn mươi" as "54 mươi" (colloquial "năm tư" = 54), so the two are normalised apart."""


class _Grammar(Protocol):
    def inverse_normalize(self, text: str, verbose: bool) -> str: ...


class InverseNormalizer:
    """Spoken-form text in, written form out; one instance per process (building the grammar takes a second)."""

    def __init__(self, cache_dir: Path) -> None:
        """`cache_dir`: where the compiled grammar (`vi_itn_lower_cased.far`) is kept, under the model cache."""
        self.cache_dir = cache_dir
        self._grammar = _load_verified(cache_dir)

    def __call__(self, text: str) -> str:
        """The written form of one utterance; text without spoken numbers comes back unchanged."""
        text = " ".join(nfc(text).split())
        if not text:
            return text
        pieces = (self._grammar.inverse_normalize(piece, verbose=False) for piece in _AFTER_NAM.split(text))
        return vietnamese_conventions(nfc(" ".join(pieces)))


def vietnamese_conventions(text: str) -> str:
    """Rewrite NeMo's output the way Vietnamese documents write numbers (the layer NeMo lacks)."""
    text = _document_numbers(text)
    text = _DIGIT_AFTER.sub(lambda m: f"{m.group(1)} {_DIGITS[m.group(2)]}", text)
    text = _ROMAN_AFTER.sub(_roman_match, text)
    text = _SMALL_ORDINAL.sub(lambda m: f"thứ {_ORDINAL_WORDS[int(m.group(1))]}", text)
    text = _DECIMAL.sub(r"\1,\2", text)
    text = _MONEY.sub(lambda m: f"{int(m.group(1)) * _MULTIPLIER[m.group(2)]} đồng", text)
    text = _LONG_NUMBER.sub(lambda m: _group_thousands(m.group(1)), text)
    text = _CLASS.sub(_class_match, text)
    text = _RATE.sub(r"\1/\2", text)
    return _THOUSAND_BEFORE_UNIT.sub(lambda m: _group_thousands(m.group(1)), text)


def _class_match(match: re.Match[str]) -> str:
    word, letter, digit = match.groups()
    return f"{word} {_LETTERS[letter]}{digit if digit.isdigit() else _DIGITS[digit]}"


def _group_thousands(digits: str) -> str:
    return f"{int(digits):,}".replace(",", ".")


def _roman_match(match: re.Match[str]) -> str:
    word, number = match.groups()
    value = int(number) if number.isdigit() else _DIGITS[number.lower()]
    if not 0 < value < 40:
        return match.group(0)
    return f"{word} {to_roman(value)}"


def to_roman(value: int) -> str:
    """1..39 as Roman numerals (khóa XV, Chương IV)."""
    numerals = ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    out = []
    for size, numeral in numerals:
        count, value = divmod(value, size)
        out.append(numeral * count)
    return "".join(out)


def _document_numbers(text: str) -> str:
    """`1343 trên en quy gạch u bê tê vê quy hát 15` -> `1343/NQ-UBTVQH15`: a number, a slash, then a symbol.

    Only taken as a document number when the symbol holds a spelled letter; "17/21" stays a fraction.
    """
    out: list[str] = []
    position = 0
    for match in _DOC_START.finditer(text):
        if match.start() < position:
            continue
        symbol, end = _read_symbol(text, match.end())
        if not any(c.isalpha() for c in symbol):
            continue
        out.append(text[position : match.start()])
        out.append(f"{match.group(1)}/{symbol}")
        position = end
    out.append(text[position:])
    return "".join(out)


def _read_symbol(text: str, start: int) -> tuple[str, int]:
    """Letters, digits, slashes and dashes read from `start`; returns the symbol and where it ends."""
    words = text[start:].split(" ")
    pieces: list[str] = []
    consumed = 0
    i = 0
    while i < len(words):
        word = words[i].lower()
        pair = f"{word} {words[i + 1].lower()}" if i + 1 < len(words) else ""
        if pair in _SLASH or pair in _DASH:
            piece, taken = ("/" if pair in _SLASH else "-"), 2
        elif word in _SLASH or word in _DASH:
            piece, taken = ("/" if word in _SLASH else "-"), 1
        elif word in _LETTERS:
            piece, taken = _LETTERS[word], 1
        elif re.fullmatch(r"\d+", word):
            piece, taken = word, 1
        elif word in _DIGITS and pieces and pieces[-1][-1:].isalpha():
            piece, taken = str(_DIGITS[word]), 1
        else:
            break
        pieces.append(piece)
        consumed += sum(len(w) + 1 for w in words[i : i + taken])
        i += taken
    while pieces and pieces[-1] in "/-":
        consumed -= len(words[i - 1]) + 1
        i -= 1
        pieces.pop()
    symbol = "".join(pieces)
    return symbol, start + max(consumed - 1, 0)


def _load_verified(cache_dir: Path) -> _Grammar:
    """Load (or compile) the grammar, check it on `PROBES`, rebuild once from scratch if it computes wrong."""
    problem = ""
    for attempt in range(2):
        try:
            grammar = _build(cache_dir)
        except Exception as exc:  # pynini's errors for a truncated or foreign file are not one class
            problem = f"unreadable: {exc}"
        else:
            wrong = {s: got for s, want in PROBES.items() if (got := _written(grammar, s)) != want}
            if not wrong:
                return grammar
            problem = f"wrong: {wrong!r}"
        logger.warning("itn grammar check failed attempt=%d %s; rebuilding", attempt, problem)
        shutil.rmtree(cache_dir, ignore_errors=True)
    raise ModelError(f"ngữ pháp chuẩn hóa số (ITN) hỏng sau khi dựng lại (ITN grammar check failed, {problem})")


def _written(grammar: _Grammar, text: str) -> str:
    return vietnamese_conventions(nfc(grammar.inverse_normalize(text, verbose=False)))


def _build(cache_dir: Path) -> _Grammar:
    cache_dir.mkdir(parents=True, exist_ok=True)
    # NeMo prints its progress to stdout and logs each build step at INFO (on the root logger too);
    # none of it belongs in our output.
    logging.disable(logging.INFO)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            from nemo_text_processing.inverse_text_normalization.inverse_normalize import (
                InverseNormalizer as NemoInverseNormalizer,
            )

            grammar: _Grammar = NemoInverseNormalizer(lang="vi", cache_dir=str(cache_dir))
    finally:
        logging.disable(logging.NOTSET)
    return grammar
