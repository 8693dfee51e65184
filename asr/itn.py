"""Inverse text normalisation (ITN): spoken-form Vietnamese to the written form clerks publish.

"mười hai phẩy năm phần trăm" -> "12,5%", "khóa mười lăm" -> "khóa XV", "nghị quyết số một nghìn ba
trăm bốn mươi ba trên en quy gạch u bê tê vê quy hát mười lăm" -> "nghị quyết số 1343/NQ-UBTVQH15".

NeMo's Vietnamese grammars (`nemo-text-processing`, compiled with pynini into the model cache) read
cardinals, decimals, percentages, money, dates, times, ordinals, phone numbers and units. They follow
English conventions in places and know nothing of document numbers or Roman numerals, so a layer of
Vietnamese conventions runs on their output: decimal comma, thousands dots, sums of money in digits
("10.000.000 đồng", as legal texts write them), Roman numerals after "khóa" and "chương", digits after
labels and in lists of them ("khoản 1 2 và 3", "mẫu số 2"), counts under ten in two digits ("03 tháng",
"01 bản"), dates as Nghị định 30/2020/NĐ-CP writes them ("ngày 05 tháng 02 năm 2026", "09/01/2026"),
ordinals under ten in words, document numbers and form codes spelled letter by letter ("mẫu HK-1", "QCHK-66"),
sections numbered by a letter ("b.2"), power units in the documents' case ("110 kV"). The spoken text is first cut
where NeMo would join two numbers into one ("khoản một hai" is not 12, "ba tháng một lần" not a date).
"""

from __future__ import annotations

import contextlib
import io
import itertools
import logging
import re
import shutil
from pathlib import Path
from typing import Protocol

from asr.number_forms import SmallNumberForms
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
_SINGLE_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")

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
    "vê kép": "W",
    "ích": "X",
    "dét": "Z",
    "y": "Y",
}
"""Vietnamese names of the Latin letters, as document symbols are read out ("en quy" -> "NQ")."""

