"""Vietnamese readers of the minutes' slots: numbers as digits, vote counts and results, deadlines; and the
cue phrases of votes and conclusions, which the sentence classifier (`minutes.classifier`) takes as features.

Matching is case- and diacritic-insensitive: sentences are folded with `core.text.strip_diacritics`
(ASR output and typed text differ in accents and case), and the folded text keeps the length of
the original, so a span found in it is cut from the original with its accents. Spoken numbers
("bốn mươi lăm", "năm hai nghìn không trăm hai mươi sáu") are read as digits first, as recognisers
write them out (`folded_digits`).

Procedural speech (calls to vote, conclusions) comes from the chair; `chair` tells the functions who
is speaking.
"""

from __future__ import annotations

import calendar
import functools
import re
from collections import defaultdict
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from core.text import nfc, strip_diacritics


@functools.lru_cache(maxsize=16384)
def fold(text: str) -> str:
    """Lower case without diacritics, of the same length as `nfc(text)` (so spans map back)."""
    text = nfc(text)
    folded = strip_diacritics(text).lower()
    if len(folded) == len(text):
        return folded
    return "".join((strip_diacritics(c).lower() or " ")[:1] for c in text)


# --- spoken numbers ---------------------------------------------------------------------------------

_DIGITS = {"mot": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4, "nam": 5, "lam": 5, "nham": 5}
_DIGITS |= {"sau": 6, "bay": 7, "tam": 8, "chin": 9}
_THOUSAND = ("nghin", "ngan")
_TENS = ("muoi", "chuc")
""""bốn mươi", and "bốn chục" as speakers say it ("năm chục hộ", "một trăm hai chục")."""
_NUMBER_WORDS = {*_DIGITS, *_TENS, "tram", "linh", "le", *_THOUSAND}
_KIND_SAID = r"(?:khong )?(?:dong y|tan thanh|nhat tri)|khong bieu quyet|phan doi"
"""A kind a lone digit word counts ("năm đồng ý, một không đồng ý"), unless a person is called by it ("cô Năm đồng
ý", `_BIRTH_ORDER_NAME`)."""
_COUNTED = re.compile(
    r"(dai bieu|dong chi|thanh vien|uy vien|dang vien|doan vien|hoi vien|xa vien|co dong|phieu|nguoi|y kien|ho|chi"
    rf"|anh|ban|{_KIND_SAID}|phan tram"
    r"|tren (?:mot|hai|ba|bon|tu|nam|sau|bay|tam|chin|muoi|\d))\b"
)
_BALLOTS_WHOLE = re.compile(r"\b(?:phat ra|thu ve|thu vao|hop le)\s*:?\s*$")
"""Ballots handed out, returned or valid ("số phiếu phát ra sáu"): a lone digit word after them is their number."""
_WORD = re.compile(r"\S+")
_NUMBER_SAID = frozenset(
    {
        "một", "mốt", "hai", "ba", "bốn", "tư", "năm", "lăm", "nhăm", "sáu", "bảy", "bẩy", "tám", "chín", "mười",
        "mươi", "chục", "trăm", "linh", "lẻ", "nghìn", "ngàn", "không",
    }
)  # fmt: skip
"""Number words as said, with their tones: where a text has its tones, a word that only folds like one ("tạm ứng",
"như sau", "bà con", "anh Hải") is none (`_misread`, `folded_digits`)."""
_PUNCTUATION = ",.;:!?"


def _value(words: list[str]) -> int:
    """ "hai nghin khong tram hai muoi sau" -> 2026."""
    thousands, value, last = 0, 0, None
    for k, word in enumerate(words):
        if word == "lam" and k and words[k - 1] in _DIGITS and words[k - 1] not in ("lam", "nam") and last:
            value, last = value + last * 10, 5  # "hai lăm" (25), "bốn lăm" (45): "lăm" only ever follows a ten
        elif word in _DIGITS:
            last = _DIGITS[word]
        elif word == "khong":
            last = 0
        elif word in (*_TENS, "tram"):
            value += (1 if last is None else last) * (100 if word == "tram" else 10)
            last = None
        elif word in _THOUSAND:
            thousands += (value + (last or 0)) or 1
            value, last = 0, None
    return thousands * 1000 + value + (last or 0)


def _number_word(tokens: Sequence[re.Match[str]], j: int, start: int) -> bool:
    """Whether token `j` goes on the number begun at `start`: "không" only as a zero ("không trăm", after
    "nghìn"), "nghìn" only after a number word."""
    word = tokens[j].group().strip(",.;:")
    if word == "khong":
        after = tokens[j + 1].group().strip(",.;:") if j + 1 < len(tokens) else ""
        return j > start and (after == "tram" or tokens[j - 1].group().strip(",.;:") in _THOUSAND)
    if word in _THOUSAND:
        return j > start
    ballots = _BALLOTS_WHOLE.search(tokens[start].string, 0, tokens[start].start()) is not None
    if ballots and j == start + 1 and word == tokens[start].group().strip(",.;:"):  # "thu về sáu sáu phiếu": two
        return False  # numbers, the count after the ballots returned; "hai sáu" (26), "ba mốt" (31) are one
    if word == "tram" and j == start and j > 0 and tokens[j - 1].group() == "phan":  # "tám phần trăm": per cent
        return False
    if word in ("lam", "nham") and j == start:  # "lăm" only ever follows a ten: "chia làm ba ca" counts nothing
        return False
    if word == "sau" and j == start and j > 0 and tokens[j - 1].group() == "nhu":  # "kết quả như sau: tán thành …"
        return False  # announces what follows, no six
    if word == "chuc":  # "bốn chục", never "tổ chức"
        return j > start and tokens[j - 1].group().strip(",.;:") in _DIGITS
    if word == "nam":  # "tháng một năm hai nghìn …", "quý một năm 2026": "năm" (year) ends or starts nothing
        before = tokens[j - 1].group().strip(",.;:") if j > start else ""
        after = tokens[j + 1].group().strip(",.;:") if j + 1 < len(tokens) else ""
        if (j > start and before not in (*_TENS, "tram", "linh", "le")) or (j == start and after in _DIGITS):
            return False
    return word in _NUMBER_WORDS


def spoken_numbers(folded: str) -> str:
    """Write spoken counts as digits in folded text: "bon muoi lam dai bieu" -> "45 dai bieu".

    A lone digit word counts only before a counted noun ("nam dai bieu"), so "trong nam nay" and
    "dau tu" keep their words. The result is for matching numbers only; spans are not cut from it.
    """
    out: list[str] = []
    position = 0
    tokens = list(_WORD.finditer(folded))
    i = 0
    while i < len(tokens):
        j = i
        while j < len(tokens) and _number_word(tokens, j, i):
            j += 1
            if tokens[j - 1].group().rstrip(_PUNCTUATION) != tokens[j - 1].group():
                break  # "bảy trên chín, hai không đồng ý": the number ends at its punctuation
        words = [t.group().strip(",.;:") for t in tokens[i:j]]
        after = folded[tokens[j - 1].end() :].lstrip() if j > i else ""
        whole = _BALLOTS_WHOLE.search(folded, 0, tokens[i].start()) is not None
        if j > i and words[0] not in ("linh", "le") and (j - i >= 2 or _COUNTED.match(after) or whole):
            out.append(folded[position : tokens[i].start()] + str(_value(words)))
            position = tokens[j - 1].start() + len(tokens[j - 1].group().rstrip(_PUNCTUATION))  # "hai mươi mốt,"
            i = j
        else:
            i += 1
    out.append(folded[position:])
    return "".join(out)


_MONTH_NAMES = {"gieng": "1", "chap": "12"}
"""The months called by name ("mùng 10 tháng Giêng", "trước 20 tháng Chạp")."""
_HIGHEST = {"thang": 12, "ngay": 31, "mung": 31, "mong": 31}
"""The highest number a month or a day can be: a spoken number after "tháng" or "ngày" ends before a word that would
pass it ("tháng mười năm nay": "năm" is the year)."""


def _date_value(words: list[str]) -> int:
    """A spoken day or month: `_value`, and two digit words said as tens and units ("hai sáu" 26, "ba mốt" 31), as
    speakers shorten a date's number (a count's "hai ba người" is two or three, so `_value` reads no such pair)."""
    if len(words) == 2 and words[0] in _DIGITS and words[0] not in ("mot", "lam", "nam") and words[1] in _DIGITS:
        return _DIGITS[words[0]] * 10 + _DIGITS[words[1]]
    return _value(words)


def spoken_dates(folded: str) -> tuple[str, list[tuple[int, int]]]:
    """Days and months spoken after "ngay"/"mung"/"thang", or a day right before "thang" and its month ("tháng này"
    too), written as digits ("ngay muoi lam thang chin" -> "ngay 15 thang 9", "han cuoi ba muoi thang muoi" ->
    "han cuoi 30 thang 10"), and for each character of the result the span of `folded` it stands for (to cut spans
    back). A word's punctuation ("tháng mười.") is no part of it; a lone "tu" is "từ" (from: "ngay từ", "từ tháng
    sáu"), never a fourth day ("ngày mười tư" is the 14th, "tháng tư" April); "ngay sau khi", "ngay sau đó" is right
    after, no sixth day."""
    out: list[str] = []
    where: list[tuple[int, int]] = []
    tokens = list(_WORD.finditer(folded))
    said = [t.group().strip(_PUNCTUATION) for t in tokens]
    ends = [t.start() + len(t.group().rstrip(_PUNCTUATION)) for t in tokens]
    position, i = 0, 0
    while i < len(tokens):
        j = i
        highest = _HIGHEST.get(said[i - 1], 0) if i > 0 else 0
        while j < len(tokens) and _number_word(tokens, j, i):
            if highest and _date_value(said[i : j + 1]) > highest:
                break  # "tháng mười năm nay": October this year, no month 15
            j += 1
            if tokens[j - 1].group() != said[j - 1]:
                break  # "… tháng mười. Năm …": the number ends at its punctuation
        year = i > 0 and said[i - 1] == "nam" and any(w in _THOUSAND for w in said[i:j])
        day_tu = said[i:j] == ["tu"] and (i == 0 or said[i - 1] != "thang")  # "từ tháng sáu", "ngay từ": no 4th
        right_after = said[i:j] == ["sau"] and j < len(said) and said[j] in ("khi", "do")  # "ngay sau khi": after
        after_unit = i > 0 and said[i - 1] in ("ngay", "thang", "mung", "mong") and not day_tu and not right_after
        before_hour = j < len(tokens) and said[j] == "gio" and said[i:j] != ["bay"]  # "mười giờ"; "bây giờ" is now
        month = said[j + 1] if j + 1 < len(tokens) and said[j] == "thang" else ""
        before_month = (
            bool(month) and (_number_word(tokens, j + 1, j + 1) or month in ("nay", "ni", "toi")) and not day_tu
        )
        by_digit = _year_by_digits(tokens, i) if i > 0 and said[i - 1] == "nam" else None
        if by_digit is not None:  # "năm hai không hai sáu": a year said digit by digit
            out.extend(folded[position : tokens[i].start()])
            where.extend((k, k + 1) for k in range(position, tokens[i].start()))
            out.extend(by_digit)
            where.extend([(tokens[i].start(), ends[i + 3])] * 4)
            position, i = ends[i + 3], i + 4
        elif j > i and (after_unit or year or before_month or before_hour) and said[i] not in ("linh", "le"):
            out.extend(folded[position : tokens[i].start()])
            where.extend((k, k + 1) for k in range(position, tokens[i].start()))
            digits = str(_date_value(said[i:j]))
            out.extend(digits)
            where.extend([(tokens[i].start(), ends[j - 1])] * len(digits))
            position, i = ends[j - 1], j
        elif i > 0 and said[i - 1] == "thang" and said[i] in _MONTH_NAMES:  # "tháng Giêng", "tháng Chạp"
            out.extend(folded[position : tokens[i].start()])
            where.extend((k, k + 1) for k in range(position, tokens[i].start()))
            digits = _MONTH_NAMES[said[i]]
            out.extend(digits)
            where.extend([(tokens[i].start(), ends[i])] * len(digits))
            position, i = ends[i], i + 1
        else:
            i = max(j, i + 1)
    out.extend(folded[position:])
    where.extend((k, k + 1) for k in range(position, len(folded)))
    return "".join(out), where


def _year_by_digits(tokens: Sequence[re.Match[str]], i: int) -> str | None:
    """ "hai không hai sáu" at token `i` -> "2026": four digit words, the first "hai" (a year of this century)."""
    words = [t.group().strip(",.;:") for t in tokens[i : i + 4]]
    digits = {**_DIGITS, "khong": 0}
    if len(words) < 4 or words[0] != "hai" or not all(w in digits for w in words):
        return None
    return "".join(str(digits[w]) for w in words)


_DIGIT_AFTER = re.compile(
    r"\b((?:tan thanh|dong y|nhat tri|bieu quyet|phieu trang|phieu chong|phan doi|y kien)(?: thi| co| chi co| chi|:)?"
    r"|la|gio tay|khong dat|\d+ tren)"
    r" (mot|hai|ba|bon|tu|nam|sau|bay|tam|chin)\b(?! phan)(?!(?<=ba) con\b)"
    r"(?! (?:ca|ben|phuong an|noi dung|van de|dot|buoi|lan|muc|diem)\b)"
)
"""A lone digit word right after what it counts ("số phiếu không đồng ý một", "không tán thành thì hai", "phiếu trắng
một", hands raised:
"ai đồng ý giơ tay tám") or as the whole of a count ("chín trên chín"): a count; not a fraction ("hai phần ba") nor
"bà con" ("không đồng ý một còn …" is a count), nor what is agreed on ("nhất trí ba ca", "đồng ý hai phương án")."""


