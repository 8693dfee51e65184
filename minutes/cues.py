"""Vietnamese cue phrases of the minutes: votes with their counts, tasks with assignee and deadline, conclusions.

Matching is case- and diacritic-insensitive: sentences are folded with `core.text.strip_diacritics`
(ASR output and typed text differ in accents and case), and the folded text keeps the length of
the original, so a span found in it is cut from the original with its accents. Spoken numbers
("bốn mươi lăm") are read as digits first, as recognisers write them out.

Procedural speech (calls to vote, assignments, conclusions) comes from the chair; a member's
"đề nghị" is a request in the debate, not a task. `chair` tells the functions who is speaking.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from core.text import nfc, strip_diacritics


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
_NUMBER_WORDS = {*_DIGITS, "muoi", "tram", "linh", "le"}
_COUNTED = re.compile(r"(dai bieu|dong chi|thanh vien|phieu|nguoi|y kien)\b")
_WORD = re.compile(r"\S+")


def _value(words: list[str]) -> int:
    value, last = 0, 0
    for word in words:
        if word in _DIGITS:
            last = _DIGITS[word]
        elif word == "muoi":
            value += (last or 1) * 10
            last = 0
        elif word == "tram":
            value += (last or 1) * 100
            last = 0
    return value + last


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
        while j < len(tokens) and tokens[j].group().strip(",.;:") in _NUMBER_WORDS:
            j += 1
        words = [t.group().strip(",.;:") for t in tokens[i:j]]
        after = folded[tokens[j - 1].end() :].lstrip() if j > i else ""
        if j > i and words[0] not in ("linh", "le") and (j - i >= 2 or _COUNTED.match(after)):
            out.append(folded[position : tokens[i].start()] + str(_value(words)))
            position = tokens[j - 1].end()
            i = j
        else:
            i += 1
    out.append(folded[position:])
    return "".join(out)


def spoken_dates(folded: str) -> tuple[str, list[tuple[int, int]]]:
    """Days and months spoken after "ngay"/"thang" written as digits ("ngay muoi lam thang chin" -> "ngay 15
    thang 9"), and for each character of the result the span of `folded` it stands for (to cut spans back)."""
    out: list[str] = []
    where: list[tuple[int, int]] = []
    tokens = list(_WORD.finditer(folded))
    position, i = 0, 0
    while i < len(tokens):
        j = i
        while j < len(tokens) and tokens[j].group() in _NUMBER_WORDS:
            if j > i and tokens[j].group() == "nam" and tokens[j - 1].group() != "muoi":
                break  # "thang tu nam 2025": the year follows the month
            j += 1
        if j > i and i > 0 and tokens[i - 1].group() in ("ngay", "thang") and tokens[i].group() not in ("linh", "le"):
            out.extend(folded[position : tokens[i].start()])
            where.extend((k, k + 1) for k in range(position, tokens[i].start()))
            digits = str(_value([t.group() for t in tokens[i:j]]))
            out.extend(digits)
            where.extend([(tokens[i].start(), tokens[j - 1].end())] * len(digits))
            position, i = tokens[j - 1].end(), j
        else:
            i = max(j, i + 1)
    out.extend(folded[position:])
    where.extend((k, k + 1) for k in range(position, len(folded)))
    return "".join(out), where


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

    @property
    def has_counts(self) -> bool:
        return any(n is not None for n in (self.in_favour, self.against, self.abstain, self.total))


_VOTE_CALL = re.compile(
    r"(de nghi|xin moi|moi) cac (vi |dong chi |)(dai bieu |thanh vien |dong chi )?(\w+ ){0,2}?"
    r"(bieu quyet|cho y kien bieu quyet)"
    r"|\b(dong chi|dai bieu|ai|vi) nao (tan thanh|khong tan thanh|khong bieu quyet)"
    r"|\bgio tay\b|\bbieu quyet (bang|thong qua|thong nhat)"
)
_VOTE_PASSED = re.compile(r"\b(da duoc|duoc|da) thong qua\b|\bnhat tri thong qua\b|\bbieu quyet thong nhat\b")
_VOTE_FAILED = re.compile(r"\b(khong|chua) (duoc|dat)( \w+){0,3}? thong qua\b|\bkhong thong qua\b")
_COUNT = re.compile(r"(?<![\d,.])(\d+)(?:\s*(?:/|tren)\s*(\d+))?(?![\d%]|,\d)")
_CLAUSE = re.compile(
    r",\s|;|\.\s|:\s|\bva\b"
    r"|(?<!tren)(?<!/)\s(?=\d+(?:\s*(?:/|tren)\s*\d+)?\s(?:dai bieu|dong chi|thanh vien|phieu)\b)"
)
"""Clauses of a count: at punctuation, at "và", and before each count (ASR output has no commas)."""
_TOTAL = re.compile(r"\btong so (\d+) (?:dai bieu|dong chi|thanh vien)")
_NONE = re.compile(r"\bkhong co (dai bieu|dong chi|thanh vien|vi|ai)( nao)?\b")


def find_vote(text: str, *, chair: bool) -> VoteCue | None:
    """The vote spoken in `text` (a call to vote, a count, a result), or None."""
    folded = spoken_numbers(fold(text))
    counts: dict[str, int] = {}
    total: int | None = None
    for clause in _CLAUSE.split(folded):
        kind = (
            "against"
            if "khong tan thanh" in clause
            else "abstain"
            if "khong bieu quyet" in clause
            else "in_favour"
            if "tan thanh" in clause
            else None
        )
        if kind is None or kind in counts:
            continue
        number = _COUNT.search(clause)
        if number is not None:
            counts[kind] = int(number.group(1))
            if number.group(2) is not None:
                total = int(number.group(2))
        elif _NONE.search(clause):
            counts[kind] = 0
    if total is None and (spoken_total := _TOTAL.search(folded)) is not None:
        total = int(spoken_total.group(1))
    passed = False if _VOTE_FAILED.search(folded) else True if _VOTE_PASSED.search(folded) else None
    has_counts = "in_favour" in counts or total is not None
    call = chair and _VOTE_CALL.search(folded) is not None
    if not (has_counts or passed is not None or call):
        return None
    if passed is not None and not (has_counts or chair):
        return None  # a member recalling that something "was passed" is not the vote
    return VoteCue(counts.get("in_favour"), counts.get("against"), counts.get("abstain"), total, passed, call)


# --- deadlines --------------------------------------------------------------------------------------------

_DATE = r"(\d{1,2})(?:/(\d{1,2})(?:/(\d{2,4}))?| thang (\d{1,2})(?: nam (\d{4}))?)"
_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_DEADLINE = re.compile(
    rf"(?:truoc|cham nhat(?: la)?|khong qua|han chot(?: la)?|den het) ngay {_DATE}(?: hang thang)?"
    r"|truoc ngay \d{1,2} hang thang"
    r"|(?:truoc|cham nhat|den het) (\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?()()"
    r"|trong (?:thang (\d{1,2})(?: nam (\d{4}))?|quy (iv|iii|ii|i|[1-4])\b(?: nam (\d{4}))?"
    r"|(?:tuan|thang|nam) (?:nay|toi)|\d+ ngay(?: lam viec)?)"
    r"|truoc (?:mua \w+|tet\b(?: \w+)?|ky hop \w+(?: \w+)?)"
    r"|tai ky hop (?:cuoi nam|giua nam|thuong le|toi|sau)"
)


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


def find_deadline(text: str, *, year: int | None = None) -> Deadline | None:
    """The deadline in `text` ("trước ngày 15/7", "trong quý III"); `due` is read where a date is named."""
    text = nfc(text)
    written, where = spoken_dates(fold(text))
    match = _DEADLINE.search(written)
    if match is None:
        return None
    g = match.groups()
    due: date | None = None

    def year_of(spoken: str | None) -> int | None:
        return (int(spoken) + (2000 if int(spoken) < 100 else 0)) if spoken else year

    if year is not None:
        for day, month_a, year_a, month_b, year_b in (g[0:5], g[5:10]):
            if day and (month_a or month_b):
                y = year_of(year_a or year_b)
                due = _day(int(day), int(month_a or month_b), y) if y else None
        if g[10] and (y := year_of(g[11])) and 1 <= (m := int(g[10])) <= 12:  # trong tháng M: its last day
            due = _day(calendar.monthrange(y, m)[1], m, y)
        if g[12] and (y := year_of(g[13])):  # trong quý Q: its last day
            last_month = _QUARTERS[g[12]] * 3
            due = _day(calendar.monthrange(y, last_month)[1], last_month, y)
    start, end = where[match.start()][0], where[match.end() - 1][1]
    return Deadline(text[start:end], start, due)


# --- tasks ------------------------------------------------------------------------------------------------

_BODIES = (
    r"dong chi|ong|ba|so|ban|phong|van phong|uy ban|ubnd|cong an|thuong truc|cac|chi cuc|cuc|trung tam|thanh tra"
    r"|to|hoi dong|bo chi huy|truong|chu tich|pho chu tich|giam doc|lanh dao|hoi|doan|chanh"
)
_GIVE = re.compile(
    rf"(?:^|[\s,:;])(?:giao|phan cong)(?: cho)? (?={_BODIES}\b)"
    r"(?!ban (?:thang|tuan|quy|dinh ky|hang|sang|chieu|dau|cuoi)\b)"  # "họp giao ban tháng 8" is a meeting
)
_PAST = re.compile(r"\b(?:da|duoc|tung|vua)(?: \w+){0,2}\s*$")
"""Before "giao": a past order recalled ("Ủy ban đã thống nhất giao …"), not one given now."""
_AUDIENCE = re.compile(r"^cac (?:vi(?: dai bieu)?|dong chi|dai bieu)\b")
"""Everyone present ("Đề nghị các đồng chí nghiêm túc thực hiện"): an exhortation, no one is assigned."""
_ASK = re.compile(rf"(?:^|[\s,:;])(?:de nghi|yeu cau|chi dao)(?: cho)? (?={_BODIES}\b)")
_SUBJECT = re.compile(rf"^(?:{_BODIES})\b")
_TASK_VERBS = (
    r"chu tri|phoi hop|thuc hien|ra soat|bao cao|hoan thanh|hoan thien|tham muu|xay dung|to chuc|trien khai"
    r"|kiem tra|theo doi|giam sat|chuan bi|tong hop|tiep thu|tiep tuc|khan truong|co trach nhiem|lap|trinh"
    r"|bo sung|sua chua|xu ly|tang cuong|don doc|cap nhat|gui|nghien cuu|de xuat|tham dinh|tham tra|chi dao"
    r"|day nhanh|tap trung|chu dong|duy tri|hoan chinh"
)
_VERB = re.compile(rf"\b(?:se |)(?:{_TASK_VERBS})\b")
_PROCEDURAL = re.compile(r"^(?:tra loi|phat bieu|trinh bay|giai trinh|lam ro|cho y kien|doc|len)\b")
_SUBJECT_VERB = re.compile(r"^(?:co trach nhiem|khan truong|tiep tuc|se|chu tri|hoan thanh)\b")


@dataclass(frozen=True)
class TaskCue:
    assignee: str
    action: str
    deadline: Deadline | None


def _assignee_end(text: str, folded: str, start: int) -> int | None:
    """Where the assignee named from `start` ends: at the first lower-case task verb, or at a comma before
    an apposition ("đồng chí Trần Thị Mai, Phó Chánh Văn phòng, …").

    Names of bodies are capitalised ("Sở Xây dựng"), verbs are not ("xây dựng phương án"); a comma before a
    lower-case word continues a list ("Các sở, ngành liên quan").
    """
    verb = next((v.start() for v in _VERB.finditer(folded, start + 1) if text[v.start()].islower()), None)
    apposition = re.compile(r",\s*(?=[^\W\d_])").finditer(text, start)
    comma = next((c.start() for c in apposition if text[c.end()].isupper()), None)
    ends = [e for e in (verb, comma) if e is not None]
    return min(ends) if ends else None


def find_task(text: str, *, chair: bool, year: int | None = None, ordered: bool = False) -> TaskCue | None:
    """A task assigned in `text`: "Giao Sở Tài chính chủ trì …, báo cáo trước ngày 15/7" (None if none).

    `ordered`: the chair's order goes on from the clause before ("Giao …; Ban Kinh tế - Xã hội giám sát …"),
    so a body named with a task verb is assigned even without a deadline.
    """
    text = nfc(text).strip()
    folded = fold(text)
    if _VOTE_CALL.search(folded):
        return None  # "đề nghị các vị đại biểu biểu quyết …" asks for a vote
    start: int | None = None
    give = _GIVE.search(folded)
    if give is not None and _PAST.search(folded[: give.start() + 1]):
        give = None
    if give is not None:
        start = give.end()
    elif chair and (ask := _ASK.search(folded)) is not None:
        start = ask.end()
    elif chair and _SUBJECT.match(folded):
        start = 0
    if start is None:
        return None
    end = _assignee_end(text, folded, start)
    if end is None:
        return None
    rest = folded[end:].lstrip(" ,")
    if _PROCEDURAL.match(rest):
        return None
    deadline = find_deadline(text, year=year)
    if start == 0 and give is None and not (_SUBJECT_VERB.match(rest) or deadline is not None or ordered):
        return None  # "Sở Y tế đã hoàn thành …" reports; a task needs an order or a deadline
    if start == 0 and re.search(r"\b(?:da|dang|duoc)$", folded[:end].rstrip(" ,")):
        return None  # "Ủy ban đã hoàn thành …": a report, whatever came before
    action_end = deadline.start if deadline is not None and deadline.start > end else len(text)
    assignee = text[start:end].strip(" ,")
    action = text[end:action_end].strip(" ,.;")
    if not assignee or not action:
        return None
    if (audience := _AUDIENCE.match(fold(assignee))) and not any(c.isupper() for c in assignee[audience.end() :]):
        return None
    return TaskCue(assignee, action, deadline)


# --- conclusions ------------------------------------------------------------------------------------------

_CONCLUDE_ANYONE = re.compile(r"\b(chu toa|chu tri|toi xin|xin) ket luan\b")
_CONCLUDE = re.compile(
    r"(?<!du thao )(?<!theo )(?<!tong hop )(?<!thong bao )(?<!ban hanh )(?<!thuc hien )\bket luan\b(?! cua thanh tra)"
    r"|\b(tom lai|chot lai)\b|^(thong nhat|nhat tri|dong y)\b"
    r"|\b(hoi dong|hoi nghi|cuoc hop|ky hop|thuong truc|uy ban|chung ta|cac dai bieu|cac y kien|cac thanh vien|tap the)"
    r"\b[\w ]{0,40}?\b(da |deu |)(thong nhat|nhat tri|dong y)\b"
)
_NOT_CONCLUSION = re.compile(r"\b(can|chua|khong|mong muon|de nghi)( \w+){0,2} (thong nhat|nhat tri|dong y)\b")


def is_conclusion(text: str, *, chair: bool) -> bool:
    """A conclusion of the chair or an agreement of the meeting ("Hội đồng thống nhất …", "Tôi xin kết luận …")."""
    folded = fold(text)
    if _CONCLUDE_ANYONE.search(folded):
        return True
    return chair and _CONCLUDE.search(folded) is not None and _NOT_CONCLUSION.search(folded) is None
