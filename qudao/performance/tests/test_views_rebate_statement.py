"""The rebate statement page reads as a statement of money: its total is labelled as money (not
a scorecard's "总分"), the target is a target in its history (not the notification field
"接收地址"), the policy is a sentence (not its stored JSON), every label is translated, and a
bonus line shows a count times an amount each, not a count as a base and an amount as a rate."""

import re
from io import BytesIO

import pytest
from django.utils import translation
from openpyxl import load_workbook

from qudao.partners.models import PartnerDocument
from qudao.performance.periods import Period
from qudao.performance.services import (
    facts_rebuild,
    rebate_policy_save,
    rebate_statement_compute,
    target_create,
)

from .factories import won_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def statement(world):
    quarter = Period.current("quarter")
    rebate_policy_save(
        actor=world.hq,
        data={
            "code": "q-rebate",
            "name": "季度返利",
            "period_kind": "quarter",
            "bonus_per_new_customer": "5000",
            "bonus_per_certification": "1000",
        },
        bands=[
            {"min_attainment": "0", "max_attainment": "80", "rebate_percent": "0"},
            {"min_attainment": "80", "max_attainment": "", "rebate_percent": "2"},
        ],
    )
    target_create(
        actor=world.hq,
        data={
            "unit_kind": "partner",
            "partner": world.p1,
            "metric": "won_amount",
            "period": quarter.label,
            "value": "200000",
        },
    )
    won_project(world.p1, amount="180000", customer="甲")
    won_project(world.p1, amount="20000", customer="乙")
    PartnerDocument.objects.create(
        partner=world.p1, kind="certificate", title="认证", file="x.pdf", uploaded_by=world.hq
    )
    facts_rebuild()
    return rebate_statement_compute(actor=world.channel_mgr, partner=world.p1, period=quarter)


def _text(response) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_statement_page_reads_as_money_with_translated_labels(world, statement, as_user):
    client = as_user(world.channel_mgr)
    with translation.override("zh-hans"):
        response = client.get(f"/performance/rebates/{statement.pk}/", HTTP_ACCEPT_LANGUAGE="zh")
    assert response.status_code == 200
    text = _text(response)
    # the money total is a rebate total, not a score
    assert "总分" not in text
    assert re.search(r"返利合计 ¥\d{1,3}(,\d{3})*\.\d{2}", text)
    # the history names the target a target and translates every field; the policy is a
    # sentence, not its stored keys
    assert "接收地址" not in text
    assert re.search(r"目标 : (— → )?¥?200,000\.00", text)
    for raw in ("Scope region", "scope region", "Created by", "min attainment", "bands:"):
        assert raw not in text, raw
    assert "按达成率返利" in text
    # a bonus line: the count and the amount each, in words, not "2.00" in the base column
    # and "5000" in the rate column
    assert "新客户 2 个" in text
    assert "× ¥5,000.00 每个" in text
    assert "认证 1 项" in text


def test_the_statement_export_explains_the_bonus_lines(world, statement, as_user):
    client = as_user(world.channel_mgr)
    with translation.override("zh-hans"):
        response = client.get(
            f"/performance/rebates/{statement.pk}/export/", HTTP_ACCEPT_LANGUAGE="zh"
        )
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    descriptions = [row[1] for row in rows]
    assert "2 × 每个 ¥5,000.00" in descriptions
    assert rows[-1][0] == "合计"