_SLASH = ("trên", "xẹt", "sẹc", "gạch chéo")
_DASH = ("gạch ngang", "gạch")
_ROMAN_AFTER = re.compile(r"\b(khóa|khoá|chương) (\d+|" + "|".join(_DIGITS) + r")\b", re.IGNORECASE)
_ONE_TO_NINE = r"(?:một|hai|ba|bốn|năm|sáu|bảy|tám|chín)"
_POINT = "(?<!thời )(?<!thí )(?<!địa )(?<!tổng )(?<!đặc )(?<!quan )điểm"
""""điểm" as a point of a list, not part of a word ("thời điểm", "địa điểm")."""
_LABELLED = re.compile(
    rf"\b(điều|khoản|{_POINT}|mục|phụ lục số|phụ lục|nhóm|bậc|mẫu số|biểu số|biểu|mẫu|hình|giai đoạn|mức độ"
    r"|cấp độ|thứ tự|số(?! năm\b))"
    rf"((?: (?:(?:và|hoặc|đến|tới) )?(?:\d+|(?!năm \d{{4}}){_ONE_TO_NINE}))+)(?!\w)"
)
"""Labels numbered in digits, lists too ("khoản 1, 2 và 3", "phụ lục 2", "giai đoạn 4", "mẫu số 3"), as
legal drafting writes them (98% of one-digit labels in the training documents); "năm" before a year is the
year's word, not a list item, and "số năm" is a number of years. Forms are numbered with two digits
("Mẫu số 03", "Biểu 02": 1793 to 271 in the training documents), as are appendices numbered with "số"
("Phụ lục số 02" 534 to 240; "Phụ lục 2" itself 1553 to 343). "điểm" before a number is a point of a list,
in digits ("điểm 3" 377 to 19 in words). "Biểu mẫu 01" (24 to 2) is not padded: on development documents it
gained nothing and lost 6 ("Biểu mẫu 2" to "Biểu mẫu 9" in one circular)."""
_PADDED_LABELS = frozenset({"mẫu số", "biểu số", "biểu", "phụ lục số"})
_COUNTED = re.compile(
    rf"(?<![\w.,/-])(\d|{_ONE_TO_NINE})"
    r" (ngày|tháng|năm(?! \d{4})|giờ|phút|bản|bộ|lần|người|thành viên|tuổi|chỗ|tấn)(?!\w)"
)
_UNPADDED = frozenset({"tuổi", "chỗ", "tấn"})
_PADDED_ONE = frozenset({"ngày", "tháng", "năm", "giờ", "phút", "bản", "bộ"})
"""Counts under ten are written in digits, as administrative documents write them; those of days, months,
years, hours, copies, sets, times, people and members with two digits ("03 tháng", "01 bản"); ages,
seats and tonnes without ("5 tuổi"). Each choice is the majority in the training documents of the legal
corpus (e.g. 1948 "0N ngày" against 110 "N ngày" and 46 in words). "một lần", "một người" stay words (the
majority there), as does a count after "ngày", "tháng", "thứ" or another digit ("thứ hai ngày", "hai ba
người")."""
_NOT_BEFORE_COUNT = frozenset(
    {"ngày", "tháng", "quý", "thứ", "mồng", "mùng", "số", "điều", "khoản", "lúc", *_SINGLE_DIGITS}
)
_DATE = re.compile(r"\b(ngày|mồng|mùng) (\d{1,2}) tháng (\d{1,2})\b")
_DAY_ALONE = re.compile(rf"\b(ngày|mồng|mùng) (\d|{_ONE_TO_NINE}) (?=(?:của|đến|hàng|hằng|đầu)\b)")
"""A day of the month without its month, "ngày 05 của tháng", "ngày 01 đến ngày 20", "ngày 01 hàng tháng": in two
digits like a date's (147 to 12 in the training documents, 1 in words)."""
_MONTH_OF_YEAR = re.compile(r"\btháng ([12]) năm (?=\d{4}\b)")
_SLASH_DATE = re.compile(
    r"(?<![\d/])(\d{1,2}|"
    + "|".join(_DIGITS)
    + r")(?:/| trên )(\d{1,2}|"
    + "|".join(_DIGITS)
    + r")(?:/| trên )(\d{4})\b"
)
"""Dates follow Nghị định 30/2020/NĐ-CP: days under ten and months 1 and 2 get a leading zero
("ngày 01 tháng 02 năm 2026", "05/01/2026"); other months do not ("ngày 15 tháng 9")."""
_RANGE = re.compile(rf"(?<![\w/-])(\d+|{_ONE_TO_NINE}) gạch (\d+|{_ONE_TO_NINE})(?![\w/-])")
"""A range read with its dash ("sáu mươi gạch bảy mươi" -> "60-70"); document symbols are read before."""
_FRACTION = re.compile(rf"(?<![\w/,.])(\d+|{_ONE_TO_NINE}) trên (\d+|{_ONE_TO_NINE})(?![\w/])")
_SAID_DECIMAL = re.compile(rf"(?<![\w/,.])(\d+|không|{_ONE_TO_NINE}) phẩy (\d+)(?![\w/,.])")
_DAY_MONTH = re.compile(r"\b(ngày|mồng|mùng) (\d{1,2})/(\d{1,2})(?![/\d])")
_SUPERSCRIPT = re.compile(r"(?<=m)[²³](?!\w)")
"""NeMo writes "m²", "cm³"; documents write "m2", "cm3" (in the training documents, 162 to 1)."""
_POWER_UNITS = {"kv": "kV", "ca vê": "kV", "kw": "kW", "kwh": "kWh", "mw": "MW"}
_POWER = re.compile(r"(?<=\d )(kwh|kw|kv|mw|ca vê)(?!\w)")
"""NeMo writes "110 kv", "30 mw"; documents write "110 kV" (494 to 29 in other cases in the training
documents), "30 MW", "50 kW", "10 kWh", and a kilovolt is often said by its letters, "một trăm mười ca vê"."""
_HORSEPOWER = re.compile(r"(?<=\d )hp\b")
_SECONDS = re.compile(r"(?<![\w.,:])(\d+(?:,\d+)?)s(?!\w)")
"""NeMo writes "30s", "0,1s"; documents write "30 giây" (79 to 0 in the training documents)."""
_HOURS = re.compile(r"(?<![\w.,:])(\d{1,2})h(?!\w)")
"""NeMo writes "8h"; documents write "08 giờ"."""
_SMALL_ORDINAL = re.compile(r"\bthứ ([1-9])\b")
_ORDINAL_WORDS = {1: "nhất", 2: "hai", 3: "ba", 4: "tư", 5: "năm", 6: "sáu", 7: "bảy", 8: "tám", 9: "chín"}
"""Ordinals under ten are written as words ("lần thứ hai", "Phần thứ ba", "kỳ họp thứ nhất"), except a
session's from the second on ("kỳ họp thứ 8")."""
_DECIMAL = re.compile(r"(?<![\d.,/:-])(\d+)\.(\d+)(?![\d.,/:-]|\.\d)")
_LONG_NUMBER = re.compile(r"(?<![\d.,/:+-])([1-9]\d{4,})(?![\d/:-]|[.,]\d)")
_THOUSAND_BEFORE_UNIT = re.compile(
    r"(?<!năm )(?<![\d.,/:+-])([1-9]\d{3})(?= (?:đồng|USD|triệu|tỷ|người|kg|tấn|mm|cm|m|km|ha|m2|m3|lít"
    r"|kilôgam|km2|cm3|kpa|kwh|gam|con|bản|chai|tờ|miếng|dân|cổ phần|học sinh|héc ta)(?!\w))"
)
"""Four-digit amounts and measures are grouped too ("3.500 kg", "1.000 đồng", "3.000 cổ phần"); years
("năm 2015") and codes ("TCVN 5945", "ISO 9001") are not. Four-digit numbers in the training documents are
grouped or not by what follows (329 to 327 overall): the words listed are those after which they are
grouped at least 90% of the time, seen grouped at least three times (e.g. "kilôgam" 18 to 0, "km2" 13 to 0,
"con" 8 to 0, "cổ phần" 3 to 0); the first ones were set before the count ("tấn" 26 to 14)."""
_CODE_NUMBER = re.compile(r"\b(?:tài khoản|iso|iec|tcvn) (?:(?:\d+|và|hoặc) )*$")
"""Numbers after these words are codes, never grouped: accounts ("tài khoản 41000201, 41000202": 490 to 0 in
the training documents), standards ("ISO 22000", "ISO/IEC 17025": 95 to 1). Not after "mã số": ranks are
grouped there ("mã số 15.002", 122 to 0)."""
_SCALE_RATIO = re.compile(r"(?<![\d.,/])1/([1-9]\d{4,})(?![\d.,/])")
"""A map's scale, "tỷ lệ 1/10.000": in the training documents 1/N is always grouped from five digits on
(56 to 0), but four-digit ones only 31 to 18, so "1/5000" stays as NeMo writes it."""
_CLASS_SAID = "(?:" + "|".join(_LETTERS) + r") (?:\d|" + "|".join(_DIGITS) + ")"
_CLASS = re.compile(rf"\b(hạng|loại|khổ giấy|khổ) ({_CLASS_SAID}(?: {_CLASS_SAID})*)(?!\w)")
"""Classes named by a letter and a digit: "hạng bê hai" -> "hạng B2", "hạng a một a hai" -> "hạng A1 A2"
(driving licences, categories), and paper sizes, "khổ giấy a bốn" -> "khổ giấy A4" (111 to 0 in the training
documents)."""
_MONEY = re.compile(r"(?<![\d.,/])(\d+) (nghìn|triệu) đồng\b")
_LIMIT = re.compile(r"(?:\bquá|\btối đa|\btrên) $")
"""Sums in digits ("10.000.000 đồng": 1,220 to 792 "10 triệu đồng" in the training documents, "500.000 đồng"
1,028 to 23), except millions after "quá", "tối đa", "trên", a limit the documents write in words ("không quá
50 triệu đồng": 286 to 105)."""
_MULTIPLIER = {"nghìn": 1000, "triệu": 1_000_000}
_RATE = re.compile(
    r"(?<=\d )(miligam|mg|gam|g|kg|tấn|lít|l|mililít|ml|mét|m|m2|m3|km|cm|mm|ha|kWh|đồng|người)"
    r" trên (\d+|giờ|phút|giây|ngày|tháng|năm)\b"
)
"""A rate or concentration: "50 miligam trên 100 mililít" -> "50 miligam/100 mililít", "30 km trên giờ"."""
_DOC_START = re.compile(rf"\b(\d+|{_ONE_TO_NINE}) ((?:" + "|".join((*_SLASH, *_DASH)) + r")) ")
"""A document number's start: a number, then a slash ("91/2015/QH13") or a dash ("27-NQ/TW", "05-HG")."""
_LETTER_SUFFIX = re.compile(
    rf"\b(điều|khoản|{_POINT}|mục|phụ lục số|phụ lục|mẫu số|mẫu|biểu số|biểu|hình) (\d+) (a|bê|xê|dê|đê|e)"
    r"(?!\w| (?:" + "|".join(_LETTERS) + r")\b)"
)
"""A label's number with a letter ("Điều 19a", "khoản 5a", "Mẫu số 06b": 1769 to 3 written apart in the
training documents; "điểm 4đ", "hình 1b", "Phụ lục số 02b": 795 to 1); a letter followed by more letters is a
symbol ("Mẫu số 05.CN"), not a suffix."""
_OPENING_LETTER_SUFFIX = re.compile(
    rf"^(\d+|{_ONE_TO_NINE}) (a|bê|xê|dê)(?!\w| tông\b| (?:" + "|".join(_LETTERS) + r")\b)"
)
"""An utterance opening with a clause's number and its letter, "một a …" -> "1a …", as lines of the training
documents open (164 glued to 9 apart)."""
_SECTION_LABELS = ("điểm", "mục", "khoản", "phần", "điều", "tiết")
_ZERO_LED = rf"không (?:không|{_ONE_TO_NINE})"
"""Two digits of a code read with their leading zero, "không bảy" -> "07" ("V.07.07.21", "CV04")."""
_SECTION_PART = rf"(?:{_ZERO_LED}|\d+|không|{_ONE_TO_NINE})"
_SECTION = re.compile(
    rf"(^|\b(?:{'|'.join(_SECTION_LABELS)}) |(?<![\w.,/])(?=(?:không )?\S+(?: chấm (?:không )?\S+){{2}}))"
    rf"({_SECTION_PART}(?: chấm {_SECTION_PART})+)(?![\w.,/])"
)
"""Sections numbered with dots ("điểm 1.4", "mục 2.5.1"; 333 after a label in the training documents) and
codes with several dots ("01.03.05"), said with "chấm"; elsewhere "chấm" between two numbers stays NeMo's
decimal point."""
_LETTER_SECTION = re.compile(
    rf"(^|\b(?:điểm|tiết|số) )({'|'.join(_LETTERS)}) chấm ({_SECTION_PART}(?: chấm {_SECTION_PART})*)(?![\w.,/])"
)
"""A section numbered by a letter and dots, said "bê chấm hai": written "b.2" opening an utterance or after
"điểm", "tiết" (1,415 to 0 in lower case in the training documents), "A.1" after "số" (754 to 2)."""
_SAID_LETTER = "(?:" + "|".join(sorted(_LETTERS, key=len, reverse=True)) + ")"
_FORM_CODE = re.compile(
    rf"\b(mẫu số|mẫu|biểu mẫu|biểu số|biểu) ((?:{_SAID_LETTER} ){{2,}}(?:gạch (?:{_SAID_LETTER} )+)*)"
    rf"gạch (\d+|{_ONE_TO_NINE})(?!\w| gạch\b| {_SAID_LETTER}\b)"
)
"""A form's code spelled out: "mẫu hát ca gạch một" -> "mẫu HK-1", "mẫu tê pê gạch quy tê vê gạch một" ->
"mẫu TP-QTV-01". In the training documents a code of two letter groups pads its number (171 to 0), one of
a single group does not agree (91 padded, 80 not), so its number is written as said."""
_GLUED_CODE = re.compile(
    rf"\b(mẫu số|mẫu|biểu số|biểu|mã số|mã|ký hiệu) ((?:{_SAID_LETTER} ){{2,}})({_ZERO_LED}|\d+)"
    r"(?!\w| chấm\b| gạch\b)"
)
"""A code of letters and digits with no dash, spelled after a label: "mẫu xê vê không bốn" -> "mẫu CV04",
"mẫu en xê u dê mười hai" -> "mẫu NCUD12"."""
_OFFSET = re.compile(
    rf"\b(ngày|tháng|năm|tuần|quý|kỳ) ({'|'.join(_LETTERS)}) (cộng |trừ |-)(\d+|không|{_ONE_TO_NINE})(?!\w)"
)
"""A period counted from a named one: "năm en trừ một" -> "năm N-1", "tháng em cộng một" -> "tháng M+1"
("năm N-1" 150 times in the training documents, "ngày T+2", "tháng T-1"); NeMo may have read "trừ mười" as
"-10" already."""
_PLAIN_LETTERS = frozenset({"bê", "xê", "dê", "đê", "ép", "giê", "pê", "quy", "ét", "tê", "vê", "en", "dét", "hát"})
"""Letter names that are not also common words ("em", "ca", "tờ", "a" are): a code said letter first needs two."""
_LETTER_LED = re.compile(r"(?<![\w/.-])(?=(?:" + "|".join(sorted(_PLAIN_LETTERS)) + r") )")
"""Where a code said letter first may start: "quy xê hát ca gạch sáu mươi sáu" -> "QCHK-66", "tê tê không
tám" -> "TT08", "hát en hai gạch mười ba" -> "HN2-13"."""
_SCALED_THOUSANDS = re.compile(r"(?<![\d.,/])([1-9]\d{0,2})000 ([1-9]\d{0,2}) (?=(?:tỷ|triệu)\b)")
"""NeMo reads "hai nghìn ba trăm tỷ" as "2000 300 tỷ"; it is 2.300 tỷ."""
_PERCENT_RATE = re.compile(r"(?<=\d%) trên (năm|tháng|ngày|giờ)\b")
"""An interest or penalty rate: "0,03%/ngày", "20%/năm" (126 to 0 in the training documents)."""


