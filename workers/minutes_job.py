"""The minutes job: generation with the language model, which takes minutes, runs on a worker.

`run_job` (in `workers.jobs`) gives it the same semantics as a transcription: claim, heartbeat,
progress (one step per chat completion), cancel, retries with backoff, recovery after a killed
worker. This module only says what the job does: read the transcript version and the request
the API stored in the job's options, generate (or regenerate one agenda item), and save the
result as the next minutes version, only if the minutes are still the version the clerk asked
from; a clerk's edits made meanwhile are never replaced behind their back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from core.audit import record
from core.errors import ConfigError, ConflictError, InvalidInputError
from core.progress import ProgressHook
from core.settings import MinutesSettings
from core.transcript import Transcript
from core.transcript_store import TRANSCRIPTS
from minutes.generate import generate, regenerate
from minutes.model import GeneratorName, Minutes, MinutesMeta
from minutes.store import MINUTES


class MinutesJobOptions(BaseModel):
    """What the API asked for, stored as the job's options and read back by the worker."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    generator: GeneratorName
    transcript_version: int = Field(ge=1)
    meta: MinutesMeta
    item: int | None = Field(default=None, ge=0)
    """Regenerate this agenda item (0-based) of `base_version`; None generates the whole minutes."""
    base_version: int = Field(ge=0)
    """The minutes version current when the job was asked for (0: none); the result is saved only on top of it."""
    author: str
    comment: str = ""


@dataclass
class MinutesWork:
    """One minutes job, loaded from the store; `run` does the slow part, `save` writes the result."""

    recording_id: str
    options: MinutesJobOptions
    transcript: Transcript
    base: Minutes | None
    settings: MinutesSettings
    result: Minutes | None = field(default=None, init=False)

    permanent: ClassVar[tuple[type[Exception], ...]] = (InvalidInputError, ConfigError, ConflictError)
    """Errors a retry cannot mend; a failed or timed-out language model is retried."""

    @classmethod
    def load(
        cls, session: Session, recording_id: str, stored: dict[str, Any], settings: MinutesSettings
    ) -> MinutesWork:
        options = MinutesJobOptions.model_validate(stored)
        row = TRANSCRIPTS.row(session, recording_id, options.transcript_version)
        base = None
        if options.item is not None:
            base = Minutes.model_validate_json(MINUTES.row(session, recording_id, options.base_version).document)
        return cls(recording_id, options, Transcript.model_validate_json(row.document), base, settings)

    @property
    def audio_seconds(self) -> float | None:
        return None

    def run(self, hook: ProgressHook) -> None:
        o = self.options
        if o.item is None or self.base is None:
            self.result = generate(self.transcript, o.meta, generator=o.generator, settings=self.settings, hook=hook)
        else:
            self.result = regenerate(
                self.transcript,
                self.base,
                o.item,
                meta=o.meta,
                generator=o.generator,
                settings=self.settings,
                hook=hook,
            )

    def save(self, session: Session) -> dict[str, object]:
        """The next minutes version; `ConflictError` when someone saved since the job was asked for."""
        assert self.result is not None, "run() first"
        o = self.options
        version = MINUTES.save(
            session,
            self.recording_id,
            self.result,
            author=o.author,
            comment=o.comment,
            expected_version=o.base_version,
            transcript_version=o.transcript_version,
        )
        action = "minutes.generate" if o.item is None else "minutes.regenerate"
        record(session, o.author, action, f"recording:{self.recording_id}", version=version, generator=o.generator)
        return {"minutes_version": version}
