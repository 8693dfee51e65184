"""The vietasr conformer rewritten once, when it is materialised, into a graph that costs less CPU per step.

As shipped (a TFLite conversion), every streaming step dequantizes the int8 weights of its 38 float
convolutions again and spells each of its 73 layer norms as ten operators (mean and variance by
GlobalAveragePool). Float weights let ONNX Runtime pack the convolutions for its blocked kernels, and one
LayerNormalization replaces the ten: a login's recognition takes 15-21% less CPU (docs/ARCHITECTURE.md,
*Login CPU, fifth round*). The result is not bit-exact (other kernels, other summation order), so the rewritten
file is accepted by what it computes on fixed inputs against the shipped one (`check_rewrite`), never by bytes.
`onnx` is needed here, at materialisation only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from core.errors import ModelError


def rewrite(source: bytes, dest: Path) -> None:
    """Write the shipped conformer (`source`, ONNX bytes) with folded convolution weights and fused layer norms."""
    import onnx

    model = onnx.load_from_string(source)
    fold_convolution_weights(model.graph)
    fuse_layer_norms(model.graph)
    _drop_unused_initializers(model.graph)
    onnx.checker.check_model(model)
    onnx.save(model, str(dest))


def _initializers(graph: Any) -> dict[str, Any]:
    return {tensor.name: tensor for tensor in graph.initializer}


def _consumers(graph: Any) -> dict[str, list[Any]]:
    """Tensor name -> the nodes that read it (each node once, even when it reads the tensor twice)."""
    out: dict[str, list[Any]] = {}
    for node in graph.node:
        for name in dict.fromkeys(node.input):
            out.setdefault(name, []).append(node)
    return out


def fold_convolution_weights(graph: Any) -> int:
    """Replace each DequantizeLinear of constant weights read only by convolutions with the float weights it
    computes (`(q - zero point) · scale`, as the operator does); returns how many were folded."""
    from onnx import numpy_helper

    constants, consumers = _initializers(graph), _consumers(graph)
    folded = []
    for node in graph.node:
        readers = consumers.get(node.output[0], [])
        if (
            node.op_type != "DequantizeLinear"
            or not all(name in constants for name in node.input if name)
            or not readers
            or any(reader.op_type != "Conv" for reader in readers)
        ):
            continue
        quantized, scale, *zero = (numpy_helper.to_array(constants[name]) for name in node.input if name)
        axis = next((a.i for a in node.attribute if a.name == "axis"), 1)
        shape = [1] * quantized.ndim
        if scale.size > 1:
            shape[axis] = -1
        offset = zero[0].astype(np.float32).reshape(shape) if zero else np.float32(0)
        weights = (quantized.astype(np.float32) - offset) * scale.astype(np.float32).reshape(shape)
        graph.initializer.append(numpy_helper.from_array(weights.astype(np.float32), node.output[0]))
        folded.append(node)
    for node in folded:
        graph.node.remove(node)
    return len(folded)


@dataclass
class _LayerNorm:
    """The ten nodes of one TFLite layer norm and what LayerNormalization needs from them."""

    nodes: list[Any]
    source: str
    output: str
    epsilon: float
    scale: np.ndarray
    bias: np.ndarray


def fuse_layer_norms(graph: Any) -> int:
    """Replace every `mean = GAP(x); d = x - mean; d / sqrt(GAP(d·d) + ε) · γ + β` by one LayerNormalization over
    the last axis (GlobalAveragePool of a rank-3 tensor averages its last axis); returns how many."""
    from onnx import helper, numpy_helper

    constants, consumers = _initializers(graph), _consumers(graph)
    found = [norm for node in graph.node if (norm := _layer_norm(node, constants, consumers)) is not None]
    for index, norm in enumerate(found):
        scale, bias = f"layer_norm_{index}_scale", f"layer_norm_{index}_bias"
        graph.initializer.extend([numpy_helper.from_array(norm.scale, scale), numpy_helper.from_array(norm.bias, bias)])
        fused = helper.make_node(
            "LayerNormalization",
            [norm.source, scale, bias],
            [norm.output],
            name=f"layer_norm_{index}",
            axis=-1,
            epsilon=norm.epsilon,
        )
        graph.node.insert(list(graph.node).index(norm.nodes[0]), fused)
        for node in norm.nodes:
            graph.node.remove(node)
    return len(found)


def _layer_norm(mean: Any, constants: dict[str, Any], consumers: dict[str, list[Any]]) -> _LayerNorm | None:
    """The layer norm whose first node is `mean`, or None when the nodes from there do not spell one exactly."""
    from onnx import numpy_helper

    def only(node: Any, op_type: str) -> Any:
        readers = consumers.get(node.output[0], [])
        return readers[0] if len(readers) == 1 and readers[0].op_type == op_type else None

    def constant(node: Any, other: str) -> np.ndarray | None:
        names = [name for name in node.input if name != other]
        return numpy_helper.to_array(constants[names[0]]) if len(names) == 1 and names[0] in constants else None

    if mean.op_type != "GlobalAveragePool" or (centre := only(mean, "Sub")) is None:
        return None
    source = mean.input[0]
    if list(centre.input) != [source, mean.output[0]]:
        return None
    readers = consumers.get(centre.output[0], [])
    square = next((n for n in readers if n.op_type == "Mul" and list(n.input) == [centre.output[0]] * 2), None)
    divide = next((n for n in readers if n is not square and n.op_type == "Mul"), None)
    if square is None or divide is None or len(readers) != 2:
        return None
    variance = only(square, "GlobalAveragePool")
    shifted = variance and only(variance, "Add")
    root = shifted and only(shifted, "Sqrt")
    inverse = root and only(root, "Reciprocal")
    if inverse is None or set(divide.input) != {centre.output[0], inverse.output[0]}:
        return None
    scaled = only(divide, "Mul")
    biased = scaled and only(scaled, "Add")
    if biased is None:
        return None
    epsilon = constant(shifted, variance.output[0])
    scale, bias = constant(scaled, divide.output[0]), constant(biased, scaled.output[0])
    if epsilon is None or epsilon.size != 1 or scale is None or bias is None:
        return None
    return _LayerNorm(
        nodes=[mean, centre, square, variance, shifted, root, inverse, divide, scaled, biased],
        source=source,
        output=biased.output[0],
        epsilon=float(epsilon.reshape(-1)[0]),
        scale=scale.astype(np.float32).reshape(-1),
        bias=bias.astype(np.float32).reshape(-1),
    )


def _drop_unused_initializers(graph: Any) -> None:
    read = {name for node in graph.node for name in node.input}
    kept = [tensor for tensor in graph.initializer if tensor.name in read]
    del graph.initializer[:]
    graph.initializer.extend(kept)


@dataclass(frozen=True)
class RewriteTolerance:
    """How closely the rewritten conformer must follow the shipped one over `CHECK_STEPS` streaming steps.

    Each frame's log posteriors over the whole vocabulary must correlate (the rewrites measured: 0.9988 at worst;
    one layer norm's scale doubled: 0.83), and no posterior probability may move much (measured: 0.002 on the
    fixed features, 0.012 on a real 7.5 s login, whose best path stayed the same).
    """

    min_correlation: float = 0.995
    max_probability_difference: float = 0.05


REWRITE_TOLERANCE = RewriteTolerance()
CHECK_STEPS = 12
"""Streaming steps checked (each 43 feature frames in, 10 posterior frames out), caches carried across them."""


def check_rewrite(source: bytes, rewritten: Path, tolerance: RewriteTolerance = REWRITE_TOLERANCE) -> dict[str, float]:
    """Stream the same fixed features through the shipped model (`source`, ONNX bytes) and the rewritten file;
    refuse the rewrite unless their posteriors agree.

    Returns the figures of the comparison (kept beside the model, shown by `gobang models verify`).
    """
    shipped, built = (_log_posteriors(model, check_features()) for model in (source, rewritten))
    a, b = shipped - shipped.mean(axis=1, keepdims=True), built - built.mean(axis=1, keepdims=True)
    correlation = float(((a * b).sum(axis=1) / np.sqrt((a * a).sum(axis=1) * (b * b).sum(axis=1))).min())
    difference = float(np.abs(np.exp(shipped) - np.exp(built)).max())
    figures = {"min_correlation": round(correlation, 6), "max_probability_difference": float(f"{difference:.3g}")}
    if correlation < tolerance.min_correlation or difference > tolerance.max_probability_difference:
        raise ModelError(
            f"mô hình viết lại {rewritten.name} không khớp mô hình gốc: tương quan {correlation:.4f} "
            f"(cần ≥ {tolerance.min_correlation}), xác suất lệch {difference:.3g} "
            f"(cần ≤ {tolerance.max_probability_difference}) (rewritten model disagrees with the shipped one)"
        )
    return figures


def check_features() -> np.ndarray:
    """Fixed filterbank-like features for `CHECK_STEPS` steps: a slowly moving log-mel spectrum with noise."""
    rng = np.random.default_rng(20261206)
    frames = CHECK_STEPS * 40 + 3
    drift = np.cumsum(rng.standard_normal((frames, 80)), axis=0) * 0.3
    return (11.0 + drift + rng.standard_normal((frames, 80)) * 1.5).astype(np.float32)


SUBSAMPLING = 4
"""Feature frames per posterior frame of the conformer."""


def stream_log_posteriors(session: Any, features: np.ndarray) -> np.ndarray:
    """Log posteriors of every streaming step over `features` (frames × 80): windows of the model's chunk every
    `SUBSAMPLING` × its output frames, the last one zero-padded, attention and convolution caches carried from step
    to step. How the conformer runs on a recording (`asr.ctc.StreamingCtcModel`) and in the rewrite's check."""
    inputs = {item.name: item.shape for item in session.get_inputs()}
    window = int(inputs["chunk"][1])
    stride = int(session.get_outputs()[0].shape[1]) * SUBSAMPLING
    att_cache = np.zeros([1, *inputs["att_cache"][1:]], dtype=np.float32)
    cnn_cache = np.zeros([1, *inputs["cnn_cache"][1:]], dtype=np.float32)
    outputs: list[np.ndarray] = []
    offset = 0
    for begin in range(0, max(len(features), 1), stride):
        chunk = features[begin : begin + window]
        if len(chunk) < window:
            chunk = np.pad(chunk, ((0, window - len(chunk)), (0, 0)))
        out, att_cache, cnn_cache = session.run(
            None,
            {
                "chunk": chunk[None],
                "offset": np.array([[offset]], dtype=np.int64),
                "att_cache": att_cache,
                "cnn_cache": cnn_cache,
            },
        )
        outputs.append(out[0])
        offset += out.shape[1]
    return np.concatenate(outputs)


def _log_posteriors(model: bytes | Path, features: np.ndarray) -> np.ndarray:
    """Log posteriors of the fixed features through one model file (a session of its own, on the CPU)."""
    import onnxruntime as ort

    loaded = model if isinstance(model, bytes) else str(model)
    session = ort.InferenceSession(loaded, providers=["CPUExecutionProvider"])
    backed = (len(features) - 3) // SUBSAMPLING  # frames of real features, not of the last window's padding
    return stream_log_posteriors(session, features)[:backed].astype(np.float64)
