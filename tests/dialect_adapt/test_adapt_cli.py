from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from cli.main import app
from core.manifest import ManifestRow, write_manifest
from core.settings import get_settings
from dialect_adapt.accent import AccentClassifier
from dialect_adapt.lm import NgramLM


def test_help_is_vietnamese_and_lists_every_step() -> None:
    result = CliRunner().invoke(app, ["adapt", "--help"])
    assert result.exit_code == 0
    for command in ("folds", "accent-train", "lm-train", "lm-build", "eval", "export-corrections"):
        assert command in result.output
    assert "giọng vùng miền" in result.output


def test_folds_and_accent_train_on_a_manifest(cv_slice: list[ManifestRow], feature_root: Path, tmp_path: Path) -> None:
    manifest = tmp_path / "MANIFEST.tsv"
    write_manifest(manifest, cv_slice)
    result = CliRunner().invoke(app, ["adapt", "folds", "-m", str(manifest), "-k", "2"])
    assert result.exit_code == 0 and "North" in result.output and "South" in result.output
    too_many = CliRunner().invoke(app, ["adapt", "folds", "-m", str(manifest), "-k", "9"])
    assert too_many.exit_code != 0 and "9 phần" in too_many.output
    assert get_settings().home / "adapt" / "features" == feature_root  # features are not recomputed
    result = CliRunner().invoke(
        app, ["adapt", "accent-train", "-m", str(manifest), "-k", "2", "-o", str(tmp_path / "a.npz")]
    )
    assert result.exit_code == 0, result.output
    assert "North" in result.output and "tất cả" in result.output
    assert AccentClassifier.load(tmp_path / "a.npz").classes == ["North", "South"]


def test_lm_train_from_text_glossary_and_manifest(cv_slice: list[ManifestRow], tmp_path: Path) -> None:
    (tmp_path / "corrected.txt").write_text("Kỳ họp thứ năm Hội đồng nhân dân tỉnh\n", encoding="utf-8")
    (tmp_path / "glossary.txt").write_text("# tên đại biểu\nNguyễn Thị Mỹ Linh\n", encoding="utf-8")
    manifest = tmp_path / "MANIFEST.tsv"
    write_manifest(manifest, cv_slice[:2])
    out = tmp_path / "lm.json.gz"
    result = CliRunner().invoke(
        app,
        [
            *("adapt", "lm-train", "-t", str(tmp_path / "corrected.txt"), "--glossary", str(tmp_path / "glossary.txt")),
            *("-m", str(manifest), "--order", "2", "-o", str(out)),
        ],
    )
    assert result.exit_code == 0, result.output
    lm = NgramLM.load(out)
    assert lm.order == 2 and {"linh", "kỳ", "họp"} <= lm.vocabulary and "#" not in lm.vocabulary
    bad = CliRunner().invoke(app, ["adapt", "lm-train", "-t", str(tmp_path / "nope.txt"), "-o", str(out)])
    assert bad.exit_code != 0 and "nope.txt" in bad.output
