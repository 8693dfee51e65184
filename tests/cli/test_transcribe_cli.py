"""The `gobang` command on real clips: in-process with CliRunner, and the installed entry point under Ctrl-C."""

from __future__ import annotations

import json
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from core.export import DEFAULT_FORMATS
from core.settings import get_settings
from core.text import normalize_for_scoring
from workers.batch import REPORT_NAME, records_dir

GOBANG = Path(sys.executable).with_name("gobang")
runner = CliRunner()


def _copy(src: str | Path, dst: Path) -> Path:
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)
    return dst


def _report(out: Path) -> dict:
    return json.loads((out / REPORT_NAME).read_text(encoding="utf-8"))


def test_help_lists_the_commands_in_vietnamese() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "transcribe" in result.output and "models" in result.output
    assert "Gỡ băng" in result.output and "văn bản" in result.output

    models = runner.invoke(app, ["models", "--help"])
    assert models.exit_code == 0
    assert "list" in models.output and "verify" in models.output


def test_transcribe_writes_every_format_reports_failures_then_skips_and_forces(
    tmp_path: Path, vivos_rows: list[dict[str, str]]
) -> None:
    src, out = tmp_path / "luu-tru", tmp_path / "ket-qua"
    _copy(vivos_rows[0]["audio_path"], src / "2019" / "phien-hop.wav")
    _copy(vivos_rows[1]["audio_path"], src / "2020" / "phien-hop.wav")
    (src / "2020" / "rong.wav").write_bytes(b"")
    (src / "2020" / "hong.mp3").write_bytes(random.Random(3).randbytes(20_000))

    result = runner.invoke(app, ["transcribe", str(src), "--out", str(out), "--engine", "vietasr"])

    assert result.exit_code == 3, result.output  # both failures are bad audio (exit code 3)
    assert "Traceback" not in result.output
    assert "rong.wav" in result.output and "tệp rỗng" in result.output  # which file, and why
    assert str(out / REPORT_NAME) in result.output.replace("\n", "")
    report = _report(out)
    assert {f["relative"]: f["status"] for f in report["files"]} == {
        "2019/phien-hop.wav": "ok",
        "2020/hong.mp3": "failed",
        "2020/phien-hop.wav": "ok",
        "2020/rong.wav": "failed",
    }
    for folder, row in (("2019", vivos_rows[0]), ("2020", vivos_rows[1])):
        for fmt in DEFAULT_FORMATS:
            assert (out / folder / f"phien-hop.{fmt}").stat().st_size > 0
        text = normalize_for_scoring((out / folder / "phien-hop.txt").read_text(encoding="utf-8"))
        reference = normalize_for_scoring(row["reference_text"]).split()
        assert sum(w in text.split() for w in reference) >= len(reference) / 2, text

    # Without the bad files the batch succeeds; everything is already done.
    (src / "2020" / "rong.wav").unlink()
    (src / "2020" / "hong.mp3").unlink()
    again = runner.invoke(app, ["transcribe", str(src), "--out", str(out)])
    assert again.exit_code == 0, again.output
    assert [f["status"] for f in _report(out)["files"]] == ["skipped", "skipped"]

    glossary = tmp_path / "thuat-ngu.txt"
    glossary.write_text("# tên riêng\nHội đồng nhân dân\n\n", encoding="utf-8")
    args = ["--force", "-f", "txt", "--glossary", str(glossary), "--hotwords", "kiến nghị, ủng hộ"]
    forced = runner.invoke(app, ["transcribe", str(src / "2019"), "--out", str(out / "2019"), *args])
    assert forced.exit_code == 0, forced.output
    report = _report(out / "2019")
    assert [f["status"] for f in report["files"]] == ["ok"]
    assert report["settings"]["glossary"] == ["Hội đồng nhân dân"]
    assert report["settings"]["hotwords"] == ["kiến nghị", "ủng hộ"]


def test_bad_arguments_get_one_line_and_an_exit_code(tmp_path: Path, vivos_rows: list[dict[str, str]]) -> None:
    clip = vivos_rows[0]["audio_path"]
    missing = runner.invoke(app, ["transcribe", str(tmp_path / "khong-co.wav"), "--out", str(tmp_path / "o")])
    assert missing.exit_code == 5
    assert "không tìm thấy" in missing.output and "Traceback" not in missing.output
    assert len(missing.output.strip().splitlines()) == 1, missing.output  # one line, however long the path

    bad_format = runner.invoke(app, ["transcribe", clip, "--out", str(tmp_path / "o"), "--format", "txt,pdf"])
    assert bad_format.exit_code == 2 and "pdf" in bad_format.output

    bad_engine = runner.invoke(app, ["transcribe", clip, "--out", str(tmp_path / "o"), "--engine", "kaldi"])
    assert bad_engine.exit_code == 2 and "kaldi" in bad_engine.output

    bad_model = runner.invoke(app, ["transcribe", clip, "--out", str(tmp_path / "o"), "--model", "khong-co"])
    assert bad_model.exit_code == 4 and "khong-co" in bad_model.output


