"""Voice verification on real voices: utterance checks, enrolment, scores, and spoken digit phrases."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core.audio import SAMPLE_RATE, load_audio
from core.errors import BadAudioError, NotFoundError
from core.settings import get_settings
from diarization.embedders import get_embedder, normalize
from diarization.verification import (
    Fusion,
    QualityLimits,
    UtteranceRefusedError,
    check,
    display_phrase,
    enrol,
    leave_one_out_agreement,
    measure,
    new_phrase,
    phrase_heard,
    spoken_digits,
    verify,
)
from diarization.voiceprints import VoiceprintStore
from tests.conftest import manifest
from tests.databases import migrated_sqlite
from tests.voice_audio import speakers


@pytest.fixture(scope="module")
def clips() -> dict[str, list[np.ndarray]]:
    voices = speakers()
    return {role: s.enrolment() for role, s in voices.items()}


def _refusal(audio: np.ndarray) -> str:
    quality, _ = measure(audio, get_embedder())
    with pytest.raises(UtteranceRefusedError) as refused:
        check(quality, QualityLimits())
    assert refused.value.http_status == 422 and refused.value.extra["reason"] == refused.value.reason
    return refused.value.reason


def test_a_clean_sentence_passes(clips: dict[str, list[np.ndarray]]) -> None:
    quality, speech = measure(clips["genuine"][0], get_embedder())
    check(quality, QualityLimits())
    assert quality.speech_s >= 2.0 and quality.clipped == 0.0
    assert quality.self_similarity is not None and quality.self_similarity > 0.5
    assert speech.size < clips["genuine"][0].size  # leading and trailing silence gone


def test_bad_utterances_are_refused_with_their_reason(clips: dict[str, list[np.ndarray]]) -> None:
    clip = clips["genuine"][0]
    assert _refusal(clip * 0.003) == "too_quiet"
    assert _refusal(np.clip(clip * 40, -1, 1)) == "clipping"
    assert _refusal(np.zeros(3 * SAMPLE_RATE, np.float32)) == "too_little_speech"
    two_voices = np.concatenate([clips["genuine"][1], clips["impostor"][1]])
    assert _refusal(two_voices) == "several_speakers"


def test_enrol_then_verify_accepts_the_voice_and_rejects_another(
    clips: dict[str, list[np.ndarray]], tmp_path: Path
) -> None:
    store = VoiceprintStore(migrated_sqlite(tmp_path))
    threshold = get_settings().voice.threshold
    genuine = clips["genuine"]
    assert len(genuine) >= 5
    with pytest.raises(BadAudioError, match="ít nhất 5"):
        enrol(store, "@an", genuine[:4])
    with pytest.raises(UtteranceRefusedError, match="bản ghi số 3"):
        enrol(store, "@an", [*genuine[:2], genuine[2] * 0.003, *genuine[3:]])
    assert store.list() == []
    printed = enrol(store, "@an", genuine)
    assert printed.segments == len(genuine)
    again = enrol(store, "@an", genuine)  # enrolling again replaces, not adds
    assert again.segments == len(genuine)
    voice = speakers()["genuine"]
    own = verify(store, "@an", voice.say("01234"), threshold=threshold)
    other = verify(store, "@an", speakers()["impostor"].say("01259"), threshold=threshold)
    assert own.accepted and not other.accepted and own.score > other.score + 0.1
    assert own.score == own.cosine  # no cohort: the raw cosine decides
    with pytest.raises(NotFoundError):
        verify(store, "@nobody", genuine[0], threshold=threshold)


def test_an_enrolment_too_short_in_all_or_in_two_voices_is_refused_with_guidance(
    clips: dict[str, list[np.ndarray]], tmp_path: Path
) -> None:
    store = VoiceprintStore(migrated_sqlite(tmp_path))
    genuine = clips["genuine"]
    woman = max((r for r in manifest("cv9_vi_dev") if r["gender"] == "female"), key=lambda r: r["duration_s"])
    with pytest.raises(UtteranceRefusedError, match="ghi thêm câu") as short:
        enrol(store, "@an", genuine, limits=QualityLimits(min_total_speech_s=60.0))
    assert short.value.reason == "too_little_speech_total" and 20.0 <= short.value.measured < 60.0
    mixed = [*genuine[:3], load_audio(woman["audio_path"]), *genuine[3:]]  # someone else read the fourth sentence
    with pytest.raises(UtteranceRefusedError, match="bản ghi số 4") as spread:
        enrol(store, "@an", mixed)
    assert spread.value.reason == "inconsistent" and spread.value.extra["utterance"] == 4
    assert spread.value.measured < QualityLimits().min_agreement
    assert store.list(accounts=True) == []


def test_agreement_is_each_utterance_against_the_others() -> None:
    vectors = np.eye(3, dtype=np.float32)[[0, 0, 0, 1]]
    agreement = leave_one_out_agreement(vectors)
    assert np.allclose(agreement[:3], 2 / np.sqrt(5)) and agreement[3] == pytest.approx(0.0)


def test_phrases() -> None:
    phrase = new_phrase()
    assert len(phrase) == 6 and phrase.isdigit()
    assert len({new_phrase() for _ in range(50)}) == 50
    assert display_phrase("093514") == "0 9 3 5 1 4 (không chín ba năm một bốn)"
    assert spoken_digits("mã của tôi là không chín ba lăm một tư") == "093514"
    assert spoken_digits("0 9 3") == "093"
    assert phrase_heard("093514", "ừ không chín ba năm một bốn")
    assert phrase_heard("093514", "không chín ba năm bốn")  # one digit lost by the recogniser
    assert not phrase_heard("093514", "không chín ba")
    assert not phrase_heard("093514", "một hai ba bốn năm sáu")  # a stale phrase


def test_a_voiceprint_of_both_models_is_scored_fused_and_one_of_cam_alone_as_before(
    clips: dict[str, list[np.ndarray]], tmp_path: Path
) -> None:
    """Enrolled with SE-Res2Net too, a login's score is (1 - w) x CAM++ + w x SE-Res2Net cosine against the fusion
    threshold; a voiceprint enrolled before (CAM++ alone) keeps its CAM++ score and threshold."""
    store, voice = VoiceprintStore(migrated_sqlite(tmp_path)), get_settings().voice
    second = get_embedder("seres2net")
    fusion = Fusion(second, voice.fusion_weight, voice.fusion_threshold)
    both = enrol(store, "@an", clips["genuine"], also=(second,))
    enrol(store, "@old", clips["genuine"])
    assert both.models == 2 and both.segments == len(clips["genuine"])  # counted once, by CAM++
    assert [v.models for v in store.list(accounts=True)] == [2, 1]
    login = speakers()["genuine"].say("01234")
    fused = verify(store, "@an", login, threshold=voice.threshold, fusion=fusion)
    old = verify(store, "@old", login, threshold=voice.threshold, fusion=fusion)
    enrolled = normalize(normalize(np.stack([second.embed(c) for c in clips["genuine"]])).mean(axis=0))
    own = float(enrolled @ normalize(second.embed(login)))
    assert fused.threshold == voice.fusion_threshold != voice.threshold
    assert fused.score == pytest.approx((1 - voice.fusion_weight) * fused.cosine + voice.fusion_weight * own, abs=1e-5)
    assert old.threshold == voice.threshold and old.score == old.cosine == pytest.approx(fused.cosine)
    other = verify(store, "@an", speakers()["impostor"].say("01259"), threshold=voice.threshold, fusion=fusion)
    assert fused.accepted and not other.accepted and other.threshold == voice.fusion_threshold


def test_seres2net_tells_voices_apart_on_real_clips() -> None:
    """The shipped SE-Res2Net (numpy MFCC, ONNX export): each of a speaker's sentences is closer to the mean of
    their other sentences than to another speaker's enrolment."""
    embedder, voices = get_embedder("seres2net"), speakers()
    genuine = normalize(np.stack([embedder.embed(c) for c in voices["genuine"].enrolment()]))
    stranger = normalize(np.stack([embedder.embed(c) for c in voices["stranger"].enrolment()]))
    assert embedder.dim == genuine.shape[1] == 512 and embedder.model_id.startswith("seres2net:")
    assert (leave_one_out_agreement(genuine) > genuine @ normalize(stranger.mean(axis=0))).all()