_BIRTH_ORDER_NAME = re.compile(
    r"\b(?:ông|bà|anh|chị|cô|chú|bác|cụ|dì|thím|mợ|cậu|o)\s+(hai|ba|tư|năm|sáu|bảy|tám|chín|mười)\b"
    r"(?!\s+(?:một|mốt|hai|ba|bốn|tư|năm|lăm|nhăm|sáu|bảy|tám|chín|mươi|chục|trăm|nghìn|ngàn|linh|lẻ)\b)",
    re.IGNORECASE,
)
"""A person called by birth order after a kinship word ("anh Sáu làm tổ trưởng", "hộ bà Tư", "ông Ba"): a name,
not a count, unless more number words or who is counted follow ("các anh chị hai mươi người")."""


def _birth_order_names(text: str, folded: str) -> str:
    """`folded` (of `text`, the same length) with each name of `_BIRTH_ORDER_NAME` capitalised, so no number reader
    takes it for a count."""
    for m in _BIRTH_ORDER_NAME.finditer(text):
        counted = _COUNTED.match(folded, m.end() + 1)
        if counted is None or re.fullmatch(_KIND_SAID, counted.group()):  # "cô Năm đồng ý": she agrees
            folded = folded[: m.start(1)] + folded[m.start(1)].upper() + folded[m.start(1) + 1 :]
    return folded


_SAID_WORD = re.compile(r"[^\W\d_]+")


def _toneless(text: str, folded: str) -> tuple[str, frozenset[str]]:
    """`folded` (of `text`, the same length) with each word that folds like a number word but is said with other tones
    capitalised, so no number reader takes it for one ("đồng ý tạm ứng" is no "đồng ý tám"), and those words; a text
    typed without tones keeps them all."""
    if text.isascii():
        return folded, frozenset()
    masked = set()
    for m in _SAID_WORD.finditer(text):
        word = folded[m.start() : m.end()]
        if (word in _NUMBER_WORDS or word == "khong") and m.group().lower() not in _NUMBER_SAID:
            folded = folded[: m.start()] + word.capitalize() + folded[m.end() :]
            masked.add(word.capitalize())
    return folded, frozenset(masked)


_NUMBER_GOES_ON = frozenset({"tram", "nghin", "ngan", "linh", "le", "khong"})
"""What "mười" (ten) may follow in one number ("một trăm mười", "hai nghìn không trăm mười")."""
_BREAK = "\x00"


def _said_apart(text: str, folded: str) -> str:
    """`folded` with the numbers said one after another set apart, as the tones tell (a break, `_BREAK`, between):
    "mười" (ten; not "mươi", the tens of "bốn mươi") right after a number word but "trăm", "nghìn", "linh", a number
    said again or counted aloud ("mười bốn mười bốn hộ", "… chín mười mười một mười hai mười ba hộ"); "một" right
    after a digit ("không đồng ý bảy một phiếu trắng"). "mốt" after a digit is its tens' one: "hai mốt" is 21."""
    if text.isascii():
        return folded
    edits: list[tuple[int, str]] = []
    previous = ""
    for m in _SAID_WORD.finditer(text):
        said = m.group().lower()
        ten_again = said == "mười" and previous in _NUMBER_WORDS and previous not in _NUMBER_GOES_ON
        if ten_again or (said == "một" and previous in _DIGITS):
            edits.append((m.start(), _BREAK + " "))
        elif said == "mốt" and previous in _DIGITS:
            edits.append((m.start(), "muoi "))
        previous = fold(m.group())
    for start, inserted in reversed(edits):
        folded = folded[:start] + inserted + folded[start:]
    return folded


_NO_NGHE = re.compile(r"\b[Nn]ỏ\b")
""""Nỏ", not as Nghệ An and Hà Tĩnh say it ("nỏ đồng ý", "nỏ có ai"): read as "không"."""
_THOUSANDS = re.compile(r"(?<![\d.,])\d{1,3}(?:\.\d{3})+(?![.,]?\d)")
"""A number written with its thousands apart ("4.812.300 cổ phần", as shares are counted): one number."""


@functools.lru_cache(maxsize=8192)
def folded_digits(text: str) -> str:
    """`text` folded, spoken days, months, years and counts written as digits: what the classifier and the slot
        readers see. The one place numbers are read: when the transcript's own inverse text normalisation lands
        (nemo-text-processing's Vietnamese grammar, under asr/ or core/), this is the function to swap. A person called
        by birth order ("anh Sáu") keeps the word, capitalised (`_birth_order_names`); a word said with other tones than
    the number it folds like is none (`_toneless`)."""
    text = _NO_NGHE.sub(lambda m: "Không" if m.group()[0] == "N" else "không", nfc(text))
    toneless, masked = _toneless(text, fold(text))
    folded = _said_apart(text, _birth_order_names(text, toneless))
    folded = spoken_numbers(spoken_dates(folded)[0]).replace(_BREAK + " ", "")
    folded = _DIGIT_AFTER.sub(lambda m: f"{m.group(1)} {_DIGITS[m.group(2)]}", folded)
    if masked:  # the words that only fold like numbers go back to lower case, as the other readers know them
        folded = re.sub(rf"\b(?:{'|'.join(sorted(masked))})\b", lambda m: m.group().lower(), folded)
    return _THOUSANDS.sub(lambda m: m.group().replace(".", ""), folded)


# --- votes ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VoteCue:
    """A call to vote or a result; counts are None where they were not spoken."""

    in_favour: int | None = None
    against: int | None = None
    abstain: int | None = None
    total: int | None = None
    passed: bool | None = None
    call: bool = False
    """The chair calls a vote here: a new vote begins, even right after another."""
    asks: str | None = None
    """The kind the call asks to count ("Vị nào không tán thành?"): asking the rest of a vote begins none."""

    @property
    def has_counts(self) -> bool:
        return any(n is not None for n in (self.in_favour, self.against, self.abstain, self.total))

    @property
    def tally(self) -> bool:
        """A full result (in favour and against or the whole), as the vote-counting board reads it."""
        return self.in_favour is not None and (self.against is not None or self.total is not None)


