"""Written Vietnamese to the spoken form an ASR engine writes: lower case, no punctuation, numbers read out.

The inverse of the text stage, used to make its training and evaluation data from written text (the legal
corpus): "Nghị quyết số 1343/NQ-UBTVQH15 ngày 12,5%" -> "nghị quyết số một nghìn ba trăm bốn mươi ba trên
en quy gạch u bê tê vê quy hát mười lăm ngày mười hai phẩy năm phần trăm". `tokens` keeps, for each spoken
word, the written token it came from, so labels (punctuation after it, its case) can be read off.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from num2words import num2words

from core.text import nfc

_LETTER_NAMES = {
    "A": "a",
    "B": "bê",
    "C": "xê",
    "D": "dê",
    "Đ": "đê",
    "E": "e",
    "F": "ép",
    "G": "giê",
    "H": "hát",
    "I": "i",
    "K": "ca",
    "L": "lờ",
    "M": "em",
    "N": "en",
    "O": "o",
    "P": "pê",
    "Q": "quy",
    "R": "rờ",
    "S": "ét",
    "T": "tê",
    "U": "u",
    "V": "vê",
    "W": "vê kép",
    "X": "ích",
    "Z": "dét",
}
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50}
_UNITS = {
    "%": "phần trăm",
    "km": "ki lô mét",
    "m2": "mét vuông",
    "m²": "mét vuông",
    "m3": "mét khối",
    "m³": "mét khối",
    "ha": "héc ta",
    "kg": "ki lô gam",
    "cm": "xăng ti mét",
    "cm3": "xăng ti mét khối",
    "mm": "mi li mét",
    "ml": "mi li lít",
}
_NUMBER_UNIT = re.compile(r"([0-9][0-9.,]*)([^\W\d_]+[23²³]?)")
"""A number glued to its unit, as legal texts sometimes write it ("30km", "50ml")."""

_TOKEN = re.compile(r"\S+")
_EDGE = re.compile(r"^([^\w%²]*)(.*?)([^\w%²]*)$")
_CODE = re.compile(r"[0-9]+(?:/[\wĐđ-]+)+")
"""A document number or a date: digits then slash-separated parts (`91/2015/QH13`, `15/9/2025`)."""
_GROUPED = re.compile(r"[0-9]{1,3}(?:\.[0-9]{3})+")
_DECIMAL = re.compile(r"[0-9]+,[0-9]+")
_ACRONYM = re.compile(r"[A-ZĐ][A-ZĐ0-9.-]*[A-ZĐ][A-ZĐ0-9.-]*")
"""Capitals (with digits, dots, dashes) of a document symbol, spelled letter by letter: "TW", "BNV-VTLT"."""
_ROMAN_TOKEN = re.compile(r"[IVXL]+")
_ROMAN_CONTEXT = frozenset({"chương", "khóa", "khoá", "mục", "phần"})
_CLOCK = re.compile(r"([0-9]{1,2})h([0-9]{2})?")
"""A time of day, "16h00", "11h30": said "mười sáu giờ", "mười một giờ ba mươi", not letter by letter."""
_OFFSET = re.compile(r"([A-Z])([+-])([0-9]+)")
_OFFSET_AFTER = frozenset({"ngày", "tháng", "năm", "tuần", "quý", "kỳ"})
"""A period counted from a named one, "năm N-1", "tháng M+1", "ngày T+2": said "năm en trừ một", with "cộng"
and "trừ" (plus, minus), not as a code's dash."""


@dataclass(frozen=True)
class SpokenWord:
    """One spoken word and the written token (with its punctuation) it was read from."""

    word: str
    source: int
    """Index of the written token (whitespace-separated) it comes from."""


def spoken(text: str) -> str:
    """The spoken form of a written sentence."""
    return " ".join(w.word for w in tokens(text))


def tokens(text: str) -> list[SpokenWord]:
    """Each spoken word with the index of the written token it was read from."""
    out: list[SpokenWord] = []
    previous = ""
    for index, match in enumerate(_TOKEN.finditer(nfc(text))):
        edge = _EDGE.match(match.group())
        assert edge is not None  # the pattern matches any string
        core = edge.group(2)
        for word in _read(core, previous).split():
            out.append(SpokenWord(word, index))
        previous = core.lower()
    return out


