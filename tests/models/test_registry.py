from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import ModelError
from models import list_models, resolve, verify
from models.registry import SPECS


def test_bundled_models_are_built_from_packages_with_verified_checksums(tmp_path: Path) -> None:
    whisper = resolve("whisper-base", cache_root=tmp_path)
    assert {"model.bin", "config.json", "tokenizer.json", "vocabulary.json"} <= {p.name for p in whisper.path.iterdir()}
    assert (whisper.path / "model.bin").stat().st_size == 94_371_840 + 50_845_767
    ctc = resolve("vietasr-ctc", engine="vietasr", cache_root=tmp_path)
    assert (ctc.path / "model.onnx").stat().st_size > 60_000_000
    assert "<blank> 0" in (ctc.path / "tokens.txt").read_text(encoding="utf-8")
    assert verify("vietasr-ctc", cache_root=tmp_path) == (True, str(ctc.path))


def test_every_spec_names_licence_and_packages() -> None:
    for spec in list_models():
        assert spec.licence and spec.packages and len(spec.sha256) == 64


def test_a_damaged_cache_is_detected_and_rebuilt(tmp_path: Path) -> None:
    resolved = resolve("vietasr-ctc", cache_root=tmp_path)
    model = resolved.path / "model.onnx"
    with model.open("r+b") as f:
        f.seek(1000)
        f.write(b"\x00" * 16)
    ok, detail = verify("vietasr-ctc", cache_root=tmp_path)
    assert not ok and "checksum" in detail
    (resolved.path / ".sha256").write_text("stale")
    rebuilt = resolve("vietasr-ctc", cache_root=tmp_path)
    assert verify("vietasr-ctc", cache_root=tmp_path)[0]
    assert rebuilt.checksum == SPECS["vietasr-ctc"].sha256


def test_a_model_directory_can_be_configured_instead_of_a_name(tmp_path: Path) -> None:
    custom = tmp_path / "phowhisper-ct2"
    custom.mkdir()
    resolved = resolve(str(custom), engine="whisper")
    assert resolved.path == custom and resolved.checksum is None


def test_unknown_names_and_wrong_engines_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="whisper-base"):
        resolve("whisper-huge", cache_root=tmp_path)
    with pytest.raises(ModelError, match="vietasr"):
        resolve("vietasr-ctc", engine="whisper", cache_root=tmp_path)
