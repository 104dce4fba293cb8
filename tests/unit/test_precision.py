"""Which precision and runtime the encoder runs at, by setting and device (no model is loaded)."""

from __future__ import annotations

import pytest

from indexer.encoder import CPU_AUTO, choose_precision
from indexer.errors import IndexUnavailable, ModelUnavailable
from indexer.runtime import choose_runtime


@pytest.mark.parametrize(("requested", "device", "chosen"), [
    ("auto", "cuda", "fp16"),
    ("auto", "cpu", CPU_AUTO),
    ("fp32", "cpu", "fp32"),
    ("fp32", "cuda", "fp32"),
    ("bf16", "cpu", "bf16"),
    ("bf16", "cuda", "bf16"),
    ("fp16", "cuda", "fp16"),
])
def test_precision_by_setting_and_device(requested, device, chosen):
    assert choose_precision(requested, device) == chosen


def test_cpu_auto_is_a_precision_a_cpu_runs():
    assert CPU_AUTO in ("fp32", "bf16")


@pytest.mark.parametrize(("requested", "device", "says"), [
    ("fp16", "cpu", "fp16 needs a GPU"),
    ("int8", "cpu", "unknown precision 'int8'"),
    ("FP32", "cuda", "unknown precision 'FP32'"),
])
def test_a_precision_that_cannot_run_is_one_line(requested, device, says):
    with pytest.raises(ModelUnavailable, match=says) as raised:
        choose_precision(requested, device)
    assert "\n" not in str(raised.value)
    assert isinstance(raised.value, IndexUnavailable)  # the CLI's exit 2 and the web's 503


@pytest.mark.parametrize(("requested", "device", "precision", "chosen"), [
    ("auto", "cpu", "fp32", "onnx"),
    ("auto", "cpu", "bf16", "torch"),
    ("auto", "cuda", "fp16", "torch"),
    ("auto", "cuda", "fp32", "torch"),
    ("torch", "cpu", "fp32", "torch"),
    ("onnx", "cpu", "fp32", "onnx"),
])
def test_runtime_by_setting_device_and_precision(requested, device, precision, chosen):
    assert choose_runtime(requested, device, precision) == chosen


@pytest.mark.parametrize(("requested", "device", "precision", "says"), [
    ("onnx", "cuda", "fp16", "runtime onnx runs fp32 on a CPU"),
    ("onnx", "cpu", "bf16", "runtime onnx runs fp32 on a CPU"),
    ("tensorrt", "cpu", "fp32", "unknown runtime 'tensorrt'"),
])
def test_a_runtime_that_cannot_run_is_one_line(requested, device, precision, says):
    with pytest.raises(ModelUnavailable, match=says) as raised:
        choose_runtime(requested, device, precision)
    assert "\n" not in str(raised.value)
