"""The Minutes (biên bản): one schema both generators write, every renderer reads and the clerk edits.

Faithfulness is part of the schema: every content item (an intervention, a conclusion, a vote,
a task, an agenda item) carries `source_segments`, the transcript segments it came from, with
their times, so the clerk can jump to the audio; an item with no source cannot be built.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from core.transcript import NfcStr, Segment, Transcript

SCHEMA_VERSION: Literal[1] = 1

GeneratorName = Literal["extractive", "llm"]


class SegmentRef(BaseModel):
    """A transcript segment an item came from: its id and its times (seconds from the start of the recording)."""

    id: int
    start: float = Field(ge=0)
    end: float = Field(ge=0)

    @classmethod
    def of(cls, segment: Segment) -> SegmentRef:
        return cls(id=segment.id, start=segment.start, end=segment.end)


Sources = Annotated[list[SegmentRef], Field(min_length=1)]
"""At least one source: a statement that cites nothing cannot be traced to the recording."""


class Cited(BaseModel):
    source_segments: Sources


class Intervention(Cited):
    """One speaker's turn on an agenda item, summarised (extractive: sentences taken verbatim)."""

    speaker: NfcStr
    summary: NfcStr


class Conclusion(Cited):
    """A conclusion of the chair (kết luận của chủ tọa) or an agreement of the meeting."""

    text: NfcStr
    speaker: NfcStr | None = None


class Vote(Cited):
    """A vote (biểu quyết): what was put to the vote and the counts, where they were spoken."""

    motion: NfcStr
    in_favour: int | None = Field(default=None, ge=0)
    """Tán thành."""
    against: int | None = Field(default=None, ge=0)
    """Không tán thành."""
    abstain: int | None = Field(default=None, ge=0)
    """Không biểu quyết."""
    total: int | None = Field(default=None, ge=0)
    """Those present or entitled to vote, when the count was given as "45/48"."""
    passed: bool | None = None
    """Thông qua / không thông qua, when said."""


class Task(Cited):
    """A task assigned (giao nhiệm vụ): to whom, what, by when."""

    assignee: NfcStr
    action: NfcStr
    deadline: NfcStr | None = None
    """The deadline as spoken ("trước ngày 15/7")."""
    due: date | None = None
    """The deadline as a date, where it could be read."""


class AgendaItem(Cited):
    """One item of the agenda, in the order of the meeting (theo diễn biến); its sources span the item."""

    title: NfcStr
    interventions: list[Intervention] = Field(default_factory=list)
    conclusions: list[Conclusion] = Field(default_factory=list)
    votes: list[Vote] = Field(default_factory=list)
    tasks: list[Task] = Field(default_factory=list)


class Header(BaseModel):
    """The administrative header of Mẫu 1.9 (Nghị định 30/2020/NĐ-CP)."""

    parent_body: NfcStr = ""
    """Tên cơ quan, tổ chức chủ quản (upper left, first line)."""
    issuing_body: NfcStr = ""
    """Tên cơ quan, tổ chức ban hành (upper left, bold)."""
    number: NfcStr = ""
    """Số và ký hiệu: "12/BB-HĐND" (rendered as "Số: 12/BB-HĐND"); empty leaves dots to fill in."""


class MinutesMeta(BaseModel):
    """What the clerk knows about the meeting beyond the recording (from `core.tables.Recording`)."""

    header: Header = Header()
    meeting_name: NfcStr = ""
    meeting_date: date | None = None
    start_time: time | None = None
    """Clock time at which the recording starts; with the date it gives the start and end of the meeting."""
    place: NfcStr = ""
    chair: NfcStr = ""
    secretary: NfcStr = ""
    attendees: list[NfcStr] = Field(default_factory=list)
    recipients: list[NfcStr] = Field(default_factory=list)
    """Nơi nhận; "Lưu: VT, hồ sơ" is always added."""
    copies: int = Field(default=2, ge=1, le=100)
    """Biên bản được lập thành … bản."""


class Stats(BaseModel):
    """How the minutes were made, for the clerk and for the faithfulness figures."""

    generator: GeneratorName
    model: str = ""
    segments: int = 0
    dropped_uncited: int = 0
    """Statements of the language model dropped because they cited no existing segment."""
    seconds: float = 0.0


class Minutes(BaseModel):
    schema_version: Literal[1] = SCHEMA_VERSION
    header: Header = Header()
    meeting_name: NfcStr = ""
    start: datetime | None = None
    end: datetime | None = None
    place: NfcStr = ""
    attendees: list[NfcStr] = Field(default_factory=list)
    chair: NfcStr = ""
    secretary: NfcStr = ""
    items: list[AgendaItem] = Field(default_factory=list)
    closing: NfcStr = ""
    """The closing line: "Cuộc họp kết thúc vào 11 giờ 30 phút, ngày …"."""
    recipients: list[NfcStr] = Field(default_factory=list)
    copies: int = Field(default=2, ge=1, le=100)
    stats: Stats

    def cited_ids(self) -> set[int]:
        """Every segment id cited anywhere (for the faithfulness check)."""
        ids: set[int] = set()
        for item in self.items:
            for cited in [item, *item.interventions, *item.conclusions, *item.votes, *item.tasks]:
                ids.update(ref.id for ref in cited.source_segments)
        return ids

    def uncited_refs(self, transcript: Transcript) -> set[int]:
        """Cited ids that are not segments of `transcript` (empty when the minutes are faithful to it)."""
        return self.cited_ids() - {s.id for s in transcript.segments}
