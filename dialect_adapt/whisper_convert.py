"""CTranslate2 Whisper <-> transformers checkpoint, so the shipped model can be fine-tuned and shipped back.

CTranslate2 has no export, but its `model.bin` is a plain list of named arrays (the format its
`ModelSpec._serialize` writes); the Whisper spec's names map one to one onto transformers'
`WhisperForConditionalGeneration`, except that self-attention q/k/v (and cross-attention k/v) are
fused and the key has no bias. The way back is CTranslate2's own `TransformersConverter`.
"""

from __future__ import annotations

import json
import re
import shutil
import struct
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from core.errors import ModelError

_DTYPES = ("float32", "int8", "int16", "int32", "float16", "bfloat16")


def read_ct2(path: Path) -> dict[str, np.ndarray]:
    """Every variable of a CTranslate2 `model.bin` (aliases resolved), as numpy arrays."""

    def string(f: BinaryIO) -> str:
        (length,) = struct.unpack("<H", f.read(2))
        return f.read(length)[:-1].decode("utf-8")

    variables: dict[str, np.ndarray] = {}
    try:
        with path.open("rb") as f:
            (version,) = struct.unpack("<I", f.read(4))
            if version < 5:
                raise ModelError(f"định dạng CTranslate2 quá cũ (model.bin version {version})", path=path)
            string(f)
            f.read(4)  # spec revision
            (count,) = struct.unpack("<I", f.read(4))
            for _ in range(count):
                name = string(f)
                (rank,) = struct.unpack("<B", f.read(1))
                shape = struct.unpack(f"<{rank}I", f.read(4 * rank))
                (dtype,) = struct.unpack("<B", f.read(1))
                (size,) = struct.unpack("<I", f.read(4))
                if dtype == 5:
                    raw = np.frombuffer(f.read(size), dtype=np.uint16).astype(np.uint32) << 16
                    variables[name] = raw.view(np.float32).reshape(shape)
                else:
                    variables[name] = np.frombuffer(f.read(size), dtype=_DTYPES[dtype]).reshape(shape)
            (aliases,) = struct.unpack("<I", f.read(4))
            for _ in range(aliases):
                alias = string(f)
                variables[alias] = variables[string(f)]
    except (OSError, struct.error, IndexError, ValueError) as exc:
        raise ModelError(f"không đọc được mô hình CTranslate2 (unreadable model.bin): {exc}", path=path) from exc
    return variables


def _linear(out: dict[str, np.ndarray], prefix: str, weight: np.ndarray, bias: np.ndarray | None) -> None:
    out[f"{prefix}.weight"] = weight
    if bias is not None:
        out[f"{prefix}.bias"] = bias


def _copy(out: dict[str, np.ndarray], prefix: str, v: dict[str, np.ndarray], source: str) -> None:
    """A layer whose weight and bias are stored unfused under `source`."""
    _linear(out, prefix, v[f"{source}/weight"], v[f"{source}/bias"])


def _norm(out: dict[str, np.ndarray], prefix: str, v: dict[str, np.ndarray], source: str) -> None:
    out[f"{prefix}.weight"] = v[f"{source}/gamma"]
    out[f"{prefix}.bias"] = v[f"{source}/beta"]


def _layer(out: dict[str, np.ndarray], v: dict[str, np.ndarray], src: str, dst: str, *, cross: bool) -> None:
    qkv_w, qkv_b = v[f"{src}/self_attention/linear_0/weight"], v[f"{src}/self_attention/linear_0/bias"]
    q_w, k_w, v_w = np.split(qkv_w, 3)
    q_b, _, v_b = np.split(qkv_b, 3)
    _linear(out, f"{dst}.self_attn.q_proj", q_w, q_b)
    _linear(out, f"{dst}.self_attn.k_proj", k_w, None)
    _linear(out, f"{dst}.self_attn.v_proj", v_w, v_b)
    _copy(out, f"{dst}.self_attn.out_proj", v, f"{src}/self_attention/linear_1")
    _norm(out, f"{dst}.self_attn_layer_norm", v, f"{src}/self_attention/layer_norm")
    if cross:
        _copy(out, f"{dst}.encoder_attn.q_proj", v, f"{src}/attention/linear_0")
        k_w, v_w = np.split(v[f"{src}/attention/linear_1/weight"], 2)
        _, v_b = np.split(v[f"{src}/attention/linear_1/bias"], 2)
        _linear(out, f"{dst}.encoder_attn.k_proj", k_w, None)
        _linear(out, f"{dst}.encoder_attn.v_proj", v_w, v_b)
        _copy(out, f"{dst}.encoder_attn.out_proj", v, f"{src}/attention/linear_2")
        _norm(out, f"{dst}.encoder_attn_layer_norm", v, f"{src}/attention/layer_norm")
    _copy(out, f"{dst}.fc1", v, f"{src}/ffn/linear_0")
    _copy(out, f"{dst}.fc2", v, f"{src}/ffn/linear_1")
    _norm(out, f"{dst}.final_layer_norm", v, f"{src}/ffn/layer_norm")


