"""Every figure card on the home page equals the engine's figure for what its label says.

The test reads the cards as a visitor does (AppTest from the entrypoint), takes the inputs from
the words on the page (the device in the card's label, the model, weight format, prompt and
output lengths in the caption above the cards, the batch and format in the price card's label,
the utilisation in its caption), asks the CLI (`venture-lab estimate inference --json`) for the
same estimate, and compares the shown value and its low-high range, formatted as the page
formats them. A card computed with other inputs than its label states (batch 1 under a
"batch 32" label) fails here.
"""

from __future__ import annotations

import functools
import json
import re
import subprocess
import sys

from dashboard.charts import short_name
from dashboard.i18n import t
from dashboard.navigation import ROOT
from scenarios.units import fmt_number, fmt_usd
from tests.app.conftest import assert_clean, open_page

HOME = "dashboard/pages/home.py"
INTRO = re.compile(r"(?P<model>.+) in (?P<weights>[\w-]+), prompt (?P<prompt>\d+) tokens, "
                   r"(?P<output>\d+) output tokens, one sequence at a time\.")
DECODE = re.compile(r"Tokens/s on (?P<device>.+)")
PRICE = re.compile(r"\$ per 1M output tokens, (?P<device>.+), (?P<weights>[\w-]+), batch (?P<batch>\d+)")
UTILISATION = re.compile(r"utilisation (?P<util>[\d.]+) ")


def _cli(*args: str):
    out = subprocess.run([sys.executable, "-m", "scenarios.cli", *args], cwd=ROOT, capture_output=True,
                         text=True, timeout=60, check=True)
    return json.loads(out.stdout)


@functools.lru_cache(maxsize=1)
def _ids_by_shown_name() -> tuple[dict[str, str], dict[str, str]]:
    """Device (as a card names it) -> hardware id; model name -> model id, from the CLI's catalogs."""
    devices: dict[str, list[str]] = {}
    for row in _cli("catalog", "hardware", "--json"):
        devices.setdefault(short_name(row["name"] or row["id"]), []).append(row["id"])
    models = {row["name"]: row["id"] for row in _cli("catalog", "models", "--json")}
    return {k: v[0] for k, v in devices.items() if len(v) == 1}, models


def _estimate(model: str, device: str, weights: str, prompt: str, output: str, batch: str, util: str = "0.5"):
    return _cli("estimate", "inference", "--model", model, "--hardware", device, "--weights", weights,
                "--prompt-tokens", prompt, "--output-tokens", output, "--batch", batch, "--utilisation", util, "--json")


def _band(e: dict, field: str) -> str:
    return t("common.band", lang="en", low=fmt_number(e[f"{field}_low"]), high=fmt_number(e[f"{field}_high"]))


def test_every_home_card_is_the_engines_figure_for_its_label():
    at = open_page(HOME)
    assert_clean(at)
    captions = [c.value for c in at.caption]
    intro = next(m for m in map(INTRO.match, captions) if m)
    devices, models = _ids_by_shown_name()
    model = models[intro["model"]]
    checked = []
    for card in at.metric:
        if m := DECODE.fullmatch(card.label):
            e = _estimate(model, devices[m["device"]], intro["weights"], intro["prompt"], intro["output"], "1")
            want = (f"{fmt_number(e['decode_tokens_per_s'])} tok/s", _band(e, "decode_tokens_per_s"))
        elif m := PRICE.fullmatch(card.label):
            util = next(u for u in map(UTILISATION.search, captions) if u)["util"]
            e = _estimate(model, devices[m["device"]], m["weights"], intro["prompt"], intro["output"], m["batch"], util)
            want = (fmt_usd(e["usd_per_million_tokens"]), _band(e, "usd_per_million_tokens"))
        else:
            continue
        assert (card.value, card.proto.delta) == want, f"card {card.label!r}: shown {card.value!r} ({card.proto.delta})"
        checked.append(card.label)
    assert len(checked) == len(at.metric) == 4, f"cards checked {checked} of {[c.label for c in at.metric]}"