_CARDS = r"(?:tay|the(?! (?:nao|nay|thi|la|ni|kia|do)\b))"
"""What is raised to vote: hands, or members' cards ("Ai đồng ý xin giơ thẻ hội viên.", "46 trên 46 hội viên giơ
thẻ"); "bây giờ thế nào" folds alike and is none."""
_VOTE_CALL = re.compile(
    r"(de nghi|xin moi|moi) cac (vi |dong chi |)(dai bieu |thanh vien |dong chi )?(\w+ ){0,2}?"
    r"(bieu quyet|cho y kien bieu quyet)"
    r"|\b(dong chi|dai bieu|ai|vi) nao (tan thanh|khong tan thanh|khong bieu quyet)"
    rf"|(?<!bay )\bgio {_CARDS}\b|\bbieu quyet (bang|thong qua|thong nhat)|(?<!toan )(?<!ca )\b(?:bo|ghi) phieu\b"
    r"|\b(?:lay|xin|cu|minh|ta) bieu quyet\b|\bbieu quyet (?:luon|nhe|nghen|nhen|nha|di)\b"
)
"""A call to vote: the chair asks for it ("đề nghị các đồng chí biểu quyết", "Tôi xin lấy biểu quyết.", "mình biểu quyết
luôn nghen", "thôi cứ biểu quyết cho khách quan"), asks a kind, or hands or ballots ("mời các thành viên ghi phiếu")."""
_PRESS = re.compile(r"\bbấm\b(?! (?:sát|chặt)\b)", re.IGNORECASE)
"""Buttons pressed to vote ("Mời bấm nút.", "mấy anh chị bấm giùm"): a call, with diacritics ("bám sát" folds alike)."""
_ASKS_NOW = re.compile(r"(?:\s+[^\W\d]+){0,8}?\s*\?|(?:\s+(?:khong|chua|a|nhi))?\s*[.!]?\s*$")
"""A kind asked as the question itself ("Ai đồng ý?", "… hộ nào đồng ý" ending the turn, "có ai không đồng ý không"):
a call; not a condition
with its own request ("bộ phận nào đồng ý tổ chức tham quan thì đăng ký với chị Vân")."""
_FLOOR_HANDS = re.compile(r"\b(?:phat bieu|dang ky (?:phat bieu|y kien)|(?:muon|xin) noi|(?<!khong )co y kien)\b")
"""Hands raised to ask for the floor ("mời bà con phát biểu ý kiến ai có ý kiến thì giơ tay", "ai muốn nói thì giơ
tay"): no call to vote."""
_VOTE_PASSED = re.compile(
    r"\b(?:da|duoc)(?: \w+){0,5}? (?:thong qua|chap thuan)\b|\bthong qua (?:\w+ ){0,12}?voi (?:\d|ty le)"
    r"|\b(?:nhat tri|thong nhat) thong qua\b|\bbieu quyet thong nhat\b"
    r"|\b(?:the|vay|rua)(?: la)?(?:,? (?!bieu\b|de\b|xin\b|moi\b|hay\b|se\b)\w+){0,4}?,? thong qua\b"
    r"|\b(?:trung cu|dac cu|trung tuyen)\b|\bdat qua ban\b|\b(?<!khong )(?<!chua )dat (?:tren |du )?(?:hai|2) phan ba\b"
    r"|\d (?:dong y|tan thanh|nhat tri) thong qua\b|\bduoc (?:bau|mien nhiem|bai nhiem|ket nap)\b"
    r"|\b(?:dong y|tan thanh|nhat tri)[,;]? (?!(?:de nghi|xin|moi|cho|bieu quyet|hay|se)\b)(?:[^\W\d]+ ){1,4}?"
    r"thong qua(?=\s*[.;!]|\s*$)"
)
"""A result said in words ("đã được thông qua", "trúng cử", "đạt quá bán"), or the motion said passed after its
count ("6 trên 6 đồng ý, việc thứ nhất thông qua.")."""
_VOTE_PASSED_WEAK = re.compile(
    r"\bqua (?:ban|nua)\b|\bdat ty le\b|\bdu (?:ty le|so phieu)\b|\bda so (?:dong y|tan thanh|nhat tri)\b"
    r"|\bdat (?:tren )?\d+(?:(?:[,.]| phay )\d+)? ?(?:phan tram|%)\W+(?:nen |vi vay |do do )?(?:du dieu kien|duoc)\b"
)
"""A result said as a threshold reached ("quá bán", "đạt tỷ lệ", "đủ tỷ lệ"): a vote's only beside its counts or
vote words ("đạt tỷ lệ 95% kế hoạch" is none); "đủ điều kiện" is left out, as what is voted on says it too ("biểu
quyết về việc đủ điều kiện trình …") unless a share reached leads to it ("đạt 93%, đủ điều kiện triển khai", "đạt
trên 70% nên được đề nghị khen thưởng", spoken "đạt tám mươi lăm phẩy bảy phần trăm đủ điều kiện"). A share alone
("13 trên 13 tán thành, đạt 100 phần trăm") says no result: it is a count, and the gold gives `passed` only where the
outcome is said (tests/data/minutes/CONVENTIONS.md)."""
_VOTE_WORDS = re.compile(r"\b(?:bieu quyet|phieu|tan thanh|dong y|nhat tri|thong qua|trung cu|dac cu|trung tuyen)\b")
_TOTAL_WORDS = re.compile(
    r"\b(?:bieu quyet|phieu|ket qua|qua ban|qua nua)\b|^\W*tren (?:tong so )?\d|^\W*tong so\s*:?\s*\d+\W*$"
)
"""A whole said alone is a vote's ("Số đại biểu tham gia biểu quyết: 56.", the counts in the next sentence) beside
these words only, or when it goes on from the counts before it ("… không có ý kiến 0; trên tổng số 16 thành viên có
mặt.", cut at the semicolon)."""
_NOT_YET = r"(?:khong|chua|hong|chang)"
"""Not or not yet, as the North and the South say it ("không", "chưa", "chẳng"; "hổng", "hông")."""
_VOTE_FAILED = re.compile(
    rf"\b{_NOT_YET} (?:duoc|dat)(?: \w+){{0,3}}? (?:thong qua|chap nhan|chap thuan)\b|\b{_NOT_YET} thong qua\b"
    rf"|\b{_NOT_YET} (?:dat|duoc) (?:qua (?:ban|nua)|ty le|so phieu|(?:du )?(?:hai|2) phan ba)\b|\bbi bac\b"
    rf"|\b{_NOT_YET} du (?:so phieu|ty le|qua)"
    rf"|\b{_NOT_YET} (?:trung cu|dac cu|trung tuyen)\b"
)
_PAST = re.compile(
    r"\b(?:ky hop|cuoc hop|phien hop|hoi nghi|dai hoi|nam hoc|thang|nam|lan|hom|dot|buoi hop) (?:truoc|ngoai)\b"
    r"|\bnhac lai\b|\btruoc day\b|\bvua qua\b|\bvao nam \d{4}\b"
)
_VOTED = re.compile(r"\bda (?:\w+ ){0,3}?(?:bieu quyet|thong qua|bo phieu|bau)\b")
_NO_VOTE_HERE = re.compile(
    r"\b(?:thong qua|trung cu) khi\b|\b(?:dong y|tan thanh|nhat tri|phan doi|chong) la (?:vi|do|boi vi|tai vi)\b"
    r"|^(?:(?!bieu quyet).)*\b(?:xin|thu ky) thong qua (?:chuong trinh|du thao|bien ban)\b(?!.*bieu quyet)"
    r"|\b(?:phai|can|can phai|moi) (?:duoc|dat|co)(?: \w+){0,3}? (?:qua (?:ban|nua|mot nua)|(?:hai|2) phan ba"
    r"|tu \d+ ?(?:%|phan tram))"
    r"|\bneu\b[^.;?]{0,60}\b(?:qua (?:ban|nua)|trung cu|thong qua|dat|du)\b[^.;?]{0,40}\bthi\b"
)
"""The rule a vote follows ("Theo quy định, nghị quyết được thông qua khi …", "người trúng cử phải được quá nửa số phiếu
hợp lệ", "nếu cả hai cùng quá bán thì lấy người cao phiếu hơn") or a text read out ("tôi xin thông qua
chương trình"): no vote of this meeting, whatever its words; and so is a vote of an earlier meeting recalled
(`_PAST` and `_VOTED`: "Cuộc họp trước, bà con đã biểu quyết …", "năm ngoái … đã thông qua"), or a count recalled to
explain it ("ba phiếu không đồng ý là do …")."""
_NO_BALLOTS = r"(?! ?(?:phan tram|%|can|ky|kg|kilo|lit|yen|dong|nghin|trieu)\b)"
"""After "đạt" a share, a weight or a price ("không đạt bảy nghìn một cân"), never a number of ballots."""
_POLARITY = re.compile(
    r"(?P<against>(?:khong|\bhong|\bchang) (?:tan thanh|dong y|nhat tri|chap thuan)\b|\bphieu chong\b|\bchong\b"
    rf"|\bphan doi\b|(?:khong|\bhong|\bchang) dat(?= \d+\b{_NO_BALLOTS}|(?<=phieu khong dat)\s*(?:[,.;]|$)))"
    r"|(?P<abstain>(?:khong|\bhong|\bchang) (?:tham gia )?bieu quyet|\bphieu trang\b|\btrang(?=\s*:?\s*\d)"
    r"|(?<=\d )trang\b|(?:khong|chua|\bhong|\bchang) (?:co |ghi )?y kien"
    r"(?! (?:khong |hong |chang )?(?:tan thanh|dong y|nhat tri|phan doi|bieu quyet)\b)"
    rf"|(?:khong|chua|\bhong|\bchang) gio\b(?: (?:cao )?{_CARDS}\b)?(?! (?:len|cao)\b))"
    r"|(?P<in_favour>(?:tan thanh|dong y|nhat tri|chap thuan)\b|(?<!thoa )\bthuan\b|\bphieu bau\b"
    rf"|(?<!khong )(?<!hong )(?<!bay )\bgio (?:cao )?{_CARDS}\b|(?<=\btay )gio (?:len|cao)\b"
    r"|\b(?:duoc|dat)(?= \d+(?:\s*(?:/|tren)\s*\d+)? phieu\b"
    r"(?! (?:khong |hong |chang )?(?:dong y|tan thanh|nhat tri|chap thuan|thuan|chong|trang)\b))"
    r"|(?<=\d )phieu\b(?! (?:chong|trang|thuan|bau|khong|hong|chang|tan thanh|dong y|nhat tri|hop le|phat ra|thu ve"
    r"|thu vao|dat|trong|de|ghi|gach)\b)"
    r"|\b(?:duoc|dat)(?= \d+\s*(?:/|tren)\s*\d+(?: (?:dong chi|dai bieu|thanh vien|uy vien|nguoi|ho))?"
    r"(?:\s*[,.;]|\s*$))"
    r"|\b(?:trung cu|dac cu|trung tuyen|thong qua) voi(?= \d+(?:\s*(?:/|tren)\s*\d+)? phieu\b)"
    r"|(?:^|(?<=[,;:.] )|(?<=\bvay )|(?<=\bthe la )|(?<=\brua ))voi(?= \d+(?:\s*(?:/|tren)\s*\d+)? phieu\b"
    r"(?! (?:chong|trang|khong|hong|tan thanh|dong y|nhat tri|thuan)\b))"
    rf"|(?<=\bphieu )dat(?= \d+\b{_NO_BALLOTS}|\s*[,.;]|\s*$))"
)
"""How each count is said (the negatives first: "không tán thành" is not "tán thành", nor Southern "hổng đồng ý", "hông
biểu quyết"; "trắng" only beside its count: "12 hộ mất trắng" is none; a ballot's "không ghi ý kiến" abstains); a
candidate "được 33 phiếu", "đồng chí Bình 19/21 phiếu" (ballots, no kind after them, `_BALLOTS_HANDLED` left out) or
"đắc cử với 33 phiếu" is counted in favour, and so is a motion "chỉ được 3 trên 7", and
so are hands raised ("23 cánh tay giơ lên"), and so is the number of ballots a clause opens with ("Như vậy, với
18/20 phiếu, đề án được thông qua"); a pass-or-fail ballot counts "phiếu đạt 8", "không đạt 1" (only beside a count:
"không đạt quá bán" is an outcome, "búp không đạt bảy nghìn một cân" a price)."""
_LABELS = (
    "dieu", "khoan", "muc", "thu", "nam", "ngay", "thang", "lan", "thon", "so", "nha", "to", "khu", "xom", "ap",
    "ky", "khoa",
)  # fmt: skip
_NUMBER_OF_PEOPLE = (
    r"(?<![\d,./])" + "".join(f"(?<!{label} )" for label in _LABELS) + r"(?<!phuong an )(?<!noi dung )(?<!phay )"
    r"(\d+)(?:\s*(?:/|tren(?: tong so)?)\s*(\d+))?(?![\d%]|[,.]\d| phay \d)"
    r"(?! ?(?:phan tram|%|ty|trieu|nghin|dong(?! (?:y|chi)\b)|met|km|ha|tan(?! thanh)|gio|phut|nam|ngay|thang)\b)"
)
NUMBER_OF_PEOPLE = re.compile(_NUMBER_OF_PEOPLE)
"""A number of people, ballots or shares: no item number ("Điều 54", "thôn 3", "phương án 2"), percentage, sum of
money, measure or date."""
_COUNT = re.compile(
    r"(?<!thu ve )(?<!thu vao )(?<!hop le )(?<!thu ve: )(?<!thu vao: )(?<!hop le: )" + _NUMBER_OF_PEOPLE
)
"""A count: a number of people (`NUMBER_OF_PEOPLE`), not the ballots returned or valid ("thu về 7 phiếu", "hợp lệ 7":
a ballot's count is what it says)."""
_WHO = (
    r"(?:dai bieu|dong chi|thanh vien|uy vien|dang vien|doan vien|hoi vien|xa vien|co dong|phieu|nguoi|ho|vi|chi em"
    r"|anh em|chi|anh|ban|thay co|thay|co phan|co|giao vien|em|y kien|canh tay|tay|the|nha|ba con)"
)
_WHO_AFTER = re.compile(rf"{_WHO}\b|{_COUNTED.pattern}")
"""What follows a count of people or ballots ("23 vị", "3 hộ"): digits already, so any who, even "vị" or "em" (words
too common to make a lone digit word a count: "học bạ vì", "bọn em")."""
_BEFORE = re.compile(rf"^[\s)]*(?:{_WHO}\b(?:\s+(?!nao\b|ai\b)[^\W\d]+){{0,5}})?\s*$")
"""Between a count and what it counts, when the count comes first: who is counted, and a few words on them ("18/18
đồng chí có mặt tán thành", "6/7 đảng viên chính thức tán thành", "3 trên 5 thành viên hội đồng quản trị đồng ý")."""
_PRESENT = re.compile(r"\b(?:co mat|tham gia bieu quyet|du hop|tham du)\b")
_AFTER = re.compile(r"^\s*(?:[^\W\d]+\s*:?\s*){0,2}:?\s*$")
"""Between what is counted and its count, when the count comes after ("tán thành là 30", "đồng ý miễn nhiệm: 20")."""
_AFTER_WHOLE = re.compile(r"^\s*(?:[^\W\d]+\s*){0,2}[,:(]?\s*$")
"""The same before a count of a whole ("đồng ý hết, mười hai trên mười hai", "tán thành (9/9)"): a comma may stand
between, as "X trên Y" counts votes by itself."""
_AFTER_ASKED = re.compile(r"^(?:[\s,.?!:]*[^\W\d]+){0,6}[\s,.?!:]*$")
"""Between a question and its answer ("vị nào không tán thành thì giơ tay, có 3 vị"): the call's words."""
_STILL_ASKING = re.compile(
    rf"(?:\s+[^\W\d]+){{0,3}}?\s+(?:thi|xin|hay|moi)\s+gio (?:cao )?{_CARDS}\b"
    rf"|(?!\s+{_WHO}\b)(?:\s+[^\W\d]+){{1,3}}?\s+gio (?:cao )?{_CARDS}\b"
)
"""A number the question goes on after ("hộ nào nhất trí kết nạp cả hai hộ thì giơ tay"): what is asked, no answer."""
_ASKED = re.compile(r"\b(?:nao|ai|mo) (?:(?:cung|van|deu) )?$")
"""Who is asked, before the kind ("vị nào", "ai", Central "bà con mô không đồng ý")."""
_NUMBER = r"(\d+)(?![.,]?\d)"
_TOTAL = re.compile(
    rf"(?<!tren )\btong so (?:(?!khong\b)[^\W\d]+ ){{0,5}}?:?\s*(?:la )?{_NUMBER}|\bphat ra (?:la )?{_NUMBER}"
    rf"|\btong(?: cong)? (?:co )?(?:la )?{_NUMBER} {_WHO}\b"
    rf"|\bso (?:(?!khong\b)[^\W\d]+ ){{1,4}}?(?:co mat|tham gia bieu quyet|du hop|bieu quyet|tham du)"
    rf"\s*:?\s*(?:la )?{_NUMBER}"
    rf"|\btham gia bieu quyet (?:la )?{_NUMBER}"
    rf"|{_NUMBER} {_WHO} (?:[^\W\d]+ )?(?:co mat|tham gia bieu quyet|du hop|tham du)(?=\s*[,;.]|\s*$|\s+\d)"
    rf"|(?:[,;:%] |phan tram |qua (?:ban|nua) |^\W*(?:(?:da|thua|vang)\W+)?)tren"
    rf" (?:tong so (?:(?!khong\b)[^\W\d]+ ){{0,3}}?{_NUMBER}|{_NUMBER} {_WHO}\b)"
)
"""The whole a vote is counted of: "tổng số đại biểu có mặt: 32", "số phiếu phát ra 20", "phát ra 45 phiếu", "số
đại biểu tham gia biểu quyết là 56", "có 445 đại biểu tham gia biểu quyết, …", "26 hộ có mặt 26 hộ đồng ý" (a count of
those present said on its own: before a kind, "458 đại biểu tham gia biểu quyết tán thành" counts that kind)."""
_PRESENT_FIRST = re.compile(r"(?<!\d )\bco mat\s*:?\s*(?:la )?(\d+)(?![.,]?\d)")
"""Those present said before the counts ("Có mặt 7, giơ tay 7", "Có mặt 11 trên 11 thành viên, 11 thành viên nhất
trí"): the whole of the counts said beside it; alone it is attendance ("Hôm nay có mặt 31 trên 33 đại biểu")."""
_ALL_PRESENT = re.compile(rf"\b(?:tat ca|toan the) (\d+) {_WHO} (?:[^\W\d]+ )?co mat\b")
""""Tất cả 12 thành viên có mặt đều nhất trí": the count in favour is the whole too."""
_WHOLE_AFTER = re.compile(rf"\s*(?:{_WHO}\s+)?tren (?:tong so )?(\d+)(?!\d|[,.]\d| phan tram)")
_ONE_NAMED = re.compile(
    r"(?:^|(?<!cac)(?<!nhung)(?<!may)(?<!bon)(?<!chung)(?<!\d)[\s,;])(?:anh|chi|ong|ba|co|chu|bac|thay|em|dong chi)"
    r" (?!ay\b|nay\b|em\b|chi\b|nao\b|ta\b|con\b|ai\b|khong\b|hong\b|chua\b)[^\W\d]+"
    r"(?: [^\W\d]+){0,2}? (?:xin |van |cung |thi )?$"
)
"""One person named, right before a kind in a sentence of counts ("…, chị Lan không đồng ý"): a count of one."""
_NOT = r"(?:\bkhong|\bhong|\bchang)"
"""Not, as the North and the South say it ("không", "chẳng"; "hổng", "hông")."""
_EACH = re.compile(
    r"\bmoi (?:nguoi|ho|vi|dai bieu|dong chi|thanh vien|uy vien|dang vien|doan vien|hoi vien|xa vien|co dong)"
    r"(?: [^\W\d]+)? $"
)
"""Each one's share ("mỗi người một phiếu", "mỗi đại biểu nhận một phiếu"): what each gets, no count of votes."""
_NONE = re.compile(
    rf"(?<!\bhay ){_NOT} co (?:dai bieu|dong chi|thanh vien|vi|ai|ho|nguoi|phieu|the|y kien|co dong)(?: nao)?\b"
    rf"|(?<!\bhay ){_NOT} ai\b"
)
"""Nobody ("không có đại biểu nào", "hổng có ai"); "… hay không, ai đồng ý giơ tay" ends a question and asks."""
_NONE_OF = re.compile(rf"(?<!\bhay ){_NOT} co\s*$")
"""Nobody of the kind said right after ("không có phiếu trắng", "không có phiếu chống")."""
_ZERO_SAID = re.compile(
    rf"\s*:?\s*(?:(?:la\s+)?khong\b(?: co\b| ai\b)?|thi {_NOT} (?:co|ai)\b)(?: {_WHO} nao\b)?(?!\s*\?)"
)
_ZERO_ANSWERED = re.compile(r"\s*(?:khong\s+)?khong (?:co|ai)\b")
_YES_NO = re.compile(r"\b(?:co|con)\s+(?:\w+\s+){0,3}?(?:nao|ai)\s+(?:(?:cung|van|deu)\s+)?$")
"""A kind's zero said after it in words ("không đồng ý không", "không tán thành: không có", "… là không", "ai không đồng
ý không", "không biểu quyết thì hổng có ai"); after a yes-no question ("có ai không đồng ý không", "còn vị nào …") the
bare "không" is the question's particle and only the answer counts ("… không không có")."""
_LISTED = re.compile(r"[\s,;]*(?:(?:hay|hoac|va|cung|hay la|hoac la)\s+)?$")
"""Kinds listed after one nobody ("không có ai không đồng ý hay không biểu quyết"): the nobody is each one's; a kind
said further on ("không ai phản đối, vậy hợp tác xã chấp thuận …", "… em Khuê không biểu quyết") is not."""
_CLAUSE = re.compile(r"(?<=[,;])(?=\s)|(?=\s(?:và|còn)\s)")
_SHARE = re.compile(r"(?:dat|chiem|bang) \d+(?:[,.]\d+)? ?(?:%|phan tram)\W*")
"""The share a bare answer makes ("13 trên 13, đạt 100%")."""
_NO_ONE = re.compile(
    r"^\W*(?:(?:xin )?cam on\W*)?(?:da |thua )?(?:(?:cung|van) )?(?:khong|hong|chang) (?:co|ai)\b"
    r"|^\W*(?:da |thua )?(?:cung |van )?(?:hong|khong)\W*$"
)
"""Nobody answering ("Không có.", "Dạ không ai."; the whole answer "Không.", "Cũng không.": "Ai không biểu quyết? Cũng
không.")."""
_CALLED_HANDS = re.compile(r"\b(?:thi|xin|hay|moi)\s+$")
""""… thì giơ tay", "xin giơ tay": hands asked for, no count in favour."""
_HANDS = 16
_BALLOT = re.compile(r"\bphieu\b")
_KIND_THEN_COUNT = re.compile(r"\s*(?:la\s+|co\s+)?:?\s*(?:tren\s+(?:tong so\s+)?)?\d+(?:\s*(?:/|tren)\s*\d+)?\s+")
_BALLOTS_HANDLED = re.compile(
    r"\b(?:co|phat|nhan|in|gui|thu|con|tong cong|gom|du|het|them|bo|lay|moi|chi|la|tong so)\s+\d+"
    r"(?:\s*(?:/|tren)\s*\d+)?\s+$"
)
"""Ballots had, handed out, returned or left ("hôm nay có sáu phiếu", "phát 30 phiếu"): no count of votes."""
"""A "giơ tay" this close after another kind ("… nào không đồng ý thì giơ tay") is that kind's call, not a count in
favour."""


