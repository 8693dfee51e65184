"""Voice login's speech side: utterance quality checks, enrolment, verification and spoken challenge phrases.

A login proves two things at once: the voice matches the person's voiceprint (CAM++, the same
store diarization uses), and the words are a fresh random phrase the server just asked for (checked
in the recogniser's output), so a recording of an earlier login is useless. Nothing here knows about
HTTP or accounts; the API wraps it with challenges, lockout and the audit log.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.audio import SAMPLE_RATE
from core.errors import BadAudioError, ModelError, NotFoundError
from core.settings import VoiceSettings
from core.text import nfc, normalize_for_scoring
from core.vad import SpeechChunker
from diarization.embedders import Embedder, get_embedder, normalize
from diarization.score_norm import Cohort
from diarization.voiceprints import Voiceprint, VoiceprintStore

DIGIT_WORDS: dict[str, str] = {
    "không": "0",
    "linh": "0",
    "lẻ": "0",
    "một": "1",
    "mốt": "1",
    "hai": "2",
    "ba": "3",
    "bốn": "4",
    "tư": "4",
    "năm": "5",
    "lăm": "5",
    "sáu": "6",
    "bảy": "7",
    "bẩy": "7",
    "tám": "8",
    "chín": "9",
}
"""Vietnamese digit words as people say and the recogniser writes them (4: "bốn"/"tư", 5: "năm"/"lăm")."""
_CLIP_LEVEL = 0.999
"""A sample at or beyond this magnitude (of full scale 1.0) is clipped."""


class UtteranceRefusedError(BadAudioError):
    """An enrolment or login recording is unusable; `reason` is a stable code for the API and the UI."""

    def __init__(self, message: str, *, reason: str, measured: float, utterance: int | None = None) -> None:
        extra: dict[str, object] = {"reason": reason, "measured": round(measured, 3)}
        if utterance is not None:
            extra["utterance"] = utterance
        super().__init__(message, extra=extra)
        self.reason, self.measured = reason, measured


@dataclass(frozen=True)
class QualityLimits:
    """What an utterance must meet to be enrolled (defaults from `core.settings.VoiceSettings`)."""

    min_speech_s: float = 1.5
    """Speech found by VAD, in seconds."""
    min_level_dbfs: float = -35.0
    """RMS level of the speech, in dB relative to full scale."""
    max_clipped: float = 0.001
    """Share of samples at full scale."""
    min_self_similarity: float = 0.35
    """Cosine score between the embeddings of the two halves of the speech (one speaker)."""
    min_total_speech_s: float = 20.0
    """Speech of all the enrolment's utterances together, in seconds."""
    min_agreement: float = 0.42
    """Cosine score between each utterance and the mean of the others (all of them the same voice)."""


@dataclass(frozen=True)
class Quality:
    """Measurements of one utterance."""

    speech_s: float
    level_dbfs: float
    clipped: float
    self_similarity: float | None
    """None when the halves were not compared (login attempts, where the score against the voiceprint decides)."""


@dataclass(frozen=True)
class Verification:
    score: float
    """Score of the utterance against the person's voiceprint: the cosine, its AS-norm with a cohort, or the
    fused score of two models (`Fusion`)."""
    accepted: bool
    threshold: float
    cosine: float
    """The raw cosine score of the store's model (equal to `score` without a cohort or fusion)."""
    embedding: np.ndarray
    """The utterance's unit embedding (what `adapt` may add to the voiceprint)."""
    second: tuple[Fusion, np.ndarray] | None = None
    """The fusion that scored it and the utterance's unit embedding by its model (what `adapt` adds beside
    `embedding`); None when the store's model alone did."""

    @property
    def cosine_score(self) -> float:
        """The cosine score the decision rests on before any cohort normalisation: the fused one, or the store's
        model's (what `adapt`'s margin applies to)."""
        return self.cosine if self.second is None else self.score


@dataclass(frozen=True)
class Fusion:
    """A second speaker model whose cosine is fused with the store's: (1 - weight) x first + weight x second,
    decided against `threshold` (`core.settings.VoiceSettings.fusion_weight`). Voiceprints enrolled without the
    second model are scored by the first alone, at the caller's threshold."""

    embedder: Embedder
    weight: float
    threshold: float

    def fuse(self, first: float | np.ndarray, second: float | np.ndarray) -> float | np.ndarray:
        """The fused score of the two models' cosine scores (or arrays of them)."""
        return (1 - self.weight) * first + self.weight * second


