"""The frame of the minutes around their content: header, times, people, closing line, who chairs.

Both generators share it, so the administrative fields never depend on the generator: they come
from the meeting metadata and the transcript's times, not from a summary.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timedelta

from core.transcript import Transcript
from minutes.cues import fold
from minutes.model import Minutes, MinutesMeta, Stats
from minutes.participants import opener

_PROCEDURE = re.compile(
    r"\b(xin moi|moi dai bieu|chuyen sang|khai mac|be mac|bieu quyet|ket luan|xin y kien|giao viec"
    r"|moi (?:anh|chi|ong|ba|dong chi|co|thay|o|chu|bac|dai dien)\b)"
)
"""The chair running the meeting: giving the floor ("mời anh X", "xin mời"), moving on, calling votes or opinions
("xin ý kiến"), giving out work, concluding."""
_INVITES_TO_PRESIDE = re.compile(r"\bmoi\b.{0,60}\b(?:chu tri|dieu hanh|chu toa)\b")
"""Someone inviting another to preside ("Kính mời đồng chí Giám đốc chủ trì."): a secretary or a host handing the
meeting over, which tells nothing of who runs it then."""


def chair_label(transcript: Transcript, meta: MinutesMeta) -> str | None:
    """The speaker label of the chair: the one named like `meta.chair`, else the one who declares the meeting
    open, else the one who runs the procedure.

    Diarization names speakers "Người nói N" unless voiceprints know them; the chair is then the
    speaker who most often calls on others, moves to the next item, calls votes and concludes.
    """
    speakers = transcript.speakers
    if not speakers:
        return None
    if meta.chair:
        wanted = fold(meta.chair)
        named = [s for s in speakers if fold(s) in wanted or wanted in fold(s)]
        if named:
            return named[0]
    opened_by = opener(transcript.segments)
    if opened_by is not None:
        return opened_by
    calls = Counter(
        s.speaker
        for s in transcript.segments
        if s.speaker and _PROCEDURE.search(folded := fold(s.text)) and not _INVITES_TO_PRESIDE.search(folded)
    )
    if not calls:
        return speakers[0]
    first = {label: i for i, label in reversed(list(enumerate(s.speaker for s in transcript.segments)))}
    return max(calls, key=lambda label: (calls[label], -first[label]))  # a tie: who spoke first


def spoken_time(moment: datetime | None) -> str:
    """ "8 giờ 05 phút, ngày 8 tháng 7 năm 2025", or the form's dots for an unknown time."""
    if moment is None:
        return "… giờ … phút, ngày … tháng … năm …"
    return f"{moment.hour} giờ {moment.minute:02d} phút, ngày {moment.day} tháng {moment.month} năm {moment.year}"


def closing_line(end: datetime | None) -> str:
    """ "Cuộc họp kết thúc vào 11 giờ 30 phút, ngày 15 tháng 7 năm 2025." (dots where the time is unknown)."""
    return f"Cuộc họp kết thúc vào {spoken_time(end)}."


def frame(transcript: Transcript, meta: MinutesMeta, stats: Stats) -> Minutes:
    """Minutes with every field but the content: the generator fills `items`."""
    start = end = None
    if meta.meeting_date is not None and meta.start_time is not None and transcript.segments:
        origin = datetime.combine(meta.meeting_date, meta.start_time)
        start = origin + timedelta(seconds=transcript.segments[0].start)
        end = origin + timedelta(seconds=max(s.end for s in transcript.segments))
    return Minutes(
        header=meta.header,
        meeting_name=meta.meeting_name,
        start=start,
        end=end,
        place=meta.place,
        attendees=meta.attendees,
        chair=meta.chair,
        secretary=meta.secretary,
        closing=closing_line(end),
        recipients=meta.recipients,
        copies=meta.copies,
        stats=stats,
    )
