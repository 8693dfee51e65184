"""Batch runs over real clips: discovery, outputs, report, resume by content, interruption, worker pools."""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import shutil
import signal
from pathlib import Path

import pytest

from core.errors import NotFoundError
from core.export import DEFAULT_FORMATS
from core.hashing import file_sha256
from core.text import normalize_for_scoring
from core.transcript import Transcript
from workers import batch
from workers.batch import REPORT_NAME, BatchOptions, BatchReport, FileJob, FileOutcome, discover, records_dir, run_batch
from workers.options import PipelineOptions


@pytest.fixture
def clips(vivos_rows: list[dict[str, str]]) -> list[Path]:
    return [Path(row["audio_path"]) for row in vivos_rows[:4]]


def _copy(src: Path, dst: Path) -> Path:
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)
    return dst


def _bad_files(folder: Path) -> None:
    """An empty recording and random bytes posing as MP3, as archives contain."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "rong.wav").write_bytes(b"")
    (folder / "hong.mp3").write_bytes(random.Random(7).randbytes(20_000))


def _statuses(report: BatchReport) -> dict[str, str]:
    return {f.relative: f.status for f in report.files}


def _no_engine(*args: object, **kwargs: object) -> None:
    raise AssertionError("the engine must not be needed")


class _Stop:
    """Raises KeyboardInterrupt (as Ctrl-C would) once the given file starts recognising speech."""

    def __init__(self, index: int) -> None:
        self.index = index

    def progress(self, job: FileJob, stage: str, fraction: float) -> None:
        if job.index == self.index and stage == "transcribe":
            raise KeyboardInterrupt

    def finished(self, job: FileJob, outcome: FileOutcome) -> None:
        pass


def test_discover_mirrors_folders_sorted_and_disambiguated(tmp_path: Path, clips: list[Path]) -> None:
    src = tmp_path / "kho"
    _copy(clips[0], src / "2020" / "phien.wav")
    _copy(clips[1], src / "2020" / "phien.mp3")  # same stem, same folder
    _copy(clips[2], src / "2019" / "hop 1" / "phien.wav")  # same stem, other folder
    _copy(clips[0], src / "2019" / "._phien.wav")  # macOS resource fork: hidden, skipped
    _copy(clips[0], src / ".trash" / "x.wav")
    _copy(clips[0], src / "ket-qua" / "old.wav")  # the output folder itself
    (src / "2020" / "ghi-chu.txt").write_text("không phải âm thanh")
    odd = _copy(clips[3], tmp_path / "khac" / "bang.dat")  # named explicitly: taken whatever its extension

    jobs = discover([src, odd, src / "2020" / "phien.wav"], out_dir=src / "ket-qua")

    assert [j.relative for j in jobs] == [
        "khac/bang.dat",
        "kho/2019/hop 1/phien.wav",
        "kho/2020/phien.mp3",
        "kho/2020/phien.wav",
    ]
    assert [(j.out_subdir, j.stem) for j in jobs] == [
        ("khac", "bang"),
        ("kho/2019/hop 1", "phien"),
        ("kho/2020", "phien.mp3"),
        ("kho/2020", "phien.wav"),
    ]
    assert [j.index for j in jobs] == [0, 1, 2, 3]
    assert all(j.duration and 3 < j.duration < 6 for j in jobs)
    assert [j.relative for j in discover([src / "2020"])] == ["phien.mp3", "phien.wav"]

    with pytest.raises(NotFoundError, match="không tìm thấy"):
        discover([tmp_path / "khong-co"])
    (tmp_path / "trong").mkdir()
    with pytest.raises(NotFoundError, match="no media files"):
        discover([tmp_path / "trong"])


def test_outputs_report_and_resume_by_content(
    tmp_path: Path, clips: list[Path], vivos_rows: list[dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    _copy(clips[0], src / "2019" / "phien.wav")
    _copy(clips[1], src / "2020" / "phien.wav")
    _bad_files(src / "2020")

    report = run_batch(discover([src], out), out)

    assert _statuses(report) == {
        "2019/phien.wav": "ok",
        "2020/hong.mp3": "failed",
        "2020/phien.wav": "ok",
        "2020/rong.wav": "failed",
    }
    by_name = {f.relative: f for f in report.files}
    assert by_name["2020/rong.wav"].error_type == "EmptyAudioError"
    assert by_name["2020/hong.mp3"].error_type == "NotAudioError"
    for bad in ("2020/rong.wav", "2020/hong.mp3"):
        assert str(src / bad) in (by_name[bad].error or "")  # the message says which file and why
        assert by_name[bad].exit_code == 3
    for name, row in (("2019/phien.wav", vivos_rows[0]), ("2020/phien.wav", vivos_rows[1])):
        outcome = by_name[name]
        assert outcome.sha256 == file_sha256(src / name)
        assert outcome.duration and 3 < outcome.duration < 6
        assert outcome.rtf and outcome.rtf > 0
        assert outcome.untranscribed == 0  # counted for every file transcribed now
        assert outcome.outputs == [f"{Path(name).with_suffix('')}.{fmt}" for fmt in DEFAULT_FORMATS]
        assert all((out / o).stat().st_size > 0 for o in outcome.outputs)
        text = normalize_for_scoring((out / outcome.outputs[0]).read_text(encoding="utf-8"))
        reference = normalize_for_scoring(row["reference_text"]).split()
        assert sum(w in text.split() for w in reference) >= len(reference) / 2, text
        stored = Transcript.model_validate_json((out / Path(name).with_suffix(".json")).read_bytes())
        assert stored.source is not None and stored.source.sha256 == outcome.sha256

    on_disk = json.loads((out / REPORT_NAME).read_text(encoding="utf-8"))
    assert on_disk == json.loads(report.model_dump_json())
    assert on_disk["counts"] == {"ok": 2, "skipped": 0, "failed": 2, "interrupted": 0}
    assert len(list(records_dir(out).iterdir())) == 2

    # Second run: done files are recognised by content and settings; the engine is not even loaded.
    monkeypatch.setattr(batch, "adapted_engine", _no_engine)
    again = run_batch(discover([src], out), out)
    assert [f.status for f in again.files] == ["skipped", "failed", "skipped", "failed"]
    assert again.files[0].outputs == report.files[0].outputs
    assert not list(out.rglob("*.tmp"))


def test_moved_and_duplicated_files_reuse_the_transcript(
    tmp_path: Path, clips: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    first = run_batch(discover([_copy(clips[0], tmp_path / "a" / "x.wav")], out), out, BatchOptions(formats=("txt",)))
    assert first.files[0].status == "ok"

    # The archivist reorganises: the file moves and gets a copy; srt is asked for too.
    _copy(tmp_path / "a" / "x.wav", tmp_path / "in" / "c" / "z.wav")
    (tmp_path / "in" / "b").mkdir()
    (tmp_path / "a" / "x.wav").rename(tmp_path / "in" / "b" / "y.wav")
    with monkeypatch.context() as patch:
        patch.setattr(batch, "adapted_engine", _no_engine)
        moved = run_batch(discover([tmp_path / "in"], out), out, BatchOptions(formats=("txt", "srt")))

    assert [f.status for f in moved.files] == ["skipped", "skipped"]
    assert [f.outputs for f in moved.files] == [["b/y.txt", "b/y.srt"], ["c/z.txt", "c/z.srt"]]
    assert all("x.wav" in (f.note or "") for f in moved.files)
    assert (out / "b" / "y.txt").read_bytes() == (out / "x.txt").read_bytes()
    assert (out / "c" / "z.srt").stat().st_size > 0

    # Settings that change the transcript make it new work, done once for both copies.
    hot = run_batch(
        discover([tmp_path / "in"], out), out, BatchOptions(PipelineOptions(hotwords=("kiến nghị",)), formats=("txt",))
    )
    assert [f.status for f in hot.files] == ["ok", "skipped"]


def test_interrupted_run_keeps_finished_work_and_resumes(tmp_path: Path, clips: list[Path]) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    for i in range(3):
        _copy(clips[i], src / f"{i}.wav")

    stopped = run_batch(discover([src], out), out, BatchOptions(formats=("txt", "json")), listener=_Stop(1))

    assert stopped.interrupted
    assert [f.status for f in stopped.files] == ["ok", "interrupted", "interrupted"]
    assert json.loads((out / REPORT_NAME).read_text(encoding="utf-8"))["interrupted"] is True
    assert len(list(records_dir(out).iterdir())) == 1
    assert not list(out.rglob("*.tmp"))

    resumed = run_batch(discover([src], out), out, BatchOptions(formats=("txt", "json")))
    assert not resumed.interrupted
    assert [f.status for f in resumed.files] == ["skipped", "ok", "ok"]


def _comparable(out: Path) -> dict[str, object]:
    """Every output, with the json's creation time (the only thing allowed to differ) removed."""
    files: dict[str, object] = {}
    for path in sorted(p for p in out.rglob("*") if p.is_file() and ".gobang" not in p.parts):
        if path.suffix == ".json" and path.name != REPORT_NAME:
            files[path.relative_to(out).as_posix()] = {**json.loads(path.read_text("utf-8")), "created_at": None}
        elif path.suffix in (".txt", ".srt", ".vtt"):
            files[path.relative_to(out).as_posix()] = path.read_bytes()
    return files


