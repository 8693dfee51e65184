"""Exporters: a Transcript to the files clerks, players and other tools open.

Subtitles are written by pysubs2, so timestamps are in the exact form players parse; long
segments are cut into readable cues on word boundaries, keeping every word and its timing.
Every format is rendered to bytes in memory and written atomically, so a reader never sees
half a file and a failed export never replaces a good one.
"""

from __future__ import annotations

import html
import io
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import docx
import pysubs2
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from pysubs2.time import make_time

from core.errors import InvalidInputError
from core.files import write_atomic
from core.paragraphs import paragraphs
from core.rttm import transcript_to_rttm
from core.text import clock, nfc
from core.token_times import TimedToken, timed_tokens
from core.transcript import Segment, Transcript

log = logging.getLogger(__name__)

FORMATS: tuple[str, ...] = ("txt", "srt", "vtt", "json", "docx", "rttm")
"""Every format `render` knows, which is also the file extension it writes."""
DEFAULT_FORMATS: tuple[str, ...] = ("txt", "srt", "vtt", "json", "docx")
"""What is written when no format is asked for: RTTM only means something for a diarized transcript."""

MAX_CUE_SECONDS = 7.0
"""A cue shown longer than this is hard to follow; longer segments are split."""
MAX_CUE_CHARS = 84
"""Two subtitle lines of `MAX_LINE_CHARS`."""
MAX_LINE_CHARS = 42
"""The usual broadcast subtitle line length; a longer cue is broken onto two lines."""

FONT = "Times New Roman"
FONT_SIZE = Pt(13)
"""Vietnamese administrative documents (Nghị định 30/2020) use Times New Roman 13-14 pt."""

_CLAUSE_END = (".", ",", ";", ":", "!", "?", "…")
"""A cue may end early after these, once it is half full, so cues follow the sentence."""


def render(transcript: Transcript, fmt: str) -> bytes:
    """The transcript in format `fmt` (one of `FORMATS`), as bytes ready to write or send."""
    renderer = _RENDERERS.get(fmt.lower().lstrip("."))
    if renderer is None:
        raise ValueError(f"unknown export format {fmt!r}: expected one of {', '.join(FORMATS)}")
    return renderer(transcript)


def write_exports(
    transcript: Transcript, out_dir: Path, stem: str, formats: Iterable[str] = DEFAULT_FORMATS
) -> list[Path]:
    """Write `stem.<fmt>` in `out_dir` for each format, atomically; returns the paths written.

    Every format is rendered before anything is written, so an unknown format writes nothing.
    """
    rendered = [(fmt.lower().lstrip("."), render(transcript, fmt)) for fmt in formats]
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for fmt, data in rendered:
        path = out_dir / f"{stem}.{fmt}"
        write_atomic(path, data)
        log.info("export written path=%s format=%s bytes=%d", path, fmt, len(data))
        paths.append(path)
    return paths


# --- plain text -----------------------------------------------------------------------------------


def _render_txt(transcript: Transcript) -> bytes:
    """One paragraph per speaker turn or after a long pause (`core.paragraphs`); the speaker is named only
    when it changes."""
    out = []
    previous: str | None = None
    for paragraph in paragraphs(transcript.segments):
        speaker = paragraph[0].speaker
        named = f" {speaker}:" if speaker and speaker != previous else ""
        out.append(f"[{clock(paragraph[0].start)}]{named} {_paragraph_text(paragraph)}")
        previous = speaker
    return _encode("\n\n".join(out) + "\n" if out else "")


def _paragraph_text(paragraph: list[Segment]) -> str:
    return " ".join(text for segment in paragraph if (text := segment.display_text))


# --- subtitles --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Cue:
    start: float
    end: float
    text: str


def _cues(segment: Segment) -> list[_Cue]:
    """Cut a segment into cues of at most `MAX_CUE_SECONDS` and `MAX_CUE_CHARS` on word boundaries."""
    tokens = timed_tokens(segment)
    if not tokens:
        return []
    start = min(segment.start, tokens[0].start)
    end = max(segment.end, tokens[-1].end)
    text = " ".join(t.text for t in tokens)
    if end - start <= MAX_CUE_SECONDS and len(text) <= MAX_CUE_CHARS:
        return [_Cue(start, end, text)]

    groups: list[list[TimedToken]] = []
    for token in tokens:
        group = groups[-1] if groups else []
        if group:
            seconds = token.end - group[0].start
            chars = sum(len(t.text) + 1 for t in group) + len(token.text)
            full = seconds > MAX_CUE_SECONDS or chars > MAX_CUE_CHARS
            half = seconds > MAX_CUE_SECONDS / 2 or chars > MAX_CUE_CHARS / 2
            if not full and not (half and group[-1].text.endswith(_CLAUSE_END)):
                group.append(token)
                continue
        groups.append([token])
    cues = [_Cue(g[0].start, g[-1].end, " ".join(t.text for t in g)) for g in groups]
    cues[0] = _Cue(start, cues[0].end, cues[0].text)
    cues[-1] = _Cue(cues[-1].start, end, cues[-1].text)
    return cues