def _counted_after(folded: str, mention_end: int, number: re.Match[str]) -> bool:
    """Whether a number said after a kind with words between counts votes ("đồng ý miễn nhiệm 20", "tán thành là 30
    đại biểu"), not an object of what is agreed ("Đồng ý mua 100 áo phao"): then nothing, who is counted or the next
    count follows."""
    if not folded[mention_end : number.start()].strip(" :"):
        return True
    follows = folded[number.end() :].lstrip()
    next_count = next(  # "… miễn nhiệm 20 số phiếu không đồng ý 1"; hands asked for are the call's ("… giơ tay")
        (m for m in _POLARITY.finditer(" ".join(follows.split()[:6])) if not m.group().startswith("gio")), None
    )
    return not follows[:1].isalpha() or _WHO_AFTER.match(follows) is not None or next_count is not None


def _after(
    folded: str, mentions: Sequence[re.Match[str]], k: int, numbers: Sequence[re.Match[str]], *, asked: bool = False
) -> list[int]:
    """The numbers after mention `k` (before the next) that may be its count, nearest first (`read_counts`); after a
    question ("vị nào không tán thành thì giơ tay, có 3 vị") the call's words may stand between."""
    mention = mentions[k]
    next_start = mentions[k + 1].start() if k + 1 < len(mentions) else len(folded)
    return [
        i
        for i, n in enumerate(numbers)
        if mention.end() <= n.start()
        and n.end() <= next_start
        and (_AFTER_ASKED if asked else _AFTER_WHOLE if n.group(2) else _AFTER).match(folded[mention.end() : n.start()])
        and (asked or _counted_after(folded, mention.end(), n))
        and not (asked and _STILL_ASKING.match(folded, n.end()))
    ]


def _zero_after(folded: str, mentions: Sequence[re.Match[str]], k: int) -> bool:
    """Whether mention `k` is followed by its count of zero in words (`_ZERO_SAID`), not by the "không" that begins
    the next kind ("đồng ý không đồng ý 2")."""
    mention = mentions[k]
    yes_no = _YES_NO.search(folded, max(0, mention.start() - 30), mention.start()) is not None
    said = (_ZERO_ANSWERED if yes_no else _ZERO_SAID).match(folded, mention.end())
    next_start = mentions[k + 1].start() if k + 1 < len(mentions) else len(folded)
    return said is not None and said.end() <= next_start


def _counts_next(
    folded: str, mentions: Sequence[re.Match[str]], k: int, numbers: Sequence[re.Match[str]], number: re.Match[str]
) -> bool:
    """Whether `number`, said after mention `k`, is the count of the next mention, said before it with who is counted
    between ("tất cả nhất trí trừ hai người không đồng ý"), and not the count of mention `k` ("đồng ý 20 người không
    đồng ý 2"): the next mention has no count of its own after it."""
    if k + 1 >= len(mentions) or not _BEFORE.match(folded[number.end() : mentions[k + 1].start()]):
        return False
    return not _after(folded, mentions, k + 1, numbers) and not _zero_after(folded, mentions, k + 1)


def _mentions(folded: str) -> list[re.Match[str]]:
    """The kinds said, a "giơ tay" right after another kind dropped (`_HANDS`), and a "không đạt" where no ballot is
    said: a pass-or-fail ballot names its ballots ("phiếu đạt 7, không đạt 2"); "búp không đạt bảy nghìn" is a grade."""
    mentions: list[re.Match[str]] = []
    ballots = _BALLOT.search(folded) is not None
    for m in _POLARITY.finditer(folded):
        called = _CALLED_HANDS.search(folded, max(0, m.start() - 8), m.start()) is not None
        if m.group().startswith("gio") and (called or (mentions and m.start() - mentions[-1].end() <= _HANDS)):
            continue
        if m.group().endswith(" dat") and not ballots:
            continue
        if m.group() == "phieu" and (
            _BALLOTS_HANDLED.search(folded, 0, m.start())
            or (mentions and _KIND_THEN_COUNT.fullmatch(folded, mentions[-1].end(), m.start()))
        ):
            continue  # ballots had or handed out; or the count of the kind said right before ("đồng ý 28 phiếu")
        mentions.append(m)
    return mentions


def _numbers(folded: str) -> list[re.Match[str]]:
    """The numbers of `folded` that may count votes (`_COUNT`), each one's share left out (`_EACH`)."""
    return [n for n in _COUNT.finditer(folded) if _EACH.search(folded, 0, n.start()) is None]


def read_counts(folded: str, uncounted: Collection[str] = ()) -> tuple[dict[str, int], int | None]:
    """The counts said in folded text with numbers as digits: {kind: n} and the total, if one is said.

    Each mention of a kind ("tán thành", "phiếu chống") takes the count right before it (who is counted between)
    or else right after it (at most two words between; the answer after a question "vị nào … ?"), so three counts in
    one unpunctuated sentence each find their own; "không có đại biểu nào không tán thành" and "không đồng ý:
    không" are 0. A whole said ("tổng số …", "phát ra …", "X trên Y") is the total, never a count. One person named
    before a kind is a count of one beside other counts, or alone for a kind in `uncounted` (those the vote being
    counted has yet to count: "… hai không đồng ý. Còn anh Phúc không biểu quyết.").
    """
    mentions = _mentions(folded)
    wholes = [m for m in _TOTAL.finditer(folded)]
    said = next((w for w in wholes), None)
    numbers = [n for n in _numbers(folded) if not any(w.start() <= n.start() < w.end() for w in wholes)]
    counts: dict[str, int] = {}
    total: int | None = int(next(g for g in said.groups() if g)) if said is not None else None
    used: set[int] = set()
    for k, mention in enumerate(mentions):
        kind = mention.lastgroup
        assert kind is not None
        if kind in counts:
            continue
        previous_end = mentions[k - 1].end() if k else 0
        nobody = _NONE.finditer(folded, previous_end, mention.start())
        if any(not folded[m.end() : mention.start()].strip() for m in nobody) or _NONE_OF.search(
            folded, previous_end, mention.start()
        ):
            counts[kind] = 0  # "không có hộ nào không đồng ý tất cả 78 hộ đều giơ tay": the number is the next kind's
            continue
        before = [i for i, n in enumerate(numbers) if previous_end <= n.start() and n.end() <= mention.start()]
        before = [
            i
            for i in before
            if _BEFORE.match(between := folded[numbers[i].end() : mention.start()])
            or (numbers[i].group(2) is not None and re.fullmatch(r"\s*,\s*", between))  # "11 trên 11, nhất trí"
        ]
        asked = _ASKED.search(folded, max(previous_end, mention.start() - 12), mention.start()) is not None
        zero = _zero_after(folded, mentions, k)  # "ai không có ý kiến không vậy 8 trên 9 đồng ý": not 8
        after = [
            i
            for i in _after(folded, mentions, k, numbers, asked=asked)
            if not zero and (asked or not _counts_next(folded, mentions, k, numbers, numbers[i]))
        ]
        choices = [*before[-1:], *after[:1]]
        if before and after and not folded[mention.end() : numbers[after[0]].start()].strip(" :"):
            present = _PRESENT.search(folded[numbers[before[-1]].end() : mention.start()])
            if present is not None:  # "12 đồng chí có mặt đồng ý 12": those present, then the count
                choices = after[:1]
                total = int(numbers[before[-1]].group(1)) if total is None else total
        chosen = next((i for i in choices if i not in used), None)
        listed = not k or _LISTED.match(folded, previous_end, mention.start()) is not None
        if chosen is not None:
            used.add(chosen)
            counts[kind] = int(numbers[chosen].group(1))
            if numbers[chosen].group(2) is not None:
                total = int(numbers[chosen].group(2))
            elif (whole := _WHOLE_AFTER.match(folded, max(mention.end(), numbers[chosen].end()))) is not None:
                total = int(whole.group(1))  # "44 phiếu bầu trên 46", "được 8 phiếu trên 11 phiếu"
        elif zero or (_NONE.search(folded[max(previous_end - 40, 0) : mention.start()]) and listed):
            counts[kind] = 0
    if counts or uncounted:  # "15 trên 16 đồng chí nhất trí anh thanh xin không biểu quyết": one person named is one
        for mention in mentions:
            kind = mention.lastgroup
            named = kind is not None and kind not in counts and (bool(counts) or kind in uncounted)
            if named and _ONE_NAMED.search(folded, 0, mention.start()):
                counts[str(kind)] = 1
    if total is None and (everyone := _ALL_PRESENT.search(folded)) is not None:
        total = int(everyone.group(1))
    if total is None and counts and (present := _PRESENT_FIRST.search(folded)) is not None:
        total = int(present.group(1))
    return counts, total


_NOT_BODY = r"(?!toi\b|tui\b|em\b|minh\b|ai\b|nao\b|khong\b|chua\b|hong\b|chang\b)"
"""No body agreeing: the speaker, a question, a refusal."""
_AGREED = re.compile(
    rf"^\W*(?:(?:(?:nhu )?(?:vay|rua)(?: la)?|the la)[\s,]+(?:{_NOT_BODY}\w+\s+){{0,3}}?)?"
    rf"(?:{_NOT_BODY}[^\W\d]+\s+){{0,6}}?"
    r"(?:(?:da|deu|cung|hoan toan)\s+)?(?:nhat tri|thong nhat)\b(?!\s+(?:voi|y kien|chua|khong)\b)"
)
"""The body agreeing, said as the sentence's decision ("Chi bộ nhất trí đề nghị kết nạp.", "vậy là thống nhất giữ giá
bơm như năm ngoái"): not the speaker's opinion ("tôi nhất trí với …"), a question ("ai nhất trí …") or a refusal."""
_REQUEST = r"(?:xin|de nghi|moi|bieu quyet|se|can|phai|de|hay|nen|ta|chung ta|toi)\b"
"""Words of a request or a plan ("đề nghị thông qua", "cần thông qua"): no outcome after them."""
_PASSED_ALONE = re.compile(
    rf"^\W*(?:(?!{_REQUEST}|{_NOT_YET}\b)[^\W\d]+\s+|\d+\s+){{0,5}}?"
    r"(?:(?:da|duoc|deu|nhat tri|vay|vay la)\s+)?thong qua\W*(?:(?:nhe|a|roi|nghen|nha)\W*)?$"
)
"""The result said on its own ("Thông qua.", "Đã thông qua.", "Nhất trí thông qua nhé.") or of what was voted on
("Phương án một thông qua.", "Nội dung này đã thông qua."): a sentence of no more; no request ("xin", "đề nghị",
"mời … thông qua") nor "not" ("chưa thông qua")."""
_EVERY_VOTE = re.compile(
    r"\bca (?:hai|ba|bon|nam|sau|\d+) [^\W\d]+|\b(?:hai|ba|bon|\d+) (?:cai|noi dung|diem|van de) (?:do|nay|tren)\b"
    r"|\bthong qua (?:het|ca)\b|\b(?:tat ca )?cac [^\W\d]+(?: [^\W\d]+){0,3}? (?:tren|nay|vua \w+)\b"
    r"(?: [^\W\d]+){0,2}? deu\b"
)
"""A result said of several motions at once ("Cả hai nghị quyết đã được thông qua.", "Các tờ trình trên đều được thông
qua."): it is each one's."""


