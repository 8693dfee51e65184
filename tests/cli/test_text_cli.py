"""`gobang text format`: spoken form on stdin, written form on stdout, one line each, as the pipeline writes it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from asr.written import TextFormatter
from cli.main import app
from core.settings import get_settings
from core.transcript import Transcript
from workers.batch import REPORT_NAME

runner = CliRunner()

LINES = [
    "tăng mười hai phẩy năm phần trăm so với năm hai nghìn không trăm hai mươi tư",
    "",
    "nghị quyết số một nghìn ba trăm bốn mươi ba trên en quy gạch u bê tê vê quy hát mười lăm đã được thông qua",
    "đồng chí có ý kiến gì không",
]


def test_one_written_line_for_each_spoken_line_as_the_pipeline_writes_it() -> None:
    result = runner.invoke(app, ["text", "format"], input="\n".join(LINES) + "\n")
    assert result.exit_code == 0, result.output
    out = result.stdout.splitlines()
    assert len(out) == len(LINES) and out[1] == ""
    assert out[0] == "Tăng 12,5% so với năm 2024."
    assert "1343/NQ-UBTVQH15" in out[2] and out[3].endswith("?")
    pipeline = TextFormatter.load(get_settings().model_cache)
    assert out == [pipeline.format(line) for line in LINES]


def test_parts_switch_off(tmp_path: Path) -> None:
    said = "tăng mười hai phẩy năm phần trăm\n"
    no_itn = runner.invoke(app, ["text", "format", "--no-itn"], input=said)
    no_punct = runner.invoke(app, ["text", "format", "--no-punct"], input=said)
    assert no_itn.stdout == "Tăng mười hai phẩy năm phần trăm.\n"
    assert no_punct.stdout == "tăng 12,5%\n"
    glossary = tmp_path / "thuat-ngu.txt"
    glossary.write_text("Nguyễn Văn An\n", encoding="utf-8")
    named = runner.invoke(app, ["text", "format", "--glossary", str(glossary)], input="mời anh nguyễn văn an\n")
    assert "Nguyễn Văn An" in named.stdout


def test_help_is_vietnamese_first() -> None:
    result = runner.invoke(app, ["text", "format", "--help"])
    assert result.exit_code == 0 and "Đọc dạng nói từ stdin" in result.stdout


def test_transcribe_switches_the_written_form_per_run(tmp_path: Path, vivos_rows: list[dict[str, str]]) -> None:
    """Written form by default (words stay spoken); `--no-written-form` gives today's readable text, and the
    switch is part of what makes a file "already done"."""
    clip = tmp_path / "in" / "phien-hop.wav"
    clip.parent.mkdir()
    shutil.copyfile(vivos_rows[0]["audio_path"], clip)
    runs = {}
    for flag in ("--written-form", "--no-written-form"):
        out = tmp_path / flag.strip("-")
        result = runner.invoke(app, ["transcribe", str(clip.parent), "--out", str(out), "-f", "json", flag])
        assert result.exit_code == 0, result.output
        runs[flag] = Transcript.model_validate_json((out / "phien-hop.json").read_text(encoding="utf-8"))
    written, readable = runs["--written-form"], runs["--no-written-form"]
    assert all(w.text == w.text.lower() for w in written.words)  # the engine's spoken words, untouched
    assert readable.words[0].text[0].isupper()  # the readable stage capitalises the words themselves
    assert written.segments[0].text[0].isupper() and written.segments[-1].text[-1] in ".?:"
    out = tmp_path / "no-written-form"
    again = runner.invoke(app, ["transcribe", str(clip.parent), "--out", str(out), "-f", "json"])  # now written
    report = json.loads((out / REPORT_NAME).read_text(encoding="utf-8"))
    assert again.exit_code == 0 and [f["status"] for f in report["files"]] == ["ok"]
