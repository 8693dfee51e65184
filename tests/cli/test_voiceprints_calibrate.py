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
from core.settings import VoiceSettings, get_settings
from diarization.calibration import calibrate_login, fused_trials, population_trials
from diarization.embedders import get_embedder
from diarization.verification import login_fusion, verify
from diarization.voiceprints import VoiceprintStore, account_voiceprint, read_span
from tests.databases import migrated_sqlite

runner = CliRunner()
PEOPLE, UTTERANCES = 6, 5


@pytest.fixture(autouse=True)
def fresh_settings() -> Iterator[None]:
    """Settings are re-read with each test's voiceprint store, and not kept for later tests."""
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _clips(cv_rows: list[dict[str, str]]) -> list[list[str]]:
    """Five sentences of each of seven speakers."""
    by_speaker: dict[str, list[str]] = defaultdict(list)
    for row in cv_rows:
        by_speaker[row["speaker"]].append(row["audio_path"])
    speakers = sorted(s for s, clips in by_speaker.items() if len(clips) >= UTTERANCES)[: PEOPLE + 1]
    return [by_speaker[s][:UTTERANCES] for s in speakers]


def _enrolled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clips: list[list[str]], fused: int) -> VoiceprintStore:
    """Six speakers enrolled for login, the first `fused` with SE-Res2Net too (as the service enrols now), the
    others with CAM++ alone (as before the fusion), and one meeting speaker (not a login), in the database the CLI
    is configured with."""
    url = migrated_sqlite(tmp_path)
    monkeypatch.setenv("GOBANG_DATABASE_URL", url)
    store = VoiceprintStore(url)
    for i, sentences in enumerate(clips[:PEOPLE]):
        also = (get_embedder("seres2net"),) if i < fused else ()
        store.enroll(account_voiceprint(f"user{i}"), sentences, account=True, also=also)
    store.enroll("Đại biểu A", clips[PEOPLE][:2])
    return store


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cv_rows: list[dict[str, str]]) -> VoiceprintStore:
    """Six speakers enrolled for login with CAM++ alone."""
    return _enrolled(tmp_path, monkeypatch, _clips(cv_rows), fused=0)


def test_trials_are_each_utterance_against_its_own_others_and_every_other_voiceprint() -> None:
    a = np.array([[1, 0, 0], [1, 0.1, 0], [1, 0, 0.1]], np.float32)
    b = np.array([[0, 1, 0]], np.float32)  # one utterance: an impostor voiceprint only
    scores, same = population_trials({"@a": a, "@b": b})
    assert same.sum() == 3 and (~same).sum() == 3 + 1
    assert scores[same].min() > 0.98 and scores[~same].max() < 0.2
    scores, same = population_trials({"@a": a, "@b": b}, claimed=["@b"])  # only @b's voiceprint is claimed
    assert same.sum() == 0 and (~same).sum() == 3 and scores.max() < 0.2


def test_calibrate_proposes_a_threshold_for_the_chosen_far(store: VoiceprintStore) -> None:
    embeddings = store.embeddings(accounts=True)
    assert sorted(embeddings) == [account_voiceprint(f"user{i}") for i in range(PEOPLE)]
    assert store.embeddings(get_embedder("seres2net").model_id, accounts=True) == {}
    calibrated = calibrate_login(embeddings, {}, fusion=login_fusion(VoiceSettings()), target_far=0.01, threshold=0.58)
    assert calibrated.fused is None and calibrated.both == 0 and calibrated.alone is not None
    result = calibrated.alone
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
    assert "FUSION_THRESHOLD" not in shown.output  # no voiceprint holds both models

    too_fine = runner.invoke(app, ["voiceprints", "calibrate", "--far", "0.001"])  # 150 impostor trials
    assert too_fine.exit_code == 0 and "không đo được" in too_fine.output


def test_calibrate_without_a_population_says_what_it_needs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOBANG_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    result = runner.invoke(app, ["voiceprints", "calibrate"])
    assert result.exit_code == InvalidInputError.exit_code and "cần ít nhất 2 người" in result.output


def test_calibrate_scores_voiceprints_of_both_models_fused_and_the_others_by_cam_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cv_rows: list[dict[str, str]]
) -> None:
    """With the fusion on, a voiceprint holding both models is calibrated on the fused score a login gets against
    it, and the fused threshold is proposed with its measured FRR; voiceprints of CAM++ alone keep theirs."""
    fused_people, clips = 4, _clips(cv_rows)
    store = _enrolled(tmp_path, monkeypatch, clips, fused=fused_people)
    voice = get_settings().voice
    fusion = login_fusion(voice)
    assert fusion is not None
    first, second = store.embeddings(accounts=True), store.embeddings(fusion.embedder.model_id, accounts=True)
    assert len(first) == PEOPLE and len(second) == fused_people

    scores, same, both = fused_trials(first, second, fusion)
    assert both == [account_voiceprint(f"user{i}") for i in range(fused_people)]
    # an impostor's login against a fused voiceprint scores what the calibration counted for it
    for path in clips[1]:
        login = verify(store, both[0], read_span(path, 0.0, float("inf")), threshold=voice.threshold, fusion=fusion)
        assert login.threshold == fusion.threshold and login.score != pytest.approx(login.cosine, abs=1e-3)
        assert np.isclose(scores[~same], login.score, atol=1e-5).any()
        assert not np.isclose(scores[~same], login.cosine, atol=1e-5).any()

    result = calibrate_login(first, second, fusion=fusion, target_far=0.01, threshold=voice.threshold)
    assert result.both == fused_people and result.fused is not None and result.alone is not None
    fused, alone = result.fused, result.alone
    assert (fused.people, fused.genuine, fused.impostor) == (4, 4 * UTTERANCES, 4 * UTTERANCES * 3)
    # CAM++-alone voiceprints (2) claimed by each other person's utterances (30 - own 5)
    assert (alone.people, alone.genuine, alone.impostor) == (2, 2 * UTTERANCES, 2 * (PEOPLE - 1) * UTTERANCES)
    assert fusion.threshold in [t for t, _, _ in fused.curve] and voice.threshold in [t for t, _, _ in alone.curve]

    shown = runner.invoke(app, ["voiceprints", "calibrate", "--far", "0.01"])
    assert shown.exit_code == 0, shown.output
    text = " ".join(shown.output.split())
    proposed = re.search(r"FRR ([0-9.]+)%; đặt GOBANG_VOICE__FUSION_THRESHOLD=([0-9.]+)", text)
    assert proposed, text
    assert float(proposed.group(2)) == pytest.approx(fused.calibration.threshold, abs=1e-3)
    assert float(proposed.group(1)) == pytest.approx(100 * fused.calibration.frr, abs=0.01)
    kept = re.search(r"GOBANG_VOICE__THRESHOLD=([0-9.]+)", text)
    assert kept and float(kept.group(1)) == pytest.approx(alone.calibration.threshold, abs=1e-3)
    assert "cả hai mô hình" in text and "CAM++ riêng" in text
