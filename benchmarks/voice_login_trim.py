"""The login's voice scores on the utterance without the silence at its ends, against the whole one (issue #19).

    GOBANG_EVALDATA=../shared/evaldata .venv/bin/python benchmarks/voice_login_trim.py --part dev
    GOBANG_EVALDATA=../shared/evaldata .venv/bin/python benchmarks/voice_login_trim.py --part held-out  # once

Enrolments as the service makes them (whole clips, `voice.enrol_utterances` and `voice.enrol_speech_s`, drawn as
`benchmarks/voice_login.py` draws them); every other clip of the part is a login, embedded three ways: the clip
itself (what the thresholds were chosen on), the clip as the login page records it (a second of silence before,
half a second after: the benchmark login of `voice_login_timing.py`), and that recording trimmed by
`core.vad.trim_edges` as the recogniser gets it. Figures for CAM++ alone at `voice.threshold` and for the fused
score at `voice.fusion_threshold`.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402

from benchmarks.voice_login import EmbeddingBank, enrolment_trials, figures, parts  # noqa: E402
from core.audio import SAMPLE_RATE, load_audio  # noqa: E402
from core.settings import get_settings  # noqa: E402
from core.vad import trim_edges  # noqa: E402
from diarization.embedders import get_embedder  # noqa: E402
from diarization.verification import normalize  # noqa: E402

MODELS = ("campplus", "seres2net")


def as_recorded(audio: np.ndarray) -> np.ndarray:
    """The clip with the silence a login recording has around it."""
    return np.concatenate([np.zeros(SAMPLE_RATE, np.float32), audio, np.zeros(SAMPLE_RATE // 2, np.float32)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--part", choices=("dev", "held-out"), default="dev", help="cv9_vi_dev speakers")
    args = parser.parse_args()
    voice = get_settings().voice
    by_speaker = parts()[f"cv9/{args.part}"]
    paths = [p for clips in by_speaker.values() for p in clips]
    embedders = {name: get_embedder(name, threads=1) for name in MODELS}
    banks = {name: EmbeddingBank(embedder) for name, embedder in embedders.items()}
    logins: dict[tuple[str, str], dict[str, np.ndarray]] = {}
    for path in paths:
        recorded = as_recorded(load_audio(path))
        for way, audio in (("recorded", recorded), ("trimmed", trim_edges(recorded).audio)):
            for name, embedder in embedders.items():
                logins.setdefault((way, name), {})[path] = normalize(embedder.embed(audio))
    trials = {}
    for name, bank in banks.items():
        bank.load(paths)
        trials[name] = enrolment_trials(
            by_speaker, bank, utterances=voice.enrol_utterances, min_speech_s=voice.enrol_speech_s
        )
    weight = voice.fusion_weight
    for way in ("clip", "recorded", "trimmed"):
        scored = {
            name: t if way == "clip" else replace(t, clips=np.stack([logins[(way, name)][p] for p in t.paths]))
            for name, t in trials.items()
        }
        cosine = scored["campplus"].cosine()
        fused = (1 - weight) * cosine + weight * scored["seres2net"].cosine()
        for scoring, scores, threshold in (
            ("campplus", cosine, voice.threshold),
            ("fused", fused, voice.fusion_threshold),
        ):
            row = figures(*scored["campplus"].flat(scores), threshold)
            shown = {k: round(v, 3) if isinstance(v, float) else v for k, v in row.items() if k != "speakers"}
            print(f"cv9/{args.part} {way:8s} {scoring:8s} {shown}", flush=True)


if __name__ == "__main__":
    main()
