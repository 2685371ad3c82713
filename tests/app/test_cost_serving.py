"""Cost explorer, serving: the figures the page shows are the engine's figures for the
inputs on screen, inputs and links change them, and bad input gives a message."""

from __future__ import annotations

import json

import pytest

from dashboard.i18n import t
from dashboard.ui import fmt_number
from scenarios.engine import serving
from tests.app.conftest import assert_clean, open_page

PAGE = "dashboard/pages/cost_serving.py"
DEFAULT_TARGETS = ["nvidia-h100-sxm", "nvidia-l4", "nvidia-jetson-agx-orin-64gb",
                   "apple-m2-max-38c", "qualcomm-snapdragon-8-gen-3"]
COMPARED = ("decode_tokens_per_s", "decode_tokens_per_s_low", "decode_tokens_per_s_high",
            "throughput_tokens_per_s", "ttft_ms", "tpot_ms", "usd_per_million_tokens",
            "energy_j_per_token", "total_memory_gb")
# A small Llama-style config, as Hugging Face writes it.
GOOD_CONFIG = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 2048,
               "intermediate_size": 8192, "num_attention_heads": 32, "num_hidden_layers": 16,
               "num_key_value_heads": 8, "vocab_size": 128256, "max_position_embeddings": 131072,
               "head_dim": 64, "tie_word_embeddings": True, "torch_dtype": "bfloat16"}


@pytest.fixture(autouse=True)
def _own_device_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("VENTURE_LAB_DEVICE_DIR", str(tmp_path / "devices"))


def results(at):
    """The results table the page shows, one row per target, keyed by device id."""
    table = next(df.value for df in at.dataframe if t("cost.col.device_id", lang="en") in df.value.columns)
    return table.set_index(t("cost.col.device_id", lang="en"))


def engine(model="llama-3.1-8b", hardware="nvidia-h100-sxm", **kw):
    req = dict(weights="int4", batch=1, prompt_tokens=512, output_tokens=128, utilisation=0.5)
    req.update(kw)
    return serving.estimate_inference(serving.InferenceRequest(model=model, hardware=hardware, **req))


def assert_row_is_engine(row, est):
    for field in COMPARED:
        shown, expected = row[t(f"cost.col.{field}", lang="en")], getattr(est, field)
        if expected is None:
            assert shown is None or shown != shown, field  # None or NaN
        else:
            assert shown == pytest.approx(expected, rel=1e-12), field


def test_default_view_shows_the_engine_figures_for_five_kinds_of_target():
    at = open_page(PAGE)
    assert_clean(at)
    table = results(at)
    assert list(table.index) == DEFAULT_TARGETS
    for device_id in DEFAULT_TARGETS:
        assert_row_is_engine(table.loc[device_id], engine(hardware=device_id))
    # The first card's headline metric is the H100's decode speed, formatted.
    h100 = engine()
    assert at.metric[0].value == f"{fmt_number(h100.decode_tokens_per_s)} tok/s"
    # Phones also show the battery a user pays, only phones.
    phone = engine(hardware="qualcomm-snapdragon-8-gen-3")
    battery = [m.value for m in at.metric if m.label == t("cost.battery", lang="en")]
    assert battery == [f"{fmt_number(phone.battery_pct_per_1k_tokens)} %"]


def test_changing_batch_and_format_gives_the_engine_figures_for_the_new_inputs():
    at = open_page(PAGE)
    before = results(at).loc["nvidia-l4", t("cost.col.throughput_tokens_per_s", lang="en")]
    at.number_input(key="srv_batch").set_value(8).run()
    at.selectbox(key="srv_weights").set_value("fp16").run()
    assert_clean(at)
    table = results(at)
    for device_id in ("nvidia-h100-sxm", "nvidia-l4"):
        assert_row_is_engine(table.loc[device_id], engine(hardware=device_id, weights="fp16", batch=8))
    assert table.loc["nvidia-l4", t("cost.col.throughput_tokens_per_s", lang="en")] != before


