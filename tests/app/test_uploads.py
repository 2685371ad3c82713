"""The demos on the visitor's own CSV (issue 15): the breast-cancer table trains the medical demo,
and ten hostile files each get a one-line message while the page keeps working.

The hostile files go through the page (AppTest's file_uploader.upload hands the bytes to the
script as the browser would; AppTest skips the browser's size cap, so the 50 MB file exercises
the reader's own check) and through models.user_data directly.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from models import user_data
from scenarios.errors import VentureLabError
from dashboard.i18n import t
from tests.app.conftest import open_page

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
BREAST_CANCER = (FIXTURES / "breast_cancer.csv").read_bytes()
MED = "dashboard/pages/demo_medical.py"
# Measured: the fixture (scikit-learn's 569 biopsies) gives 97.1 % test accuracy at seed 0, the
# same as the built-in data; docs/own-data.md states "at least 95 %".
MIN_ACCURACY = 0.95


def _good_rows(n: int = 40) -> list[str]:
    return [f"{i % 7},{(i * 3) % 11},{'yes' if i % 4 == 0 else 'no'}" for i in range(n)]


HOSTILE = {
    "wrong encoding": ("a,b,label\n" + "\n".join(_good_rows())).replace("label", "labél").encode("latin-1"),
    "one class": ("a,b,label\n" + "\n".join(f"{i},{i},no" for i in range(40))).encode(),
    "100,000 columns": (",".join(f"c{i}" for i in range(100_000)) + "\n" + ",".join("1" * 100_000)).encode(),
    "formula injection": ("a,b,label\n" + "\n".join(_good_rows()) + "\n=HYPERLINK(\"http://x\"),1,yes\n").encode(),
    "50 MB": b"a,b,label\n" + b"1,2,yes\n1,3,no\n" * (50 * 1024 * 1024 // 16),
    "empty": b"",
    "NaN label": ("a,b,label\n" + "\n".join(_good_rows()) + "\n1,2,\n").encode(),
    "duplicated header": ("a,a,label\n" + "\n".join(_good_rows())).encode(),
    "single row": b"a,b,label\n1,2,yes\n",
}
EXPECTED = {
    "wrong encoding": "not UTF-8", "one class": "has 1 class", "100,000 columns": "too many columns",
    "formula injection": "free text where numbers are expected", "50 MB": "too large", "empty": "is empty",
    "NaN label": "missing in 1 rows", "duplicated header": "duplicated column name", "single row": "too few rows",
}
SEMICOLON = ("a;b;label\n" + "\n".join(r.replace(",", ";") for r in _good_rows())).encode()


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_reader_refuses_each_hostile_file_in_one_line_naming_what_is_accepted(name):
    with pytest.raises(VentureLabError) as err:
        user_data.read_tabular(HOSTILE[name], "label")
    msg = str(err.value)
    assert EXPECTED[name] in msg and "\n" not in msg and "accepted:" in msg


def test_semicolon_file_is_accepted_and_says_so():
    data = user_data.read_tabular(SEMICOLON, "label")
    assert data.X.shape == (40, 2) and data.positive_class == "yes"
    assert data.notes == ("read as semicolon-delimited (;)",)


def test_download_neutralises_formula_cells():
    out = user_data.to_csv_bytes(["text", "intent"], [["=1+1", "a"], ["@SUM(A1)", "b"], ["-2", "c"], ["ok", "d"]])
    assert out.decode().splitlines() == ["text,intent", "'=1+1,a", "'@SUM(A1),b", "'-2,c", "ok,d"]


def test_intents_reader_checks_columns_and_classes():
    data = user_data.read_intents((FIXTURES / "intents.csv").read_bytes())
    assert len(data.texts) == 120 and len(set(data.intents)) == 10
    with pytest.raises(VentureLabError, match="has 1 class"):
        user_data.read_intents(("text,intent\n" + "\n".join(f"hello {i},greet" for i in range(30))).encode())
    with pytest.raises(VentureLabError, match="wrong columns"):
        user_data.read_intents(("msg,label\n" + "\n".join(f"hello {i},greet" for i in range(30))).encode())


def _message(at) -> list[str]:
    return [e.value for e in at.error]


def test_medical_page_trains_on_breast_cancer_and_survives_ten_hostile_files():
    at = open_page(MED)
    builtin = [m.value for m in at.metric]
    uploader = at.get("file_uploader")[0]
    uploader.upload("breast_cancer.csv", BREAST_CANCER, "text/csv").run()
    assert not at.exception and not _message(at)
    at.selectbox(key="med_upload_label").set_value("target").run()
    accuracy = float(at.metric[len(builtin)].value.rstrip("%")) / 100
    assert accuracy >= MIN_ACCURACY, accuracy
    for name, raw in [*HOSTILE.items(), ("semicolon", SEMICOLON)]:
        uploader = at.get("file_uploader")[0]
        uploader.clear()
        uploader.upload(f"{name}.csv", raw, "text/csv").run()
        assert not at.exception, (name, at.exception)
        if name == "semicolon":
            assert not _message(at) and any("semicolon" in c.value for c in at.caption)
            continue
        assert len(_message(at)) == 1 and "\n" not in _message(at)[0], (name, _message(at))
        # the built-in demo above still renders its figures
        assert [m.value for m in at.metric][: len(builtin)] == builtin, name


def test_medical_page_runs_dp_sgd_and_fedavg_on_the_upload_with_the_pages_knobs():
    """The DP-SGD and FedAvg sections run on the uploaded file too, at the knobs set above, and
    show what the models give on the same rows (delta below one over the rows)."""
    import math

    from models.medical_privacy import DPConfig, FedConfig, run_dp, run_fedavg
    from models.user_data import read_tabular

    at = open_page(MED)
    at.select_slider(key="med_eps").set_value("3")
    at.slider(key="med_rounds").set_value(10).run()
    at.get("file_uploader")[0].upload("breast_cancer.csv", BREAST_CANCER, "text/csv").run()
    at.selectbox(key="med_upload_label").set_value("target").run()
    assert not at.exception and not _message(at)
    data = read_tabular(BREAST_CANCER, label="target")
    rows = (data.X, data.y, data.feature_names)
    dp = run_dp(DPConfig(epsilon=3.0, delta=0.5 / len(data.y)), data=rows)
    plain = run_dp(DPConfig(epsilon=math.inf, delta=0.5 / len(data.y)), data=rows)
    fed = run_fedavg(FedConfig(rounds=10), data=rows)
    shown = {m.label: m.value for m in at.metric[-6:]}
    assert shown[t("med.dp_accuracy", lang="en")] == f"{dp.accuracy:.1%}"
    assert shown[t("med.eps_spent", lang="en")] == f"{dp.epsilon_spent:.2f}" and dp.epsilon_spent <= 3.0
    assert shown[t("med.fed_acc", lang="en")] == f"{fed.federated_accuracy:.1%}"
    assert shown[t("med.central_acc", lang="en")] == f"{fed.centralised_accuracy:.1%}"
    assert dp.accuracy <= plain.accuracy + 0.02 and fed.federated_accuracy >= 0.9     # private costs accuracy


def test_finance_page_trains_the_four_methods_on_its_sample_and_refuses_text_features():
    from dashboard.cached.finance import sample_csv

    at = open_page("dashboard/pages/demo_finance.py")
    tables = len(at.dataframe)
    at.get("file_uploader")[0].upload("sample.csv", sample_csv(), "text/csv").run()
    assert not at.exception and not _message(at)
    assert len(at.dataframe) == tables + 1 and len(at.dataframe[-1].value) == 4   # baseline .. threshold
    uploader = at.get("file_uploader")[0]
    uploader.clear()
    uploader.upload("text.csv", b"amount,merchant,label\n" + b"3.5,shop,yes\n4.0,cafe,no\n" * 20, "text/csv").run()
    assert not at.exception
    assert _message(at) == ["This file can't be used: column 'merchant': free text where numbers are expected "
                            "(got 'shop'); accepted: numbers (e.g. 3.5, -1, 1e-3)"]
    assert len(at.dataframe) == tables   # the built-in demo's tables still render


def test_nlp_page_trains_on_an_intents_csv_and_its_download_neutralises_formulas():
    at = open_page("dashboard/pages/demo_nlp.py")
    raw = (FIXTURES / "intents.csv").read_bytes() + b'"=HYPERLINK(""http://x"")",order_status\n'
    at.get("file_uploader")[0].upload("intents.csv", raw, "text/csv").run()
    assert not at.exception and not _message(at)
    assert any("prefixed with '" in c.value for c in at.caption)
    uploader = at.get("file_uploader")[0]
    uploader.clear()
    uploader.upload("one.csv", ("text,intent\n" + "\n".join(f"hi {i},greet" for i in range(30))).encode(),
                    "text/csv").run()
    assert not at.exception and len(_message(at)) == 1 and "has 1 class" in _message(at)[0]


@pytest.mark.parametrize("page", ["finance", "medical"])
def test_the_sample_file_a_page_offers_uploads_back_cleanly(page):
    """The sample a page offers for download is itself a valid upload: no number in it was
    quoted as a formula cell (a negative value written as text would be)."""
    import importlib

    raw = importlib.import_module(f"dashboard.cached.{page}").sample_csv()
    assert b"'-" not in raw
    data = user_data.read_tabular(raw)
    assert data.X.shape[0] >= 20 and data.X.shape[1] >= 2


def test_dp_and_fedavg_on_a_large_upload_use_a_stated_random_share_of_its_rows():
    """More than MAX_PRIVACY_ROWS rows: the privacy runs take a seeded random share with the classes
    in proportion, and the page says how many of how many rows they used."""
    import numpy as np

    from models.medical_privacy import MAX_PRIVACY_ROWS, privacy_rows

    rng = np.random.default_rng(1)
    X = rng.normal(size=(12_000, 4))
    y = (rng.random(12_000) < 0.2).astype(int)
    Xs, ys, _ = privacy_rows((X, y, ["a", "b", "c", "d"]), seed=0)
    assert abs(len(ys) - MAX_PRIVACY_ROWS) <= 2 and abs(ys.mean() - y.mean()) < 0.002
    assert len(privacy_rows((X[:100], y[:100], None), seed=0)[1]) == 100      # small files: every row
    lines = ["a,b,c,d,label"] + [f"{a:.4f},{b:.4f},{c:.4f},{d:.4f},{'yes' if lab else 'no'}"
                                 for (a, b, c, d), lab in zip(X[:6_000], y[:6_000])]
    at = open_page(MED)
    at.get("file_uploader")[0].upload("big.csv", "\n".join(lines).encode(), "text/csv").run()
    assert not at.exception and not _message(at)
    note = t("upload.med_privacy_rows", lang="en", used=f"{MAX_PRIVACY_ROWS:,}", rows="6,000")
    assert any(c.value == note for c in at.caption)