def _lines(text: str) -> list[str]:
    """Break a cue longer than one line into two lines of similar length, at a space."""
    if len(text) <= MAX_LINE_CHARS or " " not in text:
        return [text]
    middle = len(text) / 2
    spaces = [i for i, c in enumerate(text) if c == " "]
    cut = min(spaces, key=lambda i: abs(i - middle))
    return [text[:cut], text[cut + 1 :]]


def _subtitles(transcript: Transcript, fmt: str) -> bytes:
    subs = pysubs2.SSAFile()
    for segment in transcript.segments:
        for cue in _cues(segment):
            lines = _lines(cue.text)
            if fmt == "vtt":
                # WebVTT cue text is HTML-like: escape it, and name the speaker with a voice tag.
                lines = [html.escape(line, quote=False) for line in lines]
                if segment.speaker:
                    lines[0] = f"<v {html.escape(segment.speaker, quote=False)}>{lines[0]}"
            elif segment.speaker:
                lines[0] = f"{segment.speaker}: {lines[0]}"
            subs.append(
                pysubs2.SSAEvent(start=make_time(s=cue.start), end=make_time(s=cue.end), text=r"\N".join(lines))
            )
    # keep_ssa_tags: the text is ours, verbatim; braces in speech must not be read as SubStation tags.
    return _encode(subs.to_string(fmt, keep_ssa_tags=True))


def _render_srt(transcript: Transcript) -> bytes:
    return _subtitles(transcript, "srt")


def _render_vtt(transcript: Transcript) -> bytes:
    return _subtitles(transcript, "vtt")


# --- json ---------------------------------------------------------------------------------------------


def _render_json(transcript: Transcript) -> bytes:
    """The stored schema itself, so it reads back with `Transcript.model_validate_json`."""
    return _encode(transcript.model_dump_json(indent=2))  # pydantic writes non-ASCII as is


# --- docx ---------------------------------------------------------------------------------------------


def administrative_document(title: str) -> DocxDocument:
    """An empty Word document in administrative style: Times New Roman 13 pt, Vietnamese language."""
    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = FONT_SIZE
    run_properties = normal.element.get_or_add_rPr()
    run_properties.get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "vi-VN")  # so Word spell-checks in Vietnamese
    run_properties.append(language)
    document.core_properties.title = nfc(title)
    document.core_properties.language = "vi-VN"
    return document


def _render_docx(transcript: Transcript) -> bytes:
    """A Word document in administrative style that clerks edit into the minutes."""
    title = nfc(transcript.source.name) if transcript.source else ""
    document = administrative_document(f"Bản ghi lời nói {title}".strip())

    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading.add_run("BẢN GHI LỜI NÓI").bold = True

    duration = transcript.duration or (transcript.source.duration if transcript.source else None) or 0.0
    model = transcript.model
    details = [
        ("Tệp ghi âm", title or "không rõ"),
        ("Thời lượng", clock(duration)),
        ("Nhận dạng", f"{model.engine} / {model.name}"),
    ]
    for label, value in details:
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(nfc(value))

    for segments in paragraphs(transcript.segments):
        paragraph = document.add_paragraph()
        speaker = f" {nfc(segments[0].speaker)}:" if segments[0].speaker else ""
        paragraph.add_run(f"[{clock(segments[0].start)}]{speaker}").bold = True
        paragraph.add_run(f" {_paragraph_text(segments)}")

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- helpers ----------------------------------------------------------------------------------------------


def _render_rttm(transcript: Transcript) -> bytes:
    """Speaker turns for diarization tools and scorers; a transcript nobody attributed has none to give."""
    if not transcript.turns and not any(segment.speaker for segment in transcript.segments):
        raise InvalidInputError("bản gỡ băng chưa có người nói, không xuất được RTTM (no speakers: run diarization)")
    return _encode(transcript_to_rttm(transcript))


def _encode(text: str) -> bytes:
    """UTF-8 in NFC: speaker names and file names are not normalised by the schema."""
    return nfc(text).encode("utf-8")


_RENDERERS: dict[str, Callable[[Transcript], bytes]] = {
    "txt": _render_txt,
    "srt": _render_srt,
    "vtt": _render_vtt,
    "json": _render_json,
    "docx": _render_docx,
    "rttm": _render_rttm,
}
assert tuple(_RENDERERS) == FORMATS