def ct2_to_state_dict(v: dict[str, np.ndarray]) -> tuple[dict[str, np.ndarray], dict[str, int]]:
    """transformers state dict (float32) and the sizes its `WhisperConfig` needs."""
    out: dict[str, np.ndarray] = {}
    layers: dict[str, int] = {}
    for part in ("encoder", "decoder"):
        numbered = (re.match(rf"{part}/layer_(\d+)/", k) for k in v)
        layers[part] = 1 + max(int(m.group(1)) for m in numbered if m is not None)
        for i in range(layers[part]):
            _layer(out, v, f"{part}/layer_{i}", f"model.{part}.layers.{i}", cross=part == "decoder")
        _norm(out, f"model.{part}.layer_norm", v, f"{part}/layer_norm")
        out[f"model.{part}.embed_positions.weight"] = v[f"{part}/position_encodings/encodings"]
    for conv in ("conv1", "conv2"):
        _copy(out, f"model.encoder.{conv}", v, f"encoder/{conv}")
    embeddings = v["decoder/embeddings/weight"]
    out["model.decoder.embed_tokens.weight"] = embeddings
    sizes = {
        "vocab_size": int(embeddings.shape[0]),
        "d_model": int(embeddings.shape[1]),
        "encoder_layers": layers["encoder"],
        "decoder_layers": layers["decoder"],
        "encoder_attention_heads": int(v["encoder/num_heads"]),
        "decoder_attention_heads": int(v["decoder/num_heads"]),
        "encoder_ffn_dim": int(v["encoder/layer_0/ffn/linear_0/weight"].shape[0]),
        "decoder_ffn_dim": int(v["decoder/layer_0/ffn/linear_0/weight"].shape[0]),
        "num_mel_bins": int(v["encoder/conv1/weight"].shape[1]),
        "max_source_positions": int(v["encoder/position_encodings/encodings"].shape[0]),
        "max_target_positions": int(v["decoder/position_encodings/encodings"].shape[0]),
    }
    return {k: a.astype(np.float32) for k, a in out.items()}, sizes


def ct2_to_transformers(ct2_dir: Path, out_dir: Path) -> Any:
    """A transformers Whisper checkpoint (model, tokenizer, generation config) from a CTranslate2 directory."""
    import torch
    from transformers import GenerationConfig, PreTrainedTokenizerFast, WhisperConfig, WhisperForConditionalGeneration

    state, sizes = ct2_to_state_dict(read_ct2(ct2_dir / "model.bin"))
    ct2_config = json.loads((ct2_dir / "config.json").read_text(encoding="utf-8"))
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_file=str(ct2_dir / "tokenizer.json"),
        bos_token="<|endoftext|>",
        eos_token="<|endoftext|>",
        unk_token="<|endoftext|>",
        pad_token="<|endoftext|>",
    )
    start = int(tokenizer.convert_tokens_to_ids("<|startoftranscript|>"))  # type: ignore[arg-type]
    eot = int(tokenizer.convert_tokens_to_ids("<|endoftext|>"))  # type: ignore[arg-type]
    dimensions: dict[str, Any] = dict(sizes)
    config = WhisperConfig(
        **dimensions,
        decoder_start_token_id=start,
        bos_token_id=eot,
        eos_token_id=eot,
        pad_token_id=eot,
        suppress_tokens=ct2_config.get("suppress_ids", []),
        begin_suppress_tokens=ct2_config.get("suppress_ids_begin", []),
        tie_word_embeddings=True,
    )
    model = WhisperForConditionalGeneration(config)
    missing, unexpected = model.load_state_dict({k: torch.from_numpy(a) for k, a in state.items()}, strict=False)
    missing = [k for k in missing if k != "proj_out.weight"]
    if missing or unexpected:
        raise ModelError(
            f"ánh xạ trọng số không khớp (weights do not map): missing={missing[:3]} unexpected={unexpected[:3]}"
        )
    model.tie_weights()
    lang_tokens = tokenizer.convert_ids_to_tokens(ct2_config.get("lang_ids", []))
    generation = GenerationConfig(
        decoder_start_token_id=start,
        eos_token_id=eot,
        pad_token_id=eot,
        suppress_tokens=ct2_config.get("suppress_ids", []),
        begin_suppress_tokens=ct2_config.get("suppress_ids_begin", []),
        alignment_heads=ct2_config.get("alignment_heads", []),
        lang_to_id={t: int(i) for t, i in zip(lang_tokens, ct2_config.get("lang_ids", []), strict=True)},
        is_multilingual=True,
    )
    model.generation_config = generation
    out_dir.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
    return model


def transformers_to_ct2(hf_dir: Path, out_dir: Path, *, quantization: str = "float16") -> Path:
    """Back to CTranslate2 with its own converter; `tokenizer.json` is copied for faster-whisper."""
    from ctranslate2.converters import TransformersConverter

    TransformersConverter(str(hf_dir), copy_files=["tokenizer.json"]).convert(
        str(out_dir), quantization=quantization, force=True
    )
    if not (out_dir / "tokenizer.json").exists():
        shutil.copy(hf_dir / "tokenizer.json", out_dir / "tokenizer.json")
    return out_dir