def test_two_workers_give_the_same_outputs_as_one(tmp_path: Path, clips: list[Path]) -> None:
    src = tmp_path / "in"
    for i in range(3):
        _copy(clips[i], src / f"phien-{i}" / "ghi-am.wav")
    _bad_files(src / "loi")
    options = BatchOptions(formats=("txt", "srt", "vtt", "json"))

    one = run_batch(discover([src]), tmp_path / "one", options)
    two = run_batch(discover([src]), tmp_path / "two", BatchOptions(formats=options.formats, workers=2))

    assert two.settings["workers"] == 2
    assert _statuses(one) == _statuses(two)
    assert [f.error_type for f in one.files] == [f.error_type for f in two.files]
    assert _comparable(tmp_path / "one") == _comparable(tmp_path / "two")
    assert sorted(os.listdir(records_dir(tmp_path / "one"))) == sorted(os.listdir(records_dir(tmp_path / "two")))


class _CrashOn:
    """Kills the worker processes (as a native crash would) whenever one file starts recognition."""

    def __init__(self, index: int) -> None:
        self.index = index
        self.kills = 0

    def progress(self, job: FileJob, stage: str, fraction: float) -> None:
        if job.index == self.index and stage == "transcribe":
            self.kills += 1
            for child in multiprocessing.active_children():
                os.kill(child.pid or 0, signal.SIGKILL)

    def finished(self, job: FileJob, outcome: FileOutcome) -> None:
        pass


