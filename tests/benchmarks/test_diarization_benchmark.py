"""The diarization benchmark's embedding cache: a sweep of clustering settings embeds each recording once."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from benchmarks.diarization import CachedEmbeddings
from diarization.pipeline import SpeakerDiarization, SpeechWindows
from tests.audio_helpers import stitch, write_wav

VOICES = ("cv_e3e2b2e16592", "cv_b5b9218efb4e")
"""A southern man and a central woman (tests/diarization's meeting)."""


def test_windows_are_embedded_once_per_recording_and_embedding_setting(
    cv_rows: list[dict[str, str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clips = [
        next(r["audio_path"] for r in cv_rows if r["speaker"] == v and float(r["duration_s"]) >= 3.5) for v in VOICES
    ]
    audio, _ = stitch(clips, lead_s=0.5, gap_s=0.8)
    wav = write_wav(tmp_path / "meeting.wav", audio)
    embedded: list[float] = []
    real_embed = SpeakerDiarization.embed

    def counting(self: SpeakerDiarization, *args: object, **kwargs: object) -> SpeechWindows:
        embedded.append(self.window_s)
        return real_embed(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(SpeakerDiarization, "embed", counting)
    cache = tmp_path / "cache"
    plain = SpeakerDiarization().apply(wav, uri="meeting")
    cached = CachedEmbeddings.of(SpeakerDiarization(), cache)
    first = cached.apply(wav, uri="meeting")
    again = CachedEmbeddings.of(SpeakerDiarization(), cache).apply(wav, uri="meeting")  # another run, same folder
    replace(cached, clustering=replace(cached.clustering, threshold=0.5)).apply(wav, uri="meeting")  # a sweep
    assert embedded == [1.5, 1.5]  # the plain pipeline's and the first cached run's: the others read the folder
    assert list(first.itertracks(yield_label=True)) == list(plain.itertracks(yield_label=True))
    assert list(again.itertracks(yield_label=True)) == list(first.itertracks(yield_label=True))
    replace(cached, window_s=2.0).apply(wav, uri="meeting")  # an embedding setting: embedded anew, kept apart
    assert embedded == [1.5, 1.5, 2.0] and len(list(cache.glob("*.pkl"))) == 2
