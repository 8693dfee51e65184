"""Online speaker labels: enrolled people named, others clustered, labels never revised, short bits inherit."""

from __future__ import annotations

import numpy as np

from core.audio import SAMPLE_RATE, load_audio
from diarization.embedders import get_embedder
from diarization.online import ANONYMOUS, OnlineSpeakers
from tests.diarization.conftest import OUTSIDER, SPEAKERS


def test_named_and_anonymous_speakers_keep_their_labels(clips_by_speaker: dict[str, list[str]]) -> None:
    embedder = get_embedder()
    named, first, second = SPEAKERS
    enrolment = np.concatenate([load_audio(p) for p in clips_by_speaker[named][-3:]])
    speakers = OnlineSpeakers(embedder, voiceprints={"Chủ tọa": embedder.embed(enrolment)})
    turns = [first, second, named, first, OUTSIDER, second, named]
    used: dict[str, int] = {}
    labels = []
    for speaker in turns:
        used[speaker] = used.get(speaker, -1) + 1
        labels.append(speakers.label(load_audio(clips_by_speaker[speaker][used[speaker]])))
    anonymous = [ANONYMOUS.format(n) for n in (1, 2, 3)]
    assert labels == [anonymous[0], anonymous[1], "Chủ tọa", anonymous[0], anonymous[2], anonymous[1], "Chủ tọa"]
    # Half a second is too little to embed: it keeps the speaker of the utterance before.
    assert speakers.label(np.zeros(SAMPLE_RATE // 2, np.float32)) == "Chủ tọa"
