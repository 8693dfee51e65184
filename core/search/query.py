"""Run a search: match on the database's engine, filter, rank, page, and cut highlighted snippets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Label, Select, func, select
from sqlalchemy.orm import Session

from core.search.engines import engine_for
from core.search.text import Query, fold, snippet
from core.tables import Recording, SearchPassage, SearchSpeaker

CANDIDATES = 5000
"""Passages ranked at most per query, the most recently indexed first. A syllable said in tens of thousands of
passages ("luật") is ranked among its newest 5 000: a query stays fast on an archive of any size, and `total`
then means "at least"."""
WINDOW = 20 * CANDIDATES
"""How many of the newest passages are searched first, before all of them (`_newest_candidates`)."""


def meetings(
    *,
    org_unit_id: int | None = None,
    body: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> Select[Recording]:
    """Recordings of a unit, a body (the meeting's kind) and a range of meeting dates: the filters the recordings
    list and the search share (callers add who may see what)."""
    query = select(Recording)
    if org_unit_id is not None:
        query = query.where(Recording.org_unit_id == org_unit_id)
    if body:
        query = query.where(Recording.body == body.strip())
    if date_from is not None:
        query = query.where(Recording.meeting_date >= date_from)
    if date_to is not None:
        query = query.where(Recording.meeting_date <= date_to)
    return query


@dataclass(frozen=True)
class Filters:
    """`recordings`: a select of the recording ids to search in (who may see what, unit, body, dates: the
    caller's, as for its list of recordings); `speaker`: part of the speaker's name or label, any accents."""

    recordings: Select[Any] | None = None
    speaker: str | None = None
    source: str | None = None


class Hit(BaseModel):
    recording_id: str
    title: str
    """The recording's title (its file name when untitled)."""
    meeting_date: date | None
    source: str
    """`transcript` or `minutes`."""
    version: int
    """The version of the transcript (or minutes) the passage is from: always the current one."""
    segment_id: int
    speaker: str
    start: float
    end: float
    time: float
    """Seconds from the start of the recording to the first matched word: the editor opens there."""
    snippet: str
    highlights: list[tuple[int, int]]
    """Character spans [start, end) of the matches in `snippet`."""
    score: float
    """Relevance, higher is better; comparable only within one result list."""


@dataclass(frozen=True)
class Results:
    hits: list[Hit]
    total: int
    """Matching passages, counted up to `CANDIDATES`."""

    @property
    def total_exact(self) -> bool:
        return self.total < CANDIDATES


def search(session: Session, query: Query, filters: Filters, *, limit: int, offset: int) -> Results:
    """One page of hits, best first (ties: the passage indexed first)."""
    matched = engine_for(session).matches(query)
    if filters.recordings is not None:
        matched = matched.where(SearchPassage.recording_id.in_(filters.recordings))
    if filters.speaker and (key := fold(filters.speaker.strip())):
        named = select(SearchSpeaker.key).where(SearchSpeaker.key.contains(key, autoescape=True))
        matched = matched.where(SearchPassage.speaker_key.in_(named))
    if filters.source:
        matched = matched.where(SearchPassage.source == filters.source)
    candidates = _newest_candidates(session, matched)
    ranked = sorted(candidates, key=lambda c: (c[1], c[0]))[offset : offset + limit]
    scores = dict(ranked)
    rows = session.execute(
        select(SearchPassage, Recording.title, Recording.filename, Recording.meeting_date)
        .join(Recording, Recording.id == SearchPassage.recording_id)
        .where(SearchPassage.id.in_(scores))
    ).all()
    by_id = {row[0].id: row for row in rows}
    hits = [_hit(*by_id[passage_id], query=query, score=score) for passage_id, score in scores.items()]
    return Results(hits, len(candidates))


def _newest_candidates(session: Session, matched: Select[Any]) -> list[tuple[int, float]]:
    """(id, score) of the newest `CANDIDATES` matching passages. Looked for among the `WINDOW` newest passages
    first: a common word fills them, and the database reads only those recent pages instead of every page
    that holds the word before sorting them by age; otherwise among all passages."""
    column = matched.selected_columns.id
    passage = column.element if isinstance(column, Label) else column
    newest = matched.order_by(passage.desc()).limit(CANDIDATES)
    newest_id = session.scalar(select(func.max(SearchPassage.id))) or 0
    if newest_id > WINDOW:
        found = session.execute(newest.where(passage > newest_id - WINDOW)).all()
        if len(found) == CANDIDATES:
            return [(passage_id, score) for passage_id, score in found]
    return [(passage_id, score) for passage_id, score in session.execute(newest).all()]


def _hit(
    passage: SearchPassage, title: str, filename: str, meeting_date: date | None, *, query: Query, score: float
) -> Hit:
    cut = snippet(passage.text, query)
    times = passage.word_times.split()
    offset = int(times[cut.first_token]) / 10 if cut.first_token is not None and cut.first_token < len(times) else 0
    return Hit(
        recording_id=passage.recording_id,
        title=title or filename,
        meeting_date=meeting_date,
        source=passage.source,
        version=passage.version,
        segment_id=passage.segment_id,
        speaker=passage.speaker,
        start=passage.start,
        end=passage.end,
        time=round(passage.start + offset, 1),
        snippet=cut.text,
        highlights=cut.highlights,
        score=-float(score),
    )