def test_models_list_and_verify(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOBANG_HOME", str(tmp_path / "home"))  # a cache of its own, to damage
    get_settings.cache_clear()

    listed = runner.invoke(app, ["models", "list"])
    assert listed.exit_code == 0
    assert "vietasr-ctc" in listed.output and "whisper-base" in listed.output and "Apache-2.0" in listed.output
    text = " ".join(listed.output.split())
    assert "chưa kiểm chứng" in text and "Zalo" in text and "3D-Speaker" in text and "Bị từ chối" not in text

    monkeypatch.setenv("GOBANG_ASR__VERIFIED_MODELS_ONLY", "true")
    get_settings.cache_clear()
    strict = runner.invoke(app, ["models", "list"])
    assert strict.exit_code == 0 and "vietasr-ctc" in strict.output
    assert "Bị từ chối: chỉ cho phép mô hình đã kiểm chứng" in " ".join(strict.output.split())
    refused = runner.invoke(app, ["transcribe", "x.wav", "--out", str(tmp_path / "o"), "--engine", "vietasr"])
    assert refused.exit_code == 4 and "Mô hình không được phép" in " ".join(refused.output.split())
    monkeypatch.setenv("GOBANG_ASR__ENGINE", "vietasr")  # contradicts the setting above: refused at start, one line
    get_settings.cache_clear()
    contradictory = runner.invoke(app, ["models", "list"])
    assert contradictory.exit_code == 10 and "GOBANG_ASR__ENGINE=whisper" in " ".join(contradictory.output.split())
    monkeypatch.delenv("GOBANG_ASR__ENGINE")
    monkeypatch.delenv("GOBANG_ASR__VERIFIED_MODELS_ONLY")
    get_settings.cache_clear()

    verified = runner.invoke(app, ["models", "verify", "vietasr-ctc"])
    assert verified.exit_code == 0, verified.output
    assert "đúng" in verified.output

    with (tmp_path / "home" / "models" / "vietasr-ctc" / "model.onnx").open("ab") as f:
        f.write(b"\0")
    damaged = runner.invoke(app, ["models", "verify", "vietasr-ctc"])
    assert damaged.exit_code == 4 and "sai" in damaged.output

    unknown = runner.invoke(app, ["models", "verify", "khong-co"])
    assert unknown.exit_code == 5 and "khong-co" in unknown.output


def test_ctrl_c_stops_cleanly_and_the_next_run_finishes_only_the_rest(
    tmp_path: Path, vivos_rows: list[dict[str, str]]
) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    for i, row in enumerate(vivos_rows[:3]):
        _copy(row["audio_path"], src / f"phien-{i}" / "bang-ghi.wav")
    command = [str(GOBANG), "transcribe", str(src), "--out", str(out), "-f", "txt,json"]

    process = subprocess.Popen(
        [*command, "--workers", "2"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    deadline = time.monotonic() + 90
    while not (records_dir(out).is_dir() and any(records_dir(out).iterdir())):
        assert process.poll() is None and time.monotonic() < deadline, "no file finished"
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=60)

    assert process.returncode == 130, output
    assert "Traceback" not in output
    first = _report(out)
    assert first["interrupted"] is True
    statuses = {f["relative"]: f["status"] for f in first["files"]}
    assert set(statuses.values()) <= {"ok", "interrupted"} and "interrupted" in statuses.values()
    assert not list(out.rglob("*.tmp"))

    rerun = subprocess.run([*command, "--workers", "1"], capture_output=True, text=True, timeout=120)

    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    second = {f["relative"]: f["status"] for f in _report(out)["files"]}
    assert set(second) == set(statuses)
    for name, status in statuses.items():  # nothing finished before Ctrl-C is recognised again
        assert second[name] == "skipped" if status == "ok" else second[name] in ("ok", "skipped")
    assert "ok" in second.values()
    assert len(list(records_dir(out).iterdir())) == 3
    assert all((out / name).with_suffix(".txt").stat().st_size > 0 for name in second)
