"""Batch transcription of an archive: many recordings, resumable, in parallel, one report.

Identity and resume. A file is *done* when its content (SHA-256) has been transcribed with the
same settings that shape the transcript: engine, model (and its checksum), language, hotwords
and glossary. Each done file leaves a record, ``OUT/.gobang/records/<key>.json``, written
atomically after its exports, that holds the transcript itself and the outputs rendered for
each input path. The record is the commit point: a run stopped at any moment (Ctrl-C, crash,
power cut) leaves either a complete record or none, and the next run redoes only what has none.

- same content, same path, requested formats present: ``skipped``, nothing is read but the hash;
- same content at another path (renamed, moved or duplicated file), or requested formats or
  outputs missing: the outputs are rendered again from the stored transcript at the new place,
  without recognising speech again (``skipped``, with a note saying where the content came from);
- ``force``: everything is transcribed again.

Nothing foreign is overwritten: an output path that exists but that no record of ``OUT`` lists
(the clerk's edited DOCX, another tool's file) fails that file with a conflict before any speech
is recognised, unless ``force``.

Outputs mirror the input folders under ``OUT`` (relative to the common folder of the inputs);
two inputs with the same stem in one folder (``a.wav``, ``a.mp3``) keep their extension in the
output name (``a.wav.txt``, ``a.mp3.txt``). Every run writes ``OUT/report.json`` with the
outcome of each file (ok, skipped, failed, interrupted).

Workers. ``workers=1`` runs in this process. More run in `workers.pool` (spawned processes that
survive a worker's crash): each worker creates its engine once, on its first file, with
``cores // workers`` CPU threads. On Ctrl-C the pool stops and the report is written; a worker
that dies (a native crash on a damaged file) fails only that file.
"""

from __future__ import annotations

import hashlib
import json
import logging
import logging.handlers
import os
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from asr.engine import Engine
from core.audio import probe
from core.errors import BadAudioError, GobangError, InvalidInputError, NotFoundError
from core.export import DEFAULT_FORMATS, FORMATS, write_exports
from core.files import refuse_overwrite, write_atomic
from core.hashing import file_sha256
from core.settings import Settings, get_settings
from core.text import nfc
from core.transcript import NfcStr, Transcript
from models import resolve
from workers.options import PipelineOptions
from workers.pipeline import adapted_engine, run_pipeline
from workers.pool import Emit, run_pool

logger = logging.getLogger(__name__)

MEDIA_EXTENSIONS = frozenset(
    {
        *(".wav", ".wave", ".flac", ".mp3", ".m4a", ".aac", ".ogg", ".oga", ".opus", ".wma", ".amr", ".aif", ".aiff"),
        *(".ac3", ".mp2", ".caf", ".au", ".ra", ".webm", ".mp4", ".m4v", ".mkv", ".mov", ".avi", ".wmv", ".3gp"),
        *(".3g2", ".mpg", ".mpeg", ".ts", ".mts", ".dv", ".flv", ".rm"),
    }
)
"""Extensions picked up when walking folders; a file named on the command line is taken whatever its name."""

STATE_DIR = ".gobang"
"""Hidden folder under the output directory holding one record per done file."""
REPORT_NAME = "report.json"

Status = Literal["ok", "skipped", "failed", "interrupted"]


@dataclass(frozen=True)
class FileJob:
    """One input recording and where its outputs go."""

    index: int
    source: Path
    relative: str
    """Path relative to the common folder of the inputs (POSIX, NFC): the file's name in reports."""
    out_subdir: str
    """Folder under the output directory (POSIX, NFC; empty for the top)."""
    stem: str
    """Output file name without extension."""
    duration: float | None
    """Declared audio duration in seconds, for the overall ETA; None when the header does not say."""


@dataclass(frozen=True)
class BatchOptions:
    """What to produce: the run every file goes through (engine None: the configured one), and the batch's own
    choices."""

    run: PipelineOptions = field(default_factory=PipelineOptions)
    formats: tuple[str, ...] = DEFAULT_FORMATS
    workers: int = 1
    force: bool = False
    """Transcribe again even what is already done."""