_SO = (
    r"(?:\bnhu (?:vay|rua|the)(?: la| thi)?|\b(?:vay|rua|the) la|(?:^|[,.;:])\W*(?:vay|rua|the)(?: thi)?"
    r"|(?:(?<=phan doi )|(?<=dong y )|(?<=nhat tri )|(?<=tan thanh )|(?<=bieu quyet ))(?:vay|rua|the)(?: thi)?)"
)
"""How a chair draws the outcome ("như vậy", "vậy là", "rứa là", "thế là", "Vậy, …", unpunctuated right after a
count's kind: "… không ai phản đối vậy hợp tác xã chấp thuận"), never "cho vay"."""
_ONLY_SHARE = r"\s+(?:\d+ ?(?:%|phan tram)|tuyet doi|hoan toan)\W*$"
"""How many agreed, ending the sentence ("thống nhất một trăm phần trăm", "nhất trí tuyệt đối"): a share, no outcome."""
_NOT_COUNTED = r"(?!(?:[^\W\d]+\s+)?(?:dong y|nhat tri|tan thanh)\b)"
"""A number that counts no kind said after it: "vậy 37 hồ sơ được duyệt" decides, "vậy là 21 người đồng ý" counts."""
_DECIDED = re.compile(
    rf"{_SO}[\s,]+(?:{_NOT_BODY}[^\W\d]+\s+|\d+\s+{_NOT_COUNTED}){{0,5}}?(?:(?:da|deu|cung|duoc|hoan toan)\s+)*"
    r"(?:nhat tri|thong nhat|dong y|chot|chon|duyet|phe duyet|chap thuan|chap nhan|cong nhan|nghiem thu|ket nap"
    r"|bo nhiem)\b"
    r"(?!\s+(?:voi|y kien|chua|khong)\b)(?![^?]*\?)"
    rf"(?!{_ONLY_SHARE})"
)
"""The outcome drawn after the counts, the body or the motion and what was decided ("như vậy hội nghị thống nhất đề
nghị khen thưởng …", "Vậy là đồng ý cơ cấu lại nợ …", "Rứa là Hội đồng chọn phương án 2.", "Vậy 37 hồ sơ được
duyệt.", "như vậy đề tài được hội đồng nghiệm thu"): not the speaker's opinion, a question, a refusal, or how many
agreed ("như vậy chi bộ thống nhất một trăm phần trăm": a share, no outcome)."""


_DENIED = re.compile(
    rf"{_SO}[\s,]+(?:{_NOT_BODY}[^\W\d]+\s+|\d+\s+){{0,5}}?{_NOT_YET} (?:dat|duoc|du|thong qua)\b(?![^?]*\?)"
)
"""The motion failing, drawn after the counts ("Như vậy tờ trình không đạt.", "vậy là phương án này không được")."""


_DONE = re.compile(
    rf"(?:^|[,;:.!]\s)\W*(?:(?!{_REQUEST}|ai\b|nao\b|neu\b|khi\b|muon\b)[^\W\d]+\s+){{1,6}}?(?:da\s+)?duoc "
    r"(?:[^\W\d]+ )?(?:bo nhiem|tai bo nhiem|lua chon|bau|cong nhan|ket nap|chap thuan|phe duyet)\b(?![^?]*\?)"
)
"""The motion or the person said done, as the result of the counts ("Cô Thương được bổ nhiệm lại.", "…, khu A được lựa
chọn."): no plan ("để được công nhận", "sẽ được", "đề nghị được bổ nhiệm"), no question."""
_DRAWN = re.compile(
    rf"{_SO}[\s,]+\d+(?:\s*(?:/|tren)\s*\d+)?(?:\s+[^\W\d]+){{0,3}}?\s+(?:dong y|tan thanh|nhat tri)\s*,\s*"
    rf"(?!{_REQUEST}|{_NOT_YET}\b|ai\b|nao\b|con\b|va\b)(?:[^\W\d]+\s+){{2,}}[^?]*$"
)
"""The outcome drawn after the count, as what the body does now ("Vậy 7 trên 9 đồng ý, Công ty chấm dứt hợp đồng …"):
not a request, a refusal, a question or the next count."""


_DRAWS = re.compile(
    rf"^\W*{_SO}\b[\s,]+(?!{_REQUEST}|con\b|tiep\b|chuyen\b|ai\b|nao\b)"
    r"(?![^?]*\b(?:se|xin|de nghi|moi|hay|nen|can|phai)\b)(?:[^\W\d]+|\d+)(?:[\s,]+(?:[^\W\d]+|\d+)){2,}[^?]*$"
)
"""A statement drawn by the chair ("Vậy là …", "Thế là …", "Rứa là …") of three words or more: no request or plan
("… sẽ báo cáo …"), no next count or item ("vậy còn ai …", "vậy tiếp theo …", "vậy chuyển sang …"), no question."""


def draws_outcome(text: str) -> bool:
    """Whether `text` states what now is, drawn from what came before (`_DRAWS`: "Thế là chị Hoa làm tổ phó từ hôm
    nay.", "vậy là qua rồi nha"), without "not" (`says_refused` reads a refusal): right after counts whose majority is
    in favour, the result said in the body's own words, whatever they are."""
    folded = folded_digits(text)
    return _DRAWS.search(folded) is not None and re.search(rf"\b{_NOT_YET}\b", folded) is None


def says_agreed(text: str) -> bool:
    """Whether `text` says the meeting agreed (`_AGREED`, an outcome drawn: `_DECIDED`, a threshold reached:
    `_VOTE_PASSED_WEAK`, "như vậy anh Minh đạt 90% đủ điều kiện", or a bare "Thông qua."): the result of a vote
    counted and awaiting one, though no "thông qua" is said. Read only there, never as a vote of its own ("Hội nghị
    thống nhất chương trình làm việc" after "có ý kiến khác không?" is none)."""
    folded = folded_digits(text)
    return any(p.search(folded) is not None for p in (_AGREED, _DECIDED, _VOTE_PASSED_WEAK, _PASSED_ALONE, _DONE))


_REFUSED = re.compile(
    rf"^\W*(?:(?:nhu )?(?:vay|rua)(?: la)?|the la)[\s,]+{_NOT_YET} (?!co\b|ai\b|biet\b|phai\b)[^\W\d]+"
)
"""The meeting not doing what was voted on, said as the outcome ("Vậy là không chuyển, tổ tiếp tục hòa giải."): not a
question or an aside ("vậy không có ý kiến khác", "vậy chưa ai …")."""


def says_refused(text: str) -> bool:
    """Whether `text` says the motion is not carried out (`_REFUSED`) or failed (`_DENIED`): the result of a vote
    counted and awaiting one, as `says_agreed`."""
    folded = folded_digits(text)
    return _REFUSED.search(folded) is not None or _DENIED.search(folded) is not None


_RECOUNT = re.compile(r"\b(?:dem lai|kiem lai|dinh chinh|sua lai|nham|chua dung|xin loi)\b")
"""A count corrected ("Tôi đếm lại: …", "xin đính chính …", "chưa đúng, còn hai người giơ tay", "à xin lỗi, vậy là
…")."""


def corrects_count(text: str) -> bool:
    """Whether `text` corrects the count just said (`_RECOUNT`): its counts are the vote's, not another vote's."""
    return _RECOUNT.search(folded_digits(text)) is not None


def for_every_vote(text: str) -> bool:
    """Whether the result said in `text` is that of every motion just voted on (`_EVERY_VOTE`)."""
    return _EVERY_VOTE.search(folded_digits(text)) is not None


_AGREES_WITH = re.compile(r"\b(?:dong y|nhat tri|tan thanh|thong nhat) voi\b")
"""Agreeing with what was said ("đồng ý với báo cáo"): an opinion, no word of voting."""


def speaks_of_voting(text: str) -> bool:
    """Whether `text` holds a word of voting (`_VOTE_WORDS`): a call in words no call reader knows ("đề nghị Quốc hội
    biểu quyết …", "… bỏ phiếu kín …") still does; agreeing with something said is an opinion ("Đồng chí Hà phát biểu
    đồng ý với báo cáo, …")."""
    return _VOTE_WORDS.search(_AGREES_WITH.sub(" ", folded_digits(text))) is not None


def no_vote_here(text: str) -> bool:
    """Whether `text` speaks of a vote that is not taken here (`_NO_VOTE_HERE`): the classifier's vote class too
    yields to it."""
    folded = folded_digits(text)
    recalled = _PAST.search(folded) is not None and _VOTED.search(folded) is not None
    return recalled or _NO_VOTE_HERE.search(folded) is not None


def _cut_counted_again(clause: str) -> list[str]:
    """`clause` cut where a kind counted before is counted again with another number, as units or candidates are
    counted one after another with no punctuation in a transcript ("thôn một 25 hộ đồng ý thôn hai 30 hộ đồng ý"):
    at the first word boundary with that count said before it and another number after it (not "… 20 đại biểu đồng ý
    không có đại biểu không đồng ý", where the call asked the kind first)."""
    kinds = [m.lastgroup for m in _mentions(folded_digits(clause))]
    if len(kinds) == len(set(kinds)):
        return [clause]
    words = clause.split(" ")
    for b in range(1, len(words)):
        left, right = " ".join(words[:b]), " ".join(words[b:])
        said = read_counts(folded_digits(left))[0]
        later = folded_digits(right)
        if not said or fold(words[b]).strip(",.;:") in _NUMBER_WORDS or _WHO_AFTER.match(later.lstrip()):
            continue  # never inside a spoken number, nor between a count and who it counts
        again = read_counts(later)[0]
        if _COUNT.search(later) and any(again.get(kind, n) != n for kind, n in said.items()):
            return [left, *_cut_counted_again(" " + right)]
    return [clause]


def split_votes(text: str) -> list[str]:
    """`text` cut where a clause counts a kind again ("… Luật A với 473 đại biểu tán thành, và Luật B với 468 đại
    biểu tán thành"; "cô Lan được 25/30 phiếu, cô Hương được 22/30 phiếu"), or a kind is counted again inside a
    clause (`_cut_counted_again`): one piece per vote."""
    clauses = [piece for c in _CLAUSE.split(nfc(text)) if c for piece in _cut_counted_again(c)]
    if len(clauses) < 2:
        return [text]  # one clause: nothing to cut, and its counts are read once, by `find_vote`
    pieces: list[str] = []
    for clause in clauses:
        said = read_counts(folded_digits(clause))[0]
        if pieces and said and set(said) & set(read_counts(folded_digits(pieces[-1]))[0]):
            pieces.append(clause.lstrip(" ,;"))
        elif pieces:
            pieces[-1] += clause
        else:
            pieces.append(clause)
    return pieces


_TITLE = re.compile(r"\b(?:ông|bà|anh|chị|cô|chú|bác|em|đồng chí|thầy|cụ|phương án|ứng (?:cử )?viên)\s+", re.IGNORECASE)
"""What stands before a name or an option's number, with its tones ("ông", "bà", not "ba" three; "phương án hai")."""
_NO_NAME = frozenset(
    {
        "khong", "dong", "y", "con", "nao", "ay", "nay", "do", "kia", "ta", "minh", "thi", "la", "co", "duoc", "dat",
        "da", "se", "van", "cung", "deu", "tan", "thanh", "nhat", "tri", "gio", "tay", "bieu", "quyet", "phieu", "va",
        "voi", "hay", "ghi", "em", "chi", "anh",
    }
)  # fmt: skip
"""Words that follow a title and name no one ("anh em", "chị ghi", "ông đồng ý")."""
_NAMED_PASSED = re.compile(
    r"\b(?:du dieu kien|dat|trung cu|trung tuyen|duoc (?:chon|bau|cong nhan|de nghi|thong qua|ket nap|bo nhiem"
    r"|bo sung vao|tai cu|tin nhiem))\b"
)
_NAMED_FAILED = re.compile(rf"\b{_NOT_YET} (?:du|dat|trung|duoc)\b")
"""An outcome said of candidates by name ("ba hộ ông Ri, bà Sương, bà Tám đủ điều kiện"; "hộ ông Lợi không đạt quá
bán"; "đồng chí Hùng, đồng chí Lan trúng cử")."""


def named(text: str, words: int = 1) -> frozenset[str]:
    """The words (folded) that follow a title in `text`, a chain of titles ("hộ ông Ri") skipped, up to `words` of them
    before a punctuation or a number: the names or option numbers it speaks of ("ri"; "hai" for "phương án hai"; with
    `words` 3, "tran", "van", "ri" for "hộ ông Trần Văn Ri: …", whose given name ends it)."""
    said = nfc(text)
    found: set[str] = set()
    for m in _TITLE.finditer(said):
        if _TITLE.match(said, m.end()):
            continue  # "hộ ông …": the name follows the last title
        following = re.match(r"[^\W\d_]+(?: [^\W\d_]+)*", said[m.end() :])
        if following is not None:
            found.update(fold(w) for w in following.group().split()[:words] if fold(w) not in _NO_NAME)
    return frozenset(found)


def named_outcome(text: str) -> bool | None:
    """The outcome `text` says of the candidates it names (`named`): failed, passed, or None when it says neither."""
    folded = folded_digits(text)
    if _VOTE_FAILED.search(folded) or _NAMED_FAILED.search(folded) or says_refused(text):
        return False
    if _VOTE_PASSED.search(folded) or _NAMED_PASSED.search(folded) or says_agreed(text):
        return True
    return None


_NAMES_APART = re.compile(r"[,;:]|[.!](?=\s)|\s(?=(?:còn|riêng)\s)", re.IGNORECASE)


def named_outcomes(text: str) -> list[tuple[frozenset[str], bool]]:
    """The candidates `text` names (`named`) with the outcome said of each: names listed go with the outcome of the
    clause that ends the list ("bà Mến, ông Khiêm đủ điều kiện, ông Pảo không đạt": Mến and Khiêm passed, Pảo not)."""
    found: list[tuple[frozenset[str], bool]] = []
    listed: frozenset[str] = frozenset()
    for clause in _NAMES_APART.split(text):
        listed |= named(clause)
        outcome = named_outcome(clause)
        if outcome is not None and listed:
            found.append((listed, outcome))
            listed = frozenset()
    return found


