"""Catalog rows read into devices and models (scenarios.engine.catalog): every numeric field of a
device at both ends of its physical range, the defaults of the optional fields, the model rules
(active <= total, MLA, sliding-window patterns, kv heads, decoder shapes), and unknown ids."""

from __future__ import annotations

import pytest

from scenarios.engine.catalog import (
    CatalogRow,
    _model_from_row,
    get_hardware,
    get_model,
    hardware_from_row,
    load_hardware,
    load_models,
)
from scenarios.errors import VentureLabError

DEVICE = {"id": "box", "category": "workstation-gpu", "hw_class": "nvidia-consumer", "memory_gb": "16",
          "memory_bandwidth_gb_s": "100", "peak_tflops_fp32": "5", "peak_tflops_fp16": "10",
          "peak_tops_int8": "20", "peak_tops_int4": "40", "tdp_w": "100"}

# (field, physical minimum, maximum, required): a microcontroller up to a rack-scale system
RANGES = [("memory_gb", 1e-3, 1e5, True), ("peak_tflops_fp16", 1e-6, 1e6, True),
          ("memory_bandwidth_gb_s", 1e-2, 1e6, True), ("peak_tflops_fp32", 1e-6, 1e6, True),
          ("peak_tops_int8", 1e-6, 1e6, True), ("peak_tops_int4", 1e-6, 1e6, True), ("tdp_w", 1e-2, 1e5, True),
          ("usable_memory_gb", 1e-3, 1e5, False), ("interconnect_gb_s", 1e-3, 1e6, False),
          ("npu_tops_int8", 1e-6, 1e6, False), ("usd_per_hour", 1e-4, 1e4, False),
          ("purchase_usd", 1e-2, 1e8, False), ("battery_wh", 1e-2, 1e4, False)]


def device(**changes):
    row = {**DEVICE, **{k: str(v) for k, v in changes.items() if v is not None}}
    for k, v in changes.items():
        if v is None:
            row.pop(k, None)
    return hardware_from_row(CatalogRow("hardware", row))


def device_refusal(**changes) -> VentureLabError:
    with pytest.raises(VentureLabError) as err:
        device(**changes)
    return err.value


def test_a_minimal_device_gets_the_documented_defaults():
    hw = device()
    assert (hw.id, hw.name, hw.category, hw.hw_class) == ("box", "box", "workstation-gpu", "nvidia-consumer")
    assert (hw.memory_gb, hw.memory_bandwidth_gb_s, hw.peak_tflops_fp32, hw.peak_tflops_fp16, hw.peak_tops_int8,
            hw.peak_tops_int4, hw.tdp_w) == (16.0, 100.0, 5.0, 10.0, 20.0, 40.0, 100.0)
    assert hw.usable_memory_gb == 16.0 and hw.interconnect_gb_s == 64.0 and hw.compute_formats == ("fp32", "fp16")
    assert (hw.npu_tops_int8, hw.usd_per_hour, hw.purchase_usd, hw.battery_wh) == (None, None, None, None)
    assert (hw.price_as_of, hw.price_source, hw.source, hw.notes, hw.derived, hw.ranges) == ("", "", "", "", (), {})
    assert hw.verified is False


def test_optional_text_lists_and_ranges_are_read():
    hw = device(name="Box 1", compute_formats="fp32|fp16|int8|", derived="tdp_w|usable_memory_gb", verified="yes",
                ranges="usd_per_hour=1|2|3; purchase_usd=10|20|30;", usd_per_hour=2, purchase_usd=20,
                price_as_of="2026-01-01", price_source="list", source="datasheet", notes="n")
    assert hw.name == "Box 1" and hw.compute_formats == ("fp32", "fp16", "int8")
    assert hw.derived == ("tdp_w", "usable_memory_gb") and hw.verified is True
    assert hw.ranges["usd_per_hour"].low == 1.0 and hw.ranges["usd_per_hour"].expected == 2.0
    assert hw.ranges["purchase_usd"].high == 30.0 and set(hw.ranges) == {"usd_per_hour", "purchase_usd"}
    assert (hw.usd_per_hour, hw.purchase_usd, hw.price_as_of, hw.price_source, hw.source, hw.notes) == \
        (2.0, 20.0, "2026-01-01", "list", "datasheet", "n")
    for bad in ("usd_per_hour=1|2", "usd_per_hour", "a=1|2|x"):
        err = device_refusal(ranges=bad)
        assert (err.field, err.got) == ("hardware field ranges", bad)
        assert err.problem == "must look like 'field=low|expected|high;...'"


@pytest.mark.parametrize("field, low, high, required", RANGES)
def test_each_number_is_read_inside_its_physical_range(field, low, high, required):
    big = {"memory_gb": high, "usable_memory_gb": high} if field == "usable_memory_gb" else {}
    small = {"usable_memory_gb": low} if field == "memory_gb" else {}
    assert getattr(device(**{**big, field: high}), field) == high
    assert getattr(device(**{**small, field: low}), field) == low
    for value in (high * 1.01, low * 0.99):
        err = device_refusal(**{**big, **small, field: value})
        assert (err.field, err.problem) == (f"hardware field {field}", "is outside the physical range")
        assert err.accepted == f"{low:g} to {high:g}"
    err = device_refusal(**{field: 0})
    assert (err.field, err.problem) == (f"hardware field {field}", "must be > 0")
    if required:
        err = device_refusal(**{field: None})
        assert (err.field, err.problem) == (f"hardware field {field}", "is missing")
    else:
        device(**{field: None})                                             # optional: may be left out


