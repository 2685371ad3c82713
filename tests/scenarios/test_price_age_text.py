"""How old a price is (scenarios.business.price_age): the age in days on a given date, the stale
marker past 180 days (not at 180), future dates, undated prices, both languages, and the pinned
VENTURE_LAB_TODAY with its refusal."""

from __future__ import annotations

import datetime as dt

import pytest

from scenarios.business.price_age import STALE_AFTER_DAYS, parse_date, price_age, today
from scenarios.errors import VentureLabError

ON = dt.date(2026, 12, 7)


def test_age_in_days_with_thousands_grouped():
    age = price_age("2026-09-20", ON)
    assert (age.as_of, age.date, age.days_old, age.stale) == ("2026-09-20", dt.date(2026, 9, 20), 78, False)
    assert age.text() == "as of 2026-09-20 (78 days old)"
    assert age.text("zh") == "价格日期 2026-09-20（78 天前）"
    assert price_age("2020-01-01", ON).text().startswith("as of 2020-01-01 (2,532 days old) STALE")


def test_stale_only_past_180_days():
    assert STALE_AFTER_DAYS == 180
    at = price_age((ON - dt.timedelta(days=180)).isoformat(), ON)
    past = price_age((ON - dt.timedelta(days=181)).isoformat(), ON)
    assert (at.days_old, at.stale) == (180, False) and " STALE" not in at.text()
    assert (past.days_old, past.stale) == (181, True)
    assert past.text() == f"as of {ON - dt.timedelta(days=181)} (181 days old) STALE: older than 180 days, re-check it"
    assert past.text("zh").endswith("（181 天前） 已过时：超过 180 天，请重新核对")


def test_a_date_after_today_says_so():
    ahead = price_age("note: read 2027-01-06 from the page", ON)
    assert ahead.days_old == -30 and not ahead.stale
    assert ahead.text() == "as of 2027-01-06 (30 days after today)"
    assert ahead.text("zh") == "价格日期 2027-01-06（晚于今天 30 天）"
    assert price_age("2026-12-07", ON).text() == "as of 2026-12-07 (0 days old)"


@pytest.mark.parametrize("as_of, shown", [("2026", "2026"), ("  Q3 2026 ", "Q3 2026"), ("", "?"), (None, "?"),
                                          ("2026-02-30", "2026-02-30")])
def test_an_undated_price_is_shown_as_written(as_of, shown):
    age = price_age(as_of, ON)
    assert (age.as_of, age.date, age.days_old, age.stale) == (as_of or "", None, None, False)
    assert age.text() == f"as of {shown} (no exact date)"
    assert age.text("zh") == f"价格日期 {shown}（无确切日期）"


def test_parse_date_takes_the_first_full_date():
    assert parse_date("2026-01-02 then 2026-03-04") == dt.date(2026, 1, 2)
    assert parse_date("12026-01-02") is None and parse_date("") is None


def test_today_is_pinned_by_the_environment(monkeypatch):
    monkeypatch.setenv("VENTURE_LAB_TODAY", " 2026-03-02 ")
    assert today() == dt.date(2026, 3, 2)
    assert price_age("2026-01-01").days_old == 60
    monkeypatch.setenv("VENTURE_LAB_TODAY", "03/02/2026")
    with pytest.raises(VentureLabError) as err:
        today()
    assert str(err.value) == ("VENTURE_LAB_TODAY: must be a date written YYYY-MM-DD (got '03/02/2026'); "
                              "accepted: e.g. 2026-12-07")
    monkeypatch.setenv("VENTURE_LAB_TODAY", "")
    assert today() == dt.date.today()