def whole_alone(text: str) -> int | None:
    """The whole said in `text` when it counts nothing ("Số đại biểu có mặt: 25/27."): the total of the counts said
    right after it in the same turn, an announcement's first line; alone it is attendance."""
    counts, total = read_counts(folded_digits(text))
    return None if counts else total


def _asks(folded: str, start: int) -> bool:
    """Whether the kind said at `start` is asked ("vị nào không tán thành?"), not denied ("không ai phản đối", "không
    có ai không đồng ý")."""
    asked = _ASKED.search(folded, max(0, start - 12), start)
    if asked is None:
        return False
    before = folded[max(0, asked.start() - 30) : asked.start()]  # "không có hộ nào phản đối": who between
    return not re.search(rf"(?<!\bhay )\b(?:khong|chua)(?: co)?(?: {_WHO})? $", before)


_QUESTION_MARK = re.compile(r"\s*\?")
_CLAUSE_START = re.compile(r"(?:^|[.,;:!?])\s*(?:(?:con|the|vay)\s+)?$")
"""A kind asked bare, as a clause of its own ("Không biểu quyết?", "Còn không đồng ý?")."""
_HANDS_ASKED = re.compile(rf"\s*(?:thi |xin |hay |moi )?gio (?:cao )?{_CARDS}\b")
"""Hands asked for right after a kind ("không đồng ý giơ tay", "không tán thành thì giơ tay"): the call asks it."""


def asked_kind(text: str) -> str | None:
    """The kind a call asks to count ("Vị nào không tán thành?", "Không biểu quyết?", "không đồng ý giơ tay" in a
    sentence counting none): the answer may come in the next sentence."""
    folded = folded_digits(text)
    counted = bool(read_counts(folded)[0])
    asked = [
        m.lastgroup
        for m in _mentions(folded)
        if _asks(folded, m.start())
        or (not counted and _HANDS_ASKED.match(folded, m.end()) is not None)
        or (_QUESTION_MARK.match(folded, m.end()) and _CLAUSE_START.search(folded, 0, m.start()))
    ]
    return asked[-1] if asked else None


_TITLED = r"(?:ong|ba|anh|chi|co|chu|bac|em|dong chi|thay|cu) [^\W\d]+(?: [^\W\d]+){0,2}?"
_PEOPLE_LISTED = re.compile(rf"\s*[,:]\s*{_TITLED}(?:\s*(?:,|\bvoi\b|\bva\b)\s*{_TITLED})*\W*$")
"""Who the count is, named after it ("Hai người, chị Hà với anh Tư.", "Ba: ông Lý, bà Mai và anh Sáu."): an
apposition to the count, no words of the call."""


def _answer(folded: str) -> tuple[int, int | None] | None:
    """A bare count answering a call and the whole it is said of ("28 vị.", "Có 2 đại biểu.", "Không có.", "Dạ 13 trên
    13, đạt 100%.", a lone digit word "Ba."), the people it counts named after it or not (`_PEOPLE_LISTED`), or
    None."""
    folded = _PEOPLE_LISTED.sub("", folded)
    if _NO_ONE.match(folded):
        return 0, None
    words = folded.split()
    bare = [w.strip(" .,!?") for w in words if w.strip(" .,!?") not in ("da", "thua", "vang")]
    if len(bare) == 1 and bare[0] in _DIGITS:  # "Ai không đồng ý? Ba.", "dạ tám"
        return _DIGITS[bare[0]], None
    number = next(iter(_numbers(folded)), None)
    if number is None or len(words) > 6:
        return None
    follows = folded[number.end() :].strip(" .,!")
    whole = int(number.group(2)) if number.group(2) is not None else None
    said = not follows or _WHO_AFTER.match(follows) is not None or _SHARE.fullmatch(follows) is not None
    return (int(number.group(1)), whole) if said else None


_FRACTION = re.compile(
    r"(?<![\d,./])(\d+)\s*(?:/|tren(?: tong so)?)\s*(\d+)(?![\d%]|[,.]\d| ?(?:phan tram|%|ty|trieu|nghin|dong)\b)"
)
"""A share said as "X trên Y", "X/Y"."""
_ASKED_BEFORE = re.compile(rf"(?:\b(?:con|va|the|vay) )?(?:\b{_WHO} )?(?:nao|ai|mo) (?:(?:cung|van|deu) )?$")
"""Who the next question asks, with its link ("còn ai", "vị nào")."""


def _free_fraction(folded: str) -> re.Match[str] | None:
    """The first share "X trên Y" (X no more than Y) that no kind right after it counts ("sáu trên sáu người có mặt,
    hông ai phản đối", "mười hai trên mười lăm người vậy là thống nhất"), or None."""
    for m in _FRACTION.finditer(folded):
        after = _mentions(folded[m.end() :])
        owned = bool(after) and _BEFORE.match(folded[m.end() : m.end() + after[0].start()]) is not None
        if int(m.group(1)) <= int(m.group(2)) and not owned:
            return m
    return None


def whole_of(text: str, count: int) -> int | None:
    """The whole `text` says the count `count` of ("12 trên 15 người, vậy là thống nhất" after 12 in favour were
    counted: 15), or None."""
    return _whole_in(folded_digits(text), count)


def _whole_in(folded: str, count: int) -> int | None:
    """`whole_of` over text already folded with its numbers as digits."""
    return next((int(m.group(2)) for m in _FRACTION.finditer(folded) if int(m.group(1)) == count), None)


def _lead(folded: str) -> str:
    """Where a sentence answering a call may give its bare count (`_answer`): all of it when it names no kind, else
    its first clause, or what comes before "nobody" said of another kind, as an unpunctuated answer goes on ("mười
    bốn cánh tay không có ai không đồng ý"), or that "nobody" when it comes first ("hông có ai hết còn ai đồng ý …")."""
    mentions = _mentions(folded)
    if not mentions:
        return folded
    asked = _ASKED_BEFORE.search(folded, 0, mentions[0].start())
    if asked is not None and asked.start() and not _mentions(folded[: asked.start()]):
        return folded[: asked.start()]  # "mười hai ai hông đồng ý hai …": the answer, then the next question
    lead = re.split(r"[,;.!?]", folded, maxsplit=1)[0]
    nobody = _NONE.search(folded, 0, mentions[0].start())
    if nobody is not None and re.fullmatch(r"\W*(?:(?:da|thua)\W*)?", folded[: nobody.start()]):
        return folded[nobody.start() : mentions[0].start()]  # "hông có ai hết còn ai đồng ý …": the answer is nobody
    return folded[: nobody.start()] if _mentions(lead) and nobody is not None else lead


_DECIDED_AFTER = re.compile(
    rf"^\W*(?:(?:vay|the|rua)(?: la)?\W+)?(?:(?!{_REQUEST}){_NOT_BODY}[^\W\d]+\s+){{0,3}}?(?:(?:da|deu|cung|duoc)\s+)*"
    r"(?:chot|chon|duyet|phe duyet|chap thuan|chap nhan|cong nhan|ket nap|bo nhiem|thong qua)\b"
    r"(?![^?]*\?)(?!(?:\s+[^\W\d]+){0,3}\s+nao\b)"
)
"""What was decided, said right after the counts ("… một người hổng đồng ý chốt phương án hai"); no question ("chọn
phương án nào …")."""


def _agreed_after(folded: str) -> bool:
    """Whether the body's agreement or what it decided is said after the last count (`_AGREED`, `_DECIDED_AFTER`), the
    sentence going on unpunctuated ("…
    đồng chí chinh không biểu quyết ban chấp hành thống nhất trình tỉnh khen thưởng"), as the chair draws it with "như
    vậy" (`_DECIDED`: "… không biểu quyết, như vậy hội nghị thống nhất …")."""
    last = max([m.end() for m in _mentions(folded)] + [n.end() for n in _numbers(folded)], default=0)
    tail = folded[last:]
    agreed = _AGREED.match(tail)
    if agreed is not None and re.match(_ONLY_SHARE, tail[agreed.end() :]) is None:
        return True
    return _DECIDED_AFTER.match(tail) is not None


_ALONE_PASSED = re.compile(r"^[^,;.]*[,;.]\s*(?:(?:da|duoc|vay|vay la|nhu vay)\s+)?thong qua\W*$")
"""A bare share then the result ("Bảy trên bảy, thông qua.")."""


def find_vote(text: str, *, chair: bool, asked: str | None = None, uncounted: Collection[str] = ()) -> VoteCue | None:
    """The vote spoken in `text` (a call to vote, a count, a result), or None. `asked`: the kind the sentence before
    asked for ("Vị nào tán thành xin giơ tay." then "28 vị."); `uncounted`: the kinds the vote being counted has yet
    to count (`read_counts`)."""
    folded = folded_digits(text)
    if no_vote_here(text):
        return None
    counts, total = read_counts(folded, uncounted)
    lead = _lead(folded)
    if asked is not None and asked not in counts and not _mentions(lead) and (answer := _answer(lead)) is not None:
        counts = {asked: answer[0], **counts}  # "Năm trên năm, không ai phản đối.": the answer, then the rest
        total = answer[1] if answer[1] is not None else total
    first = re.split(r"[,;.]", folded)[0]
    kinds = _mentions(folded)
    owned = bool(kinds) and not folded[len(first) : kinds[0].start()].strip(" ,;.:")  # "Hai trên chín, không đồng ý."
    shared = _answer(first) if asked is None and "in_favour" not in counts and not owned else None
    if shared is not None and shared[1] is not None and (counts or _ALONE_PASSED.search(folded)):
        counts, total = {"in_favour": shared[0], **counts}, shared[1]  # "Bảy trên bảy, thông qua.", "25 trên 26, một …"
    free = _free_fraction(folded) if asked == "in_favour" and "in_favour" not in counts else None
    if free is not None:  # "… sáu trên sáu người có mặt hông ai phản đối": the share answers the call
        counts, total = {"in_favour": int(free.group(1)), **counts}, int(free.group(2)) if total is None else total
    if total is None and "in_favour" in counts:
        total = _whole_in(folded, counts["in_favour"])
    weak = _VOTE_PASSED_WEAK.search(folded) is not None and (bool(counts) or _VOTE_WORDS.search(folded) is not None)
    result = _VOTE_PASSED.search(folded)
    if result is not None and _ASKED.search(folded, max(0, result.start() - 12), result.start()):
        result = None  # "đại biểu nào nhất trí thông qua …": asked, not said
    has_counts = bool(counts) or (total is not None and _TOTAL_WORDS.search(folded) is not None)
    decided = has_counts and (
        _DECIDED.search(folded) is not None
        or _agreed_after(folded)
        or _DONE.search(folded) is not None
        or (_DRAWN.search(folded) is not None and re.search(_ONLY_SHARE, folded) is None)
    )
    denied = has_counts and _DENIED.search(folded) is not None  # "… không đồng ý năm, như vậy đề xuất không đạt"
    passed = False if _VOTE_FAILED.search(folded) or denied else True if result is not None or weak or decided else None
    calls = [m.group() for m in _VOTE_CALL.finditer(folded)] + [m.group() for m in _PRESS.finditer(nfc(text))]
    calls += [m.group() for m in _mentions(folded) if _asks(folded, m.start()) and _ASKS_NOW.match(folded, m.end())]
    floor = (
        calls in (["gio tay"], ["gio the"]) and _FLOOR_HANDS.search(folded) is not None
    )  # hands up to speak, not to vote
    call = chair and bool(calls) and not floor
    if not (has_counts or passed is not None or call):
        return None
    if passed is not None and not (has_counts or chair):
        return None  # a member recalling that something "was passed" is not the vote
    total = total if has_counts else None  # "trên tổng số 27 chỉ tiêu": a whole of nothing counted
    asks = asked_kind(text) if call else None
    return VoteCue(counts.get("in_favour"), counts.get("against"), counts.get("abstain"), total, passed, call, asks)


# --- deadlines --------------------------------------------------------------------------------------------

