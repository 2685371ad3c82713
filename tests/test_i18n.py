"""Every user-facing string exists in English and Chinese, and every key the code asks for exists."""

from __future__ import annotations

import re
from pathlib import Path

from dashboard.i18n import LANGUAGES, catalog, t

ROOT = Path(__file__).resolve().parent.parent
# t("some.key"...) calls and *_key="some.key" / PageSpec(..., "some.key", ...) literals.
_KEY_USE = re.compile(r"""\bt\(\s*["']([a-z0-9_]+(?:\.[a-z0-9_]+)+)["']""")
_SPEC_KEY = re.compile(r"""["']((?:nav|home)\.[a-z0-9_.]+)["']""")


def test_every_key_has_every_language():
    missing = {key: [lang for lang in LANGUAGES if not str(texts.get(lang) or "").strip()]
               for key, texts in catalog().items()}
    missing = {k: v for k, v in missing.items() if v}
    assert missing == {}, f"keys without a translation: {missing}"


def test_every_key_used_in_code_is_defined():
    used: set[str] = set()
    for path in [ROOT / "streamlit_app.py", *(ROOT / "dashboard").rglob("*.py")]:
        text = path.read_text(encoding="utf-8")
        used.update(_KEY_USE.findall(text))
        used.update(_SPEC_KEY.findall(text))
    undefined = sorted(used - set(catalog()))
    assert undefined == [], f"keys used in the code but missing from data/i18n: {undefined}"


def test_placeholders_match_between_languages():
    placeholder = re.compile(r"{(\w+)}")
    mismatched = [key for key, texts in catalog().items()
                  if set(placeholder.findall(texts.get("en", ""))) != set(placeholder.findall(texts.get("zh", "")))]
    assert mismatched == []


def test_t_formats_and_switches_language():
    assert t("common.band", lang="en", low="1", high="2") == "range 1 – 2"
    assert t("common.band", lang="zh", low="1", high="2") == "区间 1 – 2"
    assert t("no.such.key", lang="zh") == "no.such.key"
