"""RTTM in and out, through pyannote.core's `Annotation` (the lingua franca of diarization tools and scorers)."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import GobangError
from core.transcript import Transcript

if TYPE_CHECKING:  # imported where used: pyannote.core would add a quarter second to every command's start
    from pyannote.core import Annotation

_SAFE = re.compile(r"\s+")


class RttmFormatError(GobangError):
    """An RTTM file or text that cannot be read."""

    exit_code = 3
    http_status = 422
    title = "Tệp RTTM không hợp lệ"


def _uri(name: str) -> str:
    """RTTM fields are space-separated: a file name with spaces would break every reader."""
    return _SAFE.sub("_", name.strip()) or "recording"


def annotation_to_rttm(annotation: Annotation, *, uri: str | None = None) -> str:
    """RTTM text of an annotation (one SPEAKER line per turn; spaces in labels become underscores)."""
    from pyannote.core import Annotation

    renamed = Annotation(uri=_uri(uri or annotation.uri or "recording"))
    for segment, track, label in annotation.itertracks(yield_label=True):
        renamed[segment, track] = _uri(str(label))
    buffer = io.StringIO()
    renamed.write_rttm(buffer)
    return buffer.getvalue()


def transcript_to_annotation(transcript: Transcript, *, uri: str | None = None) -> Annotation:
    """Speaker turns of a transcript: its diarization turns, or one per attributed segment for older documents."""
    from pyannote.core import Annotation, Segment

    name = uri or (transcript.source.name if transcript.source else "recording")
    annotation = Annotation(uri=_uri(name))
    if transcript.turns:
        for index, turn in enumerate(transcript.turns):
            if turn.end > turn.start:
                annotation[Segment(turn.start, turn.end), index] = turn.speaker
        return annotation
    for segment in transcript.segments:
        if segment.speaker and segment.end > segment.start:
            annotation[Segment(segment.start, segment.end), segment.id] = segment.speaker
    return annotation


def transcript_to_rttm(transcript: Transcript, *, uri: str | None = None) -> str:
    """RTTM text of a speaker-attributed transcript (the `--format rttm` export)."""
    return annotation_to_rttm(transcript_to_annotation(transcript, uri=uri))


def read_rttm(source: str | Path) -> dict[str, Annotation]:
    """Annotations by uri from an RTTM file or RTTM text; malformed lines raise `RttmFormatError`."""
    from pyannote.core import Annotation, Segment

    text = Path(source).read_text(encoding="utf-8") if isinstance(source, Path) else source
    annotations: dict[str, Annotation] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        fields = line.split()
        if not fields or fields[0] != "SPEAKER":
            continue
        try:
            uri, start, duration, label = fields[1], float(fields[3]), float(fields[4]), fields[7]
        except (IndexError, ValueError) as exc:
            raise RttmFormatError(f"dòng RTTM {number} sai định dạng (malformed RTTM line: {line!r})") from exc
        annotation = annotations.setdefault(uri, Annotation(uri=uri))
        annotation[Segment(start, start + duration), len(annotation)] = label
    return annotations
