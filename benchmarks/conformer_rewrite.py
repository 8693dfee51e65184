"""The vietasr conformer as shipped against its rewrite (`models.conformer`): login CPU and accuracy (issue #19).

    .venv/bin/python benchmarks/conformer_rewrite.py --rounds 12
    .venv/bin/python benchmarks/conformer_rewrite.py --rounds 12 --held-out   # once, for the final choice

Both files are built into a temporary directory from viet-asr's bytes. CPU: the benchmark's login utterance (a
second of silence, a sentence and six digit words of the voice tests' genuine speaker, `trim_edges` as the login
trims it) recognised on one thread by each file in turn, `--rounds` times, medians. Accuracy on the login's own
path (trimmed, greedy): WER on every 6th cv9_vi_dev clip, development speakers (held-out ones with `--held-out`,
split as `benchmarks/voice_login.py` splits them), and the test speakers' digit phrases (`--phrases` random
6-digit phrases each, as said and after the 44.1 kHz round trip of the browser tests): heard exactly, accepted
with one digit edit, and how many of those decisions differ between the two files.
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import jiwer  # noqa: E402
import numpy as np  # noqa: E402
from scipy.signal import resample_poly  # noqa: E402

from asr.ctc import StreamingCtcModel, greedy_decode, hits_to_words, load_tokens  # noqa: E402
from benchmarks.simulate_meetings import EVALDATA  # noqa: E402
from benchmarks.voice_login import part_of  # noqa: E402
from core.audio import SAMPLE_RATE, load_audio  # noqa: E402
from core.text import normalize_for_scoring  # noqa: E402
from core.vad import trim_edges  # noqa: E402
from diarization.verification import phrase_heard  # noqa: E402
from models import conformer, sources  # noqa: E402
from tests.voice_audio import speakers  # noqa: E402


def build(directory: Path) -> dict[str, Path]:
    """The shipped conformer and its rewrite, side by side, and the token table."""
    shipped, vocab = sources.shipped_vietasr()
    (directory / "shipped.onnx").write_bytes(shipped)
    conformer.rewrite(shipped, directory / "rewritten.onnx")
    (directory / "tokens.txt").write_bytes(vocab)
    return {"shipped": directory / "shipped.onnx", "rewritten": directory / "rewritten.onnx"}


def heard(model: StreamingCtcModel, tokens: list[str], audio: np.ndarray) -> str:
    """What the login hears: the trimmed utterance, greedy CTC."""
    hits = greedy_decode(model.log_probs(trim_edges(audio).audio))
    return " ".join(w.text for w in hits_to_words(hits, tokens, frame_s=model.frame_s, start=0.0, end=1e9))


def login_cpu(models: dict[str, StreamingCtcModel], rounds: int) -> dict[str, float]:
    """Median CPU milliseconds of the benchmark login's recognition, the models interleaved."""
    speaker = speakers()["genuine"]
    audio = trim_edges(np.concatenate([np.zeros(SAMPLE_RATE, np.float32), speaker.say("012340")])).audio
    times: dict[str, list[float]] = {name: [] for name in models}
    for model in models.values():
        model.log_probs(audio)  # warm-up
    for _ in range(rounds):
        for name, model in models.items():
            started = time.process_time()
            model.log_probs(audio)
            times[name].append(1000 * (time.process_time() - started))
    return {name: statistics.median(values) for name, values in times.items()}


def phrases(count: int, seed: int = 19) -> list[tuple[str, np.ndarray]]:
    """`count` random phrases per test speaker, each as said and after the 44.1 kHz round trip."""
    rng, out = random.Random(seed), []
    for speaker in speakers().values():
        sayable = sorted(speaker.digits)
        for _ in range(count):
            phrase = "".join(rng.choice(sayable) for _ in range(6))
            said = speaker.say(phrase)
            out += [(phrase, said), (phrase, resample_poly(resample_poly(said, 441, 160), 160, 441).astype(np.float32))]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=12, help="timed recognitions of the login per file")
    parser.add_argument("--every", type=int, default=6, help="every K-th cv9_vi_dev clip")
    parser.add_argument("--phrases", type=int, default=12, help="random digit phrases per test speaker")
    parser.add_argument("--held-out", action="store_true", help="score held-out speakers too (the final run only)")
    args = parser.parse_args()
    folder = EVALDATA / "cv9_vi_dev"
    with (folder / "MANIFEST.tsv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))[:: args.every]
    wanted = ("dev", "held-out") if args.held_out else ("dev",)
    clips = [(part_of(r["speaker"]), r["reference_text"], load_audio(folder / r["audio_path"])) for r in rows]
    said = phrases(args.phrases)
    with tempfile.TemporaryDirectory() as directory:
        paths = build(Path(directory))
        tokens = load_tokens(Path(directory) / "tokens.txt")
        models = {name: StreamingCtcModel(path, threads=1) for name, path in paths.items()}
        cpu = login_cpu(models, args.rounds)
        decisions: dict[str, list[tuple[bool, bool]]] = {}
        for name, model in models.items():
            figures: dict[str, float] = {"login recognition cpu ms": round(cpu[name])}
            for part in wanted:
                refs = [normalize_for_scoring(text) for p, text, _ in clips if p == part]
                hyps = [normalize_for_scoring(heard(model, tokens, audio)) for p, _, audio in clips if p == part]
                figures[f"{part} wer % ({len(refs)} clips)"] = round(100 * jiwer.wer(refs, hyps), 2)
            texts = [heard(model, tokens, audio) for _, audio in said]
            decisions[name] = [
                (phrase_heard(phrase, text, max_errors=0), phrase_heard(phrase, text, max_errors=1))
                for (phrase, _), text in zip(said, texts, strict=True)
            ]
            figures[f"phrases heard exactly (of {len(said)})"] = sum(exact for exact, _ in decisions[name])
            figures["phrases accepted"] = sum(accepted for _, accepted in decisions[name])
            print(name, figures, flush=True)
    changed = sum(a != b for a, b in zip(decisions["shipped"], decisions["rewritten"], strict=True))
    print(f"phrase decisions that differ: {changed} of {len(said)}")


if __name__ == "__main__":
    main()
