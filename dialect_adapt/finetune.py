"""Acoustic fine-tuning of the whisper engine on a manifest (audio, text, region), LoRA or full.

CTranslate2 model -> transformers checkpoint (`whisper_convert`) -> a few epochs with peft's LoRA on
the attention projections (or all weights) -> adapters merged -> CTranslate2 again, registered in
the model cache under a name the whisper engine resolves (`GOBANG_ASR__WHISPER_MODEL=<name>`).
The decoder is taught the same prompt faster-whisper gives it (<|vi|><|transcribe|><|notimestamps|>);
the loss covers the text and the end token, not the prompt.
"""

from __future__ import annotations

import logging
import random
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.audio import load_audio
from core.errors import InvalidInputError
from core.manifest import ManifestRow
from core.text import nfc

logger = logging.getLogger(__name__)

PROMPT = ("<|startoftranscript|>", "<|vi|>", "<|transcribe|>", "<|notimestamps|>")
MAX_AUDIO_S = 30.0

TrainingProgress = Callable[[int, int, float], None]
"""Called with (step, steps, loss) after each optimisation step."""


@dataclass(frozen=True)
class FineTuneSettings:
    steps: int = 200
    batch_size: int = 8
    learning_rate: float = 1e-3
    """1e-3 suits LoRA; use ~1e-5 for full fine-tuning."""
    lora_rank: int = 16
    """0 fine-tunes every weight instead of LoRA adapters."""
    lora_alpha: int = 32
    target_modules: tuple[str, ...] = field(default=("q_proj", "v_proj"))
    seed: int = 0


def _batches(rows: Sequence[ManifestRow], settings: FineTuneSettings) -> list[list[ManifestRow]]:
    order = list(rows)
    random.Random(settings.seed).shuffle(order)
    needed = settings.steps * settings.batch_size
    cycled = (order * (needed // len(order) + 1))[:needed]
    return [cycled[i : i + settings.batch_size] for i in range(0, needed, settings.batch_size)]


def finetune(
    hf_dir: Path,
    rows: Sequence[ManifestRow],
    out_dir: Path,
    settings: FineTuneSettings = FineTuneSettings(),
    *,
    device: str = "cpu",
    progress: TrainingProgress | None = None,
) -> Path:
    """Trains on `rows` and writes a merged transformers checkpoint to `out_dir`."""
    import torch
    from transformers import PreTrainedTokenizerFast, WhisperFeatureExtractor, WhisperForConditionalGeneration

    usable = [r for r in rows if r.reference_text.strip() and r.duration_s <= MAX_AUDIO_S]
    if not usable:
        raise InvalidInputError("manifest không có đoạn nào dùng được (no clips with text under 30 s)")
    torch.manual_seed(settings.seed)
    tokenizer = PreTrainedTokenizerFast.from_pretrained(hf_dir)
    model: Any = WhisperForConditionalGeneration.from_pretrained(hf_dir)
    model = model.to(device)
    features = WhisperFeatureExtractor(feature_size=model.config.num_mel_bins)
    if settings.lora_rank > 0:
        from peft import LoraConfig, get_peft_model

        lora = LoraConfig(
            r=settings.lora_rank,
            lora_alpha=settings.lora_alpha,
            target_modules=list(settings.target_modules),
            lora_dropout=0.0,
        )
        model = get_peft_model(model, lora)
    prompt = tokenizer.convert_tokens_to_ids(list(PROMPT))
    eot = tokenizer.convert_tokens_to_ids("<|endoftext|>")
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=settings.learning_rate)
    model.train()
    batches = _batches(usable, settings)
    for step, batch in enumerate(batches, start=1):
        audio = [load_audio(r.audio_path) for r in batch]
        inputs = features(audio, sampling_rate=16000, return_tensors="pt").input_features.to(device)
        sequences = [prompt + tokenizer.encode(" " + nfc(r.reference_text.strip())) + [eot] for r in batch]
        width = max(len(s) for s in sequences) - 1
        decoder_inputs = torch.full((len(batch), width), eot, dtype=torch.long)
        labels = torch.full((len(batch), width), -100, dtype=torch.long)
        for i, seq in enumerate(sequences):
            decoder_inputs[i, : len(seq) - 1] = torch.tensor(seq[:-1])
            labels[i, len(prompt) - 1 : len(seq) - 1] = torch.tensor(seq[len(prompt) :])
        loss = model(input_features=inputs, decoder_input_ids=decoder_inputs.to(device), labels=labels.to(device)).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        logger.info("finetune step=%d/%d loss=%.4f", step, len(batches), loss.item())
        if progress is not None:
            progress(step, len(batches), float(loss.item()))
    if settings.lora_rank > 0:
        model = model.merge_and_unload()
    model.to("cpu").save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
    return out_dir


def finetune_ct2(
    ct2_dir: Path,
    rows: Sequence[ManifestRow],
    name: str,
    settings: FineTuneSettings = FineTuneSettings(),
    *,
    device: str = "cpu",
    progress: TrainingProgress | None = None,
) -> Path:
    """The whole path for a CTranslate2 model: convert, fine-tune, convert back, register as `name`."""
    from dialect_adapt.whisper_convert import ct2_to_transformers, transformers_to_ct2
    from models.registry import register_local

    with tempfile.TemporaryDirectory(prefix="gobang-finetune-") as work:
        base, tuned, converted = Path(work) / "base", Path(work) / "tuned", Path(work) / "ct2"
        ct2_to_transformers(ct2_dir, base)
        finetune(base, rows, tuned, settings, device=device, progress=progress)
        transformers_to_ct2(tuned, converted)
        return register_local(name, "whisper", converted, description=f"fine-tuned from {ct2_dir.name}").path
