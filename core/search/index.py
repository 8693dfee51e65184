"""The passage index: one row per segment of a recording's current transcript (and per minutes item).

`replace` runs inside the session that saves a version (`core.versioned`), so a saved document and
its passages commit or roll back together: no stale hits, no lost ones. `clear` and
`VersionedDocuments.reindex` rebuild it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import accumulate
from math import ceil
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.search.engines import engine_for
from core.search.text import fold, syllable_count, tokens
from core.tables import SearchPassage
from core.transcript import Segment, Transcript


@dataclass(frozen=True)
class Passage:
    """What is indexed of one segment or minutes item; `word_times`: see `SearchPassage.word_times`."""

    segment_id: int
    start: float
    end: float
    speaker: str
    text: str
    word_times: str = ""


def word_times(segment: Segment) -> str:
    """Each syllable's start: the words' own times when the text's syllables are the words' syllables,
    else spread evenly over the segment (a clerk's edit that changed the words but not their timing)."""
    joined = " ".join(w.text for w in segment.words)
    if joined == segment.text:  # as transcribed: each word gives its start to its syllables
        starts = [w.start for w in segment.words for _ in range(syllable_count(w.text))]
    else:
        syllables = [t.group().casefold() for t in tokens(segment.text)]
        word_starts = list(accumulate((len(w.text) + 1 for w in segment.words), initial=0))
        found = tokens(joined)
        if [t.group().casefold() for t in found] == syllables:
            starts = [segment.words[bisect_right(word_starts, t.start()) - 1].start for t in found]
        else:
            step = (segment.end - segment.start) / max(1, len(syllables))
            starts = [segment.start + i * step for i in range(len(syllables))]
    return " ".join(str(max(0, ceil((s - segment.start) * 10 - 1e-6))) for s in starts)


def transcript_passages(transcript: Transcript) -> list[Passage]:
    return [
        Passage(s.id, s.start, s.end, s.speaker or "", s.text, word_times(s)) for s in transcript.segments if s.text
    ]


def replace(session: Session, recording_id: str, source: str, version: int, passages: Iterable[Passage]) -> None:
    """Make `passages` the indexed content of the recording's `source` (`transcript`, `minutes`)."""
    engine = engine_for(session)
    old = session.scalars(
        select(SearchPassage.id).where(SearchPassage.recording_id == recording_id, SearchPassage.source == source)
    ).all()
    if old:
        engine.remove(session, list(old))
        session.execute(delete(SearchPassage).where(SearchPassage.id.in_(old)))
    rows: list[dict[str, Any]] = [
        {
            "recording_id": recording_id,
            "source": source,
            "version": version,
            "segment_id": p.segment_id,
            "start": p.start,
            "end": p.end,
            "speaker": p.speaker[:200],
            "speaker_key": fold(p.speaker)[:200],
            "text": p.text,
            "word_times": p.word_times,
        }
        for p in passages
    ]
    if rows:
        engine.insert(session, rows)


def clear(session: Session) -> None:
    """Empty the index, before every document is indexed again (`VersionedDocuments.reindex`)."""
    engine_for(session).clear(session)
    session.execute(delete(SearchPassage))