_DAY_MONTH = (
    r"(?P<day>\d{1,2})(?:(?P<sep>[/.-])(?P<m1>\d{1,2})(?:(?P=sep)(?P<y1>\d{4}|\d{2}(?!\d)))?| thang (?P<m2>\d{1,2}))"
    r"(?: nam (?P<y2>\d{4}|sau|toi|nay)\b)?"
)
"""A day and its month, written "15/7", "15-7", "15.7.2025" or said "15 tháng 7 (năm 2025, năm sau, năm nay)"."""
_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_CLOCK = r"(?:\d{1,2} gio(?: \d{1,2})? (?:(?:sang|chieu|toi) )?)?"
"""A time of day before the day ("trước 17 giờ thứ bảy", "trước 8 giờ sáng ngày 15/10"): part of the deadline."""
_WEEKDAY = (
    rf"{_CLOCK}(?:(?:sang|chieu|toi) )?(?P<weekday>thu (?:hai|ba|tu|nam|sau|bay|[2-7])\b|chu nhat)"
    r"(?: tuan (?P<week>nay|sau|toi)| (?P<this_week>nay)\b| toi\b)?(?! (?:hang|moi|cac) tuan)"
)
"""A weekday, with its week ("thứ sáu tuần sau", "thứ Hai tới": the coming one); not one of every week ("họp vào thứ
Hai hằng tuần": a time inside the action)."""
_WEEKDAYS = {"thu hai": 0, "thu ba": 1, "thu tu": 2, "thu nam": 3, "thu sau": 4, "thu bay": 5, "chu nhat": 6}
_WEEKDAYS |= {f"thu {n}": n - 2 for n in range(2, 8)}
_WEEKDAY_WEEK = r"(?:(?:sang|chieu|toi) )?(?:thu \w+|chu nhat) (?:tuan (?:nay|sau|toi)|nay\b|toi\b)"
"""A weekday said with its week ("thứ sáu tuần này", "chiều Chủ nhật này"): a deadline even without "trước"."""
_WEEKDAY_LAST = r"(?:(?:sang|chieu|toi) )?(?:thu (?:hai|ba|tu|nam|sau|bay|[2-7])|chu nhat)\W*$"
"""A weekday closing the sentence ("… báo tôi thứ tư"): when it is due, even without "trước" (mid-sentence, "thứ tư"
may be the fourth point)."""
_WEEKDAY_VERB = (
    r"(?<=[a-z0-9,] )(?<!\bla )(?<!\bngay )(?:(?:sang|chieu|toi) )?(?:thu (?:hai|ba|tu|nam|sau|bay|[2-7])|chu nhat)"
    r" (?:(?:phai|se) [a-z]+|gui|nop|bao cao|trinh|giao|lam|xong|hoan thanh|co mat|len|xuong|ra quan)\b"
)
"""A weekday right before the verb it times ("… mới thứ tư gửi lên …", "…, thứ Hai gửi đi", "thứ Hai phải có xe"): when
it is due, mid-sentence (first in a sentence or after "là", "thứ tư" is the fourth point)."""
_SESSION = r"(?:ky hop|phien hop|cuoc hop|hoi nghi|buoi hop)"
_NAMED = r"(?: (?!ngay\b|thang\b)[a-z]+){0,4}?"
"""Words naming a session before its date ("tại cuộc họp giao ban ngày 3/12", "tại kỳ họp thường lệ tháng 12"). A
later session said with "vào", "tại", "đến" and what makes it one to come ("vào kỳ họp bổ sung", "trình lại vào giao ban
tháng 3", "tại phiên họp kế tiếp") is a deadline too, as a period the work lasts ("trong suốt mùa mưa lũ", "suốt mấy
ngày đại hội")."""
_DAY_WORD = r"(?:ngay (?:mung |mong )?|mung |mong )"
"""What says a day ("ngày 5", "mùng 5", "ngày mồng 5")."""
_BARE_DAY = r"(?<=[a-z,] )(?<!moi )(?=ngay \d{1,2}(?! (?:lan|ca|buoi|luot|chuyen|nguoi|phut|tieng|dem|ngay)\b))"
"""A day said bare inside an order ("làm bảng kê ngày hai mươi phát về các tổ"): when it is to be done, the first such
day after the meeting; not a rate ("mỗi ngày 2 lần", "ngày 3 ca")."""
_SPOKEN_COUNT = "(?:" + "|".join(sorted(_NUMBER_WORDS)) + ")"
"""A spoken number's words, folded ("mười lăm ngày"): a duration's count ("ngày làm việc" is read "ngày 5 việc" by
`spoken_dates`)."""
_EVENT = (
    r"(?:khi|ky|phien|hoi nghi|dai hoi|le|mua|vu|dot|buoi|cuoc|dip|hoi thi|khai giang|khai mac|be giang|tong ket)\b"
    r"(?:(?<=ky) thi|(?<=hoi) thi| (?!de\b|thi\b|phai\b|nhe\b|nha\b|con\b|va\b|roi\b|truoc\b|(?:cham|muon) nhat\b)"
    r"[a-z0-9/]+){1,12}"
)
"""An event a deadline may name ("trước khi trình Quốc hội biểu quyết", "trước Đại hội thành viên", "trước kỳ thi học kỳ
hai", "trước mùa cá Nam", "trước vụ vải tới"), to the clause's end or a word that begins another ("… để còn diễu
hành", "thì" but not the "thi" of "kỳ thi")."""
_TO_CLAUSE_END = (
    r"(?:(?<!\bxong) (?!de\b|thi\b|phai\b|nhe\b|nha\b|nghen\b|con\b|va\b|roi\b|(?:cham|muon) nhat\b)[a-z0-9/]+){1,12}"
)
"""Words to the clause's end, a word that begins another ("… để còn diễu hành", "… thì báo", "… nha") or the "xong"
that completes the event ("ngay khi máy chạy xong có kết quả …")."""
_COUNTED_FROM = rf"(?: (?:ke|tinh) tu (?:(?P<from_now>(?:ngay )?hom nay|bay gio)\b|(?:ngay|khi){_TO_CLAUSE_END}))?"
"""Where a span is counted from ("trong 30 ngày kể từ hôm nay", "trong bảy ngày làm việc kể từ ngày công bố")."""
_TET = r"tet\b(?: (?P<new_year>duong lich)| nguyen dan| am lich| trung thu| doan ngo| thieu nhi)?"
"""Tết, the lunar new year, or a festival named after it ("Tết Dương lịch", "tết trung thu")."""
_BY = r"(?:truoc|(?:cham|muon) nhat(?: la)?|han (?:chot|cuoi)(?: la)?|(?:thoi|dung) han(?: la)?)"
"""What says by when ("trước", "chậm nhất là", "muộn nhất", "hạn chót", "thời hạn", "đúng hạn")."""
_YEAR = r"(?:(?: nam |/)(?:\d{4}|nay|sau|toi)\b)"
"""The year of a month or quarter ("tháng 10/2025", "quý IV năm nay", "quý I năm sau")."""
_SPAN_COUNT = rf"(?:\d+|{_SPOKEN_COUNT}(?: {_SPOKEN_COUNT}){{0,2}})"
_SPAN_UNIT = (
    r"(?:ngay(?: (?:lam|5) viec)?|tuan|thang|gio(?! (?:sang|trua|chieu|toi|dem|\d))"
    r"|tieng(?! (?:kinh|dan|viet|anh|hoa|khmer|mong|dao|thai|nguoi|me|noi|dia)\b))"
)
"""A span's count and unit ("15 ngày", "mười ngày làm việc", "hai tuần", "ba tháng", "trong vòng 24 giờ", "trong hai
tiếng"; not a time of day, "trong 8 giờ sáng", nor a language, "hai tiếng Kinh")."""
_AT_TIME = rf"(?:(?:{_BY}|vao|trong|tu) )?(?:\d{{1,2}} gio(?: \d{{1,2}})? )?"
"""A marker and a time of day before a day said relative to today ("trước 17 giờ chiều nay", "từ sáng mai")."""
_DEADLINE = re.compile(
    r"(?<![a-z0-9])(?:ngay |noi )?(?:"
    rf"(?:(?:{_BY}|(?:khong )?qua|den(?: het)?|het|toi|tu|vao|trong"
    rf"|tai {_SESSION}{_NAMED}) {_CLOCK}|(?={_DAY_WORD}\d))"
    rf"{_DAY_WORD}?{_DAY_MONTH}(?: hang thang)?"
    rf"|(?:(?:{_BY}|den(?: het)?|toi|vao) |^|{_BARE_DAY})"
    rf"{_DAY_WORD}?(?P<day_this>\d{{1,2}}) thang (?P<this>nay|toi)\b"
    rf"|(?:(?:{_BY}|den(?: het)?|toi|vao|sang|chieu) |^|{_BARE_DAY})"
    rf"{_DAY_WORD}"
    r"(?P<day_only>\d{1,2})"
    r"(?!\d|/| thang| hang thang| gio)"
    r"|truoc ngay \d{1,2} hang thang"
    rf"|(?:trong|den het|het|tu nay den het|tu|vao|{_BY}|tai {_SESSION}{_NAMED})"
    r" thang (?P<month>\d{1,2})(?:(?: nam |/)(?P<y3>\d{4}))?(?: (?:nay|toi)\b(?! thang))?"
    rf"|(?:trong|den(?: het)?|het|{_BY}) nam \d{{4}}\b"
    r"|trong quy (?P<quarter>iv|iii|ii|i|[1-4])\b(?:(?: nam |/)(?P<y4>\d{4}|nay|sau|toi)\b)?"
    r"|(?:trong|vao|(?:tu nay )?den het|het) (?:tuan|thang|nam|quy) (?:nay|toi|sau)"
    rf"|(?:trong (?:vong |thoi han |thoi gian )?|khoang )?(?<!\w)(?P<span_more>{_SPAN_COUNT}) {_SPAN_UNIT} nua\b"
    rf"|trong (?:vong |thoi han |thoi gian )?(?P<span>{_SPAN_COUNT}) (?P<unit>{_SPAN_UNIT})"
    rf"(?: toi| nay| nua| (?:dau|cuoi) nam)?{_COUNTED_FROM}"
    r"|(?:bat dau )?(?:tu )?tuan (?:sau|toi)\b"
    r"|(?:trong )?tuan (?:dau|cuoi) thang \d{1,2}\b"
    r"|trong tuan\b(?! (?:nay|toi|sau|qua|truoc|dau|cuoi)\b)"
    rf"|{_AT_TIME}(?P<today>(?<=trong )(?:ngay )?hom nay|(?<=\w )ngay hom nay"
    r"|(?:ngay )?(?:buoi )?(?:sang|trua|chieu|toi|dem) nay|(?<=tu )bay gio)"
    rf"|(?:(?:trong|vao|{_BY}) (?:ngay )?|(?={_WEEKDAY_WEEK}|{_WEEKDAY_LAST}|{_WEEKDAY_VERB}))"
    rf"{_WEEKDAY}"  # "ngay trong ngày thứ Hai": the day said with its marker
    rf"|truoc {_EVENT}"
    rf"|(?:truoc|sau|ra) {_TET}|(?:truoc|sau) ram thang \w+|truoc (?:mua \w+|ky hop \w+(?: \w+)?)|ra gieng\b"
    r"|truoc ngay (?!\d|mai\b|kia\b|hom\b|mung\b)[a-z]+(?: [a-z]+)?(?=\W*$|\W* (?:khong|thi|de|nhe|nha|roi|con)\b)"
    rf"|(?<=ngay )(?:sau )?khi{_TO_CLAUSE_END}"
    rf"|{_BY} {_SPAN_COUNT} {_SPAN_UNIT} (?:sau|ke tu) (?:khi|ngay){_TO_CLAUSE_END}"  # "chậm nhất 20 ngày sau khi …"
    rf"|tai {_SESSION}{_NAMED} (?:(?:tuan|thang|quy|nam) (?:nay|sau|toi)\b"
    rf"|thu (?:\d+|{_SPOKEN_COUNT}(?: {_SPOKEN_COUNT})*)\b)"
    rf"|tai {_SESSION} (?:cuoi nam|giua nam|thuong le|toi|sau|nay)(?: nam \d{{4}})?"
    rf"|tai {_SESSION} quy (?:iv|iii|ii|i|[1-4])\b"
    r"|(?:khoang |trong |vao |truoc |tu |den )?(?P<part>dau|giua|cuoi) thang (?P<m4>\d{1,2})"
    r"(?: nam (?P<y5>\d{4}))?(?: (?:nay|toi)\b)?"
    r"|(?:khoang |trong |vao |truoc |tu |den )?(?:dau|giua|cuoi) (?:tuan|thang|nam|quy) (?:nay|sau|toi)"
    rf"|(?:(?:khoang|trong|vao|den|{_BY}) )?(?:dau|giua|cuoi) quy (?:iv|iii|ii|i|[1-4])\b{_YEAR}?"
    r"|(?:(?:khoang|trong|vao|den) )?cuoi (?:thang|quy)\b|(?:trong|vao|den) cuoi tuan\b"
    r"|(?:trong|vao|truoc|den|tu) (?:dau|giua) thang\b"
    rf"|{_BY} cuoi (?:tuan|thang|nam|quy)\b(?: (?:nay|toi)\b)?"  # "chậm nhất cuối quý này": "này" is the deadline's
    r"|tu (?:nay|bay gio) (?:den|toi) (?:het |cuoi )?(?:mua [a-z]+|tet|nam|thang|quy|tuan|dot)"
    r"(?: (?:nay|sau|toi|\d{1,2}|iv|iii|ii|i)\b)?"
    rf"|{_AT_TIME}(?P<days>(?:(?:sang|trua|chieu|toi) |ngay )mai|ngay kia)\b"
    rf"|trong {_SESSION} nay|tu (?:chieu|sang|toi) nay|trong nam hoc \d{{4}}-\d{{4}}"
    rf"|(?:trong |tai )?{_SESSION} (?:toi|sau)\b"
    rf"|(?:trong )?suot (?:mua|dot|thoi gian|(?:may|nhung|cac) ngay|dip|qua trinh){_TO_CLAUSE_END}"
    rf"|trong mua{_TO_CLAUSE_END}"  # "trong mùa hái tiêu": a season the work lasts
    rf"|(?:tai|vao|den|o) (?:{_SESSION}|(?:phien |buoi |cuoc hop )?giao ban)(?: [a-z]+){{0,4}}?"
    r" (?:toi|sau|ke tiep|tiep theo|bo sung|lan sau|thang \d{1,2}|quy (?:iv|iii|ii|i|[1-4]))\b"
    r")"
)
_DAY_AFTER_TOMORROW = re.compile(r"(?<=\bngày )mốt\b", re.IGNORECASE)
"""Southern "ngày mốt", the day after tomorrow (folded, "ngày một" is the first): read as "ngày kia"."""
_NEXT_MONTH = re.compile(r"(?<=\btháng )sau\b", re.IGNORECASE)
_SPOKEN_QUARTER = re.compile(r"\bquy (mot|hai|ba|bon|tu)\b")
_QUARTER_WORDS = {"mot": "1", "hai": "2", "ba": "3", "bon": "4", "tu": "4"}


@dataclass(frozen=True)
class Deadline:
    text: str
    """As spoken, cut from the original sentence."""
    start: int
    due: date | None


