"""The passage index: one row per segment of a recording's current transcript (and per minutes item).

`replace` runs inside the session that saves a version (`core.versioned`), so a saved document and
its passages commit or roll back together: no stale hits, no lost ones. `clear` and
`VersionedDocuments.reindex` rebuild it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from core.search.engines import engine_for
from core.search.text import fold, tokens
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
    syllables = [fold(t.group()) for t in tokens(segment.text)]
    timed = [(fold(t.group()), w.start) for w in segment.words for t in tokens(w.text)]
    if [s for s, _ in timed] == syllables:
        starts = [start for _, start in timed]
    else:
        step = (segment.end - segment.start) / max(1, len(syllables))
        starts = [segment.start + i * step for i in range(len(syllables))]
    return " ".join(str(max(0, round((s - segment.start) * 10))) for s in starts)


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
    if not rows:
        return
    ids = session.scalars(insert(SearchPassage).returning(SearchPassage.id, sort_by_parameter_order=True), rows).all()
    engine.add(session, [(i, r["text"]) for i, r in zip(ids, rows, strict=True)])


def clear(session: Session) -> None:
    """Empty the index, before every document is indexed again (`VersionedDocuments.reindex`)."""
    engine_for(session).clear(session)
    session.execute(delete(SearchPassage))