def number_words(value: int) -> str:
    """Vietnamese reading of a whole number, with "không trăm" as people say years ("hai nghìn không trăm mười")."""
    words = str(num2words(value, lang="vi"))
    words = re.sub(r"\b(nghìn|triệu|tỷ) lẻ (?=\S+ mươi|mười)", r"\1 không trăm ", words)
    return re.sub(r"\b(nghìn|triệu|tỷ) lẻ ", r"\1 không trăm lẻ ", words)


def _read(core: str, previous: str) -> str:
    """The spoken words of one token's core (punctuation at its edges already removed)."""
    if not core:
        return ""
    lowered = core.lower()
    if lowered in _UNITS:
        return _UNITS[lowered]
    if core.endswith("%"):
        return f"{_read(core[:-1], previous)} phần trăm"
    clock = _CLOCK.fullmatch(core)
    if clock:
        hours, minutes = clock.groups()
        said_minutes = f" {number_words(int(minutes))}" if minutes and int(minutes) else ""
        return f"{number_words(int(hours))} giờ{said_minutes}"
    offset = _OFFSET.fullmatch(core)
    if offset and previous in _OFFSET_AFTER:
        letter, sign, number = offset.groups()
        return f"{_LETTER_NAMES[letter]} {'cộng' if sign == '+' else 'trừ'} {number_words(int(number))}"
    if (_CODE.fullmatch(core) and any(c.isupper() for c in core)) or re.fullmatch(r"[0-9]+(?:/[0-9]+)+", core):
        return " trên ".join(_code_part(part) for part in core.split("/"))
    if "/" in core:  # a rate: "miligam/100", "km/giờ"; a symbol's capitals spelled: "27-NQ/TW", "BM01/BNV"
        parts = (part for part in core.split("/") if part)
        return " trên ".join(_code_part(part) if _ACRONYM.fullmatch(part) else _read(part, previous) for part in parts)
    glued = _NUMBER_UNIT.fullmatch(core)
    if glued and glued.group(2).lower() in _UNITS:
        return f"{_read(glued.group(1), previous)} {_UNITS[glued.group(2).lower()]}"
    if _GROUPED.fullmatch(core):
        return number_words(int(core.replace(".", "")))
    if _DECIMAL.fullmatch(core):
        whole, fraction = core.split(",")
        return f"{number_words(int(whole))} phẩy {_fraction(fraction)}"
    if core.isascii() and core.isdigit():
        return number_words(int(core))
    if previous in _ROMAN_CONTEXT and _ROMAN_TOKEN.fullmatch(core):
        return number_words(_roman_value(core))
    if any(c.isdigit() for c in core):
        return _code_part(core)
    return lowered.replace("-", " ").replace("_", " ")


def _fraction(digits: str) -> str:
    """Digits after the decimal comma: "5" -> "năm", "05" -> "không năm", "25" -> "hai mươi lăm"."""
    if digits.startswith("0"):
        return " ".join(number_words(int(d)) for d in digits)
    return number_words(int(digits))


def _code_part(part: str) -> str:
    """`NQ-UBTVQH15` -> "en quy gạch u bê tê vê quy hát mười lăm"; digits are read as one number, a dot as
    "chấm" ("1.4" -> "một chấm bốn", as a section's number is said). Digits with a leading zero after a
    letter or next to a dot are read digit by digit, zero included ("CV04" -> "xê vê không bốn", "V.06.03" ->
    "vê chấm không sáu chấm không ba"), as a code is read out: "bốn" alone would drop the code's zero."""
    words: list[str] = []
    pieces = re.findall(r"[0-9]+|-|\.|[^\W\d_]", part)
    for i, piece in enumerate(pieces):
        previous, following = (pieces[i - 1] if i else ""), (pieces[i + 1] if i + 1 < len(pieces) else "")
        if piece == "-":
            words.append("gạch")
        elif piece == ".":
            words.append("chấm")
        elif _zero_led(piece) and (previous not in ("", "-") or following == "."):
            words.extend(number_words(int(digit)) for digit in piece)
        elif piece.isascii() and piece.isdigit():
            words.append(number_words(int(piece)))
        else:
            words.append(_LETTER_NAMES.get(piece.upper(), piece.lower()))
    return " ".join(words)


def _zero_led(piece: str) -> bool:
    return len(piece) > 1 and piece.startswith("0") and piece.isascii() and piece.isdigit()


def _roman_value(numeral: str) -> int:
    values = [_ROMAN[c] for c in numeral]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))
