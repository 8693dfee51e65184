"""Voice login benchmark: verification EER, and FAR/FRR at the configured threshold, as voice login scores them.

    .venv/bin/python benchmarks/voice_login.py                    # both sets
    .venv/bin/python benchmarks/voice_login.py --target-far 0.01  # where a 1% FAR threshold would sit

Each trial is a 3-utterance enrolment (as `diarization.verification.enrol` builds it: CAM++ on each whole
utterance, mean of unit embeddings) against one other utterance of any speaker, scored
exactly as `verify` scores a login. Sets: sv_librispeech (10 English speakers) and the cv9_vi_dev
speakers with at least 4 clips. Ends with one summary line.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import numpy as np

_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

from benchmarks.simulate_meetings import EVALDATA, cv_rows  # noqa: E402
from core.audio import load_audio  # noqa: E402
from core.settings import get_settings  # noqa: E402
from diarization.embedders import get_embedder, normalize  # noqa: E402
from diarization.voiceprints import calibrate  # noqa: E402


def enrolment_trials(
    by_speaker: dict[str, list[str]],
    embed: Callable[[str], np.ndarray],
    *,
    seed: int = 0,
    per_speaker: int = 5,
    enrol_size: int = 3,
) -> tuple[list[float], list[bool]]:
    """Scores and same-speaker labels of `enrol_size`-clip enrolments against every clip not enrolled.

    Up to `per_speaker` random enrolments per speaker with at least `enrol_size + 1` clips.
    """
    rng = random.Random(seed)
    paths = [p for ps in by_speaker.values() for p in ps]
    speaker_of = {p: s for s, ps in by_speaker.items() for p in ps}
    scores, same = [], []
    for speaker, clips in sorted(by_speaker.items()):
        if len(clips) <= enrol_size:
            continue
        for _ in range(min(per_speaker, len(clips) // (enrol_size + 1))):
            enrol = rng.sample(clips, enrol_size)
            model = normalize(np.mean([embed(p) for p in enrol], axis=0))
            for p in paths:
                if p not in enrol:
                    scores.append(float(model @ embed(p)))
                    same.append(speaker_of[p] == speaker)
    return scores, same


def _rates(scores: list[float], same: list[bool], threshold: float) -> tuple[float, float]:
    s, y = np.asarray(scores), np.asarray(same)
    return float(np.mean(s[~y] >= threshold)), float(np.mean(s[y] < threshold))


def _sets() -> dict[str, dict[str, list[str]]]:
    libri: dict[str, list[str]] = defaultdict(list)
    folder = EVALDATA / "sv_librispeech"
    with (folder / "MANIFEST.tsv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            libri[row["speaker"]].append(str(folder / row["audio_path"]))
    vi: dict[str, list[str]] = defaultdict(list)
    for row in cv_rows():
        vi[row["speaker"]].append(row["audio_path"])
    return {"sv_librispeech": dict(libri), "cv9_vi_dev": dict(vi)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--target-far", type=float, default=0.01, help="false-accept rate a threshold must meet")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    threshold = get_settings().voice.threshold
    embedder = get_embedder()
    cache: dict[str, np.ndarray] = {}

    def embed(path: str) -> np.ndarray:
        if path not in cache:
            cache[path] = normalize(embedder.embed(load_audio(path)))
        return cache[path]

    rows = {}
    for name, by_speaker in _sets().items():
        scores, same = enrolment_trials(by_speaker, embed, seed=args.seed)
        c = calibrate(scores, same, target_far=args.target_far)
        far, frr = _rates(scores, same, threshold)
        rows[name] = {
            "speakers": sum(len(v) > 3 for v in by_speaker.values()),
            "trials": c.trials,
            "eer %": 100 * c.eer,
            "eer_thr": c.eer_threshold,
            f"thr@far{100 * args.target_far:g}%": c.threshold,
            "frr@that %": 100 * c.frr,
            "far@cfg %": 100 * far,
            "frr@cfg %": 100 * frr,
        }
    print(f"\n## Voice login verification (3-utterance enrolment vs one utterance; configured threshold {threshold})")
    columns = list(next(iter(rows.values())))
    print("| set | " + " | ".join(columns) + " |")
    print("|---|" + "---|" * len(columns))
    for name, row in rows.items():
        cells = [f"{v:.3f}" if isinstance(v, float) else str(v) for v in row.values()]
        print(f"| {name} | " + " | ".join(cells) + " |")
    vi, en = rows["cv9_vi_dev"], rows["sv_librispeech"]
    print(
        f"\nsummary: eer_vi={vi['eer %']:.2f}% far_vi={vi['far@cfg %']:.2f}% frr_vi={vi['frr@cfg %']:.2f}% "
        f"eer_en={en['eer %']:.2f}% far_en={en['far@cfg %']:.2f}% frr_en={en['frr@cfg %']:.2f}% threshold={threshold}"
    )


if __name__ == "__main__":
    main()
