"""The embedded generator: minutes from a sentence classifier, slot readers and extractive summaries, no
language model.

Nothing is written that was not said: summaries are the most central sentences of each
intervention (TF-IDF over pyvi words, cosine to the intervention's centroid), in their order;
conclusions, votes and tasks are the sentences `minutes.classifier` finds (trained on the development
meetings), their counts, outcomes, assignees and deadlines read by `minutes.cues` and `minutes.slots`
over text with numbers as digits. Every statement cites the segments of its sentences.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from itertools import groupby

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from core.text import nfc
from core.transcript import Segment, Transcript
from minutes import cues, segmentation, sentences
from minutes.classifier import SentenceClassifier, default_classifier
from minutes.model import AgendaItem, Conclusion, Intervention, SegmentRef, Task, Vote
from minutes.participants import bodies, chairing, gives_chair, introductions, is_name, mentions, nicknames, titles
from minutes.segmentation import segment_topics
from minutes.sentences import Sentence
from minutes.slots import gives_floor, named_in_full, names_every_order, read_tasks, sets_up

_VOTE_CALL_PREFIX = re.compile(
    r"^(?:đề nghị|xin mời|mời)\s+(?:các\s+)?(?:vị\s+)?(?:đại biểu|đồng chí|thành viên)?\s*"
    r"(?:biểu quyết|cho ý kiến biểu quyết)\s*",
    re.IGNORECASE,
)


_YOU = re.compile(r"^(?:anh|chị|ông|bà|cô|thầy|em|bác|chú|đồng chí)$", re.IGNORECASE)
"""An order given to "you" alone: the person the chair answers (`_Cast.answered`)."""
_THIS_WORK = re.compile(r"\b(?:viec|phan viec|nhiem vu|noi dung|cai|vu) (?:nay|do|ay|ni|no)\b")
"""An order's work named by pointing back ("chịu trách nhiệm việc này", "lo việc đó"): what the sentence before said,
with its deadline."""
_FLOOR = re.compile(r"^(?:xin )?(?:moi|cam on|tiep theo,? xin moi)\b|^(?:chuyen sang|tiep theo,? chuyen sang) noi dung")
"""The chair giving the floor or moving on: procedure, not an intervention."""
_MOST_WORDS_SAID = 5
"""Fewer words than this say nothing of their own within a conclusion ("thế thôi giải tán")."""
_CLOSES = re.compile(
    r"\b(?:kết thúc|bế mạc|giải tán|giải lao|về nghỉ|cảm ơn|chuyển sang|hết (?:giao ban|họp|buổi))\b|\bnghỉ\W*$"
    r"|^(?:các đồng chí|các anh chị|anh chị em|anh em|bà con|mọi người|các bạn)\b|^(?:thế|vậy|vầy|rứa) thôi\b"
)
"""The chair closing the meeting, calling a break, thanking, moving on, or turning to everyone present ("Các đồng chí
về triển khai ngay.")."""
_ENDS_MEETING = re.compile(
    r"\b(?:buổi|cuộc|phiên|kỳ) (?:họp|giao ban|làm việc|sinh hoạt)(?: \S+){0,3} (?:xin )?(?:kết thúc|bế mạc)\b"
    r"|\b(?:hội nghị|giao ban)(?: \S+){0,3} (?:xin )?(?:kết thúc|bế mạc)\b"
    r"|\b(?:kết thúc|bế mạc|giải tán) (?:buổi|cuộc|phiên|kỳ|hội nghị)\b|\b(?:kết thúc|bế mạc|giải tán) (?:tại|ở) đây\b"
)
"""The chair ending the meeting ("Buổi họp kết thúc tại đây, cảm ơn mọi người."): procedure, never a conclusion, even
where the classifier hears one in the summary it closes (not "kết thúc" alone: "thống nhất kết thúc hợp đồng")."""


_FEWEST_SAID = 4
"""Fewer content words than this say nothing of their own ("Tốt.", "Đồng ý.", "Ý của anh Thủy hay."): CONVENTIONS
counts content sentences only, so such a sentence is no conclusion unless said within one (`_after_lead_ins`)."""


_PASSIVE = re.compile(r"^(?:được|bị)\b", re.IGNORECASE)
"""An action read in the passive: the party is decided about, not ordered ("… sẽ được bổ sung 3 điều dưỡng")."""


_SUMMARY = re.compile(r"^(?:\w+, )?(?:tóm lại|nói tóm lại|như vậy|vậy|chốt|kết luận|tổng kết lại|thống nhất)\b")
"""How a chair opens a summary of what was agreed ("Tóm lại, …", "Vậy chốt là …", "Thống nhất như vậy: …")."""


_COUNTING = "hai|ba|tư|bốn|năm|sáu|bảy|tám|chín|mười"
_NUMBERED = re.compile(
    rf"^(?:\w+,? )?(?:(?:ý|điểm|việc|vấn đề|nội dung) )?thứ (nhất|{_COUNTING})\b(?! (?:tuần|này|tới|sau|vừa|hàng))"
    rf"|^(một|{_COUNTING}) là\b|^(\d+)[.)]\s"
)
"""A point of a numbered summary ("Thứ hai, …", "Ý thứ ba, …", "hai là …", "2. …"); "thứ hai" alone is also Monday,
so a point counts only after its list's first one (`_numbered_next`)."""
_FIRSTS = ("nhất", "một", "1")


def _numbered_next(first: str, text: str) -> bool:
    """Whether `text` is a later point of the numbered list whose first point is `first`: the summary's points go
    together, whatever the classifier makes of each (an order is still a task only: `_conclusions`)."""
    opened, point = _NUMBERED.match(nfc(first).lower()), _NUMBERED.match(nfc(text).lower())
    if opened is None or point is None:
        return False
    return next(g for g in opened.groups() if g) in _FIRSTS and next(g for g in point.groups() if g) not in _FIRSTS


_EVERYONE = re.compile(
    r"^(?:\w+, )?(?:tôi |tui |em )?(?:cũng )?(?:xin )?(?:đề nghị|yêu cầu|mong|kêu gọi|nhắc) "
    r"(?:các đồng chí |mọi người )?"
    r"(?:toàn thể|tất cả|mỗi (?:đồng chí|người|anh chị|thành viên|hộ|cán bộ)|mọi người|anh chị em|bà con|cả nhà)\b"
)
"""An exhortation to everyone present ("Đề nghị mỗi đồng chí … hãy là một tấm gương", "Tôi đề nghị toàn thể cán bộ
…"): it decides nothing."""
_OWN_PROMISE = re.compile(r"\b(?:tôi|tui|tao) (?:sẽ|xin hứa|hứa)\b")
"""The speaker's own promise ("tôi sẽ lên công ty đàm phán lại"): no conclusion of the meeting."""
_ASSIGNS = re.compile(r"\b(?:giao|phân công|phân)(?: \w+){0,2} (?:nhiệm vụ|việc|công việc)|\bphân công\b")
"""A lead-in to orders ("Tôi xin giao nhiệm vụ cụ thể như sau.", "Tôi phân công như sau."): what follows is tasks."""


def _first_turns(sents: Sequence[Sentence]) -> list[bool]:
    """Per sentence, whether it is in its speaker's first turn (they have heard no one else since they first spoke):
    there nothing is concluded yet (the agenda, "Chương trình có năm nội dung: …", a report's first figures)."""
    heard: set[str] = set()
    spoken: set[str] = set()
    first = []
    for s in sents:
        spoken.add(s.speaker)
        first.append(s.speaker not in heard)
        heard |= {p for p in spoken if p != s.speaker}
    return first


def _runs_meeting(text: str) -> bool:
    """Whether a sentence said within a conclusion runs the meeting by its words: gives the floor, moves on, announces
    more, closes ("Hội nghị kết thúc tại đây.", "hết giao ban") or exhorts everyone, or is too short to say anything
    ("thế nhé"). The classifier's procedure class alone also fires on short content ("Mỗi chi đoàn một tiết mục.");
    unfolded: "mỗi" folds like "mời"."""
    lowered = nfc(text).lower()
    short = len(lowered.split()) < _MOST_WORDS_SAID
    return short or gives_floor(text) or sentences.is_lead_in(text) or _CLOSES.search(lowered) is not None


_COUNTS = ("in_favour", "against", "abstain", "total")
"""A vote's counts, as `Vote` and `cues.VoteCue` both name them."""


def _counted(vote: Vote) -> bool:
    """Whether any count of `vote` was said."""
    return any(getattr(vote, n) is not None for n in _COUNTS)


def _starts_another(cue: cues.VoteCue, vote: Vote) -> bool:
    """A new call to vote after a vote with counts (any: "… hai phiếu không đồng ý là vì bao bì …" then "đề nghị các
    đồng chí biểu quyết …") or a result, or counts that contradict the vote's; a call asking for the rest of the vote
    ("Vị nào không tán thành?", or "Ai đồng ý?" after those against were counted) is none, unless the vote has that
    kind's count already."""
    rest = cue.asks == "in_favour" and vote.in_favour is None and vote.passed is None  # "Ai không đồng ý?" first
    if cue.call and cue.asks not in ("against", "abstain") and not rest and (_counted(vote) or vote.passed is not None):
        return True
    if cue.call and cue.asks is not None and getattr(vote, cue.asks) is not None:
        return True  # "chín người giơ tay còn ai hông đồng ý hai người" then "… ai không đồng ý giơ tay trước"
    return any(getattr(cue, n) is not None and getattr(vote, n) not in (None, getattr(cue, n)) for n in _COUNTS)


def _majority_in_favour(vote: Vote) -> bool:
    """Whether `vote`'s counts carry it: more in favour than half its whole, or than all the others counted."""
    if vote.in_favour is None:
        return False
    if vote.total is not None:
        return 2 * vote.in_favour > vote.total
    return vote.in_favour > (vote.against or 0) + (vote.abstain or 0)


def _said_numbers(text: str) -> set[int]:
    """The numbers of people, ballots or shares said in `text` (`cues.NUMBER_OF_PEOPLE`: no date, item number, share,
    sum of money or measure), both of "X trên Y"."""
    folded = cues.folded_digits(text)
    return {int(n) for m in cues.NUMBER_OF_PEOPLE.finditer(folded) for n in m.groups() if n is not None}


def _cite_carried_wholes(votes: list[Vote], sents: Sequence[Sentence]) -> list[Vote]:
    """A vote whose whole was said once for several (one ballot's candidates counted one after another, "Số phiếu
    phát ra 46" then each candidate's counts) cites where it was said as well: every number a vote states is said in
    a segment it cites, so the clerk can check it against the recording."""
    text = {s.segment.id: s.segment.text for s in sents}
    cited: list[Vote] = []
    for k, vote in enumerate(votes):
        says_whole = any(vote.total in _said_numbers(text.get(r.id, "")) for r in vote.source_segments)
        earlier = cited[k - 1].source_segments if k else []
        where = next((r for r in earlier if vote.total in _said_numbers(text.get(r.id, ""))), None)
        if vote.total is not None and not says_whole and where is not None:
            refs = sorted(_cited_by_both(vote.source_segments, [where]), key=lambda r: (r.start, r.id))
            vote = vote.model_copy(update={"source_segments": refs})
        cited.append(vote)
    return cited


def _announced(votes: list[Vote]) -> list[Vote]:
    """A call heard alone, neither counted nor decided, joins the vote after it in the item however long after, as
    ballots are counted during a break ("Mời ban kiểm phiếu làm việc." … "Báo cáo kết quả kiểm phiếu: …"): within
    `vote_window_s` it joins it anyway (`_starts_another`)."""
    joined: list[Vote] = []
    for vote in votes:
        if joined and not _counted(joined[-1]) and joined[-1].passed is None:
            called = joined.pop()
            vote = vote.model_copy(
                update={"source_segments": _cited_by_both(called.source_segments, vote.source_segments)}
            )
        joined.append(vote)
    return joined


def _calls_vote(segment: Segment) -> bool:
    """Whether a sentence of `segment` calls a vote (`cues.find_vote`'s call: "Ai nhất trí thì giơ tay.")."""
    return any((cue := cues.find_vote(s.text, chair=True)) is not None and cue.call for s in sentences.split([segment]))


def _taken_votes(items: list[AgendaItem], by_id: dict[int, Segment]) -> list[AgendaItem]:
    """The items with only the votes taken, as a record states them: counts, or a result tied to a call to vote in
    the segments the vote cites. Over a whole meeting, a call whose counts and result never come (talk of voting,
    a vote put off, "Đồng ý mua …" by a member) and a result said with no call nor count (recalled in a summary,
    a rule read out: "Hội đồng chưa thông qua phương án …") are no vote taken; an item made alone
    (`ExtractiveGenerator.item`) keeps them, its call's counts or result lying outside it."""

    def taken(vote: Vote) -> bool:
        cited = [by_id[r.id] for r in vote.source_segments if r.id in by_id]
        return _counted(vote) or (vote.passed is not None and any(_calls_vote(g) for g in cited))

    return [item.model_copy(update={"votes": [v for v in item.votes if taken(v)]}) for item in items]


def _opens_with_result(text: str) -> bool | None:
    """The result a turn's first sentence says, alone (`cues.find_vote`'s result, `cues.says_agreed`,
    `cues.says_refused`: "Thông qua. Nội dung thứ hai …"), or None."""
    opening = sentences.split([Segment(id=0, start=0.0, end=0.0, text=text)])[0].text
    cue = cues.find_vote(opening, chair=True)
    if cue is not None and (cue.has_counts or cue.call):
        return None
    if cue is not None and cue.passed is not None:
        return cue.passed  # "Đã thông qua."
    return True if cues.says_agreed(opening) else False if cues.says_refused(opening) else None


def _agenda_titles(titles: list[str], spans: list[list[Sentence]], sents: Sequence[Sentence]) -> list[str]:
    """Titles of the items, an untitled one taking the entry of the announced agenda (`segmentation.agenda`) whose
    content words it says most often, each entry once; "" where it says none of them."""
    entries = segmentation.agenda(sents)
    words = [set(sentences.content_words(e)) for e in entries]
    chosen = list(titles)
    for k, (title, span) in enumerate(zip(titles, spans, strict=True)):
        if title or not entries:
            continue
        said = Counter(w for s in span for w in s.words)
        overlap = [sum(said[x] for x in w) if entries[j] not in chosen else 0 for j, w in enumerate(words)]
        best = int(np.argmax(overlap))
        if overlap[best] > 0:
            chosen[k] = entries[best]
    return chosen


def _chair_speaks(sents: Sequence[Sentence], presides: dict[int, str | None]) -> list[bool]:
    """Per sentence, whether whoever presides over it says it (True everywhere when the chair is unknown)."""
    return [(p := presides.get(id(s.segment))) is None or s.speaker == p for s in sents]


def _a_chair_speaks(sents: Sequence[Sentence], presides: dict[int, str | None]) -> list[bool]:
    """Per sentence, whether whoever presides over it or presided before says it: a chair who hands one part over
    ("xin mời bà Lệ điều hành phần hội phí") goes on giving orders when the part is done, often without taking the
    chair back in words, and the one who took it chairs with them (True everywhere when the chair is unknown)."""
    chaired: dict[int, frozenset[str]] = {}
    so_far: set[str] = set()
    for segment, label in presides.items():  # in the order of the segments
        so_far |= {label} if label is not None else set()
        chaired[segment] = frozenset(so_far)
    return [presides.get(id(s.segment)) is None or s.speaker in chaired[id(s.segment)] for s in sents]


def _after_lead_ins(
    sents: Sequence[Sentence], speaks: Sequence[bool], kinds: Sequence[frozenset[str]], most: int = 6, summed: int = 2
) -> list[bool]:
    """Sentences the chair says right after announcing a conclusion ("Tôi xin kết luận như sau.", "tui chốt vầy nè",
    to the classifier or by its words): what follows is the conclusion even without a cue of its own, up to `most`
    sentences, until another speaker, a vote or a task (the item's end ends them too: `sents` are one item's);
    sentences that run the meeting among them (closing it) are none. A conclusion opened as a summary ("Tóm lại, …",
    "Như vậy, chúng ta thống nhất …") goes on the same way for up to `summed` sentences ("… | Kinh phí lấy từ quỹ
    hội."). The later points of a numbered list ("Thứ nhất, … | Thứ hai, …") go on it, each for `summed` more."""
    after = [False] * len(sents)
    for k, (s, chairs, kind) in enumerate(zip(sents, speaks, kinds, strict=True)):
        if not chairs:
            continue
        announced = (
            "conclusion" in kind or cues.is_conclusion(s.text, chair=True) or sentences.announces_conclusion(s.text)
        )
        if announced and sentences.is_lead_in(s.text):
            reach = most
        elif "conclusion" in kind and _SUMMARY.match(nfc(s.text).lower()):
            reach = summed
        else:
            continue
        first = ""  # the first point of a numbered list said in this scope
        j = k + 1
        while j < min(k + 1 + reach, len(sents)) and sents[j].speaker == s.speaker:
            if _numbered_next(first, sents[j].text):
                reach = j - k + summed  # a later point goes on the summary, whatever it says
            elif kinds[j] & {"vote", "task"} and "conclusion" not in kinds[j]:
                break
            first = first or (sents[j].text if _NUMBERED.match(nfc(sents[j].text).lower()) else "")
            after[j] = after[j] or "procedural" not in kinds[j] or not _runs_meeting(sents[j].text)
            j += 1
    return after


def _gives(s: Sentence, task: Task) -> bool:
    """Whether sentence `s` gives `task`: the task cites its segment and the sentence says every word of the action
    (read with its deadline taken out of the middle: "… làm việc thẳng với chủ trọ trong tuần này phải xong")."""
    cited = any(r.id == s.segment.id for r in task.source_segments)
    return cited and set(cues.fold(task.action).split()) <= set(cues.fold(s.text).split())


def _assigned(sents: Sequence[Sentence]) -> list[bool]:
    """Sentences of the chair's turn after a lead-in to orders (`_ASSIGNS`, "Tôi xin giao nhiệm vụ cụ thể như sau."):
    orders, not conclusions, until a lead-in to a conclusion."""
    inside = [False] * len(sents)
    for k in range(1, len(sents)):
        before, text = sents[k - 1], sents[k].text
        led = sentences.is_lead_in(before.text) and _ASSIGNS.search(nfc(before.text).lower()) is not None
        goes_on = sents[k].speaker == before.speaker and not sentences.announces_conclusion(text)
        inside[k] = goes_on and (led or inside[k - 1])
    return inside


def _conclusions(
    sents: Sequence[Sentence],
    speaks: Sequence[bool],
    kinds: Sequence[frozenset[str]],
    concluded: Sequence[bool],
    votes: Sequence[Vote],
    tasks: Sequence[Task],
    first_turn: Sequence[bool],
) -> list[Conclusion]:
    """The chair's sentences the classifier calls conclusions or said within one (`concluded`), less lead-ins and what
    a vote cites (its call, counts and result). Outside a conclusion's scope two more are none, as CONVENTIONS says:
    a sentence saying nothing of its own (`_FEWEST_SAID` content words: "Tốt.", "Đồng ý."), and an order that gives a
    task (`tasks`) with no word of concluding or summing up of its own and not right after a conclusion of the same
    speaker: "an order inside the chair's conclusions is both", one on its own is a task only ("Văn phòng chuẩn bị kinh
    phí …, trình Thường trực trước ngày 5 tháng 10."). A task read in the passive ("khoa Cấp cứu sẽ được bổ sung 3 điều
    dưỡng") orders no one: what it says is decided."""
    voted = {r.id for v in votes for r in v.source_segments}
    assigned = _assigned(sents)
    found: list[bool] = []
    for k, (s, chairs, kind, after) in enumerate(zip(sents, speaks, kinds, concluded, strict=True)):
        lowered = nfc(s.text).lower()
        decides = not (first_turn[k] or _EVERYONE.match(lowered) or _OWN_PROMISE.search(lowered) or assigned[k])
        follows = k > 0 and found[k - 1] and sents[k - 1].speaker == s.speaker
        ordered = any(_gives(s, t) and not _PASSIVE.match(t.action) for t in tasks)
        ordered = ordered and not cues.is_conclusion(s.text, chair=True) and not _SUMMARY.match(lowered)
        alone = not after and (len(s.words) < _FEWEST_SAID or (ordered and not follows))
        alone = alone or (ordered and "conclusion" not in kind)  # a point of a summary that only orders: a task
        found.append(
            chairs
            and ("conclusion" in kind or after)
            and not sentences.is_lead_in(s.text)
            and _ENDS_MEETING.search(lowered) is None
            and s.segment.id not in voted
            and not alone
            and decides
        )
    found = _bridged(sents, speaks, found, voted)
    return [
        Conclusion(text=s.text, speaker=s.speaker or None, source_segments=_refs([s]))
        for s, chosen in zip(sents, found, strict=True)
        if chosen
    ]


def _bridged(sents: Sequence[Sentence], speaks: Sequence[bool], found: list[bool], voted: set[int]) -> list[bool]:
    """`found` with each sentence of the chair's between two conclusions of the same turn made one: a conclusion is
    said over several sentences and the middle one needs no cue of its own ("Đoàn thống nhất kế hoạch … | Các kiến nghị
    lặp lại, Đoàn sẽ có văn bản đôn đốc. | Phân công phát biểu như vừa thống nhất: …"), unless it runs the meeting,
    says too little, announces or is a vote's."""
    bridged = list(found)
    for k in range(1, len(sents) - 1):
        s = sents[k]
        if found[k] or not (found[k - 1] and found[k + 1] and speaks[k]):
            continue
        same_turn = sents[k - 1].speaker == s.speaker == sents[k + 1].speaker
        said = len(s.words) >= _FEWEST_SAID and not _runs_meeting(s.text) and s.segment.id not in voted
        bridged[k] = same_turn and said
    return bridged


@dataclass(frozen=True)
class _Cast:
    """Who is in the meeting, as its tasks name them: full names (-> the segment first naming each), titles and
    Southern nicknames ("anh tư") -> the person called so, the whole text folded (where bodies' full names are
    said), and speaker labels -> the names anonymous speakers give themselves."""

    people: dict[str, Segment]
    titles: dict[str, str]
    text: str
    speakers: dict[str, str]
    host: str
    """The body holding the meeting: what it will do itself is no task given to it."""
    bodies: tuple[str, ...] = ()
    """Bodies named in full in someone's title (`participants.bodies`): a task to one called short takes the name."""
    opening: frozenset[int] = frozenset()
    """Ids of the segments said before anyone but the first speaker spoke (`_opening`): no order is given there."""

    @classmethod
    def of(cls, segments: Sequence[Segment], host: str = "") -> _Cast:
        folded = " ".join(cues.fold(s.text) for s in segments)
        people = mentions(segments)
        called = titles(segments) | nicknames(segments, list(people))
        return cls(people, called, folded, introductions(segments), host, tuple(bodies(segments)))

    def answered(self, sents: Sequence[Sentence], k: int) -> str | None:
        """The named person who spoke last before sentence `k` other than its speaker: whom a bare "anh"/"chị" of
        the chair's reply means ("Mái khu hàng cá thì anh lập dự toán …" right after Lê Quang Vinh spoke)."""
        label = next((s.speaker for s in reversed(sents[:k]) if s.speaker != sents[k].speaker), None)
        if label is None:
            return None
        return label if is_name(label) else self.speakers.get(label)


def _opening(sents: Sequence[Sentence], first_turn: Sequence[bool]) -> frozenset[int]:
    """The segments of a whole meeting in the first speaker's first turn (`_first_turns`), before a second speaker
    speaks: the opening (the roll, who is absent and why, the agenda, the floor given), where the meeting has decided
    nothing yet, so gives no order (no task of the 422 of the development gold is there); none when one speaker says
    everything (nobody is told apart)."""
    if all(s.speaker == sents[0].speaker for s in sents):
        return frozenset()
    return frozenset(
        s.segment.id for s, first in zip(sents, first_turn, strict=True) if first and s.speaker == sents[0].speaker
    )


def _refs(sents: Sequence[Sentence]) -> list[SegmentRef]:
    return [SegmentRef.of(s) for s in {x.segment.id: x.segment for x in sents}.values()]


def _cited_by_both(first: Sequence[SegmentRef], second: Sequence[SegmentRef]) -> list[SegmentRef]:
    """The citations of a statement that takes in another: `first`'s, then `second`'s it lacks, in order."""
    return [*first, *(r for r in second if r not in first)]


@dataclass
class ExtractiveGenerator:
    """Hyper-parameters of the extractive generator (see `segment_topics` for the topic ones)."""

    summary_ratio: float = 0.3
    """Share of an intervention's sentences kept in its summary."""
    max_summary_sentences: int = 3
    min_intervention_words: int = 8
    """Shorter turns (the chair giving the floor, "xin cảm ơn") are not interventions."""
    vote_window_s: float = 180.0
    """A count or result this soon after a call to vote belongs to that vote."""
    window: int = 20
    min_segments: int = 40
    classifier: SentenceClassifier | None = None
    """Which sentences are votes, tasks, conclusions; None: the one trained on the development meetings."""

    name = "extractive"

    def items(
        self, transcript: Transcript, *, chair: str | None, held: date | None, host: str = ""
    ) -> list[AgendaItem]:
        """`host`: the body holding the meeting (the header's issuing body): its own plans are no task given to it."""
        segments = [s for s in transcript.segments if s.text.strip()]
        sents = sentences.split(segments)
        sentences.tokenize(sents)
        weights, vocabulary = self._weights(sents)
        presides = self._presiding(segments, chair)
        chairs = frozenset(p for p in presides.values() if p is not None) if chair is not None else None
        topics = segment_topics(segments, sents, chair=chairs, window=self.window, min_segments=self.min_segments)
        by_segment = {k: list(g) for k, g in groupby(range(len(sents)), key=lambda i: id(sents[i].segment))}
        spans = [[i for s in segments[t.first : t.last + 1] for i in by_segment.get(id(s), [])] for t in topics]
        titles = _agenda_titles([t.title for t in topics], [[sents[i] for i in span] for span in spans], sents)
        first_turn = _first_turns(sents)
        cast = replace(_Cast.of(segments, host), opening=_opening(sents, first_turn))
        kinds = self._kinds(sents, presides, cast)  # the whole meeting at once: one pass of the classifier
        items = []
        for number, (title, indices) in enumerate(zip(titles, spans, strict=True), 1):
            rows = (weights[indices], vocabulary)
            found = ([kinds[i] for i in indices], [first_turn[i] for i in indices])
            items.append(self._item([sents[i] for i in indices], rows, found, title, number, presides, held, cast))
        by_id = {s.id: s for s in segments}
        return _taken_votes(self._passed_across(self._called_across(items, by_id), by_id), by_id)

    def item(
        self,
        segments: Sequence[Segment],
        *,
        title: str,
        number: int,
        chair: str | None,
        held: date | None,
        host: str = "",
    ) -> AgendaItem:
        """One agenda item made again from its segments (after the transcript was corrected)."""
        spoken = [s for s in segments if s.text.strip()]
        sents = sentences.split(spoken)
        sentences.tokenize(sents)
        presides = self._presiding(spoken, chair)
        cast = _Cast.of(spoken, host)
        kinds = self._kinds(sents, presides, cast)
        found = (kinds, [False] * len(sents))  # an item alone: where the meeting opened is not known
        return self._item(sents, self._weights(sents), found, title, number, presides, held, cast)

    # --- parts ------------------------------------------------------------------------------------

    @staticmethod
    def _presiding(segments: Sequence[Segment], chair: str | None) -> dict[int, str | None]:
        """`id(segment)` -> the speaker label of whoever chairs it (None: unknown, everyone may speak as chair)."""
        if chair is None:
            return {}
        return {id(s): p for s, p in zip(segments, chairing(segments, chair).presiding, strict=True)}

    def _kinds(self, sents: Sequence[Sentence], presides: dict[int, str | None], cast: _Cast) -> list[frozenset[str]]:
        """What each sentence is to the classifier, with who speaks (the chair?), what they said before and after
        and who is present (an order may name them: "lâm liên hệ lại bệnh viện")."""
        before = [sentences.previous_said(sents, k) for k in range(len(sents))]
        after = [sentences.next_said(sents, k) for k in range(len(sents))]
        model = self.classifier or default_classifier()
        people = [list(cast.people)] * len(sents)
        return model.classify([s.text for s in sents], _chair_speaks(sents, presides), before, people, after)

    @staticmethod
    def _weights(sents: Sequence[Sentence]) -> tuple[np.ndarray, list[str]]:
        """L2-normalised TF-IDF rows, one per sentence, and their vocabulary (dense: a few thousand squared)."""
        if not any(s.words for s in sents):
            return np.zeros((len(sents), 1), np.float32), [""]
        vectorizer = TfidfVectorizer(analyzer=lambda ws: ws, sublinear_tf=True, max_features=5000)
        matrix = vectorizer.fit_transform([s.words for s in sents]).astype(np.float32).toarray()
        return matrix, [str(w) for w in vectorizer.get_feature_names_out()]

    def _item(
        self,
        sents: Sequence[Sentence],
        weighted: tuple[np.ndarray, list[str]],
        found: tuple[Sequence[frozenset[str]], Sequence[bool]],
        title: str,
        number: int,
        presides: dict[int, str | None],
        held: date | None,
        cast: _Cast,
    ) -> AgendaItem:
        """`found`: per sentence, what the classifier finds it and whether its speaker's first turn says it."""
        if not sents:
            raise ValueError("an agenda item needs at least one sentence")
        weights, vocabulary = weighted
        kinds, first_turn = found
        speaks = _chair_speaks(sents, presides)
        concluded = _after_lead_ins(sents, speaks, kinds)
        chaired = _a_chair_speaks(sents, presides)  # who chaired before goes on calling votes and giving orders
        votes = self._votes(sents, chaired, kinds)
        tasks = self._tasks(sents, chaired, kinds, held, cast)
        conclusions = _conclusions(sents, speaks, kinds, concluded, votes, tasks, first_turn)
        recorded = {c.text for c in conclusions} | {s.text for s in sents if _FLOOR.match(cues.fold(s.text))}
        recorded |= {s.text for s in sents if s.segment.id in {r.id for v in votes for r in v.source_segments}}
        recorded |= {s.text for s in sents if any(t.action in s.text for t in tasks)}
        interventions = []
        for _, turn in groupby(range(len(sents)), key=lambda i: sents[i].speaker):
            indices = [i for i in turn if sents[i].text not in recorded]
            if indices and sum(len(sents[i].text.split()) for i in indices) >= self.min_intervention_words:
                start = indices[0]
                chosen = self._summary(indices, weights)
                picked = [sents[i] for i in chosen]
                interventions.append(
                    Intervention(
                        speaker=sents[start].speaker or "Không rõ người nói",
                        summary=" ".join(s.text for s in picked),
                        source_segments=_refs(picked),
                    )
                )
        return AgendaItem(
            title=title or self._keywords_title(weights, vocabulary, number, list(cast.people)),
            source_segments=_refs(sents),
            interventions=interventions,
            conclusions=conclusions,
            votes=votes,
            tasks=tasks,
        )

    def _summary(self, indices: list[int], weights: np.ndarray) -> list[int]:
        """The most central sentences of a turn, in the order they were said; short sentences only as a last resort."""
        keep = max(1, min(self.max_summary_sentences, round(len(indices) * self.summary_ratio)))
        if len(indices) <= keep:
            return indices
        rows = weights[indices]
        centroid = rows.mean(axis=0)
        scores = rows @ centroid
        scores = scores + np.array([(rows[k] > 0).sum() >= 4 for k in range(len(indices))], np.float32)
        best = np.argsort(-scores, kind="stable")[:keep]
        return [indices[k] for k in sorted(best)]

    @staticmethod
    def _keywords_title(weights: np.ndarray, vocabulary: list[str], number: int, people: list[str]) -> str:
        """An item neither announced nor on the agenda is named by its number and its key phrases: the
        multi-syllable content words (pyvi compounds) of highest total TF-IDF, never a function word, a
        formula of meetings ("đại biểu", "biểu quyết") or a person's name."""
        totals = weights.sum(axis=0)
        names = " | ".join(cues.fold(p) for p in people)
        phrases = [
            vocabulary[i].replace("_", " ")
            for i in np.argsort(-totals, kind="stable")
            if totals[i] > 0
            and sentences.is_key_phrase(vocabulary[i])
            and cues.fold(vocabulary[i].replace("_", " ")) not in names
        ]
        return f"Nội dung {number}" + (f": {', '.join(phrases[:3])}" if phrases else "")

    def _votes(self, sents: Sequence[Sentence], speaks: Sequence[bool], kinds: Sequence[frozenset[str]]) -> list[Vote]:
        """The classifier's vote sentences with the counts and results read in them, each vote one record.

        A sentence joins the vote before it when it comes within `vote_window_s`, unless it starts another
        (`_starts_another`): a new call after counts or a result, or counts where the open vote has its own
        ("Thứ nhất … 23 tán thành. Thứ hai … tán thành 21"). The chair restating the result is the same vote.
        A sentence with counts is a vote even when the classifier missed it; one without, only the chair's. A
        member's counts (the secretary reading them) join the vote the chair called, and so does what is said
        right after them in the same turn ("… phiếu không đồng ý 1. Kế hoạch được thông qua."), a whole said alone in
        the sentence of the same turn right before the counts is theirs (`cues.whole_alone`), and so does a bare
        count answering the question before it ("Vị nào không tán thành? Có 2 đại biểu."). A vote in none of whose
        sentences `cues` read a call, a count, a result or a word of voting is the classifier's alone and records
        nothing ("Tôi xin phép vắng mặt …", "Phiên chất vấn kết thúc."): it is left out.
        """
        votes: list[tuple[Vote, float]] = []
        names: list[frozenset[str]] = []  # per vote, the names its pieces say ("Hộ ông Trần Văn Ri: 17 trên 17 …")
        read: set[int] = set()  # the votes in which `cues` read something
        last: Sentence | None = None  # the last sentence of the open vote
        for k, (s, chairs, kind) in enumerate(zip(sents, speaks, kinds, strict=True)):
            if cues.no_vote_here(s.text):  # a past vote recalled, the rule a vote follows, a text read out
                continue
            if chairs and (by_name := self._results_by_name(votes, names, s)):
                read |= by_name
                last = s
                continue
            asked = self._asked(sents, k, votes, last)
            said_passed: bool | None = None  # "Quốc hội đã thông qua Luật A với 473 …, và Luật B với 468 …"
            for piece in cues.split_votes(s.text):
                goes_on = last is not None and (  # the result read right after the counts, in the same turn
                    last.segment is s.segment
                    or (last is sents[k - 1] and last.speaker == s.speaker and votes[-1][0].passed is None)
                )
                uncounted = self._uncounted(votes, s) if chairs or goes_on else ()
                cue = cues.find_vote(piece, chair=chairs or goes_on, asked=asked, uncounted=uncounted)
                if cue is not None and cue.has_counts and cue.total is None and k and sents[k - 1].segment is s.segment:
                    whole = cues.whole_alone(sents[k - 1].text)  # "Số đại biểu có mặt: 25/27. Tán thành: 24. …"
                    cue = cue if whole is None else replace(cue, total=whole)
                if cue is not None and cue.passed is None and said_passed is not None:
                    cue = replace(cue, passed=said_passed)
                said_passed = cue.passed if cue is not None else said_passed
                awaited = (chairs or goes_on) and self._awaits_result(votes, s)
                if awaited and (cue is None or cue == cues.VoteCue()) and cues.says_agreed(piece):
                    cue = cues.VoteCue(passed=True)  # "Chi bộ nhất trí đề nghị kết nạp." after the counts
                elif awaited and (cue is None or cue == cues.VoteCue()) and cues.says_refused(piece):
                    cue = cues.VoteCue(passed=False)  # "Vậy là không chuyển, tổ tiếp tục hòa giải." after the counts
                elif (
                    awaited
                    and (cue is None or cue == cues.VoteCue())
                    and (outcome := self._named(piece, names)) is not None
                ):
                    cue = cues.VoteCue(passed=outcome)  # "Anh Tuấn không đạt." after his counts
                elif (
                    awaited
                    and (cue is None or cue == cues.VoteCue())
                    and _majority_in_favour(votes[-1][0])
                    and cues.draws_outcome(piece)
                ):
                    cue = cues.VoteCue(passed=True)  # "Thế là chị Hoa làm tổ phó." after most were in favour
                if awaited and cue is not None and cue.total is None and votes[-1][0].in_favour is not None:
                    whole = cues.whole_of(piece, votes[-1][0].in_favour)  # "12 trên 15 người, vậy là thống nhất …"
                    cue = cue if whole is None else replace(cue, total=whole)
                if cue is not None and cue.has_counts and not cue.call and cue.total is None and votes:
                    cue = self._ballot_whole(votes, cue, s, sents[k - 1] if k else None)
                said = cue is not None or cues.speaks_of_voting(piece)
                if "vote" in kind and (chairs or goes_on):
                    if cue is None and self._calls_next(sents, k):
                        continue  # "Tốt quá." before "Tôi đề nghị Hội đồng biểu quyết …": the call's lead
                    cue = cue or cues.VoteCue(call=not goes_on and not self._awaits_result(votes, s))
                elif cue is None or not (
                    (cue.has_counts and (chairs or votes or cue.tally))
                    or ((goes_on or awaited) and cue.passed is not None)
                ):
                    continue  # a member's count joins a vote the chair called; only a full tally starts one
                before = len(votes)
                self._add_to_votes(votes, cue, s, piece)
                said_names = cues.named(piece, words=4)
                names = [*names, said_names] if len(votes) > before else [*names[:-1], names[-1] | said_names]
                if said:
                    read.add(len(votes) - 1)
                if cue.passed is not None and cues.for_every_vote(piece):
                    self._pass_earlier(votes, len(votes) - 2, cue.passed, s.segment.start)
                last = s
        return _cite_carried_wholes(
            self._whole_by_sum(_announced([v for k, (v, _) in enumerate(votes) if k in read]), sents), sents
        )

    def _whole_by_sum(self, votes: list[Vote], sents: Sequence[Sentence]) -> list[Vote]:
        """The whole of a vote found by arithmetic, not by its wording: a vote with two kinds counted (neither 0) and
        no whole, or a whole smaller than its counts, takes as its whole a number of people, ballots or shares said
        in its segments (those of no other vote), or in the segment the reader of its counts said right before them
        (in no vote), that is the sum of its counts ("Số cổ phần hợp lệ 1.250.000. Tán thành 1.200.000, không tán
        thành 50.000."; "phát ra 19, hợp lệ 19." then "… 12 phiếu đồng ý, 7 phiếu không đồng ý"), citing where it was
        said. However the whole is named, it is the number the counts add up to; a sum nobody says gives none (the
        gold's total is what was said), and another vote's numbers are its own (two motions of one body add up
        alike); a date is no whole ("tháng mười hai")."""
        segments = list({s.segment.id: s.segment for s in sents}.values())
        at = {g.id: k for k, g in enumerate(segments)}
        found: list[Vote] = []

        def _at(vote: Vote) -> list[int]:
            return [at[r.id] for r in vote.source_segments if r.id in at]

        cited_by = Counter(k for vote in votes for k in set(_at(vote)))
        for vote in votes:
            said = [n for n in (vote.in_favour, vote.against, vote.abstain) if n is not None]
            whole = sum(said)
            cited = sorted(_at(vote))
            if sum(n > 0 for n in said) < 2 or (vote.total is not None and vote.total >= whole) or not cited:
                found.append(vote)
                continue
            look = [segments[k] for k in cited if cited_by[k] == 1]  # another vote's segments say its own numbers
            for k in cited:  # what the reader of its counts said right before them, in no vote
                j = k - 1
                counts = cues.find_vote(segments[k].text, chair=True)
                if j >= 0 and not cited_by[j] and segments[j].speaker == segments[k].speaker:
                    look += [segments[j]] if counts is not None and counts.has_counts and not counts.call else []
            where = next((g for g in look if whole in _said_numbers(g.text)), None)
            if where is not None:
                refs = _cited_by_both(vote.source_segments, [SegmentRef.of(where)])
                vote = vote.model_copy(update={"total": whole, "source_segments": refs})
            found.append(vote)
        return found

    @staticmethod
    def _named(piece: str, names: list[frozenset[str]]) -> bool | None:
        """The outcome `piece` says of a candidate the open vote names ("Anh Tuấn không đạt." after "Ứng viên Hứa
        Minh Tuấn: 2 phiếu đồng ý, …"; "như vậy ông Páo được bổ sung vào hội đồng"), or None."""
        if not names:
            return None
        return next((outcome for said, outcome in cues.named_outcomes(piece) if said & names[-1]), None)

    @staticmethod
    def _calls_next(sents: Sequence[Sentence], k: int) -> bool:
        """Whether a later sentence of sentence `k`'s segment calls a vote: `k` leads into it."""
        s = sents[k]
        later = [t for t in sents[k + 1 :] if t.segment is s.segment]
        return any((cue := cues.find_vote(t.text, chair=True)) is not None and cue.call for t in later)

    def _ballot_whole(
        self, votes: list[tuple[Vote, float]], cue: cues.VoteCue, s: Sentence, before: Sentence | None
    ) -> cues.VoteCue:
        """`cue`, counted without a whole, with the whole of the vote before when it begins another vote read on by
        the same speaker right after that vote's counts: one ballot's candidates (or motions) counted one after
        another ("Số phiếu phát ra 46 …; Anh Vi Văn Hùng: 41 phiếu đồng ý, …" then "Anh Ông Đức Lợi: 38 phiếu đồng
        ý, 8 phiếu không đồng ý"): the whole said once is each one's."""
        vote, end = votes[-1]
        if vote.total is None or not _counted(vote) or before is None or before.speaker != s.speaker:
            return cue
        if s.segment.start - end > self.vote_window_s or not _starts_another(cue, vote):
            return cue
        if before.segment.id not in {r.id for r in vote.source_segments}:
            return cue
        counted = sum(n for n in (cue.in_favour, cue.against, cue.abstain) if n is not None)
        return replace(cue, total=vote.total) if counted <= vote.total else cue

    def _results_by_name(self, votes: list[tuple[Vote, float]], names: list[frozenset[str]], s: Sentence) -> set[int]:
        """The votes awaiting their result (counted, none said, within `vote_window_s`) that `s` gives one by naming
        them (`cues.named`, `cues.named_outcome`: "Như rứa ba hộ ông Ri, bà Sương, bà Tám đủ điều kiện"; "hộ ông Lợi
        không đạt quá bán"), as candidates voted on one after another are decided together: each takes it and cites
        `s`. None when `s` names only the open vote, which reads its result as usual."""
        outcomes: dict[int, bool] = {}
        for said, outcome in cues.named_outcomes(s.text):
            outcomes |= {
                k: outcome
                for k, (vote, end) in enumerate(votes)
                if _counted(vote)
                and vote.passed is None
                and s.segment.start - end <= self.vote_window_s
                and said & names[k]
            }
        if not outcomes or set(outcomes) == {len(votes) - 1}:
            return set()
        for k, outcome in outcomes.items():
            vote, end = votes[k]
            refs = _cited_by_both(vote.source_segments, _refs([s]))
            votes[k] = (vote.model_copy(update={"passed": outcome, "source_segments": refs}), max(end, s.segment.end))
        return set(outcomes)

    @staticmethod
    def _asked(sents: Sequence[Sentence], k: int, votes: list[tuple[Vote, float]], last: Sentence | None) -> str | None:
        """The kind the sentence before sentence `k` asked for, in the same segment ("Vị nào không tán thành? Có 2 đại
        biểu."), or as the open vote's call answered by another speaker ("… ai đồng ý thì giơ tay giùm" then "dạ chín
        trên chín"), also the rest of a vote counted ("còn ai không đồng ý không" then "dạ không có"); a call that asks
        no kind ("Mấy anh chị bấm giùm.", then "Dạ 13 trên 13") is answered in favour."""
        if not k:
            return None
        before = sents[k - 1]
        if before.segment is sents[k].segment:
            return cues.asked_kind(before.text)
        if before is not last or not votes:
            return None
        kind = cues.asked_kind(before.text)
        if _counted(votes[-1][0]):  # "… còn ai không đồng ý không" then "dạ không có": the rest of the counts
            return kind if kind is not None and getattr(votes[-1][0], kind) is None else None
        return kind or "in_favour"

    def _called_across(self, items: list[AgendaItem], by_id: dict[int, Segment]) -> list[AgendaItem]:
        """A call heard alone at an item's end, neither counted nor decided, joins the vote that begins the next item
        within `vote_window_s`, as a second call joins it within an item (`_starts_another`): it announced that vote
        ("Chúng ta biểu quyết bằng phiếu kín …" then "Nội dung thứ nhất … mời các thành viên ghi phiếu")."""
        for k in range(1, len(items)):
            if not items[k - 1].votes or not items[k].votes:
                continue
            called, first = items[k - 1].votes[-1], items[k].votes[0]
            ended = max(by_id[r.id].end for r in called.source_segments if r.id in by_id)
            begun = min(by_id[r.id].start for r in first.source_segments if r.id in by_id)
            if _counted(called) or called.passed is not None or begun - ended > self.vote_window_s:
                continue
            refs = _cited_by_both(called.source_segments, first.source_segments)
            items[k] = items[k].model_copy(
                update={"votes": [first.model_copy(update={"source_segments": refs}), *items[k].votes[1:]]}
            )
            items[k - 1] = items[k - 1].model_copy(update={"votes": items[k - 1].votes[:-1]})
        return items

    def _passed_across(self, items: list[AgendaItem], by_id: dict[int, Segment]) -> list[AgendaItem]:
        """A result said of every motion just voted on, in an item after theirs ("Nội dung thứ hai …" began an item;
        "Như vậy cả hai nội dung đều đã được thông qua."): the last votes of the item before, counted without a
        result and within `vote_window_s`, take it too (`_pass_earlier` within an item); and so does a result said
        alone in the turn that announces the next item (`_opens_with_result`: "Thông qua. Nội dung thứ hai: …")."""
        for k in range(1, len(items)):
            first = items[k].votes[0] if items[k].votes else None
            said = [by_id[r.id] for r in first.source_segments if r.id in by_id] if first is not None else []
            every = next((g for g in said if cues.for_every_vote(g.text)), None)
            opening = said[0] if said else None
            if every is not None and first is not None and first.passed is not None:
                passed, said_at = first.passed, every.start
            elif opening is not None and (result := _opens_with_result(opening.text)) is not None:
                passed, said_at, before = result, opening.start, items[k - 1].votes[-1:]
                ended = max((r.end for v in before for r in v.source_segments), default=said_at)
                awaited = bool(before) and before[0].passed is None and _counted(before[0])
                if not awaited or said_at - ended > self.vote_window_s:
                    continue
                if first is not None and not _counted(first) and len(first.source_segments) == 1:
                    items[k] = items[k].model_copy(update={"votes": items[k].votes[1:]})  # the result alone: not a vote
            else:
                continue
            votes = [(v, max(r.end for r in v.source_segments)) for v in items[k - 1].votes]
            self._pass_earlier(votes, len(votes) - 1, passed, said_at)
            items[k - 1] = items[k - 1].model_copy(update={"votes": [v for v, _ in votes]})
        return items

    def _pass_earlier(self, votes: list[tuple[Vote, float]], last: int, passed: bool, said_at: float) -> None:
        """A result said of every motion just voted on ("Cả hai nghị quyết đã được thông qua."): the votes from index
        `last` back (with the time each ended), counted without a result and within `vote_window_s` of `said_at`,
        take it too."""
        for k in range(last, -1, -1):
            vote, end = votes[k]
            if vote.passed is not None or not _counted(vote) or said_at - end > self.vote_window_s:
                return
            votes[k] = (vote.model_copy(update={"passed": passed}), end)

    def _awaits_result(self, votes: list[tuple[Vote, float]], s: Sentence) -> bool:
        """Whether the open vote has counts and no result yet, within `vote_window_s` of `s`: the chair's vote
        sentence after the counts, with neither call nor counts ("vậy là thống nhất giữ giá như năm ngoái"),
        follows them and begins no vote."""
        if not votes:
            return False
        vote, end = votes[-1]
        return _counted(vote) and vote.passed is None and s.segment.start - end <= self.vote_window_s

    def _uncounted(self, votes: list[tuple[Vote, float]], s: Sentence) -> tuple[str, ...]:
        """The kinds the open vote, counted and awaiting its result (`_awaits_result`), has yet to count: one person
        named in `s` may be their count ("Còn anh Phúc không biểu quyết.")."""
        if not self._awaits_result(votes, s):
            return ()
        return tuple(n for n in ("in_favour", "against", "abstain") if getattr(votes[-1][0], n) is None)

    def _add_to_votes(self, votes: list[tuple[Vote, float]], cue: cues.VoteCue, s: Sentence, piece: str) -> None:
        """`cue` (read in `piece` of sentence `s`) joins the open vote, or begins another (`_votes`); a count
        corrected (`cues.corrects_count`: "Tôi đếm lại: sáu đồng ý …") replaces the open vote's."""
        open_vote = votes[-1] if votes else None
        near = open_vote is not None and s.segment.start - open_vote[1] <= self.vote_window_s
        recount = near and cue.has_counts and not cue.call and cues.corrects_count(piece)
        if open_vote is not None and near and (recount or not _starts_another(cue, open_vote[0])):
            vote = open_vote[0]
            update = {
                name: getattr(cue, name)
                for name in (*_COUNTS, "passed")
                if (getattr(vote, name) is None or recount) and getattr(cue, name) is not None
            }
            refs = _cited_by_both(vote.source_segments, _refs([s]))
            votes[-1] = (vote.model_copy(update={**update, "source_segments": refs}), s.segment.end)
            return
        motion = _VOTE_CALL_PREFIX.sub("", piece.strip()).rstrip(" .") or piece.strip()
        motion = motion[:1].upper() + motion[1:]
        vote = Vote(
            motion=motion,
            in_favour=cue.in_favour,
            against=cue.against,
            abstain=cue.abstain,
            total=cue.total,
            passed=cue.passed,
            source_segments=_refs([s]),
        )
        votes.append((vote, s.segment.end))

    @staticmethod
    def _tasks(
        sents: Sequence[Sentence],
        speaks: Sequence[bool],
        kinds: Sequence[frozenset[str]],
        held: date | None,
        cast: _Cast,
    ) -> list[Task]:
        """The tasks of the chair's sentences the classifier calls tasks, as `slots.read_tasks` reads them. A
        person called by given name is written with the full name, and the task cites where it was said too. A
        sentence of the same segment right after a task without a deadline, giving none itself, may say its
        deadline ("… giao Công an huyện chủ trì …; kết quả báo cáo Ủy ban trong quý IV."), every one's when it names
        them all ("Cả hai việc xong trước 31/3."). Handing over the chair is no task ("… tôi nhờ đồng chí X chủ trì
        tiếp"), unless a deadline says it is one; nor is the roll or the agenda, read on after a ";" ("Buổi làm việc
        gồm hai phần: phần một, xã báo cáo;" "phần hai, Đoàn trao đổi …")."""
        tasks: list[Task] = []
        previous: Sentence | None = None  # the sentence that gave the last task
        given = 0  # where its tasks begin in `tasks`
        listing: Sentence | None = None  # the roll or agenda going on after a ";"
        for k, (s, chairs, kind) in enumerate(zip(sents, speaks, kinds, strict=True)):
            setup = sets_up(s.text) or (listing is not None and listing.segment is s.segment)
            listing = s if setup and s.text.endswith(";") else None
            found = (
                read_tasks(
                    s.text, held=held, people=list(cast.people), titles=cast.titles, meeting=cast.text, host=cast.host
                )
                if chairs
                and "task" in kind
                and not setup
                and s.segment.id not in cast.opening
                and not (gives_chair(s.text) and cues.find_deadline(s.text) is None)
                else []
            )
            said = cues.find_deadline(s.text, held=held) if not found and previous is not None else None
            if said is not None and previous is not None and previous.segment is s.segment and not tasks[-1].deadline:
                reach = range(given if names_every_order(s.text) else len(tasks) - 1, len(tasks))  # "Cả hai việc …"
                for j in reach:
                    if tasks[j].deadline is None:
                        tasks[j] = tasks[j].model_copy(update={"deadline": said.text, "due": said.due})
            before = sents[k - 1] if k else None
            if before is not None and before.segment is s.segment and before.speaker == s.speaker:
                earlier = cues.find_deadline(before.text, held=held)  # "Báo cáo … gửi … chậm nhất thứ Ba. Phòng X chịu
                found = [  # trách nhiệm việc này.": the work and its deadline said first, then who does it
                    replace(t, deadline=earlier) if t.deadline is None and _THIS_WORK.search(cues.fold(t.action)) else t
                    for t in found
                ]
            previous = s if found else None
            given = len(tasks)
            for slots in found:
                if _YOU.match(slots.assignee) and (person := cast.answered(sents, k)) is not None:
                    slots = replace(slots, assignee=person)
                named = cast.people.get(slots.assignee)
                if named is None:  # "Văn phòng" -> "Văn phòng Đoàn đại biểu Quốc hội …", as introduced
                    slots = replace(slots, assignee=named_in_full(slots.assignee, cast.bodies))
                refs = _refs([s])
                if named is not None and cues.fold(slots.assignee) not in cues.fold(s.text):
                    refs.append(SegmentRef.of(named))
                tasks.append(
                    Task(
                        assignee=slots.assignee,
                        action=slots.action,
                        deadline=slots.deadline.text if slots.deadline else None,
                        due=slots.deadline.due if slots.deadline else None,
                        source_segments=refs,
                    )
                )
        return tasks
