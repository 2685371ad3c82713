"""The product's own YAML (interface strings, atlas content) goes through the same guarded loader as
user files: an alias bomb or a key written twice is refused with the file's name, not expanded or
silently overwritten."""

from __future__ import annotations

import pytest

from scenarios.atlas.domains import read_yaml
from scenarios.business import labels
from scenarios.errors import VentureLabError

BOMB = "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n"
TWICE = 'k.one: {en: "first", zh: "一"}\nk.one: {en: "second", zh: "二"}\n'


@pytest.mark.parametrize(("text", "problem"), [(BOMB, "alias"), (TWICE, "twice|duplicate")])
def test_atlas_content_files_refuse_aliases_and_duplicate_keys(tmp_path, text, problem):
    path = tmp_path / "domains.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(VentureLabError, match=problem) as err:
        read_yaml(path)
    assert "domains.yaml" in str(err.value)


@pytest.mark.parametrize(("text", "problem"), [(BOMB, "alias"), (TWICE, "twice|duplicate")])
def test_interface_strings_refuse_aliases_and_duplicate_keys(tmp_path, monkeypatch, text, problem):
    (tmp_path / "extra.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setattr(labels, "I18N_DIR", tmp_path)
    labels.catalog.cache_clear()
    try:
        with pytest.raises(VentureLabError, match=problem):
            labels.catalog()
    finally:
        labels.catalog.cache_clear()


def test_the_shipped_catalog_reads_through_the_guarded_loader():
    assert labels.catalog()["home.title"]["en"]
