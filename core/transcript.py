"""The Transcript: the one schema every engine writes, every exporter reads and the editor edits.

Versioned (``schema_version``) so stored documents can be migrated; all text is NFC.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field, model_validator

from core.text import nfc

SCHEMA_VERSION: Literal[1] = 1

UNTRANSCRIBED_MARK = "[tiếng nói chưa gỡ được]"
"""What readers see where speech was heard but no words came out of it (untranscribed speech)."""

NfcStr = Annotated[str, AfterValidator(nfc)]
"""A string stored in Unicode NFC whatever form it arrived in."""


class Word(BaseModel):
    """One word with its timing in seconds from the start of the recording."""

    text: NfcStr
    start: float = Field(ge=0)
    end: float = Field(ge=0)
    confidence: float = Field(default=1.0, ge=0, le=1)
    speaker: str | None = None
    """Who said it (filled by diarization); the segment's speaker unless the segment was split."""

    @model_validator(mode="after")
    def _ordered(self) -> Word:
        if self.end < self.start:
            raise ValueError(f"word {self.text!r} ends ({self.end}) before it starts ({self.start})")
        return self


class Segment(BaseModel):
    """A stretch of speech by one speaker; its text is the words joined, possibly restored (case, punctuation)."""

    id: int
    start: float = Field(ge=0)
    end: float = Field(ge=0)
    text: NfcStr
    words: list[Word] = Field(default_factory=list)
    speaker: str | None = None
    """Speaker label ("Người nói 1") or a named person; filled by diarization."""
    confidence: float = Field(default=1.0, ge=0, le=1)
    reviewed: bool = False
    """A clerk has listened to this segment and checked its text (the editor's review progress)."""
    untranscribed: bool = False
    """Speech was heard here but the recogniser gave no words, even decoding it alone: a clerk should listen."""
    starts_paragraph: bool = True
    """A reader sees a new paragraph here (speaker turn, long pause); the pipeline clears it where a
    segment continues its paragraph, so older transcripts keep one paragraph per segment."""

    @property
    def display_text(self) -> str:
        """The text, or the untranscribed-speech mark where a clerk has not typed any yet."""
        return self.text.strip() or (UNTRANSCRIBED_MARK if self.untranscribed else "")

    @model_validator(mode="after")
    def _ordered(self) -> Segment:
        if self.end < self.start:
            raise ValueError(f"segment {self.id} ends ({self.end}) before it starts ({self.start})")
        return self


class Turn(BaseModel):
    """A stretch of speech by one speaker as the diarization heard it, words or not (RTTM is written from these)."""

    start: float = Field(ge=0)
    end: float = Field(ge=0)
    speaker: NfcStr

    @model_validator(mode="after")
    def _ordered(self) -> Turn:
        if self.end < self.start:
            raise ValueError(f"turn of {self.speaker!r} ends ({self.end}) before it starts ({self.start})")
        return self


class ModelRef(BaseModel):
    """Which engine and model produced the transcript (provenance)."""

    engine: str
    name: str
    checksum: str | None = None
    device: str | None = None
    compute_type: str | None = None


class SourceRef(BaseModel):
    """Which recording the transcript is of."""

    name: str
    sha256: str | None = None
    duration: float | None = None


class SpeakerAccent(BaseModel):
    """A speaker's regional accent as identified from their voice (dialect_adapt.accent)."""

    region: str
    """North, Central or South."""
    confidence: float = Field(ge=0, le=1)
    """Probability the classifier gives that region."""


class Transcript(BaseModel):
    schema_version: Literal[1] = SCHEMA_VERSION
    language: str = "vi"
    duration: float = Field(default=0.0, ge=0)
    model: ModelRef
    source: SourceRef | None = None
    segments: list[Segment] = Field(default_factory=list)
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    accents: dict[str, SpeakerAccent] = Field(default_factory=dict)
    """Accent region of each speaker label (filled by accent identification; empty when not run)."""
    turns: list[Turn] = Field(default_factory=list)
    """Who spoke when, from the diarization (overlapping turns allowed; empty when not diarized).

    Kept apart from the segments because speech the recogniser drops (or a hallucination guard removes)
    is still speech: the RTTM export and diarization scores must not lose it.
    """

    @property
    def text(self) -> str:
        return "\n".join(s.text for s in self.segments)

    @property
    def untranscribed_count(self) -> int:
        """Stretches of speech still without text (the number a job reports)."""
        return sum(s.untranscribed and not s.text.strip() for s in self.segments)

    @property
    def words(self) -> list[Word]:
        return [w for s in self.segments for w in s.words]

    @property
    def speakers(self) -> list[str]:
        """Speakers in order of first appearance."""
        return list(dict.fromkeys(s.speaker for s in self.segments if s.speaker))
