"""The passage index: one row per segment of a recording's current transcript (and per minutes item).

`replace` runs inside the session that saves a version (`core.versioned`), so a saved document and
its passages commit or roll back together: no stale hits, no lost ones; `passage_rows` makes its rows
before that transaction writes. `clear` and `VersionedDocuments.reindex` rebuild it.
"""

from __future__ import annotations

import string
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import accumulate, chain, compress, repeat
from operator import attrgetter

import numpy as np
import numpy.typing as npt
from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from core.search.engines import PassageRow, engine_for
from core.search.text import fold, indexed_forms, syllable_count, tokens
from core.tables import SearchPassage, SearchSpeaker
from core.transcript import Segment, Transcript

_TEXT, _START = attrgetter("text"), attrgetter("start")
_EDGE_PUNCTUATION = string.punctuation + "…“”‘’–—«»"
"""Marks that end or open a word ("đất," "(khoản"): one syllable still, when what they leave is letters only."""


@dataclass(frozen=True)
class Passage:
    """What is indexed of one segment or minutes item; `word_times`: see `SearchPassage.word_times`."""

    segment_id: int
    start: float
    end: float
    speaker: str
    text: str
    word_times: str = ""


def transcript_passages(transcript: Transcript) -> list[Passage]:
    spoken = [s for s in transcript.segments if s.text]
    return [
        Passage(s.id, s.start, s.end, s.speaker or "", s.text, times)
        for s, times in zip(spoken, word_times(spoken), strict=True)
    ]


def word_times(segments: list[Segment]) -> list[str]:
    """Each segment's syllable starts. A segment whose text is its words joined (as transcribed) takes each
    word's start for the word's syllables; those, most of a transcript, are done together in numpy, with a
    Python step per word only where a word is not one syllable. Other segments: `edited_word_times`."""
    texts = [list(map(_TEXT, s.words)) for s in segments]
    as_spoken = [" ".join(words) == s.text for s, words in zip(segments, texts, strict=True)]
    timed = list(compress(segments, as_spoken))
    words = list(chain.from_iterable(s.words for s in timed))
    texts_timed = list(chain.from_iterable(compress(texts, as_spoken)))
    lengths = [len(s.words) for s in timed]
    starts = np.fromiter(map(_START, words), float, len(words))
    origins = np.repeat(np.fromiter(map(_START, timed), float, len(timed)), lengths)
    tenths = _tenths(starts - origins)
    bare = map(str.strip, texts_timed, repeat(_EDGE_PUNCTUATION, len(texts_timed)))
    per_word = np.fromiter(map(str.isalnum, bare), np.int64, len(texts_timed))  # letters only: one syllable
    for i in np.flatnonzero(per_word == 0).tolist():
        per_word[i] = syllable_count(texts_timed[i])
    each = list(map(str, np.repeat(tenths, per_word).tolist()))
    ends = np.cumsum(per_word)[np.cumsum(lengths, dtype=np.int64) - 1].tolist() if timed else []
    joined = iter([" ".join(each[a:b]) for a, b in zip([0, *ends], ends, strict=False)])
    return [next(joined) if spoken else edited_word_times(s) for s, spoken in zip(segments, as_spoken, strict=True)]


def edited_word_times(segment: Segment) -> str:
    """The syllable starts of a segment whose text is not its words joined (a clerk's edit): the words' own times
    when the text's syllables are still the words' syllables (punctuation, case, spacing changed), else spread
    evenly over the segment (the words changed, not their timing)."""
    joined = " ".join(w.text for w in segment.words)
    syllables = [t.group().casefold() for t in tokens(segment.text)]
    word_starts = list(accumulate((len(w.text) + 1 for w in segment.words), initial=0))
    found = tokens(joined)
    if [t.group().casefold() for t in found] == syllables:
        starts = [segment.words[bisect_right(word_starts, t.start()) - 1].start for t in found]
    else:
        step = (segment.end - segment.start) / max(1, len(syllables))
        starts = [segment.start + i * step for i in range(len(syllables))]
    return " ".join(map(str, _tenths(np.array(starts, dtype=float) - segment.start).tolist()))


def _tenths(offsets: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    """Seconds from a segment's start as whole tenths, rounded up (so inside the word), never negative."""
    return np.maximum(np.ceil(offsets * 10 - 1e-6), 0).astype(np.int64)


def passage_rows(recording_id: str, source: str, version: int, passages: Iterable[Passage]) -> list[PassageRow]:
    """The index's rows for `passages` of the recording's `source` (`transcript`, `minutes`): all the Python
    work of indexing, done before the saving transaction writes, so that concurrent saves overlap it instead of
    queueing behind SQLite's one writer (or a PostgreSQL row lock)."""
    passages = list(passages)
    speaker_keys = {speaker: fold(speaker)[:200] for speaker in {p.speaker for p in passages}}
    return [
        PassageRow(
            recording_id,
            source,
            version,
            p.segment_id,
            p.start,
            p.end,
            p.speaker[:200],
            speaker_keys[p.speaker],
            p.text,
            p.word_times,
            *indexed_forms(p.text),
        )
        for p in passages
    ]


def replace(session: Session, recording_id: str, source: str, rows: list[PassageRow]) -> None:
    """Make `rows` (`passage_rows`) the indexed content of the recording's `source`."""
    engine = engine_for(session)
    old = session.scalars(
        select(SearchPassage.id).where(SearchPassage.recording_id == recording_id, SearchPassage.source == source)
    ).all()
    if old:
        engine.remove(session, list(old))
        session.execute(delete(SearchPassage).where(SearchPassage.id.in_(old)))
    if rows:
        engine.insert(session, rows)
    # in one order: two saves adding the same new names must not wait on each other's first one
    if named := [{"key": key} for key in sorted({row.speaker_key for row in rows}) if key]:
        session.execute(text("INSERT INTO search_speakers (key) VALUES (:key) ON CONFLICT DO NOTHING"), named)


def clear(session: Session) -> None:
    """Empty the index, before every document is indexed again (`VersionedDocuments.reindex`)."""
    engine_for(session).clear(session)
    session.execute(delete(SearchPassage))
    session.execute(delete(SearchSpeaker))
