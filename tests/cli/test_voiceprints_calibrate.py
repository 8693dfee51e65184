"""`gobang voiceprints calibrate` on a small enrolled population of real cv9_vi_dev voices."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from cli.main import app
from core.errors import InvalidInputError
from core.settings import get_settings
from diarization.calibration import calibrate_population, population_trials
from diarization.voiceprints import VoiceprintStore, account_voiceprint
from tests.databases import migrated_sqlite

runner = CliRunner()
PEOPLE, UTTERANCES = 6, 5


@pytest.fixture(autouse=True)
def fresh_settings() -> Iterator[None]:
    """Settings are re-read with each test's voiceprint store, and not kept for later tests."""
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cv_rows: list[dict[str, str]]) -> VoiceprintStore:
    """Six speakers enrolled for login with five sentences each, and one meeting speaker (not a login), in the
    database the CLI is configured with."""
    url = migrated_sqlite(tmp_path)
    monkeypatch.setenv("GOBANG_DATABASE_URL", url)
    by_speaker: dict[str, list[str]] = defaultdict(list)
    for row in cv_rows:
        by_speaker[row["speaker"]].append(row["audio_path"])
    speakers = sorted(s for s, clips in by_speaker.items() if len(clips) >= UTTERANCES)[: PEOPLE + 1]
    store = VoiceprintStore(url)
    for i, speaker in enumerate(speakers[:PEOPLE]):
        store.enroll(account_voiceprint(f"user{i}"), by_speaker[speaker][:UTTERANCES], account=True)
    store.enroll("Đại biểu A", by_speaker[speakers[PEOPLE]][:2])
    return store


def test_trials_are_each_utterance_against_its_own_others_and_every_other_voiceprint() -> None:
    a = np.array([[1, 0, 0], [1, 0.1, 0], [1, 0, 0.1]], np.float32)
    b = np.array([[0, 1, 0]], np.float32)  # one utterance: an impostor voiceprint only
    scores, same = population_trials({"@a": a, "@b": b})
    assert same.sum() == 3 and (~same).sum() == 3 + 1
    assert scores[same].min() > 0.98 and scores[~same].max() < 0.2


def test_calibrate_proposes_a_threshold_for_the_chosen_far(store: VoiceprintStore) -> None:
    embeddings = store.embeddings(accounts=True)
    assert sorted(embeddings) == [account_voiceprint(f"user{i}") for i in range(PEOPLE)]
    result = calibrate_population(embeddings, target_far=0.01, also=(0.58,))
    assert (result.people, result.genuine, result.impostor) == (PEOPLE, PEOPLE * UTTERANCES, PEOPLE * UTTERANCES * 5)
    assert result.calibration.far <= 0.01 and 0.0 <= result.calibration.frr < 0.5
    assert 0.58 in [t for t, _, _ in result.curve]
    fars = [far for _, far, _ in result.curve]
    assert fars == sorted(fars, reverse=True)  # a higher threshold never accepts more impostors

    shown = runner.invoke(app, ["voiceprints", "calibrate", "--far", "0.01"])
    assert shown.exit_code == 0, shown.output
    proposed = re.search(r"GOBANG_VOICE__THRESHOLD=([0-9.]+)", shown.output)
    assert proposed and float(proposed.group(1)) == pytest.approx(result.calibration.threshold, abs=1e-3)
    assert "đề xuất" in shown.output and "đang dùng" in shown.output and "không đo được" not in shown.output

    too_fine = runner.invoke(app, ["voiceprints", "calibrate", "--far", "0.001"])  # 150 impostor trials
    assert too_fine.exit_code == 0 and "không đo được" in too_fine.output


def test_calibrate_without_a_population_says_what_it_needs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOBANG_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    result = runner.invoke(app, ["voiceprints", "calibrate"])
    assert result.exit_code == InvalidInputError.exit_code and "cần ít nhất 2 người" in result.output