_SCALE = frozenset({"mươi", "trăm", "nghìn", "ngàn", "triệu", "tỷ"})
_DIGIT_STRING_AFTER = frozenset({"số", "gọi", "phẩy", "chấm", "cộng", "thoại", "máy", "mã", "nóng", "hotline"})
"""Words after which single digits in a row are one digit string (phone numbers, codes, decimals)."""
_SPOKEN_NUMBER = frozenset({*_SINGLE_DIGITS, "mốt", "tư", "lăm", "mười", "linh", "lẻ", *_SCALE} - {"triệu", "tỷ"})
_NUMBER_WORDS = "(?:" + "|".join(sorted(_SPOKEN_NUMBER)) + ")"
_NEMO_READS = _SPOKEN_NUMBER | {"mốt", "rưỡi", "còng"}
"""Words without which NeMo leaves a piece as it is (no number, no e-mail address): other pieces skip it."""


def _pieces(text: str) -> list[str]:
    """Cut the spoken text where NeMo would wrongly join two numbers into one, so each is read alone.

    - "năm" before a number ("năm hai nghìn"): NeMo reads 52,000, or "năm bốn mươi" as "54 mươi";
    - single digits in a row ("khoản một hai ba", "năm năm một lần"): NeMo reads them as one digit string
      (123, 551), which they are only when they hold a zero ("không chín không ...", "hai không hai lăm") or
      follow a word that introduces one ("số", "gọi", "phẩy");
    - a count of months and the number after it ("ba tháng một lần", "sáu tháng mười hai tháng"): NeMo
      reads a date ("3 tháng 1");
    - numbers either side of "trên" (slash) and "chia" (divided by): NeMo reads "hai mươi bốn trên hai mươi
      bốn" as "24/20 4", a date "một trên một trên hai nghìn" as fractions, and "năm chia mười hai" as 5/12;
      the slash is written back by `_SLASH_DATE` and `_FRACTION`;
    - a decimal whose fraction is said as a number ("không phẩy chín mươi lăm"), which NeMo cannot read;
    - "chấm" in a section's number ("điểm một chấm bốn", "mục hai chấm năm chấm một"), which NeMo reads as a
      decimal point; `_SECTION` writes it back as "1.4", and after a section's letter ("bê chấm hai").
    """
    words = text.split(" ")
    cuts = {i for i in range(1, len(words)) if _starts_a_number(words, i)}
    for i in range(1, len(words) - 1):
        if _numbers_a_letter_section(words, i):
            cuts.update((i, i + 1))  # "bê chấm hai": NeMo would read ".2"
        if words[i - 1] not in _SPOKEN_NUMBER or words[i + 1] not in _SPOKEN_NUMBER:
            continue
        if words[i] in ("trên", "chia") or (words[i] == "chấm" and _numbers_a_section(words, i)):
            cuts.update((i, i + 1))
    bounds = [0, *sorted(cuts), len(words)]
    return [" ".join(words[a:b]) for a, b in itertools.pairwise(bounds) if a < b]