def test_a_link_reproduces_the_view():
    query = {"srv_batch": "4", "srv_prompt": "2048", "srv_output": "256", "srv_util": "0.8"}
    at = open_page(PAGE, query=query)
    assert_clean(at)
    assert at.number_input(key="srv_batch").value == 4
    est = engine(hardware="nvidia-l4", batch=4, prompt_tokens=2048, output_tokens=256, utilisation=0.8)
    assert_row_is_engine(results(at).loc["nvidia-l4"], est)


def test_a_price_override_sets_the_dollar_figure():
    at = open_page(PAGE)
    at.number_input(key="srv_usd_nvidia-jetson-agx-orin-64gb").set_value(0.25).run()
    row = results(at).loc["nvidia-jetson-agx-orin-64gb"]
    est = engine(hardware="nvidia-jetson-agx-orin-64gb", price_per_hour=0.25)
    assert est.usd_per_million_tokens is not None
    assert row[t("cost.col.usd_per_million_tokens", lang="en")] == pytest.approx(est.usd_per_million_tokens)


def test_request_rate_mode_reports_replicas_from_the_engine():
    at = open_page(PAGE)
    at.segmented_control(key="srv_load").set_value("rate").run()
    at.number_input(key="srv_rate").set_value(50.0).run()
    assert_clean(at)
    row = results(at).loc["nvidia-h100-sxm"]
    assert row[t("cost.col.replicas_for_rate", lang="en")] == serving.devices_for_rate(engine(), 50.0)


def test_largest_model_answer_is_the_engines():
    at = open_page(PAGE, query={"srv_rev_tps": "15"})
    best = serving.largest_model_that_fits("nvidia-jetson-agx-orin-64gb", "int4", 15.0,
                                           prompt_tokens=512, output_tokens=128)
    assert best, "the engine finds a model for the Jetson AGX Orin at 15 tok/s"
    from scenarios.engine.catalog import get_model
    assert get_model(best[0].inputs["model"]).name in at.success[-1].value


def test_uploaded_config_is_estimated_like_the_same_file_given_to_the_engine(tmp_path):
    data = json.dumps(GOOD_CONFIG).encode()
    at = open_page(PAGE, query={"srv_src": "config.json"})
    at.file_uploader(key="srv_upload").set_value(("my-1b.json", data, "application/json")).run()
    assert_clean(at)
    path = tmp_path / "my-1b.json"
    path.write_bytes(data)
    assert_row_is_engine(results(at).loc["nvidia-l4"], engine(model=str(path), hardware="nvidia-l4"))


@pytest.mark.parametrize("content", [
    b"{not json",                                     # broken
    b"[1, 2, 3]",                                     # JSON but not an object
    json.dumps({"hidden_size": -4096, "num_hidden_layers": 10 ** 9}).encode(),  # hostile sizes
    b"\xff\xfe\x00garbage",                           # not text
    b"[" * 50_000 + b"]" * 50_000,                    # nesting bomb
])
def test_a_bad_config_upload_gives_a_clear_message_and_the_app_keeps_working(content):
    at = open_page(PAGE, query={"srv_src": "config.json"})
    at.file_uploader(key="srv_upload").set_value(("config.json", content, "application/json")).run()
    assert not at.exception
    assert at.error and "config.json" in at.error[0].value
    # Back to the catalog: the page works again.
    at.segmented_control(key="srv_src").set_value("catalog").run()
    assert_clean(at)
    assert results(at).shape[0] == len(DEFAULT_TARGETS)


def test_a_custom_device_is_saved_listed_and_estimated(tmp_path):
    at = open_page(PAGE)
    at.text_input(key="srv_dev_name").input("Acme NPU board")
    at.number_input(key="srv_dev_mem").set_value(32.0)
    at.number_input(key="srv_dev_bw").set_value(204.8)
    at.number_input(key="srv_dev_fp16").set_value(40.0)
    at.button[0].click()  # the form's only submit button
    at.run()
    assert_clean(at)
    saved = list((tmp_path / "devices").glob("*.yaml"))
    assert [p.name for p in saved] == ["custom-acme-npu-board.yaml"]
    assert "custom-acme-npu-board" in at.multiselect(key="srv_targets").value
    row = results(at).loc["custom-acme-npu-board"]
    assert_row_is_engine(row, engine(hardware=str(saved[0])))