def test_a_file_that_crashes_its_worker_fails_alone_and_the_rest_go_on(tmp_path: Path, clips: list[Path]) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    for i, clip in enumerate(clips[:3]):
        _copy(clip, src / f"{i}.wav")
    crash = _CrashOn(1)

    report = run_batch(discover([src], out), out, BatchOptions(formats=("txt",), workers=2), listener=crash)

    assert crash.kills >= 1
    assert [f.status for f in report.files] == ["ok", "failed", "ok"]
    culprit = report.files[1]
    assert culprit.error_type == "WorkerCrashed" and str(src / "1.wav") in (culprit.error or "")
    assert all((out / o).is_file() for f in report.files if f.status == "ok" for o in f.outputs)


def test_a_file_the_batch_did_not_write_is_not_overwritten_without_force(
    tmp_path: Path, clips: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    source = _copy(clips[0], tmp_path / "in" / "phien.wav")
    foreign = out / "phien.docx"
    foreign.parent.mkdir(parents=True)
    foreign.write_bytes(b"edited by the clerk")
    with monkeypatch.context() as patch:
        patch.setattr(batch, "adapted_engine", _no_engine)  # refused before any speech is recognised
        refused = run_batch(discover([source], out), out, BatchOptions(formats=("txt", "docx")))
    assert refused.files[0].status == "failed" and refused.files[0].error_type == "ConflictError"
    assert refused.files[0].exit_code == 6 and "--force" in (refused.files[0].error or "")
    assert foreign.read_bytes() == b"edited by the clerk" and not (out / "phien.txt").exists()

    forced = run_batch(discover([source], out), out, BatchOptions(formats=("txt", "docx"), force=True))
    assert forced.files[0].status == "ok" and foreign.read_bytes().startswith(b"PK")
    # what the batch wrote itself is its own: rendered again (a new format asked) without --force
    (out / "phien.txt").unlink()
    again = run_batch(discover([source], out), out, BatchOptions(formats=("txt", "docx")))
    assert again.files[0].status == "skipped" and (out / "phien.txt").is_file()
