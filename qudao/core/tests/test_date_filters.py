"""`ymd` and `ymd_hm` write exactly what `date:"Y-m-d"` and `date:"Y-m-d H:i"` write (in the
current time zone, in either language, nothing for what is not a date)."""

import datetime

import pytest
from django.template import engines
from django.utils import timezone, translation

WITH_TIME = [
    datetime.datetime(2026, 1, 1, 23, 30, tzinfo=datetime.UTC),  # the next day in Shanghai
    datetime.datetime(2026, 6, 30, 16, 5, 59, tzinfo=datetime.UTC),
    datetime.datetime(999, 1, 1, 1, 1),  # naive, a three-digit year
]
NOT_DATES = [None, "", "2026-01-01", 5]


def render(source: str, value) -> str:
    return engines["django"].from_string("{% load qudao %}" + source).render({"v": value})


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("zone", ["Asia/Shanghai", "America/New_York"])
@pytest.mark.parametrize("value", [*WITH_TIME, datetime.date(2026, 2, 28), *NOT_DATES])
def test_ymd_is_the_date_filter(value, language, zone):
    with translation.override(language), timezone.override(zone):
        assert render("{{ v|ymd }}", value) == render('{{ v|date:"Y-m-d" }}', value)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("zone", ["Asia/Shanghai", "America/New_York"])
@pytest.mark.parametrize("value", [*WITH_TIME, *NOT_DATES])
def test_ymd_hm_is_the_date_filter(value, language, zone):
    with translation.override(language), timezone.override(zone):
        assert render("{{ v|ymd_hm }}", value) == render('{{ v|date:"Y-m-d H:i" }}', value)


def test_the_shanghai_day_is_shown_not_the_utc_one():
    with timezone.override("Asia/Shanghai"):
        assert render("{{ v|ymd_hm }}", WITH_TIME[0]) == "2026-01-02 07:30"
        assert render("{{ v|ymd }}", WITH_TIME[0]) == "2026-01-02"


def test_a_date_without_a_time_has_no_time_to_show():
    # (`date:"Y-m-d H:i"` raises TypeError on a date; the lists never pass one)
    assert render("{{ v|ymd_hm }}", datetime.date(2026, 2, 28)) == ""