class FileOutcome(BaseModel):
    """What happened to one file; one entry of report.json."""

    model_config = ConfigDict(validate_assignment=True)  # filled in step by step, still NFC

    input: NfcStr
    relative: NfcStr
    status: Status
    sha256: str | None = None
    duration: float | None = None
    """Seconds of audio."""
    wall_s: float | None = None
    rtf: float | None = None
    """Recognition and export time over audio duration (engine loading excluded), for files transcribed now."""
    outputs: list[NfcStr] = Field(default_factory=list)
    """Output files, relative to the output directory."""
    untranscribed: int | None = None
    """Stretches of speech left without text (marked in the transcript for a clerk), for files transcribed now."""
    error: NfcStr | None = None
    error_type: str | None = None
    exit_code: int | None = None
    note: NfcStr | None = None


class BatchReport(BaseModel):
    """report.json: the settings of the run and every file's outcome, in input order."""

    version: Literal[1] = 1
    started_at: datetime
    finished_at: datetime
    out_dir: NfcStr
    settings: dict[str, Any]
    interrupted: bool
    counts: dict[str, int]
    files: list[FileOutcome]

    @property
    def failed(self) -> list[FileOutcome]:
        return [f for f in self.files if f.status == "failed"]


class _Rendered(BaseModel):
    formats: list[str]
    files: list[NfcStr]


class _Record(BaseModel):
    """Proof that a content+settings key is done, with the transcript to render it again anywhere."""

    key: str
    sha256: str
    identity: dict[str, Any]
    wall_s: float
    sources: dict[NfcStr, _Rendered]
    """Input path (relative) -> what was rendered for it."""
    transcript: Transcript


class BatchListener(Protocol):
    """Receives progress as it happens (the CLI draws bars from it)."""

    def progress(self, job: FileJob, stage: str, fraction: float) -> None: ...

    def finished(self, job: FileJob, outcome: FileOutcome) -> None: ...


# --- planning ---------------------------------------------------------------------------------------


def discover(paths: Sequence[str | Path], out_dir: str | Path | None = None) -> list[FileJob]:
    """The recordings under `paths` (files, and media files in folders, recursively), sorted.

    Hidden files and folders (``.``-prefixed, e.g. macOS ``._x.wav``) and the output folder are skipped.
    """
    if not paths:
        raise NotFoundError("chưa chỉ định tệp hay thư mục nào (no input given)")
    roots = [Path(p).absolute() for p in paths]
    for root in roots:
        if not root.exists():
            raise NotFoundError("không tìm thấy tệp hay thư mục (not found)", path=root)
    base = Path(os.path.commonpath([r if r.is_dir() else r.parent for r in roots]))
    skip = Path(out_dir).resolve() if out_dir is not None else None
    found: dict[Path, Path] = {}
    for root in roots:
        candidates = [root] if root.is_file() else _walk(root, skip)
        for path in candidates:
            found.setdefault(path.resolve(), path)
    if not found:
        raise NotFoundError("không có tệp âm thanh/video nào trong đầu vào (no media files found)")
    sources = sorted(found.values(), key=lambda p: nfc(p.relative_to(base).as_posix()))
    return _jobs(sources, base)


def _walk(root: Path, skip: Path | None) -> Iterable[Path]:
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and (here / d).resolve() != skip)
        for name in sorted(files):
            if not name.startswith(".") and Path(name).suffix.lower() in MEDIA_EXTENSIONS:
                yield here / name