def test_usable_memory_may_be_the_gib_figure_in_decimal_gb_but_no_more():
    assert device(memory_gb=80, usable_memory_gb=85.96).usable_memory_gb == 85.96   # 80 x 1.0745
    err = device_refusal(memory_gb=80, usable_memory_gb=85.97)
    assert (err.field, err.problem, err.got) == ("hardware field usable_memory_gb", "cannot exceed memory_gb (in GiB)",
                                                 85.97)


@pytest.mark.parametrize("field", ["category", "hw_class"])
def test_unknown_category_or_class(field):
    err = device_refusal(**{field: "gpu"})
    assert (err.field, err.problem, err.got) == (f"hardware field {field}", "unknown value", "gpu")
    assert "workstation-gpu" in err.accepted or "nvidia-consumer" in err.accepted


MODEL = {"id": "m", "kind": "decoder-llm", "params_b": "7", "layers": "32.0", "hidden_size": "4096",
         "attention_heads": "32", "kv_heads": "8", "attention_type": "gqa"}


def model(**changes):
    return _model_from_row(CatalogRow("models", {**MODEL, **{k: str(v) for k, v in changes.items()}}))


def model_refusal(**changes) -> VentureLabError:
    with pytest.raises(VentureLabError) as err:
        model(**changes)
    return err.value


def test_a_model_row():
    m = model()
    assert (m.id, m.name, m.layers, m.kv_heads, m.active_params_b, m.num_experts) == ("m", "m", 32, 8, None, None)
    assert model(name="M 7B").name == "M 7B"
    assert model(active_params_b="7.0007").active_params_b == 7.0007                 # rounding slack 1e-4
    err = model_refusal(active_params_b="7.01")
    assert (err.field, err.problem, err.got) == ("models field active_params_b", "cannot exceed params_b", 7.01)


def test_whole_number_shapes():
    err = model_refusal(layers="0")
    assert err.field == "models field layers" and err.problem == "must be > 0"
    assert model_refusal(layers="32.5").field == "models field layers"


def test_mla_needs_its_rank():
    err = model_refusal(attention_type="mla")
    assert (err.field, err.problem) == ("models field kv_lora_rank", "is required for attention_type mla")
    assert model(attention_type="mla", kv_lora_rank="512").kv_lora_rank == 512


@pytest.mark.parametrize("layers", ["all", "alternate", "5:1", "1:1", "999:999"])
def test_sliding_window_patterns_accepted(layers):
    m = model(attention_type="sliding-window-mix", sliding_window="4096", sliding_window_layers=layers)
    assert (m.sliding_window, m.sliding_window_layers) == (4096, layers)


@pytest.mark.parametrize("layers", ["", "some", "0:1", "1:0", "1000:1", "5:1:1", "a:b", "-1:1"])
def test_sliding_window_patterns_refused(layers):
    err = model_refusal(attention_type="sliding-window-mix", sliding_window="4096", sliding_window_layers=layers)
    assert (err.field, err.problem, err.got) == ("models field sliding_window_layers", "unknown value", layers)
    assert err.accepted == "all, alternate, L:G (local:global layers, e.g. 5:1)"


def test_sliding_window_needs_its_width():
    err = model_refusal(attention_type="sliding-window-mix", sliding_window_layers="all")
    assert (err.field, err.problem) == ("models field sliding_window", "is required for attention_type sliding-window-mix")
    # a width on another attention type is kept, and no pattern is asked for
    assert model(sliding_window="4096", sliding_window_layers="some").attention_type == "gqa"


def test_kv_heads_and_decoder_shapes():
    err = model_refusal(kv_heads="64")
    assert (err.field, err.problem, err.got) == ("models field kv_heads", "cannot exceed attention_heads", 64)
    assert model(kv_heads="32").kv_heads == 32
    for missing in ("layers", "hidden_size", "attention_heads"):
        row = {k: v for k, v in MODEL.items() if k != missing}
        with pytest.raises(VentureLabError) as err:
            _model_from_row(CatalogRow("models", row))
        assert (err.value.field, err.value.problem) == \
            ("models field layers", "a decoder LLM needs layers, hidden_size and attention_heads")
    shapeless = {k: v for k, v in MODEL.items() if k not in ("layers", "hidden_size", "attention_heads", "kv_heads")}
    assert _model_from_row(CatalogRow("models", {**shapeless, "kind": "vision-cnn", "attention_type": "none"})).layers \
        is None


@pytest.mark.parametrize("lookup, field, problem, command", [
    (get_model, "model", "unknown model id (or a path to a config.json)", "models"),
    (get_hardware, "hardware", "unknown hardware id (or a path to a device file)", "hardware"),
])
def test_unknown_ids_list_the_catalog(lookup, field, problem, command):
    with pytest.raises(VentureLabError) as err:
        lookup("no-such-id")
    assert (err.value.field, err.value.problem, err.value.got) == (field, problem, "no-such-id")
    ids = list((load_models if field == "model" else load_hardware)())
    assert err.value.accepted == f"{len(ids)} ids (list: venture-lab catalog {command}): " + ", ".join(ids)
    assert lookup(" LLAMA-2-7B " if field == "model" else " NVIDIA-H100-SXM ").id in ("llama-2-7b", "nvidia-h100-sxm")
