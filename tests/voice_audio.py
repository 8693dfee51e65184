"""Spoken challenge phrases for voice-login tests, made of real digit words cut from real cv9_vi_dev clips.

No recording of anyone reading six digits exists here. Two speakers of cv9_vi_dev say enough digit
words in their sentences ("không", "một", "hai", "ba", "bốn", "chín"...); of a third, 0 and 1 survive the
cut (no other speaker says more than three digits): `tests/data/cv9_digit_words.json`
lists where (clip, start, end), found by the vietasr engine's CTC word timings and kept only where the
cut word, alone, is recognised again as that digit. `Speaker.say("093514")` is one real sentence of
that speaker followed by their digit words, as the login page asks a person to speak (a sentence gives
the voice check several seconds of speech; the digits alone are under two). So a test's login audio is
the real voice of the enrolled (or another) person saying real digit words; only their order is edited.
What the test cannot prove is how a person reading naturally, with coarticulation, is recognised.

    .venv/bin/python -m tests.voice_audio    # rebuild the JSON (a few minutes of CPU)
    .venv/bin/python -m tests.voice_audio cv_f0b2660ae6fc    # rebuild only that speaker's entry
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from core.audio import SAMPLE_RATE, load_audio
from core.settings import Settings
from tests.audio_helpers import write_wav
from tests.conftest import EVALDATA, manifest

if TYPE_CHECKING:
    from diarization.verification import Verification

BANK = Path(__file__).parent / "data" / "cv9_digit_words.json"
SPEAKERS = {"genuine": "cv_b5a488f63805", "impostor": "cv_e3e2b2e16592", "stranger": "cv_f0b2660ae6fc"}
"""A northern man (digits 0 1 2 3 4 9) and a southern man (0 1 2 4 5 9), both with many clips, and a northern
voice (0 1) unlike either.