def _jobs(sources: list[Path], base: Path) -> list[FileJob]:
    relatives = [nfc(p.relative_to(base).as_posix()) for p in sources]
    slots: dict[tuple[str, str], int] = {}
    for rel in relatives:
        slot = _slot(rel, Path(rel).stem)
        slots[slot] = slots.get(slot, 0) + 1
    jobs = []
    for index, (source, rel) in enumerate(zip(sources, relatives, strict=True)):
        name = Path(rel)
        stem = name.stem if slots[_slot(rel, name.stem)] == 1 else name.name
        parent = name.parent.as_posix()
        jobs.append(
            FileJob(
                index=index,
                source=source,
                relative=rel,
                out_subdir="" if parent == "." else parent,
                stem=stem,
                duration=_declared_duration(source),
            )
        )
    return jobs


def _slot(relative: str, stem: str) -> tuple[str, str]:
    """Output location, case-folded: `A.wav` and `a.mp3` collide on macOS and Windows disks."""
    return Path(relative).parent.as_posix().casefold(), stem.casefold()


def _declared_duration(path: Path) -> float | None:
    try:
        return probe(path).duration
    except BadAudioError:
        return None  # reported when the file's turn comes


# --- identity and state ---------------------------------------------------------------------------------


def _identity(options: PipelineOptions) -> dict[str, Any]:
    """The settings that change the transcript (not the formats: those are rendered from it)."""
    assert options.engine is not None
    settings = get_settings().asr
    default = settings.vietasr_model if options.engine == "vietasr" else settings.whisper_model
    model = resolve(options.model or default, engine=options.engine)
    return {
        "engine": options.engine,
        "model": model.name if model.checksum else str(model.path.resolve()),
        "model_checksum": model.checksum,
        "language": options.language,
        "hotwords": list(options.hotwords),
        "glossary": list(options.glossary),
        "diarize": options.diarize,
        "speakers": [options.num_speakers, options.min_speakers, options.max_speakers],
        "written_form": get_settings().text.written_form if options.written_form is None else options.written_form,
    }


