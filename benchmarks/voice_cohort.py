"""Build the impostor cohort voice login normalises its scores against (diarization/data/voice_cohort.npz).

    GOBANG_EVALDATA=../shared/evaldata .venv/bin/python benchmarks/voice_cohort.py

Fixed procedure: every cv9_vi_dev speaker of the development part (`benchmarks.voice_login.part_of`),
except the two voices the tests play as an enrolled user and an impostor (tests/voice_audio.py: an
enrolled person is never in a cohort), contributes the CAM++ embeddings of up to `--per-speaker` of their
clips, the first in path order, each whole clip as a login utterance is embedded. Held-out speakers and
sv_librispeech are never used. The file records the embedding model's id; `load_cohort` refuses it for
another model.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

from benchmarks.voice_login import EmbeddingBank, parts  # noqa: E402
from diarization.embedders import get_embedder  # noqa: E402
from diarization.score_norm import SHIPPED_COHORT, Cohort, save_cohort  # noqa: E402

TEST_VOICES = ("cv_b5a488f63805", "cv_e3e2b2e16592")
"""tests/voice_audio.SPEAKERS (not imported: benchmarks do not depend on the test suite)."""


def development_cohort(bank: EmbeddingBank, *, per_speaker: int = 20, top_k: int = 25) -> Cohort:
    """The cohort of `bank`'s model by the fixed procedure above (embedding the clips `bank` lacks)."""
    chosen = [
        (speaker, path)
        for speaker, clips in sorted(parts()["cv9/dev"].items())
        if speaker not in TEST_VOICES
        for path in clips[:per_speaker]
    ]
    bank.load([p for _, p in chosen])
    return Cohort(
        vectors=np.stack([bank.vectors[p] for _, p in chosen]).astype(np.float32),
        speakers=np.array([s for s, _ in chosen]),
        model_id=bank.embedder.model_id,
        top_k=top_k,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-speaker", type=int, default=20, help="clips per development speaker at most")
    parser.add_argument("--top-k", type=int, default=25, help="cohort scores averaged per side (tuned on development)")
    parser.add_argument("--out", type=Path, default=SHIPPED_COHORT)
    parser.add_argument("--cache", type=Path, help="npz file of clip embeddings shared with benchmarks/voice_login.py")
    args = parser.parse_args()
    cohort = development_cohort(
        EmbeddingBank(get_embedder(), args.cache), per_speaker=args.per_speaker, top_k=args.top_k
    )
    save_cohort(args.out, cohort)
    print(
        f"summary: cohort {len(cohort.vectors)} utterances of {len(set(cohort.speakers))} development speakers, "
        f"top_k {args.top_k}, model {cohort.model_id} -> {args.out} ({args.out.stat().st_size // 1024} KiB)"
    )


if __name__ == "__main__":
    main()
