"""One configuration, one $-per-token figure (ARCHITECTURE 4.3, last point): the cost explorer,
`venture-lab estimate inference --json`, a scenario (its page and `scenario run --json`) agree
once the denominators are accounted for, and every label says which tokens it divides by.

The two figures, derived from the code (B batch, P prompt and O output tokens, busy_s = TTFT + O x
TPOT for one batch, p $ per device-hour, N devices per replica, u utilisation):

* the engine's ``usd_per_million_tokens`` (scenarios/engine/serving_core.py ``money_columns``) is
  per OUTPUT token, prefill included: ``p N busy_s / (3600 u) / (B O) x 1e6``;
* a scenario's ``usd_per_million_io_tokens`` (scenarios/business/economics.py ``option_figures``)
  is the month's cost over input + output tokens. A replica serves ``B / busy_s`` requests a
  second (engine ``replica_requests_per_s``), the fleet is ``r = ceil(x)`` replicas with
  ``x = peak_rps / (u B / busy_s)``, each billed ``N p 730 h``, for ``R (P + O)`` tokens a month,
  so ``usd_per_million_io_tokens = usd_per_million_tokens x O / (P + O) x peak_factor x r / x``.

With a peak factor of 1 and a whole number of replicas (no round-up) the scenario's figure is the
engine's times O / (P + O): 128 / 640 = 0.2 for the cost explorer's default 512 in, 128 out.
"""

from __future__ import annotations

import json

import pytest
import yaml

from dashboard.i18n import t
from scenarios import cli
from tests.app.conftest import assert_clean, open_page
from tests.app.test_scenarios import open_page as open_scenario_page

MODEL, HARDWARE, WEIGHTS = "llama-3.1-8b", "nvidia-h100-sxm", "int4"
PROMPT_TOKENS, OUTPUT_TOKENS, UTILISATION, REPLICAS = 512, 128, 0.6, 3
SECONDS_PER_DAY = 86_400.0


def _cli_json(argv, capsys) -> dict:
    assert cli.main(argv) == 0
    return json.loads(capsys.readouterr().out)


def _scenario(usd_per_hour: float, requests_per_day: float) -> dict:
    """One rented H100 option at the engine's price, peak factor 1, the same utilisation."""
    return {
        "schema_version": 2, "id": "one-figure", "name": "One figure", "domain": "nlp",
        "model": MODEL, "weights": WEIGHTS, "workload": "llm",
        "traffic": {"requests_per_day": requests_per_day, "prompt_tokens": PROMPT_TOKENS,
                    "output_tokens": OUTPUT_TOKENS, "monthly_active_users": 1000,
                    "peak_factor": 1.0, "monthly_growth": 0.0},
        "pricing": {"model": "subscription", "usd_per_user_month": 20},
        "targets": [{"id": "rent", "kind": "rented-gpu", "hardware": HARDWARE, "batch": 1,
                     "usd_per_hour": usd_per_hour}],
        "serving_target": "rent",
        "operating": {"utilisation": UTILISATION, "electricity_usd_per_kwh": 0.1, "pue": 1.5},
        "fixed_costs": {"team_usd_month": 10_000},
        "funding": {"cash_usd": 100_000},
    }