def _key(sha256: str, identity: dict[str, Any]) -> str:
    canonical = json.dumps({"sha256": sha256, **identity}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def records_dir(out_dir: Path) -> Path:
    return out_dir / STATE_DIR / "records"


def _read_record(out_dir: Path, key: str) -> _Record | None:
    path = records_dir(out_dir) / f"{key}.json"
    try:
        return _Record.model_validate_json(path.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, ValidationError) as exc:  # unreadable: transcribe again rather than fail
        logger.warning("record_unreadable path=%s error=%s", path, exc)
        return None


# --- one file ------------------------------------------------------------------------------------------


@dataclass
class _FileHandler:
    """Everything one process needs to handle files; the engine is created once, on first use."""

    options: BatchOptions
    out_dir: Path
    identity: dict[str, Any]
    settings: Settings
    """This run's settings, the engine's CPU threads sized per worker process."""
    engine: Engine | None = field(default=None, repr=False)

    def handle(self, job: FileJob, emit: Emit[FileJob]) -> FileOutcome:
        """Transcribe (or skip, or re-render) one file; domain and unexpected errors become a failed outcome."""
        began = time.perf_counter()
        outcome = FileOutcome(input=str(job.source), relative=job.relative, status="failed", duration=job.duration)
        try:
            emit(job, "hash", 0.0)
            outcome.sha256 = file_sha256(job.source)
            key = _key(outcome.sha256, self.identity)
            if not self.options.force:
                self._refuse_foreign(job)
            record = None if self.options.force else _read_record(self.out_dir, key)
            if record is not None:
                self._reuse(job, record, outcome)
            else:
                self._transcribe(job, key, outcome, emit)
        except GobangError as exc:
            outcome.error, outcome.error_type, outcome.exit_code = str(exc), type(exc).__name__, exc.exit_code
        except Exception as exc:  # a bug or an OS error on one file must not stop the archive
            logger.exception("file_failed path=%s", job.source)
            outcome.error = f"{job.source}: lỗi không mong đợi (unexpected error) {type(exc).__name__}: {exc}"
            outcome.error_type, outcome.exit_code = type(exc).__name__, 1
        outcome.wall_s = round(time.perf_counter() - began, 3)
        logger.info(
            "file_done path=%s status=%s wall_s=%.2f error=%s",
            job.relative,
            outcome.status,
            outcome.wall_s,
            outcome.error,
        )
        return outcome

    def _transcribe(self, job: FileJob, key: str, outcome: FileOutcome, emit: Emit[FileJob]) -> None:
        assert outcome.sha256 is not None
        if self.engine is None:
            emit(job, "load", 0.0)
            self.engine = adapted_engine(self.options.run.engine, self.options.run.model, self.settings)
        began = time.perf_counter()
        transcript = run_pipeline(
            job.source,
            self.options.run,
            hook=lambda stage, fraction: emit(job, stage, fraction),
            engine=self.engine,
            settings=self.settings,
        )
        assert transcript.source is not None
        transcript.source.sha256 = outcome.sha256
        emit(job, "export", 0.0)
        rendered = self._render(job, transcript)
        elapsed = round(time.perf_counter() - began, 3)
        record = _Record(
            key=key,
            sha256=outcome.sha256,
            identity=self.identity,
            wall_s=elapsed,
            sources={job.relative: rendered},
            transcript=transcript,
        )
        write_atomic(records_dir(self.out_dir) / f"{key}.json", record.model_dump_json().encode())
        outcome.status, outcome.duration, outcome.outputs = "ok", transcript.duration, rendered.files
        outcome.untranscribed = transcript.untranscribed_count
        outcome.rtf = round(elapsed / transcript.duration, 4) if transcript.duration else None

    def _reuse(self, job: FileJob, record: _Record, outcome: FileOutcome) -> None:
        """Skip a done file, rendering its outputs from the stored transcript where they are missing."""
        outcome.status, outcome.duration = "skipped", record.transcript.duration
        rendered = record.sources.get(job.relative)
        if (
            rendered is not None
            and set(self.options.formats) <= set(rendered.formats)
            and all((self.out_dir / f).is_file() for f in rendered.files)
        ):
            outcome.outputs = rendered.files
            return
        duplicate_of = next(iter(record.sources)) if job.relative not in record.sources else None
        transcript = record.transcript.model_copy(deep=True)
        assert transcript.source is not None
        transcript.source.name = job.source.name
        rendered = self._render(job, transcript)
        record.sources[job.relative] = rendered
        write_atomic(records_dir(self.out_dir) / f"{record.key}.json", record.model_dump_json().encode())
        outcome.outputs = rendered.files
        outcome.note = (
            f"cùng nội dung với {duplicate_of}, xuất lại từ bản ghi đã có (same content as {duplicate_of})"
            if duplicate_of
            else "xuất kết quả còn thiếu từ bản đã nhận dạng (missing outputs rendered from the stored transcript)"
        )

    def _refuse_foreign(self, job: FileJob) -> None:
        """`ConflictError` when an output of `job` exists that no record says this batch wrote."""
        targets = [self.out_dir / job.out_subdir / f"{job.stem}.{fmt}" for fmt in self.options.formats]
        present = [p for p in targets if p.exists()]
        if not present:
            return
        ours = {
            self.out_dir / f
            for path in records_dir(self.out_dir).glob("*.json")
            if (record := _read_record(self.out_dir, path.stem)) is not None
            for rendered in record.sources.values()
            for f in rendered.files
        }
        refuse_overwrite(p for p in present if p not in ours)

    def _render(self, job: FileJob, transcript: Transcript) -> _Rendered:
        paths = write_exports(transcript, self.out_dir / job.out_subdir, job.stem, self.options.formats)
        return _Rendered(
            formats=list(self.options.formats),
            files=[p.relative_to(self.out_dir).as_posix() for p in paths],
        )


# --- the batch -----------------------------------------------------------------------------------------


def run_batch(
    jobs: Sequence[FileJob],
    out_dir: str | Path,
    options: BatchOptions | None = None,
    *,
    listener: BatchListener | None = None,
) -> BatchReport:
    """Process `jobs` into `out_dir` and write report.json; Ctrl-C ends it cleanly with ``interrupted`` set."""
    settings = get_settings().asr
    given = options or BatchOptions()
    options = replace(
        given,
        run=given.run.model_copy(update={"engine": given.run.engine or settings.engine}),
        formats=tuple(dict.fromkeys(f.lower().lstrip(".") for f in given.formats)),
        workers=max(1, min(given.workers, len(jobs))),
    )
    unknown = sorted(set(options.formats) - set(FORMATS))
    if unknown:
        raise ValueError(f"định dạng không hỗ trợ: {', '.join(unknown)} (supported: {', '.join(FORMATS)})")
    if "rttm" in options.formats and not options.run.diarize:
        raise InvalidInputError("định dạng rttm cần phân biệt người nói (rttm needs --diarize)")
    counts = (options.run.num_speakers, options.run.min_speakers, options.run.max_speakers)
    if options.run.diarize:
        from diarization.clustering import check_bounds

        check_bounds(*counts)  # contradictory counts would fail every file: fail once, now
    elif any(count is not None for count in counts):
        raise InvalidInputError("số người nói chỉ dùng được cùng phân biệt người nói (speaker counts need --diarize)")
    out = Path(out_dir).absolute()
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GobangError(f"không tạo được thư mục kết quả (cannot create output folder: {exc})", path=out) from exc
    identity = _identity(options.run)  # resolves the model once here: fails fast, and workers never race to build it
    threads = max(1, (settings.cpu_threads or os.cpu_count() or 1) // options.workers)
    sized = get_settings().model_copy(update={"asr": settings.model_copy(update={"cpu_threads": threads})})
    handler = _FileHandler(options, out, identity, sized)
    started_at = datetime.now(UTC)
    outcomes: dict[int, FileOutcome] = {}

    def finish(job: FileJob, outcome: FileOutcome) -> None:
        outcomes[job.index] = outcome
        if listener is not None:
            listener.finished(job, outcome)

    def emit(job: FileJob, stage: str, fraction: float) -> None:
        if listener is not None:
            listener.progress(job, stage, fraction)

    logger.info("batch_start files=%d workers=%d out=%s", len(jobs), options.workers, out)
    interrupted = False
    try:
        if options.workers == 1:
            for job in jobs:
                finish(job, handler.handle(job, emit))
        else:
            run_pool(jobs, handler, options.workers, finish, emit, _crashed)
    except KeyboardInterrupt:
        interrupted = True
        logger.warning("batch_interrupted done=%d of=%d", len(outcomes), len(jobs))
    files = [
        outcomes.get(j.index) or FileOutcome(input=str(j.source), relative=j.relative, status="interrupted")
        for j in jobs
    ]
    report = BatchReport(
        started_at=started_at,
        finished_at=datetime.now(UTC),
        out_dir=str(out),
        settings={**identity, "formats": list(options.formats), "workers": options.workers, "force": options.force},
        interrupted=interrupted,
        counts={s: sum(f.status == s for f in files) for s in ("ok", "skipped", "failed", "interrupted")},
        files=files,
    )
    write_atomic(out / REPORT_NAME, report.model_dump_json(indent=2).encode())
    logger.info("batch_done %s report=%s", " ".join(f"{k}={v}" for k, v in report.counts.items()), out / REPORT_NAME)
    return report


def _crashed(job: FileJob, started: bool) -> FileOutcome:
    if started:
        logger.error("worker_crashed path=%s", job.source)
    reason = (
        "tiến trình xử lý bị dừng đột ngột khi đang xử lý tệp này (worker process crashed)"
        if started
        else "không khởi động được tiến trình xử lý (worker processes failed to start)"
    )
    return FileOutcome(
        input=str(job.source),
        relative=job.relative,
        status="failed",
        error=f"{job.source}: {reason}",
        error_type="WorkerCrashed",
        exit_code=1,
    )
