"""Whether a spoken Vietnamese sentence is a question, by the grammar of questions (the CRF never learns "?").

Legal text has almost no questions, so `asr.punctuation` asks this module for each sentence it ends. A
sentence is a question when it ends with a question particle ("… không?", "… chưa ạ?", "… phải hông anh?",
"… à?") or holds a question word in its main clause ("ai", "gì", "vì sao", "bao giờ", "như thế nào", "ở đâu",
Central "mô", "răng"), and not when that word is indefinite or embedded:

- after a negation or "bất cứ" ("không có gì", "chưa có ai", "bất cứ khoản nào": none, any);
- followed by "cũng" ("ai cũng biết", "việc gì cũng phải": every);
- in a condition before "thì" ("Ai đồng ý thì giơ tay."; but "Bao giờ thì xong?" asks);
- in an indirect question after a verb of knowing or asking ("làm rõ vì sao …", "không biết bao giờ …",
  "Xin Bộ trưởng cho biết …", "xem có sai phạm hay không"), which administrative Vietnamese ends with a full
  stop; "Xin hỏi …" and "Tôi muốn hỏi …" put the question itself.

A final "không"/"chưa" is an answer, not a question, after "cũng", "thì", "là", "vẫn" or alone ("Tôi cũng
không.", "Dạ, chưa ạ."). Words are the spoken syllables of one sentence, lower case, NFC.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_PARTICLES = frozenset({"không", "chưa", "hông", "chăng", "nhỉ", "hả", "hở", "à", "chứ"})
"""Sentence-final particles that ask (yes/no, tags, surprise); "hông" is the Southern "không"."""
_TAIL = re.compile(
    r"(?: ạ| nha| nghen| ta| bà con| mọi người| (?:các )?đồng chí(?: \w+)?"
    r"| (?:anh|chị|em|bác|chú|cô|ông|bà|cháu|con|o)(?: \w+)?)?(?: ạ)?$"
)
"""What may follow a final particle: politeness and the person asked ("… chưa ạ", "xong chưa anh bảy",
"… không bà con", "có đúng không ta")."""
_ANSWERED = frozenset({"cũng", "thì", "là", "vẫn", "dạ", "vâng", "tôi", "tui", "em", "chúng"})
"""Words before a final "không"/"chưa" that make it an answer ("còn tôi thì không", "Dạ, em chưa")."""
_NOT_NO = frozenset(
    {"về", "bằng", "hàng", "phòng", "đường", "trên", "chân", "hư", "tay", "số", "phẩy", "chấm", "lẻ", "linh", "không"}
)
"""Words before a final "không" that make it a number or part of a word: "giảm về không", "hệ số một phẩy
không", "hàng không", "phòng không"."""
_NEGATIONS = frozenset({"không", "chẳng", "chả", "chưa", "hổng", "hông", "chớ"})
_ANY = ("bất cứ", "bất kỳ", "bất kì")
_INTRODUCERS = frozenset({"biết", "hiểu", "rõ", "xem", "định", "hỏi", "tùy", "tuỳ", "rằng"})
"""Verbs whose object is an indirect question: cho biết, không hiểu, làm rõ, xem, xác định, hỏi (as a report:
"Cử tri hỏi tôi …"; "Xin hỏi", "Tôi muốn hỏi" ask directly), tùy ("tùy thời điểm nào muộn hơn"), rằng
("kết luận rằng liệu … có … hay không")."""
_ASKING = frozenset({"xin", "muốn", "tôi", "em", "cho"})
_WHEN_THEN = frozenset({"bao giờ", "khi nào", "lúc nào", "chừng nào", "hồi nào", "mấy giờ", "bao lâu"})
"""Time questions that may stand before "thì" and still ask ("bao giờ thì xong?",
"khi nào thì", "mấy giờ thì họp?", "bao lâu thì")."""
_QUESTION_WORD = re.compile(
    r"(?<!\S)(?:"
    r"ai|gì|bao giờ(?! hết)|bao lâu|bao nhiêu|khi nào|lúc nào|chừng nào|hồi nào|(?:như )?thế nào"
    r"|(?<=những )\S+ nào|\S+ nào(?= \S)|(?:cái|người|nơi|bên|loại|chỗ|ngày|năm|tháng) nào$"
    r"|ra sao|làm sao|vì sao|tại sao"
    r"|(?:^|(?<=ủa )|(?<=thấy )|(?<=thì )|(?<=còn )|(?<=nhưng ))sao(?! (?:chép|chụp|lục|lưu|y|kê|năm|tài|in)\b)"
    r"|(?<!bản )sao(?= (?:lại|không|chưa|hổng|vậy|thế)\b)|(?:(?<=thế )|(?<=vậy )|(?<=chứ )|(?<=là ))sao$"
    r"|mấy giờ|có mấy|thứ mấy|được mấy"
    r"|(?<!đâu )đâu(?! (?:có|đó|đấy|vào)\b)|(?:đi|ở|nhà|chỗ|cái|bên|về|từ|tới|đến) mô(?! (?:hình|tả|phỏng)\b)"
    r"|^răng|(?:(?<=làm )|(?<=tính ))răng|răng(?= (?:mà|chừ|rứa|không|lại|đây)\b)"
    r"|(?:(?<=làm )|(?<=cái )|(?<=nói )|(?<=mần ))chi|chi(?= rứa\b)"
    r"|phải chăng|chẳng lẽ|^liệu(?= (?:\S+ ){0,12}có\b)|^có hay không"
    r")(?!\S)"
)
"""Question words and phrases; a syllable that also belongs to other words ("bản sao", "quy mô", "hàm răng",
"chi phí", "số liệu") counts only where it asks."""
_INDEFINITE_AFTER = re.compile(r"^(?:\S+ ){0,3}cũng\b|^(?:đó|đấy|nấy)\b")
"""Words after a question word that make it indefinite: "ai cũng", "bao nhiêu hồ sơ cũng", "ai đó"."""
_NOT_ASKING = re.compile(
    r"\bsao cho\b|\bbấy nhiêu\b|^(?:mô|đâu) (?:phải|có)\b|\bgì(?: \S+)? đâu$|\bchỉ (?:khi|lúc) nào\b"
)
"""Phrases that hold a question word yet never ask: "làm sao cho phải", "bao nhiêu … bấy nhiêu", "Mô phải
rứa." ("not so"), "có gì đâu" ("it is nothing"), "chỉ khi nào … mới" ("only when")."""
_WHY = frozenset({"sao", "vì sao", "tại sao", "ra sao", "làm sao", "phải chăng", "chẳng lẽ", "liệu"})
"""Question words that are never indefinite, so a "cũng" after them does not make them "every"."""
_EXCLAIMED = frozenset({"quá", "thật", "ghê", "lắm", "nhất", "thế"})
"""A final "nhỉ" after these exclaims ("Phiền quá nhỉ.") rather than asks."""