def _numbers_a_letter_section(words: list[str], dot: int) -> bool:
    """Whether "chấm" at `dot` follows the letter of a section ("bê chấm hai" -> "b.2"; see `_LETTER_SECTION`)."""
    opens = dot == 1 or words[dot - 2] in ("điểm", "tiết", "số")
    return opens and words[dot] == "chấm" and words[dot - 1] in _LETTERS and words[dot + 1] in _SPOKEN_NUMBER


def _numbers_a_section(words: list[str], dot: int) -> bool:
    """Whether "chấm" at `dot` is inside a section's number: the numbers and dots before it follow a
    section label ("điểm", "mục", ...) or open the utterance (a heading "1.2. ...")."""
    start, end = dot, dot
    while start > 0 and (words[start - 1] in _SPOKEN_NUMBER or words[start - 1] == "chấm"):
        start -= 1
    while end + 1 < len(words) and (words[end + 1] in _SPOKEN_NUMBER or words[end + 1] == "chấm"):
        end += 1
    several = words[start : end + 1].count("chấm") > 1  # "01.03.05": a decimal has one point
    return several or start == 0 or words[start - 1] in _SECTION_LABELS


def _starts_a_number(words: list[str], i: int) -> bool:
    """Whether `words[i]` starts a number of its own, apart from what comes before it."""
    before, word = words[i - 1], words[i]
    if before == "tháng" and word in _SPOKEN_NUMBER:
        return _counts_months(words, i - 1)
    if before == "phẩy" and word in _SPOKEN_NUMBER:
        end = i
        while end < len(words) and words[end] in _SPOKEN_NUMBER:
            end += 1
        return any(w in _SCALE or w == "mười" for w in words[i:end])
    if before == "thứ" and word in _SPOKEN_NUMBER:
        # "thứ hai mươi": NeMo reads "thứ 2" and leaves "mươi"; ordinals from ten on are written in digits
        return word == "mười" or (words[i + 1] if i + 1 < len(words) else "") in _SCALE
    if word not in _SINGLE_DIGITS:
        return False
    if before == "năm" and (words[i + 1] if i + 1 < len(words) else "") in _SCALE:
        return True
    return before in _SINGLE_DIGITS and _separate_digits(words, i)


