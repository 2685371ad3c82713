"""No absolute path of the server reaches a page, an uploaded config.json is read in memory (an
earlier version stored every upload under a fixed folder in /tmp that nothing removed), and a
hostile number inside an uploaded file is answered on the page in one line (issue 13)."""

from __future__ import annotations

import json
import tempfile

import pytest

from dashboard.i18n import t
from scenarios.business.scenario import load_preset, to_yaml
from scenarios.business.store import ScenarioStore
from tests.app.conftest import assert_clean, open_page
from tests.app.test_scenarios import open_page as open_scenarios_page

SERVING, SCENARIOS = "dashboard/pages/cost_serving.py", "dashboard/pages/scenarios_home.py"
CONFIG = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 2048,
          "intermediate_size": 8192, "num_attention_heads": 32, "num_hidden_layers": 16,
          "num_key_value_heads": 8, "vocab_size": 128256, "max_position_embeddings": 131072}
KINDS = ("title", "header", "subheader", "markdown", "caption", "text", "info", "warning", "error",
         "success", "toast", "exception", "metric")


def page_text(at) -> str:
    """Every text a visitor can read on the page (values and labels of every element kind)."""
    out = []
    for kind in KINDS:
        for el in getattr(at, kind, []):
            out += [str(getattr(el, "value", "")), str(getattr(el, "label", ""))]
    return "\n".join(out)


@pytest.fixture
def private_tmp(tmp_path, monkeypatch):
    """The process's temp folder, empty, where an upload would land if one were written."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    monkeypatch.setenv("VENTURE_LAB_DEVICE_DIR", str(tmp_path / "devices"))
    return tmp


def test_an_uploaded_config_is_estimated_in_memory_and_nothing_is_written(private_tmp, tmp_path):
    at = open_page(SERVING, query={"srv_src": "config.json"})
    at.file_uploader(key="srv_upload").set_value(("my-1b.json", json.dumps(CONFIG).encode(),
                                                  "application/json")).run()
    assert_clean(at)
    assert any("my-1b" in s.value for s in at.subheader)
    assert list(private_tmp.iterdir()) == []
    assert str(tmp_path) not in page_text(at)


def test_a_config_with_a_5001_digit_integer_gets_one_line_and_the_page_keeps_working(private_tmp):
    at = open_page(SERVING, query={"srv_src": "config.json"})
    hostile = b'{"num_hidden_layers": ' + b"9" * 5001 + b"}"
    at.file_uploader(key="srv_upload").set_value(("config.json", hostile, "application/json")).run()
    assert not at.exception
    assert len(at.error) == 1 and "config.json" in at.error[0].value and "\n" not in at.error[0].value
    assert "9" * 100 not in at.error[0].value          # the number is named, not echoed whole
    at.segmented_control(key="srv_src").set_value("catalog").run()
    assert_clean(at)


def test_the_device_form_names_its_folder_without_the_servers_path(private_tmp, tmp_path):
    at = open_page(SERVING)
    text = page_text(at)
    assert t("cost.dev.help", lang="en", folder="devices") in text
    assert str(tmp_path) not in text


def test_the_delete_question_names_the_folder_without_the_servers_path(tmp_path, monkeypatch):
    folder = tmp_path / "team-scenarios"
    monkeypatch.setenv("VENTURE_LAB_SCENARIO_DIR", str(folder))
    ScenarioStore(folder).save(load_preset("games").replace(id="mine", name="Mine"))
    at = open_scenarios_page(SCENARIOS, query={"scn_id": "mine"})
    next(b for b in at.button if b.label == t("scn.delete", lang="en")).click().run()
    assert any("team-scenarios" in w.value for w in at.warning)
    assert str(tmp_path) not in page_text(at)


@pytest.mark.parametrize("old, new, field", [
    ("as_of: '2026-12-07'", "as_of: 2026-13-45", "as_of"),          # YAML reads it as a date
    ("requests_per_day: 3000000.0", "requests_per_day: " + "9" * 400, "requests_per_day"),
])
def test_an_uploaded_scenario_with_a_hostile_value_gets_one_line_naming_the_field(tmp_path, monkeypatch,
                                                                                  old, new, field):
    monkeypatch.setenv("VENTURE_LAB_SCENARIO_DIR", str(tmp_path))
    text = to_yaml(load_preset("games"))
    assert old in text
    at = open_scenarios_page(SCENARIOS, query={"scn_id": "games"})
    before = [m.value for m in at.metric]
    at.file_uploader(key="scn_upload").set_value(("mine.yaml", text.replace(old, new, 1).encode(),
                                                  "application/x-yaml")).run()
    assert not at.exception
    assert len(at.error) == 1 and field in at.error[0].value and "\n" not in at.error[0].value, \
        [e.value for e in at.error]
    assert list(tmp_path.iterdir()) == []               # nothing saved
    assert [m.value for m in at.metric] == before        # the open scenario still shows its figures


def test_a_saved_scenarios_name_and_description_show_as_typed_never_as_a_link_or_image(tmp_path, monkeypatch):
    """User text of a shared scenario on the Scenarios and Compare pages: markdown is escaped, so
    a name written as a link or a remote image shows as the characters typed."""
    monkeypatch.setenv("VENTURE_LAB_SCENARIO_DIR", str(tmp_path))
    image, link = "![x](http://evil.example/p.png)", "[win](javascript:alert(1))"
    ScenarioStore(tmp_path).save(load_preset("games").replace(id="mine", name=link, description=image))
    at = open_scenarios_page(SCENARIOS, query={"scn_id": "mine"})
    assert_clean(at)
    shown = [m.value for m in at.markdown if "evil" in m.value or "javascript" in m.value]
    assert shown and all("![x](" not in v and "[win](" not in v for v in shown), shown
    at = open_scenarios_page("dashboard/pages/compare.py", query={"cmpr_ids": ["mine", "games"]})
    assert all("[win](" not in c.value for c in at.caption)


def test_a_refused_value_written_as_a_link_is_quoted_as_text(tmp_path, monkeypatch):
    """The refusal quotes the offending value inside a Markdown alert: a value written as a link,
    an image or a bare address stays characters."""
    monkeypatch.setenv("VENTURE_LAB_SCENARIO_DIR", str(tmp_path))
    text = to_yaml(load_preset("games")).replace(
        "requests_per_day: 3000000.0", "requests_per_day: '![x](http://evil.example/p.png) [win](javascript:x)'", 1)
    at = open_scenarios_page(SCENARIOS, query={"scn_id": "games"})
    at.file_uploader(key="scn_upload").set_value(("mine.yaml", text.encode(), "application/x-yaml")).run()
    assert len(at.error) == 1 and "requests_per_day" in at.error[0].value
    shown = at.error[0].value
    assert "evil.example" in shown and "![x](" not in shown and "[win](" not in shown and "http://" not in shown