def login_fusion(voice: VoiceSettings) -> Fusion | None:
    """The second speaker model fused into login scores (`voice.fusion_weight`), None when off or with
    `voice.score_norm` (its cohort is of CAM++ alone)."""
    if voice.fusion_weight <= 0 or voice.score_norm:
        return None
    return Fusion(get_embedder("seres2net", threads=voice.login_threads), voice.fusion_weight, voice.fusion_threshold)


def speech_only(audio: np.ndarray) -> np.ndarray:
    """The utterance's speech regions (Silero VAD, no padding) joined; silence says nothing about a voice."""
    chunker = SpeechChunker(max_gap_s=0.0, speech_pad_ms=30, min_speech_ms=100)
    parts = [chunk.audio for chunk in chunker.chunks([audio.astype(np.float32, copy=False)])]
    return np.concatenate(parts) if parts else np.zeros(0, np.float32)


def measure(audio: np.ndarray, embedder: Embedder | None = None) -> tuple[Quality, np.ndarray]:
    """Quality of an utterance and its speech; with `embedder`, the halves of the speech are compared."""
    speech = speech_only(audio)
    rms = float(np.sqrt(np.mean(np.square(speech, dtype=np.float64)))) if speech.size else 0.0
    level = 20 * math.log10(rms) if rms > 0 else -120.0
    clipped = float(np.mean(np.abs(audio) >= _CLIP_LEVEL)) if audio.size else 0.0
    similarity = None
    if embedder is not None and speech.size >= 2 * SAMPLE_RATE:
        half = speech.size // 2
        a, b = normalize(embedder.embed_windows(speech, [(0, half), (half, speech.size)]))
        similarity = float(a @ b)
    return Quality(speech.size / SAMPLE_RATE, level, clipped, similarity), speech


def check(quality: Quality, limits: QualityLimits) -> None:
    """Raise `UtteranceRefusedError` naming the first limit the utterance misses, in words a person can act on."""
    if quality.speech_s < limits.min_speech_s:
        raise UtteranceRefusedError(
            f"chỉ nghe thấy {quality.speech_s:.1f} giây lời nói, cần ít nhất {limits.min_speech_s:.1f} giây; "
            "hãy đọc to, rõ và dài hơn (not enough speech)",
            reason="too_little_speech",
            measured=quality.speech_s,
        )
    if quality.level_dbfs < limits.min_level_dbfs:
        raise UtteranceRefusedError(
            f"giọng quá nhỏ ({quality.level_dbfs:.0f} dBFS, cần từ {limits.min_level_dbfs:.0f} dBFS); "
            "hãy nói gần micrô hơn (too quiet)",
            reason="too_quiet",
            measured=quality.level_dbfs,
        )
    if quality.clipped > limits.max_clipped:
        raise UtteranceRefusedError(
            f"âm thanh bị méo do quá to ({100 * quality.clipped:.1f}% mẫu bị cắt đỉnh); "
            "hãy nói nhỏ lại hoặc để micrô xa hơn (clipping)",
            reason="clipping",
            measured=quality.clipped,
        )
    if quality.self_similarity is not None and quality.self_similarity < limits.min_self_similarity:
        raise UtteranceRefusedError(
            "bản ghi có vẻ có nhiều người nói; chỉ một người đọc, ở nơi yên tĩnh (more than one speaker)",
            reason="several_speakers",
            measured=quality.self_similarity,
        )