The two men are the look-alike pair of `benchmarks/voice_login.py` (most of its false accepts on the wide
impostor pool): against the owner's test enrolment, 11 of the southern man's 83 sentences score at or above
the 0.58 threshold and 44 fall in the grey zone; the sentence he says first (`Speaker.intro_clip`, chosen
against his own enrolment) scores about 0.50. So "impostor" is the grey-zone impostor, kept for the second
utterance's paths, and whether he is refused depends on that sentence. "stranger" (at most 0.50 on any of their
49 sentences, 1 in the grey zone; about 0.33 saying digits) is the impostor whose refusal does not rest on the pair.
"""
_GAP_S = 0.25
ENROL_SPEECH_S = 22.0
"""Speech a test enrolment holds: the 20 s enrolment needs, with room for VAD differences between machines."""
MARGIN = 0.04
"""How far from the threshold the offline score of a test utterance must be (`Speaker.clearly_decided`)."""
GREY_MARGIN = 0.02
"""How far inside the grey zone (`voice.second_utterance_band`) the score of a grey-zone utterance must be."""
BRIEF_INTRO = {"cv_b5a488f63805": "audio/common_voice_vi_25226656.flac"}
"""A sentence whose first half, said before the digits, gives the speaker a login score in the grey zone: the
genuine speaker saying a few words only scores 0.51 to 0.54 against the 0.58 threshold (the whole sentence
and digits score about 0.61, digits alone about 0.48), a real voice and real words, just less of them."""


@dataclass(frozen=True)
class Speaker:
    name: str
    enrol_clips: list[str]
    """Clips (relative to cv9_vi_dev) of sentences, for enrolment: their longest, 5 or more, 22 s of speech."""
    digits: dict[str, tuple[str, float, float]]
    """digit -> (clip, start s, end s) of that digit word."""
    intro_clip: str
    """A sentence of theirs used neither for enrolment nor for digits: what they say before the digits.

    The one closest to their own enrolment: with 3-sentence enrolments the genuine speaker of this pair scored
    0.57 to 0.72 on single sentences, round the threshold (FRR for one utterance is measured in
    benchmarks/voice_login.py); with 7 sentences a login of intro and digits scores about 0.69 to 0.72,
    and a browser test must fail only when the capture path spoils the voice, not on a borderline sentence.
    """

    def enrolment(self) -> list[np.ndarray]:
        return [load_audio(EVALDATA / "cv9_vi_dev" / clip) for clip in self.enrol_clips]

    def can_say(self, phrase: str) -> bool:
        return all(d in self.digits for d in phrase)

    def say(self, phrase: str, *, briefly: bool = False) -> np.ndarray:
        """A sentence, then the phrase read digit by digit with short pauses, as the login page asks; `briefly`:
        only half a sentence first (`BRIEF_INTRO`), which puts the voice score in the grey zone."""
        pause = np.zeros(int(_GAP_S * SAMPLE_RATE), np.float32)
        intro = _clip(BRIEF_INTRO[self.name]) if briefly else _clip(self.intro_clip)
        parts = [intro[: intro.size // 2] if briefly else intro, pause]
        for digit in phrase:
            clip, start, end = self.digits[digit]
            parts += [_clip(clip)[int(start * SAMPLE_RATE) : int(end * SAMPLE_RATE)], pause]
        return np.concatenate([*parts, np.zeros(SAMPLE_RATE // 2, np.float32)])

    def intelligible(self, phrase: str, audio: np.ndarray | None = None) -> bool:
        """Whether the recogniser hears `phrase` in `audio` (default: `say(phrase)`), also after the round trip
        through 44.1 kHz that Chromium's fake microphone makes (cut words lose their edges; some fail).

        Tests speak only phrases that pass, so that a failed login means the server refused, not that the
        test's own audio was unintelligible; the server still runs its own recognition on what it receives.
        """
        from scipy.signal import resample_poly

        from api.routers.voice_login import transcribe
        from diarization.verification import phrase_heard

        if not self.can_say(phrase):
            return False
        sent = self.say(phrase) if audio is None else audio
        resampled = resample_poly(resample_poly(sent, 441, 160), 160, 441).astype(np.float32)
        return all(phrase_heard(phrase, transcribe(a), max_errors=0) for a in (sent, resampled))

    def clearly_decided(self, audio: np.ndarray, settings: Settings, username: str, *, accept: bool) -> bool:
        """Whether the offline voice score of `audio` against `username`'s voiceprint is at least `MARGIN`
        on the side of the threshold the test expects (above when `accept`).

        One sentence and six cut digits of this pair of men score close to the threshold (the error rates
        are measured in benchmarks/voice_login.py); a login test is about the path from the audio to the
        decision, so it speaks only utterances whose decision is not borderline.
        """
        result = self.verified(audio, settings, username)
        return (result.score - result.threshold if accept else result.threshold - result.score) >= MARGIN

    def verified(self, audio: np.ndarray, settings: Settings, username: str) -> Verification:
        """The offline voice decision of `audio` against `username`'s voiceprint, as the login makes it (fused
        score and threshold where the voiceprint holds both models)."""
        from api.routers.voice_login import verify_login

        return verify_login(settings, username, audio)

    def score(self, audio: np.ndarray, settings: Settings, username: str) -> float:
        """The offline voice score of `audio` against `username`'s voiceprint, as the login computes it."""
        return self.verified(audio, settings, username).score

    def in_grey_zone(self, audio: np.ndarray, settings: Settings, username: str) -> bool:
        """Whether the offline voice score of `audio` lies at least `GREY_MARGIN` inside the grey zone, where the
        login asks for a second utterance."""
        result, band = self.verified(audio, settings, username), settings.voice.second_utterance_band
        return result.threshold - band + GREY_MARGIN <= result.score <= result.threshold - GREY_MARGIN

    def say_wav(self, phrase: str, path: Path, *, briefly: bool = False) -> Path:
        return write_wav(path, self.say(phrase, briefly=briefly))


def login_threshold(settings: Settings) -> float:
    """The threshold a voiceprint enrolled as the service enrols is decided at: fused when both models are."""
    from diarization.verification import login_fusion

    fused = login_fusion(settings.voice)
    return settings.voice.threshold if fused is None else fused.threshold


@cache
def _clip(clip: str) -> np.ndarray:
    return load_audio(EVALDATA / "cv9_vi_dev" / clip)


@cache
def speakers() -> dict[str, Speaker]:
    data = json.loads(BANK.read_text(encoding="utf-8"))
    out = {}
    for role, sid in SPEAKERS.items():
        digits = {d: (c, s, e) for d, (c, s, e) in data[sid]["digits"].items()}
        out[role] = Speaker(name=sid, enrol_clips=data[sid]["enrol"], digits=digits, intro_clip=data[sid]["intro"])
    return out


def sayable_phrase(digits: int = 6, *, by: tuple[str, ...] = ("genuine", "impostor")) -> str:
    """A random phrase (the system's CSPRNG) of the digits all the roles `by` have words for. Tests put it in place
    of `verification.new_phrase` where the server's second challenge, drawn once per grey-zone try, must be one
    they can say; the first phrase they can ask again for, until one fits."""
    voices = speakers()
    sayable = sorted(set.intersection(*(set(voices[role].digits) for role in by)))
    return "".join(secrets.choice(sayable) for _ in range(digits))


