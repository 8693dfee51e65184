"""Where inference runs: CUDA with float16 and batching when a GPU is visible, int8 on the CPU otherwise."""

from __future__ import annotations

import os
from dataclasses import dataclass

import ctranslate2
import onnxruntime as ort

from core.settings import AsrSettings


@dataclass(frozen=True)
class DeviceChoice:
    device: str
    """"cuda" or "cpu"."""
    compute_type: str
    """CTranslate2 compute type."""
    batch_size: int
    """Chunks decoded together."""
    cpu_threads: int
    """Intra-op threads on the CPU (0 on CUDA: the library decides)."""


def onnx_cpu_options(threads: int = 0) -> ort.SessionOptions:
    """ONNX Runtime options for CPU inference: `threads` intra-op threads (0: one per core), one inter-op thread,
    and no spin-waiting for work between operators. Spinning threads cost vietasr 70% more CPU for the same
    result (a login's recognition: 0.90 s against 0.53 s, benchmarks/voice_login_timing.py), CPU that the
    other requests and jobs of a small server need."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return options


def cuda_available() -> bool:
    try:
        return ctranslate2.get_cuda_device_count() > 0
    except RuntimeError:  # CTranslate2 built without CUDA, or a broken driver
        return False


def choose_device(settings: AsrSettings) -> DeviceChoice:
    """Apply `auto` rules to the configured device, compute type, batch size and threads."""
    device = settings.device
    if device == "auto":
        device = "cuda" if cuda_available() else "cpu"
    compute_type = settings.compute_type
    if compute_type == "auto":
        compute_type = "float16" if device == "cuda" else "int8"
    batch_size = settings.batch_size or (16 if device == "cuda" else 4)
    cpu_threads = settings.cpu_threads or (os.cpu_count() or 1)
    return DeviceChoice(device=device, compute_type=compute_type, batch_size=batch_size, cpu_threads=cpu_threads)