def _day(day: int, month: int, year: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _month_end(month: int, year: int) -> date | None:
    return _day(calendar.monthrange(year, month)[1], month, year) if 1 <= month <= 12 else None


def _due(match: re.Match[str], held: date, *, ahead: bool = True) -> date | None:
    """The date a deadline names, its year the meeting's (or the next, when the date would fall before the
    meeting and `ahead`) unless it is said."""

    def resolved(make: Callable[[int], date | None], spoken: str | None) -> date | None:
        if spoken in ("sau", "toi"):  # "tháng 1 năm sau"
            return make(held.year + 1)
        if spoken == "nay":
            return make(held.year)
        if spoken:
            return make(int(spoken) + (2000 if int(spoken) < 100 else 0))
        this_year = make(held.year)
        return make(held.year + 1) if ahead and this_year is not None and this_year < held else this_year

    g = defaultdict(lambda: None, match.groupdict())  # a date after a weekday has only a date's groups
    if g["day"] and (month := g["m1"] or g["m2"]):
        return resolved(lambda y: _day(int(g["day"]), int(month), y), g["y1"] or g["y2"])
    if g["month"]:  # a month: its last day
        return resolved(lambda y: _month_end(int(g["month"]), y), g["y3"])
    if g["m4"]:  # "cuối tháng 12": its last day; "đầu tháng 1": a period
        return resolved(lambda y: _month_end(int(g["m4"]), y), g["y5"]) if g["part"] == "cuoi" else None
    if g["day_this"]:  # "trước ngày 25 tháng này", "… tháng tới" (and "tháng sau": `find_deadline`)
        month_said = held.month + (g["this"] == "toi")
        return _day(int(g["day_this"]), (month_said - 1) % 12 + 1, held.year + (month_said > 12))
    if g["day_only"]:  # "trước ngày 30": the first such day after the meeting
        day = int(g["day_only"])
        month = date(held.year + (held.month == 12), held.month % 12 + 1, 1)
        return _day(day, held.month, held.year) if day > held.day else _day(day, month.month, month.year)
    if g["weekday"]:  # "trước thứ tư": the first after the meeting; "thứ sáu tuần sau": that of the week said
        monday = held - timedelta(days=held.weekday())
        wanted = _WEEKDAYS[g["weekday"]]
        if g["week"] == "nay" or g["this_week"]:  # "thứ sáu này": of this week
            return monday + timedelta(days=wanted)
        if g["week"] in ("sau", "toi"):
            return monday + timedelta(days=7 + wanted)
        return held + timedelta(days=(wanted - held.weekday() - 1) % 7 + 1)
    if g["today"]:  # "trong hôm nay", "chiều nay"
        return held
    if g["days"]:  # "ngày mai", "chiều mai", "ngày kia"
        return held + timedelta(days=2 if g["days"].endswith("kia") else 1)
    if g["from_now"] and g["unit"] == "ngay":  # "trong vòng 30 ngày kể từ hôm nay": the thirtieth day from now
        count = g["span"]
        return held + timedelta(days=int(count) if count.isdigit() else _value(count.split()))
    if g["new_year"]:  # "trước Tết Dương lịch": 1 January
        return date(held.year + 1, 1, 1)
    if g["quarter"]:  # a quarter: its last day
        return resolved(lambda y: _month_end(_QUARTERS[g["quarter"]] * 3, y), g["y4"])
    return None


_NI = re.compile(r"\b(?:thang|tuan|nam|quy|hom|bua|sang|chieu|toi|buoi|ngay|thu \w+|chu nhat) (ni)\b")
"""Central "ni" for "nay" (this) after a time ("trước ba mươi tháng ni", "thứ sáu tuần ni", "chiều ni")."""


def _read_as(
    written: str, where: list[tuple[int, int]], pattern: re.Pattern[str], reading: Callable[[str], str]
) -> tuple[str, list[tuple[int, int]]]:
    """`written` (and the spans of its characters) with each first group of `pattern` replaced by its `reading`, every
    character of which stands for the word replaced."""
    for found in reversed(list(pattern.finditer(written))):
        start, end = found.span(1)
        read = reading(found.group(1))
        written = written[:start] + read + written[end:]
        where = [*where[:start], *[(where[start][0], where[end - 1][1])] * len(read), *where[end:]]
    return written, where


_DATED_AFTER = re.compile(r",? ")
"""What stands between a weekday and the date that says it ("chậm nhất thứ Ba, ngày 13 tháng 5"): the date gives the
day."""


_DATE_AFTER_WEEKDAY = re.compile(rf",? {_DAY_WORD}?{_DAY_MONTH}(?![\d/])")
"""A date said bare right after a weekday ("vào thứ Bảy, 10/5", "sáng Chủ nhật, 8 tháng 6"): it says which day."""


_BARE_DATE = re.compile(r"(?:ngay |mung |mong )+\d")
_DOCUMENT = re.compile(r"\bso [\w/.-]+ $")
_RECENT = timedelta(days=92)
"""How far before the meeting a date said bare or a month is one referred to ("đợt kiểm tra ngày 10/9", "trong tháng 8"
said on 17 September), not next year's."""


def _referred(match: re.Match[str], written: str, held: date | None) -> bool:
    """Whether a time is one referred to, not a deadline: a date said without a marker that is a document's ("công
    văn số 15 ngày 5/9"), the meeting's own ("hôm nay, ngày 17 tháng 9") or one of the last months ("kết quả đợt kiểm
    tra ngày 10/9 …"); a date or month of the past ("các hồ sơ nộp từ ngày 1/9", "vi phạm trong tháng 8", "từ ngày
    1/1/2024 đến nay")."""
    bare = _BARE_DATE.match(match.group()) is not None
    if bare and _DOCUMENT.search(written, 0, match.start()):
        return True
    if held is None:
        return False
    named = _due(match, held, ahead=False)
    if named is None or named > held or not (match.group("day") or match.group("month") or match.group("quarter")):
        return False
    year_said = any((match.group(y) or "").isdigit() for y in ("y1", "y2", "y3", "y4"))
    start = match.group().startswith(("tu ", "ngay tu "))
    return bare or year_said or start or (not match.group("day") and named >= held - _RECENT)


_WORDS_AS_SAID = re.compile(r"[^\W\d_]+")


def _misread(match: re.Match[str], text: str, where: list[tuple[int, int]]) -> bool:
    """Whether a time was read from words that only fold like one (`text` as said, `where` the span of each character
    of the folded text the match is of): "trọng tâm tháng này" (the focus of this month) is no "trong tám tháng này";
    where the text has its tones, a day or a span's count said in words must be number words ("tám", not "tâm"; "ngay
    sau cuộc họp" is right after it, no sixth day), and a day comes after "ngày", not "ngay" ("cử ngay 2 luật sư": at
    once, two of them)."""

    def said(group: str) -> list[str]:
        return [
            w.lower()
            for w in _WORDS_AS_SAID.findall(text[where[match.start(group)][0] : where[match.end(group) - 1][1]])
        ]

    toned = not text.isascii()
    numbers = [g for g in ("span", "span_more", "day", "day_only", "day_this") if match.group(g)]
    days = [g for g in ("day", "day_only", "day_this") if match.group(g)]
    at_once = any(text[: where[match.start(g)][0]].lower().split()[-1:] == ["ngay"] for g in days)
    words_said = _WORDS_AS_SAID.findall(text[where[match.start()][0] : where[match.end() - 1][1]].lower())
    spoken_wrong = any(w not in _NUMBER_SAID for g in numbers for w in said(g))
    return "trọng" in words_said or (toned and (spoken_wrong or at_once))


_LATEST = re.compile(r"(?:ngay )?(?:(?:cham|muon) nhat|han (?:chot|cuoi))\b")
"""The markers that say nothing but the deadline ("chậm nhất", "muộn nhất", "hạn chót"): their time is the order's."""


_LUNAR_MONTH = re.compile(r"\bthang (?:gieng|chap)\b|\bam lich\b")
"""A lunar month ("mùng 10 tháng Giêng", "20 tháng Chạp"): its solar date is not computed here, so no `due`."""


_PERIOD_BEGUN = re.compile(r"\btu (?:ngay )?(?:[^,;.]{1,30} )?$")
"""A period begun with "từ" before a date ("từ ngày 1", "từ 28 Tết đến …")."""


def _bounds_a_period(found: re.Match[str], written: str) -> bool:
    """Whether the date `found` begins or ends a period ("từ tháng 8", "từ 28 Tết đến hết mùng 6"): when the work goes
    on, not when it is due ("…, từ 28 Tết đến hết mùng 6, gửi tôi duyệt trước thứ Hai tuần sau")."""
    said, before = found.group(), written[: found.start()]
    if said.startswith(("tu ", "ngay tu ")) or before.endswith("tu "):
        return True
    return said.startswith("den ") and _PERIOD_BEGUN.search(before) is not None


def find_deadline(text: str, *, held: date | None = None) -> Deadline | None:
    """The deadline in `text` ("trước ngày 15/7", "trong quý III"); `due` is the date it names, read against
    `held`, the day of the meeting."""
    text = nfc(text)
    next_month = _NEXT_MONTH.sub("tới", text)  # "sau" is also "sáu" (six) once folded: "tháng sau" is not June
    next_month = _DAY_AFTER_TOMORROW.sub("kia", next_month)
    written, where = _read_as(*spoken_dates(fold(next_month)), _NI, lambda _: "nay")
    written, where = _read_as(written, where, _SPOKEN_QUARTER, _QUARTER_WORDS.__getitem__)
    found = [
        m for m in _DEADLINE.finditer(written) if not _referred(m, written, held) and not _misread(m, next_month, where)
    ]
    if not found:
        return None
    # "… từ tháng 8, báo cáo … trước ngày 31 tháng 8": a period's bounds are the deadline only when nothing else is
    match = next((m for m in found if not _bounds_a_period(m, written)), found[0])
    # "… coi trước khi ký chậm nhất là ngày năm tháng tám": "chậm nhất", "hạn chót" say the deadline itself
    match = next((m for m in found if _LATEST.match(m.group())), match)
    if match.group().startswith("truoc khi "):  # "gửi mẫu trước khi đóng công, xong trước chủ nhật này": the work's
        match = next((m for m in found if m.start() > match.start() and "khi" not in m.group().split()), match)  # order
    dated = (
        next(
            (
                m
                for m in found
                if m.start() > match.end() - 1 and _DATED_AFTER.fullmatch(written, match.end(), m.start())
            ),
            None,
        )
        if match.group("weekday")
        else None
    )
    if dated is None and match.group("weekday"):
        dated = _DATE_AFTER_WEEKDAY.match(written, match.end())
    start, end = where[match.start()][0], where[(dated or match).end() - 1][1]
    while end < len(text) and text[end].isalnum():  # "quý hai" written "quy ii": its word whole
        end += 1
    if text[start:end].lower().startswith("tư "):  # "Phòng Vật tư chiều nay …": folded, "tư" (four) is "từ" (from)
        start += len("tư ")
    if text[start:end].lower().startswith("tôi "):  # "báo tôi thứ tư": folded, "tôi" (me) is "tối" (evening)
        start += len("tôi ")
    said = text[start:end].rstrip()
    lunar = _LUNAR_MONTH.search(fold(said)) is not None
    return Deadline(said, start, _due(dated or match, held) if held is not None and not lunar else None)


# --- tasks ------------------------------------------------------------------------------------------------

_TASK_VERBS = (
    r"chu tri|phoi hop|thuc hien|ra soat|bao cao|hoan thanh|hoan thien|tham muu|xay dung|to chuc|trien khai"
    r"|kiem tra|theo doi|giam sat|chuan bi|tong hop|tiep thu|tiep tuc|khan truong|co trach nhiem|lap|trinh"
    r"|bo sung|sua chua|xu ly|tang cuong|don doc|cap nhat|gui|nghien cuu|de xuat|tham dinh|tham tra|chi dao"
    r"|day nhanh|tap trung|chu dong|duy tri|hoan chinh|nhac|lien he|gap|van dong|bam sat|tim kiem|bao dam|dam bao"
    r"|chuyen|cong bo|nop|len lich|soan|khac phuc|ban giao|bo tri|thue|dang ky|giai quyet|ho tro|cung cap|lam viec"
    r"|lay|mua|sua|nhan|dieu tra|huong dan|ban hanh|hoan tat|rut kinh nghiem|ra quan|phan bo"
)
TASK_VERB = re.compile(rf"\b(?:se |)(?:{_TASK_VERBS})\b")
"""Verbs of orders (folded): where the assignee named before them ends."""

# --- conclusions ------------------------------------------------------------------------------------------

_CONCLUDE_ANYONE = re.compile(r"\b(chu toa|chu tri|toi xin|xin) ket luan\b")
_CONCLUDE = re.compile(
    r"(?<!du thao )(?<!theo )(?<!tong hop )(?<!thong bao )(?<!ban hanh )(?<!thuc hien )\bket luan\b(?! cua thanh tra)"
    r"|\b(tom lai|tom tat lai|chot lai)\b|^(thong nhat|nhat tri|dong y)\b"
    r"|(?:^|, )(?!toi\b)[\w ]{2,40}?\b(da |deu |)(thong nhat|nhat tri|dong y)\b(?! voi (?:y kien|de nghi))"
)
_NOT_CONCLUSION = re.compile(
    r"\b(can|chua|khong|mong muon|de nghi|neu|co(?! ban\b)|ai|nao)( \w+){0,2} (thong nhat|nhat tri|dong y)\b"
)
"""Agreement asked for, missing, or counted ("đại biểu nào đồng ý", "có 9 đồng chí đồng ý"): no conclusion ("cơ bản
nhất trí", folded alike, is one)."""


def is_conclusion(text: str, *, chair: bool) -> bool:
    """A conclusion of the chair or an agreement of the meeting ("Hội đồng thống nhất …", "Tôi xin kết luận …"): any
    subject agreeing but the speaker ("tôi thống nhất với …" is an opinion), no count ("ba trên ba đồng ý": a vote)."""
    folded = fold(text)
    if _CONCLUDE_ANYONE.search(folded):
        return True
    agreed = chair and _CONCLUDE.search(folded) is not None and _NOT_CONCLUSION.search(folded) is None
    return agreed and not read_counts(folded_digits(text))[0]