def _counts_months(words: list[str], month: int) -> bool:
    """Whether "tháng" at `month` follows a count ("ba tháng một lần"), not a day ("ngày ba tháng một",
    "ba mươi tháng sáu năm ...")."""
    start = month
    while start > 0 and words[start - 1] in _SPOKEN_NUMBER:
        start -= 1
    end = month + 1
    while end < len(words) and words[end] in _SPOKEN_NUMBER and (end == month + 1 or words[end] != "năm"):
        end += 1
    after = words[end] if end < len(words) else ""
    return start < month and after != "năm" and (start == 0 or words[start - 1] not in ("ngày", "mồng", "mùng"))


def _separate_digits(words: list[str], i: int) -> bool:
    """Whether the single digits `words[i - 1]` and `words[i]` are two numbers, not one digit string."""
    start = i - 1
    while start > 0 and words[start - 1] in _SINGLE_DIGITS:
        start -= 1
    end = i
    while end + 1 < len(words) and words[end + 1] in _SINGLE_DIGITS:
        end += 1
    if "không" in words[start : end + 1] or (start > 0 and words[start - 1] in _DIGIT_STRING_AFTER):
        return False  # a digit string: "không chín không ...", a year read digit by digit "hai không hai lăm"
    after = words[i + 1] if i + 1 < len(words) else ""
    if after in _SCALE and words[i] != "không":
        return True  # "... một | hai mươi": the second digit starts a number of its own
    # "tháng một năm ...": a date, which NeMo reads whole
    return not (words[i] == "năm" and start > 0 and words[start - 1] == "tháng")


