"""Sentences of a transcript with the segment they came from, and their content words (pyvi).

Sentences are the unit of cue matching and of extractive summaries; each keeps its segment, so
whatever is built from it can cite the recording. Words come from pyvi's Vietnamese word
segmentation ("Hội_đồng nhân_dân"), lower-cased, without punctuation and function words, so
lexical cohesion and sentence salience count meaning-bearing words rather than syllables.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from pyvi import ViTokenizer

from core.text import nfc
from core.transcript import Segment

_PARTICLES = r"(?: (?:nhé|nhe|ạ|nha|nè|nghen|hỉ))*"
_CONCLUDING = r"(?:kết luận|chốt(?: lại)?|tóm(?: tắt)?(?: lại)?)"
_LEAD_IN = re.compile(
    r"(?:[:：]|\b(?:như sau|dưới đây|sau đây"
    r"|(?:mấy|một số|các|những|ba|hai) (?:ý|việc|điểm|nội dung|vấn đề)(?: \w+)?"
    r"|(?:mấy|một số|các|những) (?:ý|việc|điểm|nội dung|vấn đề)(?: \w+){0,4} (?:thống nhất|nhất trí)"
    rf"|(?:kết luận|chốt|tóm|phân công)(?: \w+){{0,2}} (?:như )?(?:thế này|vầy|này|ri|rứa){_PARTICLES}"
    rf"|\b(?:giao|phân công)(?: \w+)? (?:việc|nhiệm vụ)(?: cụ thể)?{_PARTICLES}"
    rf"|(?<!đã )(?<!có )(?<!của ){_CONCLUDING}(?: (?:mấy|vài|một số|các|những|ba|hai) (?:ý|việc|điểm|vấn đề))?"
    r"(?: (?:của )?(?:nội dung )?(?:phiên họp|cuộc họp|buổi họp|hội nghị|kỳ họp|phiên thảo luận|buổi làm việc"
    r"|nội dung này|vấn đề này|buổi này|hôm nay)(?: hôm nay)?)?(?: (?:như )?(?:thế này|vầy|ri|rứa))?"
    rf"{_PARTICLES}))\W*$"
)
"""Ends of a sentence that only announces what follows: a colon, "như sau", "mấy ý", "những vấn đề đã thống nhất", a
spoken "… kết luận thế này" (Southern "vầy", Central "ri"; "thế này" alone may close a content sentence: "không thể
để thế này"), or the verb of concluding itself with no object but the points it will make, the meeting or today and
how ("Tôi xin kết luận.", "tui tóm lại nè", "tôi tóm lại mấy ý thế này", "tui tóm lại hôm nay", "tóm lại mấy điểm
của buổi họp"; "đã kết luận" reports), or the verb of giving orders with no object but the orders ("giờ tui giao việc cụ
thể nghen")."""
_ANNOUNCES = re.compile(rf"\b{_CONCLUDING}\b")
_SENTENCE_END = re.compile(r"(?<=[.!?…;])\s+(?=\S)")
_PUNCT = re.compile(r"^[\W_]+$")
_STOPWORDS_TEXT = """
    và là của có được cho các những một này đó thì mà với để trong ra vào lên đã đang sẽ cũng như rất
    nhiều ở về từ khi nếu nhưng hay hoặc theo đến tại trên dưới sau trước bị không chưa còn lại thêm
    tôi chúng_tôi chúng_ta ta anh chị ông bà em các_vị đồng_chí xin mời cảm_ơn ạ nhé vâng dạ à ừ thưa
    việc vấn_đề nội_dung ý_kiến đây kia nào gì vậy thế như_vậy tuy_nhiên bởi vì do nên rằng cùng
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())
"""Function words and meeting formulae that say nothing about the topic."""
_FORMULAE_TEXT = """
    đại_biểu thành_viên kính_thưa trân_trọng biểu_quyết thông_qua tán_thành đề_nghị thảo_luận phát_biểu trình_bày
    báo_cáo kết_luận cuộc_họp kỳ_họp phiên_họp hôm_nay chủ_tọa chủ_tịch phó_chủ_tịch thống_nhất nhất_trí đồng_ý
    tiếp_theo khai_mạc bế_mạc hội_nghị ý_kiến cảm_ơn xin_mời đồng_chí các_vị chúng_ta hiện_nay thời_gian
    có_mặt tiến_hành kết_thúc như_vậy bây_giờ sau_đây nhân_dân hội_đồng ủy_ban phần_trăm
"""
_FORMULAE = frozenset(_FORMULAE_TEXT.split())
"""The words of any meeting: no heading is made of them."""


@dataclass
class Sentence:
    text: str
    segment: Segment
    words: list[str] = field(default_factory=list)
    """Content words (pyvi compounds, lower case), filled by `tokenize`."""

    @property
    def speaker(self) -> str:
        return self.segment.speaker or ""


def split(segments: Sequence[Segment]) -> list[Sentence]:
    """Each segment's text cut at sentence ends; a segment without punctuation is one sentence."""
    return [
        Sentence(nfc(piece.strip()), segment)
        for segment in segments
        for piece in _SENTENCE_END.split(segment.text.strip())
        if piece.strip()
    ]


def content_words(text: str) -> list[str]:
    """pyvi word segmentation, lower case, without punctuation, numbers and stopwords."""
    tokens = ViTokenizer.tokenize(nfc(text)).lower().split()
    return [t for t in tokens if not _PUNCT.match(t) and not t.isdigit() and t not in STOPWORDS]


def tokenize(sentences: Sequence[Sentence]) -> None:
    """Fill `words` of every sentence that has none yet (pyvi is the costly step: done once)."""
    for sentence in sentences:
        if not sentence.words:
            sentence.words = content_words(sentence.text)


def previous_said(sentences: Sequence[Sentence], k: int) -> str:
    """The sentence said before sentence `k` by the same speaker, else "" (the context of `k`)."""
    return sentences[k - 1].text if k and sentences[k - 1].speaker == sentences[k].speaker else ""


def next_said(sentences: Sequence[Sentence], k: int) -> str:
    """The sentence said after sentence `k` by the same speaker, else "" (what `k` leads to)."""
    later = k + 1 < len(sentences) and sentences[k + 1].speaker == sentences[k].speaker
    return sentences[k + 1].text if later else ""


def is_lead_in(text: str) -> bool:
    """Whether the sentence only announces what follows ("Tôi xin kết luận như sau.", "… mấy việc"): it says
    nothing itself, so it is no conclusion; what follows it is."""
    return _LEAD_IN.search(nfc(text).lower()) is not None


def announces_conclusion(text: str) -> bool:
    """Whether the sentence is a lead-in to a conclusion by its own words ("tui chốt vầy nè", "Tôi xin tóm lại."),
    not to a list of tasks or points ("Tôi phân công như sau.")."""
    return is_lead_in(text) and _ANNOUNCES.search(nfc(text).lower()) is not None


def is_key_phrase(word: str) -> bool:
    """Whether a pyvi word may name a topic: several syllables ("ngân_sách"), no function word or formula."""
    return "_" in word and word not in STOPWORDS and word not in _FORMULAE and not any(c.isdigit() for c in word)
