"""Dictation benchmark: partial-text latency, and final WER against offline transcription of the same audio.

    .venv/bin/python benchmarks/dictation.py              # 60 cv9_vi_dev clips
    .venv/bin/python benchmarks/dictation.py --clips 20

Each clip (with 1 s of silence after it) is streamed to `asr.dictation.DictationSession` in 100 ms
pieces on a simulated real-time clock: a piece can be processed once it has been spoken and once the
previous one is done, and the wall-clock time of processing is added, so queueing on a slow machine
counts. A word's latency is from its end (CTC word timing of the offline transcription, the ground
truth) to the first event whose text holds that many words. Offline transcription (VAD chunks,
`VietAsrEngine.transcribe_chunks`) is the baseline for WER and speed. Ends with one summary line.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import jiwer
import numpy as np

_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

from asr.dictation import new_session  # noqa: E402
from asr.engine import DecodeOptions  # noqa: E402
from benchmarks.simulate_meetings import cv_rows  # noqa: E402
from core.audio import SAMPLE_RATE, load_audio  # noqa: E402
from core.text import normalize_for_scoring  # noqa: E402
from core.vad import SpeechChunker  # noqa: E402
from workers.pipeline import cached_engine  # noqa: E402

PIECE_S = 0.1


def _words(text: str) -> list[str]:
    return normalize_for_scoring(text).split()


def run(clips: int, seed: int) -> dict[str, float]:
    engine = cached_engine("vietasr", None)
    rows = sorted(cv_rows(), key=lambda r: r["audio_path"])[seed : seed + clips]
    latencies: list[float] = []
    refs, offline_hyps, dictated_hyps = [], [], []
    offline_cpu = stream_cpu = audio_s = 0.0
    for row in rows:
        audio = np.concatenate([load_audio(row["audio_path"]), np.zeros(SAMPLE_RATE, np.float32)])
        audio_s += audio.size / SAMPLE_RATE
        began = time.process_time()
        segments = list(engine.transcribe_chunks(SpeechChunker().chunks([audio]), DecodeOptions(language="vi")))
        offline_cpu += time.process_time() - began
        word_ends = [w.end for s in segments for w in s.words]
        offline = " ".join(s.text for s in segments)

        session = new_session(engine)
        ready = 0.0  # simulated clock: when the recogniser is free again
        step = int(PIECE_S * SAMPLE_RATE)
        finals: list[str] = []
        seen = 0  # words already shown
        appeared: list[float] = []
        for start in range(0, audio.size + step, step):
            spoken_until = min(start + step, audio.size) / SAMPLE_RATE
            began, began_cpu = time.perf_counter(), time.process_time()
            last = start >= audio.size
            events = session.finish() if last else session.feed(audio[start : start + step])
            stream_cpu += time.process_time() - began_cpu
            ready = max(ready, spoken_until) + time.perf_counter() - began  # wall time: queueing counts
            for event in events:
                shown = len(_words(" ".join([*finals, event.text])))
                appeared += [ready] * max(0, shown - seen)
                seen = max(seen, shown)
                if event.type == "final":
                    finals.append(event.text)
            if last:
                break
        latencies += [t - end for t, end in zip(appeared, word_ends, strict=False)]
        refs.append(" ".join(_words(row["reference_text"])))
        offline_hyps.append(" ".join(_words(offline)))
        dictated_hyps.append(" ".join(_words(" ".join(finals))))
    lat = np.asarray(latencies)
    return {
        "clips": len(rows),
        "audio_s": audio_s,
        "words_timed": int(lat.size),
        "latency_median_s": float(np.median(lat)),
        "latency_p90_s": float(np.percentile(lat, 90)),
        "wer_offline": 100 * jiwer.wer(refs, offline_hyps),
        "wer_dictation": 100 * jiwer.wer(refs, dictated_hyps),
        "rtf_offline": offline_cpu / audio_s,
        "rtf_dictation": stream_cpu / audio_s,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clips", type=int, default=60)
    parser.add_argument("--seed", type=int, default=0, help="index of the first clip (manifest order)")
    args = parser.parse_args()
    row = run(args.clips, args.seed)
    print("\n## Dictation (simulated real time, 100 ms pieces; offline transcription is the baseline)")
    print("| " + " | ".join(row) + " |")
    print("|" + "---|" * len(row))
    print("| " + " | ".join(f"{v:.3f}" if isinstance(v, float) else str(v) for v in row.values()) + " |")
    print(
        f"\nsummary: latency_median={row['latency_median_s']:.2f}s latency_p90={row['latency_p90_s']:.2f}s "
        f"wer_dictation={row['wer_dictation']:.1f}% wer_offline={row['wer_offline']:.1f}% "
        f"wer_gap={row['wer_dictation'] - row['wer_offline']:+.1f} "
        f"cpu_ratio={row['rtf_dictation'] / row['rtf_offline']:.2f}x_offline rtf={row['rtf_dictation']:.3f}"
    )


if __name__ == "__main__":
    main()
