"""The whole fine-tuning path on CPU, smoke-sized: the shipped CTranslate2 whisper -> transformers ->
two LoRA steps on real Central clips -> CTranslate2 -> registered and transcribing through our engine."""

from __future__ import annotations

from pathlib import Path

import jiwer
import numpy as np
import pytest
from typer.testing import CliRunner

from asr.engine import DecodeOptions
from asr.factory import create_engine
from asr.transcriber import Transcriber
from cli.main import app
from core.errors import ModelError
from core.manifest import read_manifest, write_manifest
from core.text import normalize_for_scoring
from dialect_adapt.whisper_convert import ct2_to_state_dict, read_ct2
from models import resolve
from models.registry import register_local


def test_ct2_weights_map_onto_every_transformers_parameter() -> None:
    variables = read_ct2(resolve("whisper-base").path / "model.bin")
    state, sizes = ct2_to_state_dict(variables)
    assert sizes["encoder_layers"] == sizes["decoder_layers"] == 6 and sizes["d_model"] == 512
    assert state["model.encoder.layers.0.self_attn.k_proj.weight"].shape == (512, 512)
    assert "model.encoder.layers.0.self_attn.k_proj.bias" not in state  # Whisper keys have no bias
    fused = variables["decoder/layer_5/attention/linear_1/weight"].astype(np.float32)
    assert np.array_equal(state["model.decoder.layers.5.encoder_attn.v_proj.weight"], fused[512:])


def test_lora_finetune_converts_back_registers_and_transcribes(evaldata: Path, tmp_path: Path) -> None:
    central = [r for r in read_manifest(evaldata / "cv9_vi_dev" / "MANIFEST.tsv") if r.region == "Central"][:2]
    write_manifest(tmp_path / "MANIFEST.tsv", central)
    args = ["adapt", "finetune", "-m", str(tmp_path / "MANIFEST.tsv"), "-n", "whisper-smoke"]
    result = CliRunner().invoke(app, [*args, "--steps", "2", "--batch-size", "1"])
    assert result.exit_code == 0, result.output
    assert "bước 2/2" in result.output
    model = resolve("whisper-smoke", engine="whisper")
    assert (model.path / "model.bin").exists() and model.checksum
    engine = create_engine("whisper", model="whisper-smoke")
    text = Transcriber(engine).transcribe(central[0].audio_path, DecodeOptions()).text
    reference = normalize_for_scoring(central[0].reference_text)
    assert jiwer.wer(reference, normalize_for_scoring(text)) < 0.5
    with pytest.raises(ModelError, match="reserved"):
        register_local("whisper-base", "whisper", model.path)
