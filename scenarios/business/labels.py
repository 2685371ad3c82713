"""The interface's own words for what scenarios/ prints (the PDF, price ages), in English and Chinese.

The strings live in data/i18n/*.yaml next to the dashboard's (one catalog, one check:
tests/test_i18n.py); this reader is the business layer's, since scenarios/ never imports the
dashboard. A missing language falls back to English, a missing key to the key itself.
"""

from __future__ import annotations

import functools
from pathlib import Path

import yaml

I18N_DIR = Path(__file__).resolve().parents[2] / "data" / "i18n"
LANGUAGES = ("en", "zh")


@functools.lru_cache(maxsize=1)
def _catalog() -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for path in sorted(I18N_DIR.glob("*.yaml")):
        merged.update(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
    return merged


def label(key: str, lang: str = "en", **fmt: object) -> str:
    """The text for ``key`` in ``lang`` ("en" or "zh"), formatted with ``fmt``."""
    texts = _catalog().get(key) or {}
    text = texts.get(lang) or texts.get("en") or key
    return text.format(**fmt) if fmt else text