def _enrolment(clips: list[str]) -> list[str]:
    """The first `clips` holding 5 utterances and `ENROL_SPEECH_S` of speech (VAD), as enrolment asks."""
    from diarization.verification import speech_only

    chosen: list[str] = []
    speech_s = 0.0
    for clip in clips:
        if len(chosen) >= 5 and speech_s >= ENROL_SPEECH_S:
            break
        chosen.append(clip)
        speech_s += speech_only(_clip(clip)).size / SAMPLE_RATE
    return chosen


def _closest_sentence(sid: str, enrol: list[str], taken: set[str]) -> str:
    """Of the speaker's longer sentences not otherwise used, the one scoring highest against their enrolment."""
    import tempfile

    from diarization.verification import enrol as enrol_voice
    from diarization.verification import verify
    from diarization.voiceprints import VoiceprintStore, account_voiceprint
    from tests.databases import migrated_sqlite

    rows = sorted((r for r in manifest("cv9_vi_dev") if r["speaker"] == sid), key=lambda r: -float(r["duration_s"]))
    clips = [c for r in rows if (c := str(Path(r["audio_path"]).relative_to(EVALDATA / "cv9_vi_dev"))) not in taken]
    with tempfile.TemporaryDirectory() as tmp:
        store = VoiceprintStore(migrated_sqlite(Path(tmp)))
        name = account_voiceprint(sid)
        enrol_voice(store, name, [_clip(c) for c in enrol])
        return max(clips[:10], key=lambda c: verify(store, name, _clip(c), threshold=1.0).score)


def _build(only: set[str]) -> None:
    """Transcribe each speaker's clips that mention digits, keep the digit words that survive a cut (only the
    speakers in `only`, when given: the others' entries are kept as they are)."""
    from asr.ctc import greedy_decode, hits_to_words
    from asr.factory import create_engine
    from diarization.verification import DIGIT_WORDS, spoken_digits

    engine = create_engine("vietasr")
    model, tokens = engine.model, engine.tokens  # type: ignore[attr-defined]

    def words(audio: np.ndarray) -> list[tuple[str, float, float]]:
        hits = greedy_decode(model.log_probs(audio))
        found = hits_to_words(hits, tokens, frame_s=model.frame_s, start=0.0, end=audio.size / SAMPLE_RATE)
        return [(w.text, w.start, w.end) for w in found]

    rows = manifest("cv9_vi_dev")
    out: dict[str, dict[str, object]] = json.loads(BANK.read_text(encoding="utf-8")) if only else {}
    for sid in SPEAKERS.values():
        if only and sid not in only:
            continue
        mine = [r for r in rows if r["speaker"] == sid]
        digits: dict[str, tuple[str, float, float]] = {}
        used = set()
        for row in mine:
            if not any(w in DIGIT_WORDS for w in row["reference_text"].lower().split()):
                continue
            clip = str(Path(row["audio_path"]).relative_to(EVALDATA / "cv9_vi_dev"))
            audio = _clip(clip)
            for text, start, end in words(audio):
                digit = DIGIT_WORDS.get(text)
                if digit is None or digit in digits:
                    continue
                cut = audio[int(start * SAMPLE_RATE) : int(end * SAMPLE_RATE)]
                pad = np.zeros(SAMPLE_RATE // 2, np.float32)
                heard = spoken_digits(" ".join(w for w, _, _ in words(np.concatenate([pad, cut, pad]))))
                if heard == digit:
                    digits[digit] = (clip, start, end)
                    used.add(clip)
        others = [str(Path(r["audio_path"]).relative_to(EVALDATA / "cv9_vi_dev")) for r in mine]
        duration = {c: float(r["duration_s"]) for c, r in zip(others, mine, strict=True)}
        enrol = _enrolment(sorted((c for c in others if c not in used), key=lambda c: -duration[c]))
        intro = _closest_sentence(sid, enrol, {*enrol, *used})
        out[sid] = {"speaker": sid, "enrol": enrol, "intro": intro, "digits": dict(sorted(digits.items()))}
        print(sid, sorted(digits), enrol, intro)
    BANK.parent.mkdir(exist_ok=True)
    BANK.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    import sys

    _build(set(sys.argv[1:]))
