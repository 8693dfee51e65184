"""The speaker view: one person's turns across every recording, and how long they spoke in each session.

Read from the passage index (`search_passages`), which holds every segment of every current transcript with
its speaker, so it needs no document parsed and stays in step with each saved version.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from core.search.text import fold
from core.tables import Recording, SearchPassage

FIRST_WORDS = 12


class Turn(BaseModel):
    recording_id: str
    segment_id: int
    start: float
    duration: float
    first_words: str


class SessionTime(BaseModel):
    recording_id: str
    title: str
    meeting_date: date | None
    turns: int
    seconds: float


class SpeakerView(BaseModel):
    speaker: str
    """The name as the transcripts write it (as asked when nobody of that name spoke)."""
    sessions: list[SessionTime]
    """Every session the person spoke in, newest meeting first, with their total speaking time."""
    turns: list[Turn]
    """One page of their turns, in the order of `sessions`, then of time."""
    total_turns: int


def speaker_view(
    session: Session, speaker: str, recordings: Select[Any] | None, *, limit: int, offset: int
) -> SpeakerView:
    """`speaker`: the enrolled name or the label, matched whole, ignoring case and accents."""
    spoken = (SearchPassage.source == "transcript") & (SearchPassage.speaker_key == fold(speaker.strip()))
    if recordings is not None:
        spoken &= SearchPassage.recording_id.in_(recordings)
    newest = (Recording.meeting_date.desc().nulls_last(), Recording.created_at.desc(), Recording.id)
    per_session = session.execute(
        select(
            Recording.id,
            Recording.title,
            Recording.filename,
            Recording.meeting_date,
            func.count(SearchPassage.id),
            func.sum(SearchPassage.end - SearchPassage.start),
        )
        .join(SearchPassage, SearchPassage.recording_id == Recording.id)
        .where(spoken)
        .group_by(Recording.id, Recording.title, Recording.filename, Recording.meeting_date, Recording.created_at)
        .order_by(*newest)
    ).all()
    turns = session.execute(
        select(SearchPassage.recording_id, SearchPassage.segment_id, SearchPassage.start, SearchPassage.end)
        .add_columns(SearchPassage.text)
        .join(Recording, Recording.id == SearchPassage.recording_id)
        .where(spoken)
        .order_by(*newest, SearchPassage.start)
        .limit(limit)
        .offset(offset)
    ).all()
    return SpeakerView(
        speaker=session.scalar(select(SearchPassage.speaker).where(spoken).limit(1)) or speaker.strip(),
        sessions=[
            SessionTime(recording_id=r, title=t or f, meeting_date=d, turns=n, seconds=round(s or 0, 1))
            for r, t, f, d, n, s in per_session
        ],
        turns=[
            Turn(
                recording_id=r,
                segment_id=i,
                start=start,
                duration=round(end - start, 2),
                first_words=" ".join(text.split()[:FIRST_WORDS]),
            )
            for r, i, start, end, text in turns
        ],
        total_turns=sum(n for *_, n, _s in per_session),
    )
