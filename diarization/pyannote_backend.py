"""Optional backend: a local pyannote.audio pipeline (``config.yaml`` with its checkpoints) instead of ours.

For users who have pyannote.audio installed (``pip install gobang[pyannote]``) and its weights on disk;
nothing is downloaded (the config must point at local checkpoint files) and telemetry is switched off.
It cannot run in our test environment (pyannote.audio needs another torch build and hub weights),
so no test exercises it: the code path is kept small, and its output is converted to our labels.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from pyannote.core import Annotation

from core.errors import ModelError
from core.progress import ProgressHook
from diarization.pipeline import first_appearance

logger = logging.getLogger(__name__)


def diarize_with_pyannote(
    path: str | Path,
    config: str | Path,
    *,
    num_speakers: int | None = None,
    min_speakers: int | None = None,
    max_speakers: int | None = None,
    hook: ProgressHook | None = None,
) -> Annotation:
    """Run the pyannote.audio pipeline described by a local `config.yaml`; labels become SPEAKER_00… by first turn."""
    config = Path(config).expanduser()
    if not config.is_file():
        raise ModelError("không tìm thấy cấu hình pyannote (pipeline config.yaml not found)", path=config)
    os.environ.setdefault("PYANNOTE_METRICS_ENABLED", "0")  # pyannote.audio >= 3.4 telemetry
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        from pyannote.audio import Pipeline
    except ImportError as exc:
        raise ModelError("thiếu gói pyannote.audio (pip install 'gobang[pyannote]')") from exc
    try:
        pipeline = Pipeline.from_pretrained(config)
    except Exception as exc:  # its loaders raise anything from OSError to hub errors
        raise ModelError(f"không nạp được pipeline pyannote ({exc})", path=config) from exc
    if pipeline is None:
        raise ModelError("pipeline pyannote không nạp được (from_pretrained returned None)", path=config)

    def progress(
        step_name: str,
        step_artifact: object,
        file: object = None,
        total: int | None = None,
        completed: int | None = None,
    ) -> None:
        if hook is not None and total:
            hook(step_name, (completed or 0) / total)

    output = pipeline(
        str(path), num_speakers=num_speakers, min_speakers=min_speakers, max_speakers=max_speakers, hook=progress
    )
    annotation = getattr(output, "speaker_diarization", output)  # pyannote.audio 4 wraps the annotation
    if not isinstance(annotation, Annotation):
        raise ModelError(f"pipeline pyannote trả về {type(annotation).__name__}, không phải Annotation")
    mapping = {label: f"SPEAKER_{i:02d}" for i, label in enumerate(annotation.labels())}
    return first_appearance(annotation.rename_labels(mapping=mapping))