def enrol(
    store: VoiceprintStore,
    name: str,
    utterances: Sequence[np.ndarray],
    *,
    limits: QualityLimits = QualityLimits(),
    min_utterances: int = 5,
    also: Sequence[Embedder] = (),
) -> Voiceprint:
    """Replace `name`'s voiceprint with one from at least `min_utterances` utterances, each checked first, then
    checked together: enough speech in all, and every utterance in the same voice as the others; `also`: more
    speaker models enrolled with the store's (a `Fusion`'s).

    Nothing is stored unless all checks pass; the error names the refused utterance (1-based) where there is one.
    Five utterances and 20 s halved the error rates of three short ones (benchmarks/voice_login.py).
    """
    if len(utterances) < min_utterances:
        raise BadAudioError(
            f"cần ít nhất {min_utterances} bản ghi giọng nói để ghi danh, mới có {len(utterances)} "
            "(not enough enrolment utterances)"
        )
    speech_s = 0.0
    for index, audio in enumerate(utterances, start=1):
        quality, _ = measure(audio, store.embedder)
        try:
            check(quality, limits)
        except UtteranceRefusedError as exc:
            raise UtteranceRefusedError(
                f"bản ghi số {index}: {exc.message}", reason=exc.reason, measured=exc.measured, utterance=index
            ) from None
        speech_s += quality.speech_s
    if speech_s < limits.min_total_speech_s:
        raise UtteranceRefusedError(
            f"cả {len(utterances)} bản ghi chỉ có {speech_s:.1f} giây lời nói, cần ít nhất "
            f"{limits.min_total_speech_s:.0f} giây; hãy đọc trọn từng câu, thong thả, hoặc ghi thêm câu "
            "(not enough speech in all)",
            reason="too_little_speech_total",
            measured=speech_s,
        )
    agreement = leave_one_out_agreement(normalize(np.stack([store.embedder.embed(a) for a in utterances])))
    worst = int(np.argmin(agreement))
    if agreement[worst] < limits.min_agreement:
        raise UtteranceRefusedError(
            f"bản ghi số {worst + 1} không giống giọng trong các bản ghi còn lại; hãy ghi lại bản đó: cùng một "
            "người đọc, cùng micrô, ở nơi yên tĩnh (utterances disagree)",
            reason="inconsistent",
            measured=float(agreement[worst]),
            utterance=worst + 1,
        )
    return store.enroll(name, utterances, account=True, replace=True, also=also)


def leave_one_out_agreement(vectors: np.ndarray) -> np.ndarray:
    """Cosine score of each unit embedding against the normalised mean of the others."""
    others = normalize(vectors.sum(axis=0, keepdims=True) - vectors)
    return np.einsum("ij,ij->i", vectors, others)


def verify(
    store: VoiceprintStore,
    name: str,
    audio: np.ndarray,
    *,
    threshold: float,
    cohort: Cohort | None = None,
    fusion: Fusion | None = None,
) -> Verification:
    """Score `audio` against `name`'s voiceprint (AS-normalised against `cohort` if given, else fused with a
    second model's cosine where the voiceprint has that model's embeddings); NotFoundError when they have none.

    The whole utterance is embedded, as at enrolment: on cv9_vi_dev, CAM++ on VAD-trimmed speech gave a
    worse EER (4.3% against 2.6%; joined regions break its frame statistics at the seams).
    """
    if cohort is not None and cohort.model_id != store.embedder.model_id:
        raise ModelError(
            f"tập giọng đối chứng của mô hình {cohort.model_id} không dùng được với {store.embedder.model_id} "
            "(score cohort made by another speaker model)"
        )
    if cohort is not None and fusion is not None:
        raise ModelError("không gộp điểm hai mô hình khi chuẩn hóa điểm (fusion and score norm are exclusive)")
    name = nfc(name).strip()
    # embedded first, so that a name without a voiceprint (or without the second model's) costs the same time
    probe = normalize(store.embedder.embed(audio))
    second = None if fusion is None else normalize(fusion.embedder.embed(audio))
    model = store.models(name=name).get(name)
    if model is None:
        raise NotFoundError("người dùng chưa ghi danh giọng nói (no voiceprint enrolled)")
    cosine = float(model @ probe)
    score = cosine if cohort is None else cohort.normalise(cosine, model, probe)
    if fusion is not None and second is not None:
        other = store.models(fusion.embedder.model_id, name=name).get(name)
        if other is not None:
            score, threshold = float(fusion.fuse(cosine, float(other @ second))), fusion.threshold
            return Verification(score, score >= threshold, threshold, cosine, probe, (fusion, second))
    return Verification(score=score, accepted=score >= threshold, threshold=threshold, cosine=cosine, embedding=probe)


