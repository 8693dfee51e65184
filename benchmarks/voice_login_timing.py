"""Voice login's cost per attempt, and whether its answer time tells whether a username exists (issue 13 F6, 19).

    .venv/bin/python benchmarks/voice_login_timing.py --tries 15
    .venv/bin/python benchmarks/voice_login_timing.py --tries 10 --baseline /path/to/older/checkout

Runs the real app (TestClient, SQLite, real vietasr and CAM++): one user enrolled with real cv9_vi_dev
utterances of one speaker, then failed voice logins (a fresh challenge each, the same login utterance: a
second of silence, a sentence and six digit words of that speaker, as the login page records it)
alternating between that user and a username that does not exist. Prints the median wall time and process
CPU time (all threads: recognition, embedding, decoding, HTTP) of each kind, and ends with the ratio
unknown/known (1.0: indistinguishable). Lockout and the address limit are raised so that every try reaches
the voice check. With `--baseline`, the same measurement runs first on that checkout's code (in a child
process, one after the other on the same machine), and the summary compares the two.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_HERE = Path(__file__).resolve().parent
_TREE = Path(sys.argv[sys.argv.index("--tree") + 1]).resolve() if "--tree" in sys.argv else _HERE.parent
"""The checkout whose code is measured (this one, or a baseline's in the child process)."""
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_TREE))

import numpy as np  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

import accounts  # noqa: E402
from api.app import create_app  # noqa: E402
from core.audio import SAMPLE_RATE  # noqa: E402
from core.db import session_scope  # noqa: E402
from core.settings import Settings  # noqa: E402
from tests.audio_helpers import write_wav  # noqa: E402
from tests.voice_audio import speakers  # noqa: E402


def _login(client: TestClient, username: str, audio: bytes) -> tuple[float, float]:
    """Wall and process CPU seconds one failed voice login takes, challenge excluded."""
    challenge = client.post("/auth/voice/challenge", json={"username": username}).json()["challenge_id"]
    files = {"audio": ("login.wav", io.BytesIO(audio), "audio/wav")}
    started, cpu = time.perf_counter(), time.process_time()
    answer = client.post("/auth/voice/login", data={"username": username, "challenge_id": challenge}, files=files)
    elapsed, used = time.perf_counter() - started, time.process_time() - cpu
    if answer.status_code != 401:
        raise SystemExit(f"expected 401, got {answer.status_code}: {answer.text}")
    return elapsed, used


def measure(tries: int) -> dict[str, dict[str, float]]:
    """Median wall and CPU milliseconds of failed logins of a known and an unknown username."""
    speaker = speakers()["genuine"]
    with tempfile.TemporaryDirectory() as home:
        settings = Settings(
            home=Path(home),
            redis_url=None,
            cookie_secure=False,
            secret_key="benchmark",
            login_max_failures=10**6,
            login_ip_failures_per_minute=10**6,
        )
        app = create_app(settings)
        with TestClient(app) as client:
            with session_scope(settings.resolved_database_url) as db:
                user = accounts.create_user(db, "dai_bieu_a", "mật-khẩu-đủ-dài-2024", "clerk", actor="benchmark")
                user_id = user.id
            bearer = {"Authorization": f"Bearer {app.state.tokens.issue(user_id)}"}
            wavs = [write_wav(Path(home) / f"e{i}.wav", a).read_bytes() for i, a in enumerate(speaker.enrolment())]
            enrolled = client.post(
                "/auth/voice/enrol",
                files=[("files", (f"e{i}.wav", w, "audio/wav")) for i, w in enumerate(wavs)],
                headers=bearer,
            )
            if enrolled.status_code != 201:
                raise SystemExit(f"enrolment failed: {enrolled.text}")
            spoken = np.concatenate([np.zeros(SAMPLE_RATE, np.float32), speaker.say("012340")])
            audio = write_wav(Path(home) / "login.wav", spoken).read_bytes()
            times: dict[str, list[tuple[float, float]]] = {"known": [], "unknown": []}
            for i in range(tries + 2):
                for kind, name in (("known", "dai_bieu_a"), ("unknown", "khong_ton_tai")):
                    took = _login(client, name, audio)
                    if i >= 2:
                        times[kind].append(took)
    return {
        kind: {
            "wall ms": 1000 * statistics.median(w for w, _ in values),
            "cpu ms": 1000 * statistics.median(c for _, c in values),
            "max wall ms": 1000 * max(w for w, _ in values),
            "audio s": spoken.size / SAMPLE_RATE,
        }
        for kind, values in times.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tries", type=int, default=15, help="timed logins per kind (after 2 warm-ups each)")
    parser.add_argument("--baseline", type=Path, help="an older checkout to measure first, for comparison")
    parser.add_argument("--tree", type=Path, help=argparse.SUPPRESS)  # read before the imports above
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)  # the child's answer
    args = parser.parse_args()
    runs: dict[str, dict[str, dict[str, float]]] = {}
    if args.baseline is not None:
        child = [sys.executable, __file__, "--tree", str(args.baseline), "--tries", str(args.tries), "--json"]
        runs["baseline"] = json.loads(subprocess.run(child, check=True, capture_output=True, text=True).stdout)
    runs["this tree"] = measure(args.tries)
    if args.json:
        print(json.dumps(runs["this tree"]))
        return
    print(f"{'code':<10} {'username':<8} {'tries':>5} {'wall ms':>8} {'cpu ms':>7} {'max wall ms':>11}")
    for code, run in runs.items():
        for kind, figs in run.items():
            print(
                f"{code:<10} {kind:<8} {args.tries:>5} {figs['wall ms']:>8.0f} {figs['cpu ms']:>7.0f} "
                f"{figs['max wall ms']:>11.0f}"
            )
    now = runs["this tree"]
    summary = (
        f"SUMMARY voice login ({now['known']['audio s']:.1f} s utterance, medians of {args.tries}) known: "
        f"wall {now['known']['wall ms']:.0f} ms, cpu {now['known']['cpu ms']:.0f} ms; unknown/known wall "
        f"{now['unknown']['wall ms'] / now['known']['wall ms']:.2f}"
    )
    if "baseline" in runs:
        before = runs["baseline"]["known"]
        summary += (
            f"; baseline wall {before['wall ms']:.0f} ms, cpu {before['cpu ms']:.0f} ms "
            f"(cpu x{now['known']['cpu ms'] / before['cpu ms']:.2f})"
        )
    print(summary)


if __name__ == "__main__":
    main()
