"""The device store and the upload store keep the scenario store's guarantees: ids checked before
a path is built, atomic writes, no silent overwrite, no links followed, bad files reported and
skipped. A saved device file is the same device for the engine as the fields it was saved from."""

from __future__ import annotations

import json
import os
import tempfile

import pytest
import yaml

from scenarios.business.store import DeviceStore, model_from_upload
from scenarios.engine import catalog, serving
from scenarios.errors import VentureLabError

BOARD = {"name": "Acme NPU board", "category": "edge", "hw_class": "jetson", "memory_gb": 32.0,
         "memory_bandwidth_gb_s": 204.8, "peak_tflops_fp16": 40.0, "tdp_w": 25.0,
         "source": "Acme datasheet rev 3", "verified": False}
# A small Llama-style config, as Hugging Face writes it.
CONFIG = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 2048,
          "intermediate_size": 8192, "num_attention_heads": 32, "num_hidden_layers": 16,
          "num_key_value_heads": 8, "vocab_size": 128256, "max_position_embeddings": 131072}
# the store's own entries: the kept versions and the writers' lock (scenarios/business/store_files.py)
STORE_OWN = (".history", ".lock")


def test_a_saved_device_is_the_same_device_for_the_engine(tmp_path):
    store = DeviceStore(tmp_path)
    device_id = store.save(BOARD)
    assert device_id == "custom-acme-npu-board"
    path = tmp_path / "custom-acme-npu-board.yaml"
    assert yaml.safe_load(path.read_text()) == {**BOARD, "id": device_id}
    assert catalog.get_hardware(str(path)) == catalog.hardware_from_dict({**BOARD, "id": device_id})
    assert store.list().paths == {device_id: path}


def test_a_name_already_prefixed_is_not_prefixed_twice(tmp_path):
    assert DeviceStore(tmp_path).save({**BOARD, "name": "Custom Board"}) == "custom-board"


def test_saving_a_saved_name_again_needs_overwrite(tmp_path):
    store = DeviceStore(tmp_path)
    store.save(BOARD)
    with pytest.raises(VentureLabError, match="overwrite"):
        store.save({**BOARD, "memory_gb": 64.0})
    assert catalog.get_hardware(str(tmp_path / "custom-acme-npu-board.yaml")).memory_gb == 32.0
    store.save({**BOARD, "memory_gb": 64.0}, overwrite=True)
    assert catalog.get_hardware(str(tmp_path / "custom-acme-npu-board.yaml")).memory_gb == 64.0


@pytest.mark.parametrize(("fields", "named"), [
    ({**BOARD, "name": "  !! "}, "name"),
    ({**BOARD, "memory_gb": -1.0}, "memory_gb"),
    ({**BOARD, "warp_drive": True}, "warp_drive"),
])
def test_an_invalid_device_is_refused_by_field_and_nothing_is_written(tmp_path, fields, named):
    with pytest.raises(VentureLabError) as err:
        DeviceStore(tmp_path).save(fields)
    assert named in str(err.value)
    assert not tmp_path.exists() or list(tmp_path.iterdir()) == []


