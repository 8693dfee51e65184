"""The language-model generator: any OpenAI-compatible chat endpoint (vLLM, Ollama, llama.cpp server).

Map-reduce: the transcript is cut into chunks of whole segments; each chunk is one chat
completion whose answer must follow a strict JSON schema (`response_format` json_schema,
strict) of agenda items with interventions, conclusions, votes and tasks, each citing the ids
of the segments it comes from. The reduce step joins an item that the model marked as
continuing the previous chunk's last item. Citations are checked against the chunk's real
segment ids: a statement citing nothing, or citing a segment that does not exist, is dropped
and counted (`dropped`), so nothing reaches the minutes that cannot be traced to the recording.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date

import openai
import pydantic
from pydantic import BaseModel

from core.errors import ConfigError, ModelError
from core.progress import ProgressHook
from core.settings import MinutesSettings
from core.text import clock
from core.transcript import Segment, Transcript
from minutes.model import AgendaItem, Conclusion, Intervention, SegmentRef, Task, Vote

log = logging.getLogger(__name__)


# --- what the model must answer (strict JSON schema) -------------------------------------------------


class _Cited(BaseModel):
    source_segments: list[int]
    """Ids ([n]) of the transcript segments the statement comes from."""


class LlmIntervention(_Cited):
    speaker: str
    summary: str


class LlmConclusion(_Cited):
    text: str


class LlmVote(_Cited):
    motion: str
    in_favour: int | None
    against: int | None
    abstain: int | None
    total: int | None
    passed: bool | None


class LlmTask(_Cited):
    assignee: str
    action: str
    deadline: str | None


class LlmItem(_Cited):
    title: str
    continues_previous: bool
    """True when the chunk starts in the middle of the item the previous chunk ended with."""
    interventions: list[LlmIntervention]
    conclusions: list[LlmConclusion]
    votes: list[LlmVote]
    tasks: list[LlmTask]


class LlmChunk(BaseModel):
    items: list[LlmItem]


SYSTEM_PROMPT = """Bạn là thư ký lập biên bản cuộc họp của cơ quan nhà nước Việt Nam.
Từ đoạn bản gỡ băng (mỗi dòng: [số hiệu] giờ:phút:giây người nói: lời nói), hãy lập phần nội dung biên bản
theo diễn biến cuộc họp: các mục (nội dung) được bàn; với mỗi mục: ai phát biểu và tóm tắt ý kiến; kết luận
của chủ tọa; biểu quyết (tán thành, không tán thành, không biểu quyết, nếu có nói số lượng); nhiệm vụ được
giao (cơ quan hoặc người được giao, việc gì, thời hạn).
Quy tắc bắt buộc:
- Chỉ ghi điều đã được nói trong đoạn bản gỡ băng; không suy diễn, không thêm số liệu.
- Mỗi ý phải có source_segments là danh sách số hiệu [n] của các dòng làm căn cứ; ý không có căn cứ sẽ bị loại.
- continues_previous = true nếu mục đầu tiên là phần tiếp theo của mục đang bàn dở ở đoạn trước.
- Viết tiếng Việt có dấu, văn phong hành chính, ngắn gọn."""


@dataclass(frozen=True)
class Chunk:
    segments: list[Segment]

    def prompt(self, previous_title: str | None, chair: str | None) -> str:
        lines = []
        if chair:
            lines.append(f"Chủ tọa: {chair}")
        if previous_title:
            lines.append(f"Mục đang bàn ở đoạn trước: {previous_title}")
        lines.append("Bản gỡ băng:")
        for s in self.segments:
            lines.append(f"[{s.id}] {clock(s.start)} {s.speaker or 'Không rõ'}: {s.text}")
        return "\n".join(lines)


def chunks(segments: Sequence[Segment], max_chars: int) -> Iterator[Chunk]:
    """Whole segments, about `max_chars` of text per chunk (a longer segment is a chunk of its own)."""
    batch: list[Segment] = []
    size = 0
    for segment in segments:
        if batch and size + len(segment.text) > max_chars:
            yield Chunk(batch)
            batch, size = [], 0
        batch.append(segment)
        size += len(segment.text) + 1
    if batch:
        yield Chunk(batch)


@dataclass
class LlmGenerator:
    client: openai.OpenAI
    model: str
    chunk_chars: int = 12000
    temperature: float = 0.0
    hook: ProgressHook | None = None
    """Told after each chunk (one chat completion) how far the generation is."""
    dropped: int = field(default=0, init=False)
    """Statements dropped so far for citing nothing or a segment that does not exist."""

    name = "llm"

    @classmethod
    def from_settings(cls, settings: MinutesSettings, hook: ProgressHook | None = None) -> LlmGenerator:
        if not settings.llm_url or not settings.llm_model:
            raise ConfigError(
                "chưa cấu hình mô hình ngôn ngữ: đặt GOBANG_MINUTES__LLM_URL và GOBANG_MINUTES__LLM_MODEL "
                "(the llm generator needs an endpoint and a model)"
            )
        client = openai.OpenAI(
            base_url=settings.llm_url,
            api_key=settings.llm_api_key or "none",  # local servers want some key; headers are ASCII
            timeout=settings.llm_timeout_s,
            max_retries=settings.llm_max_retries,
        )
        return cls(client, settings.llm_model, settings.llm_chunk_chars, settings.llm_temperature, hook)

    # --- the generator protocol -------------------------------------------------------------------

    def items(
        self, transcript: Transcript, *, chair: str | None, held: date | None, host: str = ""
    ) -> list[AgendaItem]:
        """`held` and `host` go unused: the model reads dates and whose plan a sentence is from the text itself."""
        return self._map_reduce([s for s in transcript.segments if s.text.strip()], chair)

    def item(
        self,
        segments: list[Segment],
        *,
        title: str,
        number: int,
        chair: str | None,
        held: date | None,
        host: str = "",
    ) -> AgendaItem:
        """The segments of one agenda item summarised again, as one item keeping `title`."""
        parts = self._map_reduce(segments, chair)
        if not parts:
            raise ModelError("mô hình ngôn ngữ không trả về nội dung có căn cứ cho mục này (no cited content)")
        merged = parts[0]
        for part in parts[1:]:
            merged = _join(merged, part)
        return merged.model_copy(update={"title": title or merged.title})

    # --- map and reduce ---------------------------------------------------------------------------

    def _map_reduce(self, segments: Sequence[Segment], chair: str | None) -> list[AgendaItem]:
        items: list[AgendaItem] = []
        parts = list(chunks(segments, self.chunk_chars))
        for number, chunk in enumerate(parts, 1):
            answer = self._complete(chunk.prompt(items[-1].title if items else None, chair))
            known = {s.id: s for s in chunk.segments}
            for raw in answer.items:
                item = self._checked_item(raw, known)
                if item is None:
                    continue
                if raw.continues_previous and items:
                    items[-1] = _join(items[-1], item)
                else:
                    items.append(item)
            log.info("llm chunk done chunk=%d segments=%d dropped=%d", number, len(chunk.segments), self.dropped)
            if self.hook is not None:
                self.hook("minutes", number / len(parts))
        return items

    def _complete(self, prompt: str) -> LlmChunk:
        try:
            completion = self.client.chat.completions.parse(
                model=self.model,
                messages=[{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": prompt}],
                response_format=LlmChunk,
                temperature=self.temperature,
            )
        except (openai.OpenAIError, pydantic.ValidationError) as exc:
            raise ModelError(f"mô hình ngôn ngữ không trả lời đúng: {exc} (the language model failed)") from exc
        parsed = completion.choices[0].message.parsed
        if parsed is None:
            raise ModelError("mô hình ngôn ngữ từ chối hoặc trả lời rỗng (the language model refused)")
        return parsed

    # --- citations ------------------------------------------------------------------------------------

    def _refs(self, ids: list[int], known: dict[int, Segment]) -> list[SegmentRef] | None:
        """The cited segments, or None (and one more dropped) when nothing or something unknown is cited."""
        if not ids or any(i not in known for i in ids):
            self.dropped += 1
            return None
        return [SegmentRef.of(known[i]) for i in dict.fromkeys(ids)]

    def _checked_item(self, raw: LlmItem, known: dict[int, Segment]) -> AgendaItem | None:
        interventions = [
            Intervention(speaker=x.speaker, summary=x.summary, source_segments=refs)
            for x in raw.interventions
            if (refs := self._refs(x.source_segments, known))
        ]
        conclusions = [
            Conclusion(text=x.text, source_segments=refs)
            for x in raw.conclusions
            if (refs := self._refs(x.source_segments, known))
        ]
        votes = [
            Vote(
                motion=x.motion,
                in_favour=_count(x.in_favour),
                against=_count(x.against),
                abstain=_count(x.abstain),
                total=_count(x.total),
                passed=x.passed,
                source_segments=refs,
            )
            for x in raw.votes
            if (refs := self._refs(x.source_segments, known))
        ]
        tasks = [
            Task(assignee=x.assignee, action=x.action, deadline=x.deadline, source_segments=refs)
            for x in raw.tasks
            if (refs := self._refs(x.source_segments, known))
        ]
        children = [*interventions, *conclusions, *votes, *tasks]
        own = self._refs(raw.source_segments, known) if raw.source_segments else None
        spanned = own or sorted({r.id: r for c in children for r in c.source_segments}.values(), key=lambda r: r.id)
        if not spanned:
            return None  # an item with nothing cited in it says nothing that can be traced
        return AgendaItem(
            title=raw.title,
            source_segments=spanned,
            interventions=interventions,
            conclusions=conclusions,
            votes=votes,
            tasks=tasks,
        )


def _count(value: int | None) -> int | None:
    """Counts below zero are not counts."""
    return value if value is None or value >= 0 else None


def _join(first: AgendaItem, second: AgendaItem) -> AgendaItem:
    """One item from an item and its continuation in the next chunk."""
    seen = {r.id for r in first.source_segments}
    return first.model_copy(
        update={
            "source_segments": first.source_segments + [r for r in second.source_segments if r.id not in seen],
            "interventions": first.interventions + second.interventions,
            "conclusions": first.conclusions + second.conclusions,
            "votes": first.votes + second.votes,
            "tasks": first.tasks + second.tasks,
        }
    )
