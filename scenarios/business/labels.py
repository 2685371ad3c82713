"""The interface's own words for what scenarios/ prints (the PDF, price ages), in English and Chinese.

The strings live in data/i18n/*.yaml next to the dashboard's (one catalog, one check:
tests/test_i18n.py); this reader is the business layer's, since scenarios/ never imports the
dashboard. A missing language falls back to English, a missing key to the key itself.
"""

from __future__ import annotations

import functools
from pathlib import Path

from scenarios.safe_load import read_yaml_file

I18N_DIR = Path(__file__).resolve().parents[2] / "data" / "i18n"
LANGUAGES = ("en", "zh")


@functools.lru_cache(maxsize=1)
def catalog() -> dict[str, dict[str, str]]:
    """Every key from every file in data/i18n, merged (the app's and the PDF's one catalog).
    Read through the guarded loader; a key defined twice, in one file or across files, is an error."""
    merged: dict[str, dict[str, str]] = {}
    for path in sorted(I18N_DIR.glob("*.yaml")):
        for key, texts in (read_yaml_file(path) or {}).items():
            if key in merged:
                raise ValueError(f"i18n key {key!r} is defined twice (again in {path.name})")
            merged[key] = texts
    return merged


def label(key: str, lang: str = "en", **fmt: object) -> str:
    """The text for ``key`` in ``lang`` ("en" or "zh"), formatted with ``fmt``."""
    texts = catalog().get(key) or {}
    text = texts.get(lang) or texts.get("en") or key
    return text.format(**fmt) if fmt else text
