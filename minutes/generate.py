"""The entry point: `generate(transcript, meta, generator=...)` and `regenerate(...)` of one agenda item.

Both generators fill the same schema inside the same frame (`minutes.frame`); the choice is a
name, with settings for the language model's endpoint. Regenerating an item rebuilds it from
the segments it spans in the (possibly corrected) transcript and leaves the clerk's other edits alone.
"""

from __future__ import annotations

import logging
import time
from datetime import date
from typing import Protocol

from core.errors import InvalidInputError
from core.progress import ProgressHook
from core.settings import MinutesSettings
from core.transcript import Segment, Transcript
from minutes import participants
from minutes.extractive import ExtractiveGenerator
from minutes.frame import chair_label, frame
from minutes.llm import LlmGenerator
from minutes.model import AgendaItem, GeneratorName, Minutes, MinutesMeta, Stats

log = logging.getLogger(__name__)


class Generator(Protocol):
    name: str

    def items(
        self, transcript: Transcript, *, chair: str | None, held: date | None, host: str = ""
    ) -> list[AgendaItem]: ...

    def item(
        self,
        segments: list[Segment],
        *,
        title: str,
        number: int,
        chair: str | None,
        held: date | None,
        host: str = "",
    ) -> AgendaItem: ...


def make_generator(
    name: GeneratorName | str | Generator, settings: MinutesSettings | None = None, hook: ProgressHook | None = None
) -> Generator:
    """The generator called `name` (a generator itself is used as it is: an evaluation hands one in with its own
    classifier); `llm` needs `settings.llm_url` and `settings.llm_model`.

    `hook` hears the progress of the slow one (`llm`, chunk by chunk); extractive takes seconds and reports nothing.
    """
    if not isinstance(name, str):
        return name
    settings = settings or MinutesSettings()
    if name == "extractive":
        return ExtractiveGenerator()
    if name == "llm":
        return LlmGenerator.from_settings(settings, hook)
    raise InvalidInputError(f"không có bộ tạo biên bản '{name}'; chọn extractive hoặc llm (unknown generator)")


def _model_name(generator: Generator) -> str:
    return getattr(generator, "model", "")


def with_people(transcript: Transcript, meta: MinutesMeta, chair: str | None) -> MinutesMeta:
    """`meta` with the chair and attendees read from the transcript where it leaves them empty (meta wins).

    Several chairs (one handed over to another) are written "A; B", in the order they took the chair.
    """
    update: dict[str, object] = {}
    segments = [s for s in transcript.segments if s.text.strip()]
    chairs = participants.chairing(segments, chair).names if not meta.chair and chair is not None else []
    if chairs:
        update["chair"] = "; ".join(chairs)
    if not meta.attendees:
        update["attendees"] = participants.with_chairs(participants.attendees(segments), chairs)
    return meta.model_copy(update=update) if update else meta


def generate(
    transcript: Transcript,
    meta: MinutesMeta | None = None,
    *,
    generator: GeneratorName | str | Generator = "extractive",
    settings: MinutesSettings | None = None,
    hook: ProgressHook | None = None,
) -> Minutes:
    """Minutes of the meeting in `transcript`, every statement citing its segments."""
    meta = meta or MinutesMeta()
    if not any(s.text.strip() for s in transcript.segments):
        raise InvalidInputError("bản gỡ băng không có nội dung để lập biên bản (the transcript is empty)")
    maker = make_generator(generator, settings, hook)
    started = time.perf_counter()
    chair = chair_label(transcript, meta)
    items = maker.items(transcript, chair=chair, held=meta.meeting_date, host=meta.header.issuing_body)
    meta = with_people(transcript, meta, chair)
    dropped = getattr(maker, "dropped", 0)
    stats = Stats(
        generator=maker.name,  # type: ignore[arg-type]
        model=_model_name(maker),
        segments=len(transcript.segments),
        dropped_uncited=dropped,
        seconds=round(time.perf_counter() - started, 3),
    )
    minutes = frame(transcript, meta, stats).model_copy(update={"items": items})
    log.info("minutes generated generator=%s items=%d seconds=%.2f", maker.name, len(items), stats.seconds)
    return minutes


def regenerate(
    transcript: Transcript,
    minutes: Minutes,
    index: int,
    *,
    meta: MinutesMeta | None = None,
    generator: GeneratorName | str | Generator = "extractive",
    settings: MinutesSettings | None = None,
    hook: ProgressHook | None = None,
) -> Minutes:
    """`minutes` with agenda item `index` (0-based) made again from the transcript segments it spans."""
    if not 0 <= index < len(minutes.items):
        raise InvalidInputError(f"biên bản không có mục {index + 1} (no agenda item {index})")
    old = minutes.items[index]
    ids = [ref.id for ref in old.source_segments]
    first, last = min(ids), max(ids)
    segments = [s for s in transcript.segments if first <= s.id <= last and s.text.strip()]
    if not segments:
        raise InvalidInputError(
            f"các đoạn {first}–{last} của mục {index + 1} không còn trong bản gỡ băng (segments no longer exist)"
        )
    meta = meta or MinutesMeta(chair=minutes.chair)
    maker = make_generator(generator, settings, hook)
    held = meta.meeting_date or (minutes.start.date() if minutes.start else None)
    host = meta.header.issuing_body or minutes.header.issuing_body
    chair = chair_label(transcript, meta)
    item = maker.item(segments, title=old.title, number=index + 1, chair=chair, held=held, host=host)
    items = [*minutes.items]
    items[index] = item
    stats = minutes.stats.model_copy(
        update={"dropped_uncited": minutes.stats.dropped_uncited + getattr(maker, "dropped", 0)}
    )
    return minutes.model_copy(update={"items": items, "stats": stats})