def adapt(
    store: VoiceprintStore,
    name: str,
    login: Verification,
    seconds: float,
    *,
    threshold: float,
    margin: float,
    keep: int,
) -> int | None:
    """Add an accepted login's embedding to `name`'s voiceprint when its cosine reached `threshold + margin` both
    against the voiceprint that accepted it and against the enrolment alone; the number of login embeddings the
    voiceprint holds afterwards, or None when the login did not qualify (see `VoiceprintStore.add_login_embedding`
    for `keep`). A login scored fused (`Verification.second`) is held to its fusion's threshold + `margin` on the
    fused score, both ways, and adds both models' embeddings, so the voiceprint's two models stay of the same
    utterances.

    The bar is anchored on the enrolment: which utterances can ever be added does not depend on those added
    before, so repeated attempts in another voice cannot walk the voiceprint toward it step by step; and what is
    added agrees with the enrolment more than the enrolment check asks of its own utterances (`min_agreement`,
    well under the threshold). The caller passes only single-utterance logins (a grey-zone login decided on two
    utterances is never added).
    """
    bar = threshold + margin if login.second is None else login.second[0].threshold + margin
    if not login.accepted or login.cosine_score < bar:
        return None
    clean = nfc(name).strip()
    enrolled = store.models(name=name, enrolled_only=True).get(clean)
    if enrolled is None:
        return None
    anchored = float(enrolled @ login.embedding)
    beside: tuple[tuple[str, np.ndarray], ...] = ()
    if login.second is not None:
        fusion, vector = login.second
        other = store.models(fusion.embedder.model_id, name=name, enrolled_only=True).get(clean)
        if other is None:
            return None
        anchored = float(fusion.fuse(anchored, float(other @ vector)))
        beside = ((fusion.embedder.model_id, vector),)
    if anchored < bar:
        return None
    return store.add_login_embedding(name, login.embedding, seconds, keep=keep, beside=beside)


ACCEPT, AGAIN, REFUSE = "accept", "again", "refuse"
"""Outcomes of `decide`."""


def decide(score: float, *, threshold: float, band: float, first_score: float | None = None) -> str:
    """A login's voice decision: ACCEPT at or above `threshold`; AGAIN (ask for a second utterance) for a first
    utterance scoring less than `band` below it; REFUSE otherwise. A second utterance (`first_score` given)
    decides on the mean of both scores, which on development speakers beat deciding on the second alone and on
    the score of the two utterances' mean embedding (benchmarks/voice_login.py); it is never asked again."""
    if first_score is not None:
        return ACCEPT if (first_score + score) / 2 >= threshold else REFUSE
    if score >= threshold:
        return ACCEPT
    return AGAIN if score >= threshold - band else REFUSE


def new_phrase(digits: int = 6) -> str:
    """A fresh random digit string from the system's CSPRNG ("093514")."""
    return "".join(str(secrets.randbelow(10)) for _ in range(digits))


def spoken_digits(text: str) -> str:
    """The digits a transcript says, in order: "mã là không chín ba" -> "093" (numerals count digit by digit)."""
    return "".join(DIGIT_WORDS[word] for word in _words(text) if word in DIGIT_WORDS)


def _words(text: str) -> list[str]:
    """Words of a transcript, with numerals split into single digits first ("12" is read "một hai" here)."""
    spaced = "".join(f" {c} " if c.isdigit() else c for c in text)
    return normalize_for_scoring(spaced).split()


def phrase_heard(phrase: str, transcript: str, *, max_errors: int = 1) -> bool:
    """True when the digits of `transcript` contain `phrase` with at most `max_errors` edits (substitution,
    insertion, deletion): one misrecognised digit does not fail a real person, while a stale phrase, which
    shares on average 0.6 of its 6 digits with a fresh one, fails."""
    heard = spoken_digits(transcript)
    return _best_infix_distance(phrase, heard) <= max_errors


def _best_infix_distance(pattern: str, text: str) -> int:
    """Smallest edit distance between `pattern` and any substring of `text` (Sellers' algorithm)."""
    previous = list(range(len(pattern) + 1))
    best = previous[-1]
    for char in text:
        current = [0]
        for i, p in enumerate(pattern, start=1):
            current.append(min(previous[i] + 1, current[i - 1] + 1, previous[i - 1] + (p != char)))
        best = min(best, current[-1])
        previous = current
    return best


def display_phrase(phrase: str) -> str:
    """ "093514" -> "0 9 3 5 1 4 (không chín ba năm một bốn)": digits to read one by one."""
    return f"{' '.join(phrase)} ({normalize_for_scoring(' '.join(phrase))})"
