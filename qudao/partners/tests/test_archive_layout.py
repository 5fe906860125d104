"""The partner archive on a phone and in English (issue 18, items 8 and 13): numbers with
separators, the credit card in 万 (m) with the exact sums on hover, the tab bar scrolling within
itself and every table of the archive turning into cards below 768 px."""

import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.conf import settings as django_settings

from qudao.partners.models import Partner

from .test_archive import TABS, fill_archive
from .test_evaluation import evaluate
from .test_recruitment_support import make_application, recruitment_env  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def in_language(client, language):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    return client


def dd_after(html: str, label: str) -> str:
    match = re.search(rf"<dt[^>]*>{re.escape(label)}</dt>\s*<dd[^>]*>(.*?)</dd>", html, re.S)
    assert match, label
    return re.sub(r"<[^>]+>", "", match[1]).strip()


class Tables(HTMLParser):
    """Each <table> of the page: its classes, and for each body cell whether it names its
    column (data-label), is the card's title or spans the row (an empty list), and whether it
    holds buttons (a row's actions need no label)."""

    def __init__(self):
        super().__init__()
        self.tables, self.cell, self.in_body = [], None, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "table":
            self.tables.append(
                {"classes": classes, "testid": attrs.get("data-testid"), "cells": []}
            )
        elif tag == "tbody":
            self.in_body = True
        elif tag == "td" and self.in_body and self.tables:
            self.cell = {
                "named": "data-label" in attrs or "qd-card-title" in classes or "colspan" in attrs,
                "text": "",
            }
            self.tables[-1]["cells"].append(self.cell)
        elif self.cell is not None and "btn" in classes:
            self.cell["actions"] = True

    def handle_endtag(self, tag):
        if tag == "tbody":
            self.in_body = False
        elif tag == "td":
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell["text"] += data.strip()


def tables_of(html: str) -> list[dict]:
    parser = Tables()
    parser.feed(html)
    return parser.tables


def test_the_profile_writes_large_figures_with_separators(world, as_user):
    Partner.objects.filter(pk=world.p1.pk).update(
        registered_capital=Decimal("6732"),
        annual_revenue=Decimal("20000"),
        staff_count=12000,
    )

    html = in_language(as_user(world.p1_admin), "en").get(f"/partners/{world.p1.pk}/").content
    html = html.decode()

    assert dd_after(html, "Annual revenue (10k CNY)") == "20,000.00"
    assert dd_after(html, "Registered capital (10k CNY)") == "6,732.00"
    assert dd_after(html, "Staff").startswith("12,000")
    assert "20000" not in html


def test_the_recruitment_application_writes_its_figures_with_separators(
    world,
    as_user,
    recruitment_env,  # noqa: F811 - fixture
):
    application = make_application(world, n=611)
    type(application).objects.filter(pk=application.pk).update(
        annual_revenue=Decimal("25000.5"), registered_capital=Decimal("12000"), staff_count=15000
    )

    html = in_language(as_user(world.south_manager), "en").get(
        f"/partners/applications/{application.pk}/"
    )
    html = html.content.decode()

    assert dd_after(html, "Annual revenue (10k CNY)") == "25,000.50"
    assert dd_after(html, "Registered capital (10k CNY)") == "12,000.00"
    assert dd_after(html, "Staff") == "15,000"


@pytest.mark.parametrize(
    ("language", "used", "total"),
    [("zh-hans", "¥205.0 万", "¥600.0 万"), ("en", "¥2.05 m", "¥6.00 m")],
)
def test_the_credit_card_is_short_with_the_exact_sums_on_hover(
    world, as_user, language, used, total
):
    Partner.objects.filter(pk=world.p1.pk).update(
        credit_limit=Decimal("6000000"), credit_used=Decimal("2050000")
    )

    html = in_language(as_user(world.channel_mgr), language).get(f"/partners/{world.p1.pk}/")
    html = html.content.decode()

    card = re.search(r'data-testid="summary-credit">(.*?)</div>', html, re.S)[1]
    assert f'title="¥2,050,000.00">{used}</span>' in card
    assert f'title="¥6,000,000.00">{total}</span>' in card


def test_the_tab_bar_scrolls_within_itself_on_phones(world, as_user):
    html = as_user(world.p1_admin).get(f"/partners/{world.p1.pk}/").content.decode()

    bar = re.search(r'<ul class="([^"]*)" data-testid="archive-tabs">', html)
    assert {"flex-nowrap", "overflow-auto"} <= set(bar[1].split())


@pytest.mark.parametrize("tab", [tab for tab in TABS if tab != "overview"])
def test_every_table_of_the_archive_becomes_cards_on_phones(world, as_user, tab):
    fill_archive(world, rows=1)
    client = in_language(as_user(world.channel_mgr), "en")

    html = client.get(f"/partners/{world.p1.pk}/?tab={tab}").content.decode()

    tables = tables_of(html)
    assert tables, tab
    for table in tables:
        assert "qd-cards" in table["classes"], table["testid"]
        assert table["cells"], table["testid"]  # a row to look at
        unnamed = [
            c for c in table["cells"] if not (c["named"] or c.get("actions") or not c["text"])
        ]
        assert not unnamed, (table["testid"], unnamed)


def test_the_evaluation_score_sheet_becomes_cards_on_phones(world, as_user):
    evaluation = evaluate(world, 8, period="2026Q1")

    html = as_user(world.p1_admin).get(f"/partners/evaluations/{evaluation.pk}/").content.decode()

    sheet = next(t for t in tables_of(html) if t["testid"] == "score-sheet")
    assert "qd-cards" in sheet["classes"]
    assert all(cell["named"] for cell in sheet["cells"])
