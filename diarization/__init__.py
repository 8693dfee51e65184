"""Speaker diarization: who spoke when (VAD, speaker embeddings, clustering, voiceprints).

The functions the CLI and the workers call:

    annotation = diarize("phien_hop.mp3", min_speakers=2, max_speakers=40, hook=progress)
    transcript = assign_speakers(transcript, annotation)           # words -> "Người nói 1", …
    rttm = annotation_to_rttm(annotation)                          # or transcript_to_rttm(transcript)
    store = VoiceprintStore(database_url); store.enroll("Đại biểu Nguyễn Văn A", [("phien_1.mp3", 120.0, 185.5)])
    diarize("phien_2.mp3", voiceprints=store)                      # enrolled voices come back by name
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Literal

from pyannote.core import Annotation

from core.audio import AudioSource
from core.errors import ModelError
from core.progress import ProgressHook
from core.rttm import annotation_to_rttm, read_rttm, transcript_to_annotation, transcript_to_rttm
from diarization.assign import assign_speakers
from diarization.clustering import Clustering, SpeakerCountError
from diarization.embedders import Embedder, get_embedder
from diarization.local_speakers import SegmentationDiarization
from diarization.pipeline import SpeakerDiarization
from diarization.voiceprints import Voiceprint, VoiceprintStore, calibrate

PipelineName = Literal["vad", "vad-overlap", "segmentation"]
BUILT_IN: dict[str, Callable[[], SpeakerDiarization | SegmentationDiarization]] = {
    "vad": SpeakerDiarization,
    "vad-overlap": lambda: SpeakerDiarization(overlap=True),
    "segmentation": SegmentationDiarization,
}
"""The built-in pipelines by the name `GOBANG_DIARIZATION__PIPELINE` gives (figures in docs/ARCHITECTURE.md)."""


def built_in(
    pipeline: PipelineName | str, *, fusion_weight: float | None = None
) -> SpeakerDiarization | SegmentationDiarization:
    """The built-in pipeline called `pipeline`; `fusion_weight` (None: its own) is the vad pipelines'
    `SpeakerDiarization.fusion_weight`, which the segmentation pipeline has not."""
    made = BUILT_IN[pipeline]()
    if fusion_weight is not None and isinstance(made, SpeakerDiarization):
        made = replace(made, fusion_weight=fusion_weight)
    return made


__all__ = [
    "BUILT_IN",
    "Clustering",
    "Embedder",
    "PipelineName",
    "SegmentationDiarization",
    "SpeakerCountError",
    "SpeakerDiarization",
    "Voiceprint",
    "VoiceprintStore",
    "annotation_to_rttm",
    "assign_speakers",
    "built_in",
    "calibrate",
    "diarize",
    "get_embedder",
    "read_rttm",
    "transcript_to_annotation",
    "transcript_to_rttm",
]


def diarize(
    path: AudioSource,
    num_speakers: int | None = None,
    min_speakers: int | None = None,
    max_speakers: int | None = None,
    hook: ProgressHook | None = None,
    *,
    voiceprints: VoiceprintStore | None = None,
    pyannote_config: str | Path | None = None,
    pipeline: PipelineName = "vad",
    fusion_weight: float | None = None,
) -> Annotation:
    """Who spoke when in a recording, with a built-in pipeline (or a local pyannote.audio one if configured).

    `pipeline`: one of `BUILT_IN`: "vad" (diarization.pipeline), "vad-overlap" (the same with a second speaker where
    segmentation-3.0 hears two voices) or "segmentation" (diarization.local_speakers, overlapped speech).
    `fusion_weight`: the vad pipelines' `SpeakerDiarization.fusion_weight` (None: its own).

    Speakers are "SPEAKER_00", "SPEAKER_01"… by first appearance; with `voiceprints`, recognised
    people carry their names. Raises `BadAudioError` subclasses for unusable input (silence included)
    and `SpeakerCountError` for contradictory counts.
    """
    if pyannote_config is not None:
        from diarization.pyannote_backend import diarize_with_pyannote

        if not isinstance(path, str | Path):
            raise ModelError(
                "pyannote chỉ đọc tệp trên đĩa, không đọc được từ kho S3 "
                "(pyannote needs a local file; unset GOBANG_DIARIZATION__PYANNOTE_CONFIG with S3 storage)"
            )

        return diarize_with_pyannote(
            path,
            pyannote_config,
            num_speakers=num_speakers,
            min_speakers=min_speakers,
            max_speakers=max_speakers,
            hook=hook,
        )
    return built_in(pipeline, fusion_weight=fusion_weight).apply(
        path,
        num_speakers=num_speakers,
        min_speakers=min_speakers,
        max_speakers=max_speakers,
        hook=hook,
        voiceprints=voiceprints,
    )