class _Grammar(Protocol):
    def inverse_normalize(self, text: str, verbose: bool) -> str: ...


class InverseNormalizer:
    """Spoken-form text in, written form out; one instance per process (building the grammar takes a second)."""

    def __init__(self, cache_dir: Path, small_numbers: SmallNumberForms | None = None) -> None:
        """`cache_dir`: where the compiled grammar (`vi_itn_lower_cased.far`) is kept, under the model cache;
        `small_numbers`: how numbers from one to nine are written in context (None: the shipped counts)."""
        self.cache_dir = cache_dir
        self._grammar = _load_verified(cache_dir)
        self._small_numbers = small_numbers or SmallNumberForms.load()

    def __call__(self, text: str) -> str:
        """The written form of one utterance; text without spoken numbers comes back unchanged."""
        text = " ".join(nfc(text).split())
        if not text:
            return text
        pieces = (
            self._grammar.inverse_normalize(piece, verbose=False) if _NEMO_READS & set(piece.split()) else piece
            for piece in _pieces(text)
        )
        return self._small_numbers(vietnamese_conventions(nfc(" ".join(pieces))))


def vietnamese_conventions(text: str) -> str:
    """Rewrite NeMo's output the way Vietnamese documents write numbers (the layer NeMo lacks)."""
    text = _SCALED_THOUSANDS.sub(lambda m: str(int(m.group(1)) * 1000 + int(m.group(2))) + " ", text)
    text = _document_numbers(text)
    text = _OFFSET.sub(_offset_match, text)
    text = _LETTER_SECTION.sub(_letter_section_match, text)
    text = _FORM_CODE.sub(_form_code_match, text)
    text = _GLUED_CODE.sub(
        lambda m: f"{m.group(1)} {''.join(_LETTERS[w] for w in m.group(2).split())}{_code_digits(m.group(3))}", text
    )
    text = _letter_led_codes(text)  # after the codes a label announces: "mẫu TP-QTV-02" pads
    text = _LABELLED.sub(_labelled_match, text)
    text = _OPENING_LETTER_SUFFIX.sub(
        lambda m: f"{_DIGITS.get(m.group(1), m.group(1))}{_LETTERS[m.group(2)].lower()}", text
    )
    text = _LETTER_SUFFIX.sub(lambda m: f"{m.group(1)} {m.group(2)}{_LETTERS[m.group(3)].lower()}", text)
    text = _SUPERSCRIPT.sub(lambda m: "2" if m.group() == "²" else "3", text)
    text = _HORSEPOWER.sub("mã lực", text)
    text = _POWER.sub(lambda m: _POWER_UNITS[m.group(1)], text)
    text = _HOURS.sub(lambda m: f"{_two_digits(m.group(1))} giờ", text)
    text = _SLASH_DATE.sub(_slash_date_match, text)
    text = _FRACTION.sub(lambda m: f"{_DIGITS.get(m.group(1), m.group(1))}/{_DIGITS.get(m.group(2), m.group(2))}", text)
    text = _SAID_DECIMAL.sub(lambda m: f"{_DIGITS.get(m.group(1), m.group(1))},{m.group(2)}", text)
    text = _DAY_MONTH.sub(lambda m: f"{m.group(1)} {_two_digits(m.group(2))}/{_month(m.group(3))}", text)
    text = _RANGE.sub(lambda m: f"{_DIGITS.get(m.group(1), m.group(1))}-{_DIGITS.get(m.group(2), m.group(2))}", text)
    text = _DATE.sub(lambda m: f"{m.group(1)} {_two_digits(m.group(2))} tháng {_month(m.group(3))}", text)
    text = _DAY_ALONE.sub(lambda m: f"{m.group(1)} {_two_digits(m.group(2))} ", text)
    text = _MONTH_OF_YEAR.sub(lambda m: f"tháng {_month(m.group(1))} năm ", text)
    text = _COUNTED.sub(_counted_match, text)
    text = _ROMAN_AFTER.sub(_roman_match, text)
    text = _SMALL_ORDINAL.sub(_ordinal_match, text)
    text = _DECIMAL.sub(r"\1,\2", text)
    text = _SECONDS.sub(r"\1 giây", text)
    text = _SECTION.sub(_section_match, text)
    text = _MONEY.sub(_money_match, text)
    text = _LONG_NUMBER.sub(_long_number_match, text)
    text = _CLASS.sub(_class_match, text)
    text = _RATE.sub(r"\1/\2", text)
    text = _PERCENT_RATE.sub(r"/\1", text)
    text = _SCALE_RATIO.sub(lambda m: f"1/{_group_thousands(m.group(1))}", text)
    return _THOUSAND_BEFORE_UNIT.sub(lambda m: _group_thousands(m.group(1)), text)