def _save_device(at, name: str, memory_gb: float, overwrite: bool = False):
    at.text_input(key="srv_dev_name").input(name)
    at.number_input(key="srv_dev_mem").set_value(memory_gb)
    if overwrite:
        at.checkbox(key="srv_dev_overwrite").check()
    next(b for b in at.button if b.label == t("cost.dev.save", lang="en")).click()
    return at.run()


def test_a_saved_device_name_is_refused_unless_overwrite_is_ticked_and_the_old_one_stays_restorable(tmp_path):
    """"My Board" and "my board!!" have one id: the second save is refused with a message naming
    the choice; ticked, it replaces the first, which the history keeps (issue 13)."""
    from scenarios.business.store import DeviceStore

    at = _save_device(open_page(PAGE), "My Board", 16.0)
    assert_clean(at)
    path = tmp_path / "devices" / "custom-my-board.yaml"
    first = path.read_bytes()
    at = _save_device(at, "my board!!", 99.0)
    assert not at.exception
    assert any("a device with this name is saved; choose overwrite" in e.value for e in at.error)
    assert path.read_bytes() == first                               # nothing lost or replaced
    at = _save_device(open_page(PAGE), "my board!!", 99.0, overwrite=True)
    assert_clean(at)
    store = DeviceStore(tmp_path / "devices")
    assert store.list().paths and "memory_gb: 99.0" in path.read_text()
    [kept] = store.history("custom-my-board")
    assert store.files.version_bytes("custom-my-board", kept.version) == first


def test_in_a_team_an_overwrite_of_a_device_changed_since_the_page_listed_it_is_refused(tmp_path, monkeypatch):
    from scenarios.business.store_sql import SqlDeviceStore

    url = f"sqlite:///{tmp_path / 'team.db'}"
    monkeypatch.setenv("VENTURE_LAB_STORE_URL", url)
    db = SqlDeviceStore(url, cache_dir=str(tmp_path / "cache"))
    board = {"name": "Lab board", "category": "edge", "hw_class": "jetson", "memory_gb": 16.0,
             "memory_bandwidth_gb_s": 100.0, "peak_tflops_fp16": 10.0, "tdp_w": 30.0, "source": "test",
             "verified": False}
    db.save(board)
    at = open_page(PAGE)                                  # lists custom-lab-board at version 1
    assert_clean(at)
    db.save({**board, "memory_gb": 64.0}, overwrite=True)   # a colleague saves version 2 meanwhile
    at = _save_device(at, "Lab board", 8.0, overwrite=True)
    assert not at.exception
    assert any("changed since you opened it" in e.value for e in at.error)
    assert db.info("custom-lab-board").version == 2
    at = _save_device(open_page(PAGE), "Lab board", 8.0, overwrite=True)   # listed afresh: saves
    assert_clean(at)
    assert db.info("custom-lab-board").version == 3


def test_an_invalid_custom_device_is_refused_with_a_message():
    at = open_page(PAGE)
    at.text_input(key="srv_dev_name").input("   ")
    at.button[0].click()
    at.run()
    assert not at.exception
    assert at.error


def test_a_model_too_big_for_one_gpu_says_how_many_and_fits_when_split():
    query = {"srv_model": "Llama 3.1 70B", "srv_weights": "fp16"}
    at = open_page(PAGE, query=query)
    assert_clean(at)
    one = engine(model="llama-3.1-70b", weights="fp16")
    assert not one.fits and one.devices_needed >= 2
    status = t("cost.col.status", lang="en")
    assert results(at).loc["nvidia-h100-sxm", status] == t("cost.needs_n", lang="en", n=one.devices_needed)
    at.number_input(key="srv_devices").set_value(one.devices_needed).run()
    split = engine(model="llama-3.1-70b", weights="fp16", devices=one.devices_needed)
    row = results(at).loc["nvidia-h100-sxm"]
    assert split.fits and row[status] == t("cost.fits", lang="en")
    assert_row_is_engine(row, split)


def test_absurd_lengths_keep_the_page_alive():
    at = open_page(PAGE, query={"srv_prompt": "1000000", "srv_output": "1000000"})
    assert not at.exception
    assert at.title  # the page rendered; any problem is explained in the page