def test_a_failed_write_leaves_the_previous_device_file_intact(tmp_path, monkeypatch):
    store = DeviceStore(tmp_path)
    store.save(BOARD)
    path = tmp_path / "custom-acme-npu-board.yaml"
    before = path.read_bytes()
    real_fdopen = os.fdopen

    def half_writing_fdopen(fd, *a, **k):
        fh = real_fdopen(fd, *a, **k)
        real_write = fh.write

        def write(data):
            real_write(data[: len(data) // 2])  # half the file reaches the disk, then the crash
            raise OSError("disk full")
        fh.write = write
        return fh

    monkeypatch.setattr(os, "fdopen", half_writing_fdopen)
    with pytest.raises(OSError, match="disk full"):
        store.save({**BOARD, "memory_gb": 64.0}, overwrite=True)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name not in STORE_OWN] == [path.name]  # no temp file left behind


def test_the_listing_reports_bad_files_and_skips_links_and_other_names(tmp_path):
    store = DeviceStore(tmp_path)
    good = store.save(BOARD)
    (tmp_path / "custom-broken.yaml").write_text("memory_gb: [unclosed")
    (tmp_path / "custom-negative.yml").write_text(yaml.safe_dump({**BOARD, "id": "custom-negative",
                                                                  "memory_gb": -3}))
    (tmp_path / "custom-renamed.yaml").write_text(yaml.safe_dump({**BOARD, "id": "custom-other"}))
    (tmp_path / "Notes.yaml").write_text("not an id")
    (tmp_path / "custom-link.yaml").symlink_to(tmp_path / f"{good}.yaml")
    listing = store.list()
    assert list(listing.paths) == [good]
    assert set(listing.errors) == {"custom-broken.yaml", "custom-negative.yml", "custom-renamed.yaml"}
    assert "memory_gb" in listing.errors["custom-negative.yml"]
    assert "file name" in listing.errors["custom-renamed.yaml"]


def test_a_link_in_place_of_a_device_file_is_never_written_through(tmp_path):
    outside = tmp_path / "outside.yaml"
    outside.write_text("keep: me\n")
    folder = tmp_path / "devices"
    folder.mkdir()
    (folder / "custom-acme-npu-board.yaml").symlink_to(outside)
    with pytest.raises(VentureLabError, match="link"):
        DeviceStore(folder).save(BOARD, overwrite=True)
    assert outside.read_text() == "keep: me\n"


@pytest.mark.parametrize("bad", ["../keep", "/etc/passwd", "", "Custom-X", "custom-x.yaml", None])
def test_ids_that_are_not_ids_never_become_paths(tmp_path, bad):
    store = DeviceStore(tmp_path)
    with pytest.raises(VentureLabError, match="id"):
        store.path_for(bad)
    with pytest.raises(VentureLabError, match="id"):
        store.delete(bad)


def test_delete_removes_only_the_device_file(tmp_path):
    store = DeviceStore(tmp_path)
    device_id = store.save(BOARD)
    (tmp_path / "keep.txt").write_text("x")
    store.delete(device_id)
    assert [p.name for p in tmp_path.iterdir() if p.name not in STORE_OWN] == ["keep.txt"]
    with pytest.raises(VentureLabError, match="no saved device"):
        store.delete(device_id)


def test_the_device_folder_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("VENTURE_LAB_DEVICE_DIR", str(tmp_path / "here"))
    assert DeviceStore().folder == tmp_path / "here"
    monkeypatch.delenv("VENTURE_LAB_DEVICE_DIR")
    assert str(DeviceStore().folder) == "user_devices"


def test_an_uploaded_config_is_read_in_memory_as_the_same_model_and_nothing_is_written(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))   # where the old store wrote uploads
    monkeypatch.chdir(tmp_path)
    data = json.dumps(CONFIG).encode()
    spec = model_from_upload(data, "my-1b.json")
    assert spec.id == "custom:my-1b" and spec.name == "my-1b"
    assert spec.params_b == pytest.approx(catalog.model_from_hf_config(CONFIG, "my-1b").params_b)
    assert catalog.get_model(spec) is spec
    estimate = serving.estimate_inference(serving.InferenceRequest(model=spec, hardware="nvidia-h100-sxm"))
    assert estimate.decode_tokens_per_s > 0
    other = model_from_upload(json.dumps({**CONFIG, "num_hidden_layers": 8}).encode(), "my-1b.json")
    assert other.params_b < spec.params_b
    assert list(tmp_path.iterdir()) == []


def test_an_upload_named_config_takes_the_models_own_name():
    assert model_from_upload(json.dumps(CONFIG).encode(), "config.json").name == "llama"


@pytest.mark.parametrize("content", [b"{not json", b"[1, 2]", b"\xff\xfe", b"{" + b" " * 300_000 + b"}",
                                     b'{"num_hidden_layers": ' + b"9" * 5001 + b"}"])
def test_an_upload_that_is_not_a_config_is_refused_naming_the_file(content):
    with pytest.raises(VentureLabError, match="config.json"):
        model_from_upload(content, "config.json")