def is_question(tokens: Sequence[str]) -> bool:
    """Whether the sentence `tokens` asks (see the module's rules); a token may end with the comma or colon the
    punctuation model put after it, which ends a clause: "Báo cáo đã nêu rõ nguyên nhân, ai chịu trách nhiệm?"."""
    words = [t.rstrip(",:").lower() for t in tokens]
    breaks = frozenset(i for i, t in enumerate(tokens) if t.endswith((",", ":")))
    if not words:
        return False
    return _asks_by_particle(words, breaks) or _asks_by_word(words, breaks)


def question_before_request(tokens: Sequence[str]) -> int | None:
    """Where a question ends that a request follows in the same utterance, the CRF having ended no sentence
    there ("vì sao vậy đề nghị bộ trưởng trả lời" -> "Vì sao vậy? Đề nghị Bộ trưởng trả lời."): the index of
    its last word, when the words before the request ask and end as a question does; else None."""
    words = [t.rstrip(",:").lower() for t in tokens]
    for j in range(1, len(words) - 1):
        opens = " ".join(words[j : j + 2]) in _REQUESTS or words[j] == "mời"
        if opens and words[j - 1] in _QUESTION_ENDS and is_question(tokens[:j]):
            return j - 1
    return None


_REQUESTS = frozenset({"đề nghị", "yêu cầu", "xin mời", "kính đề"})
_QUESTION_ENDS = _PARTICLES | {"vậy", "thế", "gì", "đâu", "nào", "sao", "ai", "rồi", "nữa", "ạ"}
"""The words a spoken question ends with, before a request opens the next sentence."""


def _asks_by_particle(words: list[str], breaks: frozenset[int]) -> bool:
    for tokens in (words, _TAIL.sub("", " ".join(words)).split()):  # "… không" or "… không anh Bảy"
        if tokens and tokens[-1] in _PARTICLES:
            return _particle_asks(tokens[-1], tokens[:-1], breaks)
    return False


def _particle_asks(particle: str, before: list[str], breaks: frozenset[int]) -> bool:
    if not [w for w in before if w not in ("dạ", "vâng", "thưa")]:
        return particle in ("à", "hả", "hở")  # "Dạ, không." answers; "À?" asks
    if particle in ("không", "chưa", "hông"):
        if before[-1] in _ANSWERED or (particle == "không" and before[-1] in _NOT_NO):
            return False
        if " ".join(before).endswith("là có hay"):
            return False
        return not _embedded(before, len(before), breaks, whole=True)
    if particle == "nhỉ":
        return before[-1] not in _EXCLAIMED
    if particle == "chứ":
        return "phải" not in before and " ".join(before) not in ("được", "có")
    return True