def _money_match(match: re.Match[str]) -> str:
    number, unit = match.groups()
    if unit == "triệu" and _LIMIT.search(match.string, 0, match.start()):
        return match.group(0)
    return f"{int(number) * _MULTIPLIER[unit]} đồng"


def _long_number_match(match: re.Match[str]) -> str:
    code = _CODE_NUMBER.search(match.string, 0, match.start())
    return match.group(1) if code else _group_thousands(match.group(1))


def _offset_match(match: re.Match[str]) -> str:
    period, letter, sign, number = match.groups()
    return f"{period} {_LETTERS[letter]}{'+' if sign == 'cộng ' else '-'}{_DIGITS.get(number, number)}"


def _form_code_match(match: re.Match[str]) -> str:
    label, letters, number = match.groups()
    groups = ["".join(_LETTERS[w] for w in group.split()) for group in letters.split(" gạch ")]
    written = _two_digits(number) if len(groups) > 1 and (number in _DIGITS or len(number) == 1) else number
    return f"{label} {'-'.join(groups)}-{_DIGITS.get(written, written)}"


def _letter_section_match(match: re.Match[str]) -> str:
    before, letter, number = match.groups()
    written = _LETTERS[letter] if before.strip() == "số" else _LETTERS[letter].lower()
    return f"{before}{written}.{_dotted(number)}"


def _dotted(number: str) -> str:
    """A number said with "chấm" between its parts, as written: "một chấm bốn" -> "1.4", "không bảy chấm hai"
    -> "07.2"."""
    return ".".join(_code_digits(part) for part in number.split(" chấm "))


def _code_digits(said: str) -> str:
    """A code's number as said: "bốn" -> "4", "không bốn" -> "04", "21" -> "21"."""
    return "".join(str(_DIGITS.get(word, word)) for word in said.split(" "))


def _section_match(match: re.Match[str]) -> str:
    label, number = match.groups()
    return label + _dotted(number)


def _ordinal_match(match: re.Match[str]) -> str:
    value = int(match.group(1))
    session = match.string[: match.start()].endswith("kỳ họp ")
    return match.group(0) if session and value > 1 else f"thứ {_ORDINAL_WORDS[value]}"


def _labelled_match(match: re.Match[str]) -> str:
    label, items = match.groups()
    write = _two_digits if label in _PADDED_LABELS else lambda n: str(_DIGITS.get(n, n))
    return label + " ".join(write(w) if w.isdigit() or w in _DIGITS else w for w in items.split(" "))


def _counted_match(match: re.Match[str]) -> str:
    number, unit = match.groups()
    previous = match.string[: match.start()].split()[-1:] or [""]
    if previous[0] in _NOT_BEFORE_COUNT or previous[0].isdigit() or (number == "một" and unit not in _PADDED_ONE):
        return match.group(0)
    written = str(_DIGITS.get(number, number)) if unit in _UNPADDED else _two_digits(number)
    return f"{written} {unit}"


def _slash_date_match(match: re.Match[str]) -> str:
    day, month, year = match.groups()
    return f"{_two_digits(day)}/{_month(month)}/{year}"


def _two_digits(number: str) -> str:
    """A number under ten with its leading zero ("3" or "ba" -> "03")."""
    value = int(number) if number.isdigit() else _DIGITS[number]
    return f"{value:02d}"


def _month(number: str) -> str:
    value = int(number) if number.isdigit() else _DIGITS[number]
    return f"{value:02d}" if value in (1, 2) else str(value)


def _class_match(match: re.Match[str]) -> str:
    word, said = match.groups()
    parts = said.split(" ")
    classes = (
        f"{_LETTERS[letter]}{_DIGITS.get(digit, digit)}" for letter, digit in zip(parts[::2], parts[1::2], strict=True)
    )
    return f"{word} {' '.join(classes)}"


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


def _letter_led_codes(text: str) -> str:
    """A code said letter first, its letters then digits, dashes or slashes: "quy xê hát ca gạch 66" ->
    "QCHK-66", "tê tê không tám" -> "TT08". Taken only when two of its letters are not also words
    (`_PLAIN_LETTERS`) and it holds a digit; a document number that starts with its number is read before."""
    out: list[str] = []
    position = 0
    for match in _LETTER_LED.finditer(text):
        if match.start() < position:
            continue
        symbol, end, plain = _read_letter_led(text, match.start())
        if plain < 2 or not any(c.isdigit() for c in symbol):
            continue
        out.append(text[position : match.start()])
        out.append(symbol)
        position = end
    out.append(text[position:])
    return "".join(out)


