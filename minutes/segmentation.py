"""Topic segmentation: the agenda items of a meeting, in order, each a run of transcript segments.

Two signals. The chair announces items ("Chuyển sang nội dung thứ hai: …", "Về nội dung …"):
those cue phrases are boundaries and give the item its title. Where the chair announces nothing
for a long stretch, lexical cohesion finds the shifts (TextTiling, Hearst 1997): the content
words of the windows before and after each gap are compared, and a deep valley of similarity
is a boundary. Windows are counted in segments and words are pyvi compounds (`sentences`).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer

from core.text import nfc
from core.transcript import Segment
from minutes.cues import fold
from minutes.sentences import Sentence

_ORDINAL = r"(?:thu )?(?:nhat|hai|ba|tu|nam|sau|bay|tam|chin|muoi|\d+|tiep theo|cuoi cung|sau cung|dau tien)"
_ITEM_CUE = re.compile(
    rf"\b(?:chuyen sang|sang|den|di vao|ve|tiep theo(?: la| voi)?|bay gio la|tiep den)"
    rf" (?:noi dung|phan|muc|van de|nhom van de) {_ORDINAL}\b"
    rf"|^(?:noi dung|phan|muc|nhom van de) {_ORDINAL}\b"
    rf"|\bchuyen sang (?:noi dung|phan)(?! {_ORDINAL}\b)(?= (?!thao luan\b)\w)"  # unnumbered: "… phần chất vấn"
    r"|\b(?:sau day|tiep theo),? (?:chung ta|hoi nghi|ky hop|cuoc hop|hoi dong) (?:se |)"
    r"(?:xem xet|thao luan|nghe|cho y kien|chuyen sang)\b"
)
_MORE_NUMBERS = re.compile(r"(?:\s*(?:,|\bva\b|-|–)\s*|\.)\d")
"""A numbered part followed by more numbers ("về mục 1, 2 và phụ lục số 5 của dự thảo", "mục 1.2"): parts of a
document referred to, no item of the meeting announced."""
_OPENING = re.compile(r"\b(?:tuyen bo )?khai mac\b")
_CLOSING = re.compile(r"\b(?:tuyen bo be mac|be mac ky hop|be mac hoi nghi|ket thuc cuoc hop)\b")
OPENING_TITLE = "Khai mạc"
CLOSING_TITLE = "Bế mạc"
_TITLE_START = re.compile(r"^(?:[\s,:;.\-–]+|(?:là|về|gồm|có)\s+)+", re.IGNORECASE)
_AGENDA = re.compile(r"\b(?:co|gom) (?:\w+ )?(?:noi dung|viec|van de)(?: chinh)?(?: la|:)\s*")
"""The chair announcing the agenda: "Phiên họp có ba nội dung: thứ nhất, …; thứ hai, …" """
_AGENDA_ENTRY = re.compile(r";\s*|,?\s*\bthu (?:nhat|hai|ba|tu|nam|sau)\b,?\s*|,\s+(?:va\s+)?|\s+va\s+")


@dataclass(frozen=True)
class Topic:
    """Segments `[first, last]` (indices into the transcript's segments) and the title, if announced."""

    first: int
    last: int
    title: str


def _title(sentence: Sentence, cue_end: int) -> str:
    """What the chair said after the cue: "…nội dung thứ hai: xem xét Tờ trình …" -> "Xem xét Tờ trình …"."""
    rest = _TITLE_START.sub("", sentence.text[cue_end:]).rstrip(" .")
    rest = rest[:1].upper() + rest[1:]
    return rest[:200]


def announced(
    sentences: Sequence[Sentence], position: dict[int, int], chair: str | frozenset[str] | None
) -> dict[int, str]:
    """Segment index -> title, for every segment in which the chair announces an item or closes the meeting.

    `position`: `id(segment)` -> its index in the transcript. `chair`: the chair's speaker label, or the labels
    of all who chaired (the chair may hand over for part of the meeting).
    """
    chairs = frozenset([chair]) if isinstance(chair, str) else chair
    found: dict[int, str] = {}
    for sentence in sentences:
        if chairs is not None and sentence.speaker not in chairs:
            continue
        folded = fold(sentence.text)
        at = position[id(sentence.segment)]
        if at in found:
            continue
        if (match := _ITEM_CUE.search(folded)) is not None and not _MORE_NUMBERS.match(folded, match.end()):
            found[at] = _title(sentence, match.end())
        elif _CLOSING.search(folded) and at > 0:
            found[at] = CLOSING_TITLE
    return found


def agenda(sentences: Sequence[Sentence]) -> list[str]:
    """The items of the agenda as the chair announces it at the opening, in order ([] when none is announced).

    Read over the whole segment: the entries of "có ba nội dung: thứ nhất, …; thứ hai, …" span sentences."""
    opening = list({id(s.segment): s.segment for s in sentences[:12]}.values())
    for segment in opening:
        text = nfc(segment.text)
        folded = fold(text)
        match = _AGENDA.search(folded)
        if match is None:
            continue
        entries, position = [], match.end()
        for cut in [*_AGENDA_ENTRY.finditer(folded, match.end()), None]:
            end = cut.start() if cut is not None else len(folded)
            entry = re.split(r"[.!?]\s", text[position:end])[0].strip(" .;:,")
            if len(entry.split()) >= 2:
                entries.append(entry[:1].upper() + entry[1:])
            position = cut.end() if cut is not None else end
        if len(entries) >= 2:
            return entries
    return []


def cohesion_gaps(words: Sequence[Sequence[str]], window: int) -> np.ndarray:
    """TextTiling depth scores: for each gap before segment i (1..n-1), how deep a valley of similarity it is."""
    n = len(words)
    if n < 2 or not any(words):
        return np.zeros(max(n - 1, 0))
    vectorizer = CountVectorizer(analyzer=lambda ws: ws, max_features=4000)
    counts = vectorizer.fit_transform(words).toarray().astype(np.float32)
    cumulative = np.vstack([np.zeros((1, counts.shape[1]), np.float32), np.cumsum(counts, axis=0)])
    gaps = np.arange(1, n)
    left = cumulative[gaps] - cumulative[np.maximum(gaps - window, 0)]
    right = cumulative[np.minimum(gaps + window, n)] - cumulative[gaps]
    norms = np.linalg.norm(left, axis=1) * np.linalg.norm(right, axis=1)
    similarity = np.where(norms > 0, (left * right).sum(axis=1) / np.maximum(norms, 1e-9), 0.0)
    depth = np.zeros_like(similarity)
    for i, value in enumerate(similarity):  # climb to the nearest peak on each side
        left_peak = right_peak = value
        j = i
        while j > 0 and similarity[j - 1] >= left_peak:
            j -= 1
            left_peak = similarity[j]
        j = i
        while j < len(similarity) - 1 and similarity[j + 1] >= right_peak:
            j += 1
            right_peak = similarity[j]
        depth[i] = (left_peak - value) + (right_peak - value)
    return depth


def segment_topics(
    segments: Sequence[Segment],
    sentences: Sequence[Sentence],
    *,
    chair: str | frozenset[str] | None,
    window: int = 20,
    min_segments: int = 40,
) -> list[Topic]:
    """The agenda items in order, covering every segment once.

    `window`: segments on each side of a gap for lexical cohesion. `min_segments`: no lexical
    boundary closer than this to another boundary (announced boundaries are always kept).
    """
    if not segments:
        return []
    position = {id(s): i for i, s in enumerate(segments)}
    titles = announced(sentences, position, chair)
    boundaries = sorted({0, *titles})
    words_of: list[list[str]] = [[] for _ in segments]
    for sentence in sentences:
        words_of[position[id(sentence.segment)]].extend(sentence.words)
    depth = cohesion_gaps(words_of, window)
    if len(depth):
        cutoff = depth.mean() + depth.std()
        for gap in np.argsort(-depth):
            at = int(gap) + 1
            if depth[gap] <= cutoff:
                break
            edges = [*boundaries, len(segments)]
            if all(abs(at - b) >= min_segments for b in edges):
                boundaries = sorted([*boundaries, at])
    edges = [*boundaries, len(segments)]
    opens = any(_OPENING.search(fold(s.text)) for s in segments[: edges[1]])
    if 0 not in titles and opens and titles.get(edges[1], CLOSING_TITLE) != CLOSING_TITLE:
        # the opening before the first announced item (a meeting with no announced item has no opening item)
        titles[0] = OPENING_TITLE
    return [Topic(a, b - 1, titles.get(a, "")) for a, b in itertools.pairwise(edges) if b > a]