def _asks_by_word(words: list[str], breaks: frozenset[int]) -> bool:
    said = " ".join(words)
    if _NOT_ASKING.search(said):
        return False
    for match in _QUESTION_WORD.finditer(said):
        start = said[: match.start()].count(" ")
        end = start + match.group(0).count(" ") + 1
        if not _indefinite(words, start, end, match.group(0), breaks) and not _embedded(words, start, breaks):
            return True
    return False


def _indefinite(words: list[str], start: int, end: int, found: str, breaks: frozenset[int]) -> bool:
    """Whether the question word at words[start:end] means "any", "every" or "none" rather than asking."""
    clause = _clause_before(words, start, breaks)
    if any(w in _NEGATIONS for w in clause) or any(a in " ".join(clause) for a in _ANY):
        return True
    after = " ".join(words[end:])
    if found not in _WHY and _INDEFINITE_AFTER.search(after):
        return True
    if found.endswith(" nào") and f" {found.split()[0]} đó" in f" {after}":  # "người nào …, người đó …"
        return True
    who = found == "ai" or (found.endswith(" nào") and found not in _WHEN_THEN and not found.endswith("thế nào"))
    if who and _VOTE.search(after):  # the chair's call to vote: "Đại biểu nào tán thành xin giơ tay."
        return True
    if who and _universal(clause, found, words[end:]):
        return True
    if "thì" in words[end:]:  # a condition: "Ai đồng ý thì giơ tay.", "Có vấn đề gì thì báo cáo."
        return not (found in _WHEN_THEN and words[end : end + 1] == ["thì"])
    return False


def _universal(clause: list[str], found: str, after: list[str]) -> bool:
    """A clause opening with "ai" or "<noun> nào" whose verb is followed by an obligation or a consequence: "Xe
    nào đến trước được qua trước.", "Người nào phát hiện … phải báo …", "Trường nào vi phạm sẽ bị xử lý." (who-
    or whichever); "Cơ chế nào sẽ được áp dụng?" and "Ai là người phải …?" ask."""
    opens = not clause if found == "ai" else len(clause) <= 2  # "Trường hợp nào vi phạm …"
    if not opens or not after or after[0] in _MODALS:
        return False
    for word in after[1:]:
        if word == "là":
            return False
        if word in _MODALS:
            return True
    return False


_VOTE = re.compile(r"^(?:không )?(?:đồng ý|tán thành|nhất trí|biểu quyết|giơ tay)\b")
"""What follows "ai"/"đại biểu nào" in a call to vote, which clerks write as a statement ("Ai đồng ý giơ tay.",
"Đại biểu nào không tán thành.")."""
_MODALS = frozenset({"phải", "được", "sẽ", "đều", "bị", "cần"})


def _clause_before(words: list[str], start: int, breaks: frozenset[int]) -> list[str]:
    """The words of the clause before position `start`: from the last "thì", "mà", "nhưng" or mark on."""
    clause = words[:start]
    for i in range(len(clause) - 1, -1, -1):
        if clause[i] in ("thì", "mà", "nhưng") or i in breaks:
            return clause[i + 1 :]
    return clause


def _embedded(words: list[str], start: int, breaks: frozenset[int], *, whole: bool = False) -> bool:
    """Whether position `start` lies in an indirect question: after "làm rõ", "cho biết", "xem", … ("Đề nghị Sở
    làm rõ vì sao …"), unless a "có" before that verb makes the whole a yes/no question ("Bộ trưởng có biết …
    không?"), or "hỏi" is the speaker's own ("Xin hỏi, …"; "câu hỏi" is a noun, but "về câu hỏi vì sao …"
    names one). For a final particle (`whole`), the clause after the verb must itself be a yes/no one ("xem có
    sai phạm hay không"; "đã hiểu rõ vấn đề chưa?" asks)."""
    for i in range(start - 1, -1, -1):
        if i in breaks:  # the verb would be in an earlier clause
            return False
        word, previous = words[i], words[i - 1] if i else ""
        if word == "hỏi" and previous == "câu":
            if "về" in words[: i - 1]:
                return True
            continue
        if (
            word not in _INTRODUCERS
            or (word == "hỏi" and previous in _ASKING)
            or (word == "định" and previous != "xác")
        ):
            continue
        if "có" in words[:i]:
            return False
        return not whole or bool({"có", "đã"} & set(words[i + 1 : start]))
    return "về việc" in " ".join(words[:start])