def _read_letter_led(text: str, start: int) -> tuple[str, int, int]:
    """The code read from `start`: its written form, where it ends, and how many plain letter names it holds."""
    words = text[start:].split(" ")
    pieces: list[str] = []
    plain = 0
    i = 0
    while i < len(words):
        word = words[i]
        pair = " ".join(words[i : i + 2])
        last = pieces[-1][-1:] if pieces else ""
        taken = 1
        if last and not last.isdigit() and word == "không" and words[i + 1 : i + 2] and words[i + 1] in _DIGITS:
            piece, taken = _code_digits(pair), 2  # "tê tê không tám" -> "TT08"
        elif (not last or not last.isdigit()) and pair in _LETTERS:
            piece, taken = _LETTERS[pair], 2
        elif (not last or not last.isdigit()) and word in _LETTERS:
            piece = _LETTERS[word]
            plain += word in _PLAIN_LETTERS
        elif last and pair in (*_SLASH, *_DASH):
            piece, taken = ("/" if pair in _SLASH else "-"), 2
        elif last and word in (*_SLASH, *_DASH):
            piece = "/" if word in _SLASH else "-"
        elif last and re.fullmatch(r"\d+(?:-\d+)*", word):
            piece = word
        elif last and not last.isdigit() and word in _DIGITS and word not in ("không", "một"):
            piece = str(_DIGITS[word])
        else:
            break
        if not pieces and not piece.isalpha():
            break
        pieces.append(piece)
        i += taken
    while pieces and pieces[-1] in "/-":
        pieces.pop()
        i -= 1 if words[i - 1] not in ("ngang", "chéo") else 2
    if not any(c.isdigit() for c in "".join(pieces)):
        return "", start, 0
    return "".join(pieces), start + len(" ".join(words[:i])), plain


def _document_numbers(text: str) -> str:
    """`1343 trên en quy gạch u bê tê vê quy hát 15` -> `1343/NQ-UBTVQH15`: a number, a slash, then a symbol;
    `27 gạch en quy trên tê vê` -> `27-NQ/TV`: a number, a dash, then a symbol that starts with a letter.

    Only taken as a document number when the symbol holds a spelled letter; "17/21" stays a fraction. A
    number under ten gets a leading zero ("05/2003/QH11"), as Nghị định 30/2020/NĐ-CP sets.
    """
    out: list[str] = []
    position = 0
    for match in _DOC_START.finditer(text):
        if match.start() < position:
            continue
        symbol, end = _read_symbol(text, match.end())
        dash = match.group(2) in _DASH
        if not any(c.isalpha() for c in symbol) or (dash and not symbol[:1].isalpha()):
            continue  # "17/21" is a fraction, "3-5" a range
        out.append(text[position : match.start()])
        number = match.group(1)
        written = _two_digits(number) if len(number) == 1 or number in _DIGITS else number
        out.append(f"{written}{'-' if dash else '/'}{symbol}")
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
        if pair in _LETTERS and not (pieces and pieces[-1][-1:].isdigit()):
            piece, taken = _LETTERS[pair], 2  # "vê kép"
        elif pair in _SLASH or pair in _DASH:
            piece, taken = ("/" if pair in _SLASH else "-"), 2
        elif word in _SLASH or word in _DASH:
            piece, taken = ("/" if word in _SLASH else "-"), 1
        elif word in _LETTERS and not (pieces and pieces[-1][-1:].isdigit()):
            piece, taken = _LETTERS[word], 1  # never right after digits: "25/10/2010 quy định" is a date
        elif re.fullmatch(r"\d+", word):
            piece, taken = word, 1
        elif word in _DIGITS and word not in ("không", "một") and pieces and pieces[-1][-1:].isalpha():
            # "quy hát mười ba" -> "QH13"; "không" after a symbol is "not", "một" the article ("một số")
            piece, taken = str(_DIGITS[word]), 1
        else:
            break
        if piece[0].isdigit() and pieces and pieces[-1][-1:].isalpha() and _slash_follows(words, i + taken):
            break  # "3/TS 4/TS": the number starts the next document number
        pieces.append(piece)
        consumed += sum(len(w) + 1 for w in words[i : i + taken])
        i += taken
    while pieces and pieces[-1] in "/-":
        consumed -= len(words[i - 1]) + 1
        i -= 1
        pieces.pop()
    symbol = "".join(pieces)
    return symbol, start + max(consumed - 1, 0)


def _slash_follows(words: list[str], i: int) -> bool:
    return i < len(words) and (words[i] in _SLASH or " ".join(words[i : i + 2]) in _SLASH)


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
