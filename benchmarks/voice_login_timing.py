"""Does voice login's answer time tell whether a username exists? (issue 13, F6)

    .venv/bin/python benchmarks/voice_login_timing.py --tries 15

Runs the real app (TestClient, SQLite, real vietasr and CAM++): one user enrolled with three real
cv9_vi_dev utterances of one speaker, then failed voice logins (a fresh challenge each, the same real
utterance) alternating between that user and a username that does not exist. Prints the median and
spread of each, and ends with the ratio unknown/known (1.0: indistinguishable). Lockout and the
address limit are raised so that every try reaches the voice check.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

from fastapi.testclient import TestClient  # noqa: E402

import accounts  # noqa: E402
from api.app import create_app  # noqa: E402
from core.db import session_scope  # noqa: E402
from core.settings import Settings  # noqa: E402
from tests.audio_helpers import write_wav  # noqa: E402
from tests.voice_audio import speakers  # noqa: E402


def _login(client: TestClient, username: str, audio: bytes) -> float:
    """Seconds one failed voice login takes, challenge excluded."""
    challenge = client.post("/auth/voice/challenge", json={"username": username}).json()["challenge_id"]
    files = {"audio": ("login.wav", io.BytesIO(audio), "audio/wav")}
    started = time.perf_counter()
    answer = client.post("/auth/voice/login", data={"username": username, "challenge_id": challenge}, files=files)
    elapsed = time.perf_counter() - started
    if answer.status_code != 401:
        raise SystemExit(f"expected 401, got {answer.status_code}: {answer.text}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tries", type=int, default=15, help="timed logins per kind (after 2 warm-ups each)")
    args = parser.parse_args()
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
            utterances = speaker.enrolment()
            wavs = [write_wav(Path(home) / f"e{i}.wav", a).read_bytes() for i, a in enumerate(utterances)]
            enrolled = client.post(
                "/auth/voice/enrol",
                files=[("files", (f"e{i}.wav", w, "audio/wav")) for i, w in enumerate(wavs)],
                headers=bearer,
            )
            if enrolled.status_code != 201:
                raise SystemExit(f"enrolment failed: {enrolled.text}")
            audio = wavs[0]
            times: dict[str, list[float]] = {"known": [], "unknown": []}
            for i in range(args.tries + 2):
                for kind, name in (("known", "dai_bieu_a"), ("unknown", "khong_ton_tai")):
                    elapsed = _login(client, name, audio)
                    if i >= 2:
                        times[kind].append(elapsed)
    print(f"{'username':<10} {'tries':>5} {'median ms':>10} {'min ms':>8} {'max ms':>8}")
    for kind, values in times.items():
        print(
            f"{kind:<10} {len(values):>5} {statistics.median(values) * 1000:>10.1f} "
            f"{min(values) * 1000:>8.1f} {max(values) * 1000:>8.1f}"
        )
    known, unknown = statistics.median(times["known"]), statistics.median(times["unknown"])
    print(
        f"SUMMARY voice login median known={known * 1000:.0f} ms unknown={unknown * 1000:.0f} ms "
        f"ratio unknown/known={unknown / known:.2f} over {args.tries} tries each"
    )


if __name__ == "__main__":
    main()
