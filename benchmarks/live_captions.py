"""Live captions benchmark: a recorded meeting played in real time through `workers.live.LiveCaptioner`.

    .venv/bin/python benchmarks/live_captions.py                     # 4 speakers x 4 turns per part
    .venv/bin/python benchmarks/live_captions.py --turns 2 --concurrent-s 30
    .venv/bin/python benchmarks/live_captions.py --dev-only --sessions 0 --endpoint-s 0.5   # tuning, dev part only

Meetings are stitched from cv9_vi_dev clips (0.8 s between turns, speakers taking turns in a fixed
rotation). Speakers with at least 3 enrolment clips + `--turns` meeting clips of >= 3.5 s are split
by a fixed rule, alternately in order of their pseudonymous id: even positions are the development
part (the only one any setting may be tuned on), odd positions the HELD-OUT part. Every meeting
speaker is enrolled from 3 clips that are not in the meeting.

- Latency (simulated real-time clock in 200 ms pieces, as `benchmarks/dictation.py`: a piece is
  processed once spoken and once the previous one is done, processing wall time added, so a slow
  machine's queueing counts): *final* = caption shown minus the end of its last word; *partial* =
  first text of an utterance shown minus the start of its first word.
- WER: live finals against the offline ASR (VAD chunks, same engine) on the same audio, both against
  the Common Voice sentences (`core.text.normalize_for_scoring`, jiwer).
- Speaker accuracy: a final is right when its label is the enrolled name of the turn it overlaps most.
- Concurrency: N sessions of `--concurrent-s` seconds fed by N threads paced by the wall clock;
  a session keeps up when its lag (caption processing done minus audio sent) stays under 2 s.
  Baseline: one session alone in the same run.
Ends with one summary line.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

import jiwer
import numpy as np

_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

from asr.engine import DecodeOptions  # noqa: E402
from benchmarks.simulate_meetings import cv_rows  # noqa: E402
from core.audio import SAMPLE_RATE, load_audio  # noqa: E402
from core.settings import LiveSettings  # noqa: E402
from core.text import normalize_for_scoring  # noqa: E402
from core.vad import SpeechChunker  # noqa: E402
from diarization.embedders import get_embedder  # noqa: E402
from diarization.online import OnlineSpeakers  # noqa: E402
from workers.live import Caption, LiveCaptioner  # noqa: E402
from workers.pipeline import cached_engine  # noqa: E402

PIECE_S = 0.2
GAP_S = 0.8
ENROL_CLIPS = 3
MAX_LAG_S = 2.0


def _speakers(turns: int) -> dict[str, list[dict[str, str]]]:
    by_speaker: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in sorted(cv_rows(), key=lambda r: r["audio_path"]):
        if float(row["duration_s"]) >= 3.5:
            by_speaker[row["speaker"]].append(row)
    return {s: rows for s, rows in sorted(by_speaker.items()) if len(rows) >= ENROL_CLIPS + turns}


def split(turns: int) -> dict[str, list[str]]:
    """The fixed dev / held-out split of eligible speakers (alternating, in id order)."""
    names = list(_speakers(turns))
    return {"dev": names[0::2], "held-out": names[1::2]}


def meeting(speakers: list[str], turns: int) -> tuple[np.ndarray, list[tuple[float, float, str, str]], dict]:
    """Audio, turns (start, end, speaker, reference) and enrolment audio per speaker."""
    rows = _speakers(turns)
    parts = [np.zeros(int(GAP_S * SAMPLE_RATE), np.float32)]
    spans, position = [], GAP_S
    for turn in range(turns):
        for speaker in speakers:
            row = rows[speaker][ENROL_CLIPS + turn]
            clip = load_audio(row["audio_path"])
            spans.append((position, position + clip.size / SAMPLE_RATE, speaker, row["reference_text"]))
            parts += [clip, np.zeros(int(GAP_S * SAMPLE_RATE), np.float32)]
            position += clip.size / SAMPLE_RATE + GAP_S
    enrol = {s: np.concatenate([load_audio(r["audio_path"]) for r in rows[s][:ENROL_CLIPS]]) for s in speakers}
    return np.concatenate(parts), spans, enrol


def _captioner(enrol: dict[str, np.ndarray], endpoint_s: float = LiveSettings().endpoint_s) -> LiveCaptioner:
    embedder = get_embedder()
    voiceprints = {f"Đại biểu {s[-4:]}": embedder.embed(audio) for s, audio in enrol.items()}
    speakers = OnlineSpeakers(embedder, voiceprints=voiceprints, voiceprint_threshold=LiveSettings().name_threshold)
    return LiveCaptioner(cached_engine("vietasr", None), speakers, endpoint_s=endpoint_s)


def _words(text: str) -> str:
    return " ".join(normalize_for_scoring(text).split())


def run_part(speakers: list[str], turns: int, endpoint_s: float) -> dict[str, float]:
    audio, spans, enrol = meeting(speakers, turns)
    captioner = _captioner(enrol, endpoint_s)
    step = int(PIECE_S * SAMPLE_RATE)
    ready, cpu = 0.0, 0.0
    finals: list[tuple[Caption, float]] = []
    first_partial: dict[int, float] = {}
    for start in range(0, audio.size + step, step):
        last = start >= audio.size
        began, began_cpu = time.perf_counter(), time.process_time()
        captions = captioner.finish() if last else captioner.feed(audio[start : start + step])
        cpu += time.process_time() - began_cpu
        ready = max(ready, min(start + step, audio.size) / SAMPLE_RATE) + time.perf_counter() - began
        for caption in captions:
            if caption.type == "partial":
                first_partial.setdefault(caption.index, ready)
            else:
                finals.append((caption, ready))
        if last:
            break
    segments = captioner.segments
    final_latency = [shown - c.end for c, shown in finals]
    partial_latency = [first_partial[s.id] - s.words[0].start for s in segments if s.id in first_partial]
    right = 0
    for caption, _ in finals:
        truth = max(spans, key=lambda span: min(span[1], caption.end) - max(span[0], caption.start))[2]
        right += caption.speaker == f"Đại biểu {truth[-4:]}"
    began = time.process_time()
    engine = cached_engine("vietasr", None)
    offline = list(engine.transcribe_chunks(SpeechChunker().chunks([audio]), DecodeOptions(language="vi")))
    offline_cpu = time.process_time() - began
    reference = _words(" ".join(r for *_, r in spans))
    duration = audio.size / SAMPLE_RATE
    return {
        "speakers": len(speakers),
        "audio_s": duration,
        "finals": len(finals),
        "final_latency_median_s": float(np.median(final_latency)),
        "final_latency_p90_s": float(np.percentile(final_latency, 90)),
        "partial_latency_median_s": float(np.median(partial_latency)),
        "wer_live": 100 * jiwer.wer(reference, _words(" ".join(s.text for s in segments))),
        "wer_offline": 100 * jiwer.wer(reference, _words(" ".join(s.text for s in offline))),
        "speaker_accuracy": 100 * right / max(1, len(finals)),
        "rtf_live": cpu / duration,
        "rtf_offline": offline_cpu / duration,
    }


def concurrent(sessions: int, seconds: float, speakers: list[str], turns: int) -> dict[str, float]:
    """`sessions` paced streams at once; the worst lag of any session and the processing time per audio second."""
    audio, _, enrol = meeting(speakers, turns)
    audio = audio[: int(seconds * SAMPLE_RATE)]
    captioners = [_captioner(enrol) for _ in range(sessions)]
    lags = [0.0] * sessions
    busy = [0.0] * sessions
    step = int(PIECE_S * SAMPLE_RATE)
    origin = time.perf_counter() + 0.5

    def play(i: int) -> None:
        for start in range(0, audio.size, step):
            due = origin + (start + step) / SAMPLE_RATE
            time.sleep(max(0.0, due - time.perf_counter()))
            began = time.perf_counter()
            captioners[i].feed(audio[start : start + step])
            done = time.perf_counter()
            busy[i] += done - began
            lags[i] = max(lags[i], done - due)

    threads = [threading.Thread(target=play, args=(i,)) for i in range(sessions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    duration = audio.size / SAMPLE_RATE
    return {
        "sessions": sessions,
        "audio_s": duration,
        "max_lag_s": max(lags),
        "busy_per_audio_s": float(np.mean(busy)) / duration,
        "kept_up": float(max(lags) < MAX_LAG_S),
    }


def _table(title: str, rows: list[dict[str, float]], names: list[str]) -> None:
    print(f"\n## {title}")
    print("| part | " + " | ".join(rows[0]) + " |")
    print("|---|" + "---|" * len(rows[0]))
    for name, row in zip(names, rows, strict=True):
        print(f"| {name} | " + " | ".join(f"{v:.3f}" if isinstance(v, float) else str(v) for v in row.values()) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--speakers", type=int, default=4, help="speakers per meeting")
    parser.add_argument("--turns", type=int, default=4, help="turns per speaker")
    parser.add_argument("--endpoint-s", type=float, default=LiveSettings().endpoint_s, help="silence that ends")
    parser.add_argument("--dev-only", action="store_true", help="tuning: the development part alone")
    parser.add_argument("--sessions", type=int, default=4, help="concurrent sessions (0: skip that part)")
    parser.add_argument("--concurrent-s", type=float, default=60.0, help="audio per concurrent session")
    args = parser.parse_args()
    parts = {name: speakers[: args.speakers] for name, speakers in split(args.turns).items()}
    if args.dev_only:
        parts = {"dev": parts["dev"]}
    results = [run_part(speakers, args.turns, args.endpoint_s) for speakers in parts.values()]
    _table("Live captions (simulated real time, 200 ms pieces)", results, list(parts))
    dev, held = results[0], (results[1] if len(results) > 1 else None)
    if args.sessions < 1:
        print(f"\nsummary: {_summary(dev, held)}")
        return
    load = [concurrent(n, args.concurrent_s, parts["dev"], args.turns) for n in (1, args.sessions)]
    _table("Concurrent sessions (wall-clock paced; 1 session is the baseline)", load, ["1", str(args.sessions)])
    print(
        f"\nsummary: {_summary(dev, held)}; {args.sessions} sessions max_lag={load[1]['max_lag_s']:.2f}s "
        f"kept_up={bool(load[1]['kept_up'])} "
        f"busy_ratio={load[1]['busy_per_audio_s'] / load[0]['busy_per_audio_s']:.2f}x_one_session"
    )


def _summary(dev: dict[str, float], held: dict[str, float] | None) -> str:
    parts = {"dev": dev, "held-out": held} if held is not None else {"dev": dev}

    def each(key: str, form: str) -> str:
        return " ".join(f"{name}={format(row[key], form)}" for name, row in parts.items())

    wer = " ".join(f"{name}={row['wer_live']:.1f}/{row['wer_offline']:.1f}" for name, row in parts.items())
    return (
        f"final_latency_median {each('final_latency_median_s', '.2f')}s; "
        f"partial_latency_median {each('partial_latency_median_s', '.2f')}s; wer live/offline {wer}; "
        f"speaker_accuracy {each('speaker_accuracy', '.0f')}%"
    )


if __name__ == "__main__":
    main()
