from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper

from core.errors import ModelError
from models import conformer, sources


def _run(model: onnx.ModelProto, x: np.ndarray) -> np.ndarray:
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return np.asarray(session.run(None, {"x": x})[0])


def _model(nodes: list[onnx.NodeProto], initializers: list[onnx.TensorProto], shape: list[int]) -> onnx.ModelProto:
    graph = helper.make_graph(
        nodes,
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, shape)],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
        initializers,
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def _tflite_layer_norm(rng: np.random.Generator, *, centre_with: str = "mean") -> onnx.ModelProto:
    """A layer norm over the last axis of (1, T, 8) as the TFLite conversion spells it, in ten nodes."""
    node = helper.make_node
    return _model(
        [
            node("GlobalAveragePool", ["x"], ["mean"]),
            node("Sub", ["x", centre_with], ["centred"]),
            node("Mul", ["centred", "centred"], ["squared"]),
            node("GlobalAveragePool", ["squared"], ["variance"]),
            node("Add", ["variance", "eps"], ["shifted"]),
            node("Sqrt", ["shifted"], ["root"]),
            node("Reciprocal", ["root"], ["inverse"]),
            node("Mul", ["centred", "inverse"], ["normed"]),
            node("Mul", ["normed", "gamma"], ["scaled"]),
            node("Add", ["scaled", "beta"], ["y"]),
        ],
        [
            numpy_helper.from_array(np.array(1e-5, np.float32), "eps"),
            numpy_helper.from_array(rng.standard_normal(8).astype(np.float32), "gamma"),
            numpy_helper.from_array(rng.standard_normal(8).astype(np.float32), "beta"),
            numpy_helper.from_array(np.zeros((1, 1, 1), np.float32), "zero"),
        ],
        [1, 5, 8],
    )


def test_a_tflite_layer_norm_becomes_one_operator_computing_the_same() -> None:
    rng = np.random.default_rng(0)
    model = _tflite_layer_norm(rng)
    x = (rng.standard_normal((1, 5, 8)) * 3 + 2).astype(np.float32)
    expected = _run(model, x)
    assert conformer.fuse_layer_norms(model.graph) == 1
    assert [n.op_type for n in model.graph.node] == ["LayerNormalization"]
    np.testing.assert_allclose(_run(model, x), expected, rtol=1e-4, atol=1e-5)


def test_nodes_that_only_resemble_a_layer_norm_are_left_alone() -> None:
    model = _tflite_layer_norm(np.random.default_rng(0), centre_with="zero")  # x - 0, not x - mean(x)
    model.graph.node.insert(0, helper.make_node("Identity", ["mean"], ["unused"]))
    before = [n.op_type for n in model.graph.node]
    assert conformer.fuse_layer_norms(model.graph) == 0
    assert [n.op_type for n in model.graph.node] == before


def test_convolution_weights_are_dequantized_once_into_the_same_floats() -> None:
    rng = np.random.default_rng(1)
    quantized = rng.integers(-127, 128, (4, 3, 3, 3)).astype(np.int8)
    scale = rng.uniform(0.001, 0.01, 4).astype(np.float32)
    model = _model(
        [
            helper.make_node("DequantizeLinear", ["q", "scale", "zero"], ["w"], axis=0),
            helper.make_node("Conv", ["x", "w"], ["y"]),
        ],
        [
            numpy_helper.from_array(quantized, "q"),
            numpy_helper.from_array(scale, "scale"),
            numpy_helper.from_array(np.zeros(4, np.int8), "zero"),
        ],
        [1, 3, 6, 6],
    )
    x = rng.standard_normal((1, 3, 6, 6)).astype(np.float32)
    expected = _run(model, x)
    assert conformer.fold_convolution_weights(model.graph) == 1
    assert [n.op_type for n in model.graph.node] == ["Conv"]
    weights = next(numpy_helper.to_array(t) for t in model.graph.initializer if t.name == "w")
    np.testing.assert_array_equal(weights, quantized.astype(np.float32) * scale[:, None, None, None])
    np.testing.assert_allclose(_run(model, x), expected, rtol=1e-5, atol=1e-6)


def test_the_rewritten_conformer_is_checked_against_the_shipped_one(tmp_path: Path) -> None:
    shipped, _ = sources.shipped_vietasr()
    conformer.rewrite(shipped, tmp_path / "model.onnx")
    rewritten = onnx.load(str(tmp_path / "model.onnx"))
    kinds = [n.op_type for n in rewritten.graph.node]
    assert kinds.count("LayerNormalization") == 73 and "GlobalAveragePool" not in kinds
    figures = conformer.check_rewrite(shipped, tmp_path / "model.onnx")
    assert figures["min_correlation"] >= conformer.REWRITE_TOLERANCE.min_correlation

    scale = next(t for t in rewritten.graph.initializer if t.name == "layer_norm_5_scale")
    scale.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(scale) * 2, scale.name))
    onnx.save(rewritten, str(tmp_path / "model.onnx"))
    with pytest.raises(ModelError, match="không khớp mô hình gốc"):
        conformer.check_rewrite(shipped, tmp_path / "model.onnx")


def test_a_conformer_other_than_the_one_checked_is_never_rewritten(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sources, "_VIETASR_SHA256", "0" * 64)  # as if viet-asr shipped other bytes
    with pytest.raises(ModelError, match="viet-asr model changed"):
        sources.shipped_vietasr()