def test_one_configuration_gives_one_per_token_figure_on_the_pages_and_the_cli(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("VENTURE_LAB_DEVICE_DIR", str(tmp_path / "devices"))
    monkeypatch.setenv("VENTURE_LAB_SCENARIO_DIR", str(tmp_path / "scenarios"))
    est = _cli_json(["estimate", "inference", "--model", MODEL, "--hardware", HARDWARE, "--weights", WEIGHTS,
                     "--utilisation", str(UTILISATION), "--json"], capsys)
    per_output = est["usd_per_million_tokens"]
    assert est["inputs"]["prompt_tokens"] == PROMPT_TOKENS and est["inputs"]["output_tokens"] == OUTPUT_TOKENS

    # the cost explorer: the same figure, under a label that says "output tokens"
    at = open_page("dashboard/pages/cost_serving.py", query={"srv_util": str(UTILISATION)})
    assert_clean(at)
    column = t("cost.col.usd_per_million_tokens", lang="en")
    assert "output" in column
    table = next(df.value for df in at.dataframe if column in df.value.columns)
    row = table.set_index(t("cost.col.device_id", lang="en")).loc[HARDWARE]
    assert row[column] == pytest.approx(per_output, rel=1e-12)

    # a scenario sized to exactly REPLICAS replicas at the peak (no round-up)
    requests_per_s_per_replica = 1000.0 / (est["ttft_ms"] + OUTPUT_TOKENS * est["tpot_ms"])
    requests_per_day = REPLICAS * requests_per_s_per_replica * UTILISATION * SECONDS_PER_DAY
    path = tmp_path / "scenarios" / "one-figure.yaml"
    path.parent.mkdir()
    path.write_text(yaml.safe_dump(_scenario(est["price_per_hour_used"], requests_per_day)))
    run = _cli_json(["scenario", "run", str(path), "--json", "--samples", "100"], capsys)
    option = run["options"][0]
    assert option["replicas"] == REPLICAS
    io_share = OUTPUT_TOKENS / (PROMPT_TOKENS + OUTPUT_TOKENS)
    assert option["usd_per_million_io_tokens"] == pytest.approx(per_output * io_share, rel=1e-9)
    assert "usd_per_million_tokens" not in option     # one key, one meaning

    # the scenario page shows that figure under a label that says "input + output"
    at = open_scenario_page("dashboard/pages/scenarios_home.py", query={"scn_id": "one-figure"})
    assert_clean(at)
    column = t("scn.col.usd_per_m_tokens", lang="en")
    assert "input + output" in column
    table = next(df.value for df in at.dataframe if column in df.value.columns)
    assert table[column].iloc[0] == pytest.approx(option["usd_per_million_io_tokens"], rel=1e-9)


@pytest.mark.parametrize("lang, output, io", [("en", "output tokens", "input + output"),
                                               ("zh", "输出 token", "输入 + 输出")])
def test_every_per_token_cost_label_names_its_denominator(lang, output, io):
    for key in ("cost.usd_per_m", "cost.col.usd_per_million_tokens", "cost.chart.usd_title",
                "cost.chart.usd_axis", "cost.tab.cost", "home.fig_usd", "cost.col.electricity_usd_per_million_tokens",
                "cost.srv.electricity_only"):
        assert output in t(key, lang=lang, device="H100", batch=32, usd="1"), key
    assert io in t("scn.col.usd_per_m_tokens", lang=lang)


def test_the_home_page_names_the_denominator_of_its_dollar_figure():
    at = open_page("dashboard/pages/home.py")
    assert_clean(at)
    dollars = [m.label for m in at.metric if m.label.startswith("$")]
    assert dollars and all("per 1M output tokens" in label for label in dollars), dollars


# The glossary ARCHITECTURE 4.3 / issue 12 asks for: the terms a founder meets on the cost and
# scenario pages, each defined once (English text, as it appears on the page).
GLOSSARY_TERMS_EN = ("$ per 1M output tokens", "$ per 1M input + output tokens", "Utilisation", "Peak load share",
                     "TTFT", "TPOT", "Throughput", "Prefill and decode", "Low / high range", "P10 / P50 / P90",
                     "MFU", "Devices per replica", "Replica")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_methodology_page_has_a_glossary_in_both_languages(lang):
    # by its link, as a reader shares it (the URL carries the part's label in the page's language)
    at = open_page("dashboard/pages/methodology.py", lang=lang, query={"meth_part": t("meth.part.glossary", lang=lang)})
    assert_clean(at)
    text = "\n".join(m.value for m in at.markdown)
    from dashboard.pages.methodology import GLOSSARY
    for term in GLOSSARY:
        assert f"**{t('meth.term.' + term, lang=lang)}**: {t('meth.def.' + term, lang=lang)}" in text, term
    if lang == "en":
        for term in GLOSSARY_TERMS_EN:
            assert f"- **{term}" in text, term
    # the two per-token figures are told apart, and utilisation keeps ARCHITECTURE 4.2's meaning
    assert t("meth.term.usd_per_m_output", lang=lang) != t("meth.term.usd_per_m_io", lang=lang)
    assert ("Share of paid device time" if lang == "en" else "付费设备时间") in t("meth.def.utilisation", lang=lang)
