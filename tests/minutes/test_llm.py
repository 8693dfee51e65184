"""The llm generator against a real HTTP server speaking the OpenAI chat protocol (the real openai client path)."""

from __future__ import annotations

import pytest

from benchmarks.minutes_eval import evaluate_meetings
from core.errors import ConfigError, ModelError
from core.settings import MinutesSettings
from core.transcript import Transcript
from minutes.generate import generate, regenerate
from minutes.model import MinutesMeta
from tests.minutes.conftest import NONEXISTENT_ID, StandIn


def _settings(standin: StandIn, chunk_chars: int = 12000) -> MinutesSettings:
    return MinutesSettings(
        llm_url=standin.url,
        llm_model="qwen2.5-7b-instruct",
        llm_timeout_s=10,
        llm_max_retries=0,
        llm_chunk_chars=chunk_chars,
    )


def test_uncited_and_nonexistent_citations_are_dropped(
    standin: StandIn, meeting: Transcript, meeting_meta: MinutesMeta
) -> None:
    minutes = generate(meeting, meeting_meta, generator="llm", settings=_settings(standin))

    assert len(standin.requests) == 1
    request = standin.requests[0]
    assert request["model"] == "qwen2.5-7b-instruct"
    assert request["response_format"]["type"] == "json_schema"
    assert request["response_format"]["json_schema"]["strict"] is True
    # the stand-in answered one uncited statement and one citing a segment that does not exist: both dropped
    assert minutes.stats.dropped_uncited == 2
    assert minutes.stats.generator == "llm" and minutes.stats.model == "qwen2.5-7b-instruct"
    summaries = [x.summary for item in minutes.items for x in item.interventions]
    assert "Ý kiến không có căn cứ." not in summaries
    assert "Ý kiến dẫn đoạn không tồn tại." not in summaries
    assert NONEXISTENT_ID not in minutes.cited_ids()
    assert minutes.uncited_refs(meeting) == set()
    vote = minutes.items[0].votes[0]
    assert (vote.in_favour, vote.against, vote.total, vote.passed) == (29, 1, 30, True)
    assert vote.source_segments[0].id == 21
    assert vote.source_segments[0].start == meeting.segments[21].start  # times come from the transcript
    assert minutes.closing.startswith("Cuộc họp kết thúc vào 8 giờ 10 phút")  # the frame is the generator's too


def test_long_transcripts_are_mapped_in_chunks_and_reduced(
    standin: StandIn, meeting: Transcript, meeting_meta: MinutesMeta
) -> None:
    minutes = generate(meeting, meeting_meta, generator="llm", settings=_settings(standin, chunk_chars=1500))

    assert len(standin.requests) > 3
    prompts = [next(m["content"] for m in r["messages"] if m["role"] == "user") for r in standin.requests]
    assert "Mục đang bàn ở đoạn trước" not in prompts[0]
    assert all("Mục đang bàn ở đoạn trước: Nội dung từ đoạn 0" in p for p in prompts[1:])
    # every chunk continued the previous one: reduced to one item spanning every segment
    assert len(minutes.items) == 1
    assert [r.id for r in minutes.items[0].source_segments] == [s.id for s in meeting.segments]
    assert minutes.stats.dropped_uncited == 2 * len(standin.requests)
    assert minutes.uncited_refs(meeting) == set()


def test_regenerating_one_item_keeps_the_others(
    standin: StandIn, meeting: Transcript, meeting_meta: MinutesMeta
) -> None:
    extractive = generate(meeting, meeting_meta)
    again = regenerate(meeting, extractive, 1, meta=meeting_meta, generator="llm", settings=_settings(standin))

    assert again.items[0] == extractive.items[0] and again.items[2:] == extractive.items[2:]
    assert again.items[1].title == extractive.items[1].title  # the clerk's title stays
    prompt = standin.requests[0]["messages"][1]["content"]
    assert "[2] " in prompt and "[21] " in prompt and "[22] " not in prompt  # only the item's segments are sent
    assert again.stats.dropped_uncited == 2


def test_server_errors_and_missing_configuration_are_clear(standin: StandIn, meeting: Transcript) -> None:
    standin.fail_next = 1
    with pytest.raises(ModelError, match="mô hình ngôn ngữ"):
        generate(meeting, generator="llm", settings=_settings(standin))
    with pytest.raises(ConfigError, match="GOBANG_MINUTES__LLM_URL"):
        generate(meeting, generator="llm", settings=MinutesSettings())


def test_the_benchmark_scores_the_llm_generator_on_the_annotated_set(standin: StandIn) -> None:
    """The stand-in is no model, so its scores mean nothing; what is checked is that the benchmark runs the llm
    generator over a part of the set and keeps only statements citing existing segments."""
    report = evaluate_meetings("heldout", llm=_settings(standin))
    assert report.meetings and len(standin.requests) >= len(report.meetings)
    assert report.statements > 0 and report.cited == report.statements
