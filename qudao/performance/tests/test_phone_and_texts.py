"""Issue 18 in the performance pages: on a phone each list is cards (every cell names its
column, one cell is the card's title) under a folded filter bar; alert texts write amounts with
separators in the metric's own kind (money, count); history leaves out internal unit keys,
writes a count target as a count, and names a benchmark note's group by its label."""

from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.utils import translation

from qudao.core.models import AuditEntry
from qudao.core.selectors.audit import audit_entries_for_object, audit_rows
from qudao.performance.models import Alert, BenchmarkEntry, BenchmarkNote
from qudao.performance.periods import Period
from qudao.performance.services import benchmark_note_add, target_create, target_update

from . import test_views_pages

loop = test_views_pages.loop  # the fixture: targets, a scorecard, a statement, benchmarks…

pytestmark = pytest.mark.django_db


class _Tables(HTMLParser):
    """The cells of the table named by data-testid, and whether a filter form sits in a
    folding box (collapse d-md-block)."""

    def __init__(self, testid: str):
        super().__init__()
        self.testid, self.depth, self.table_class, self.cells = testid, 0, None, []
        self.open_boxes: list[bool] = []
        self.folded_form = self.bare_form = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "div":
            self.open_boxes.append("collapse d-md-block" in (attrs.get("class") or ""))
        if tag == "form" and (attrs.get("method") == "get" or "hx-get" in attrs):
            if any(self.open_boxes):
                self.folded_form = True
            else:
                self.bare_form = True
        if tag == "table":
            if attrs.get("data-testid") == self.testid:
                self.depth, self.table_class = 1, attrs.get("class", "")
            elif self.depth:
                self.depth += 1
        if tag == "td" and self.depth:
            self.cells.append(attrs)

    def handle_endtag(self, tag):
        if tag == "div" and self.open_boxes:
            self.open_boxes.pop()
        if tag == "table" and self.depth:
            self.depth -= 1


def _cards(client, url: str, testid: str, *, filters: bool = True) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200, url
    found = _Tables(testid)
    found.feed(response.content.decode())
    assert found.table_class is not None, (url, testid)
    assert "qd-cards" in found.table_class.split(), (url, "a phone scrolls this table sideways")
    rows = [cell for cell in found.cells if "colspan" not in cell]
    assert rows, (url, "no rows to check")
    for cell in rows:
        assert "data-label" in cell or "qd-card-title" in (cell.get("class") or ""), (url, cell)
    assert any("qd-card-title" in (cell.get("class") or "") for cell in rows), url
    if filters:
        assert found.folded_form and not found.bare_form, (url, "the filter bar does not fold")
    return rows


@pytest.mark.parametrize(
    ("url", "testid"),
    [
        ("/performance/", "attainment"),
        ("/performance/targets/", "target-table"),
        ("/performance/scorecards/", "scorecard-table"),
        ("/performance/rebates/", "statement-table"),
        ("/performance/benchmarks/", "benchmark-table"),
        ("/performance/actions/", "action-table"),
        ("/performance/alerts/", "alert-table"),
        ("/performance/reports/partners/", "report-table"),
        ("/performance/reports/rebates/", "report-table"),
    ],
)
def test_the_partner_admin_reads_each_list_as_cards_under_folded_filters(
    world, loop, as_user, url, testid
):
    _cards(as_user(world.p1_admin), url, testid)


def test_a_report_cell_is_labelled_with_its_column(world, loop, as_user):
    with translation.override("en"):
        rows = _cards(as_user(world.channel_mgr), "/performance/reports/partners/", "report-table")
    labels = {cell["data-label"] for cell in rows if "data-label" in cell}
    assert labels and "" not in labels


def test_scorecard_lines_are_cards(world, loop, as_user):
    _cards(
        as_user(world.p1_admin),
        f"/performance/scorecards/{loop['card'].pk}/",
        "scorecard-lines",
        filters=False,
    )


def _alert(world, target, value, threshold) -> Alert:
    alert = Alert(
        kind=Alert.Kind.TARGET_AT_RISK,
        key=f"target_risk:{target.pk}",
        partner=world.p1,
        target=target,
        message=target.metric,
        value=Decimal(value),
        threshold=Decimal(threshold),
    )
    alert.set_period(target.period)
    alert.save()
    return alert


def test_alert_texts_write_money_as_money_and_counts_as_counts(world, loop, as_user):
    quarter = loop["quarter"]
    count = target_create(
        actor=world.hq,
        data={
            "unit_kind": "partner",
            "partner": world.p1,
            "metric": "won_count",
            "period": quarter.label,
            "value": "150",
        },
    )
    _alert(world, loop["partner"], "1579104.48", "3000000.00")
    _alert(world, count, "12.5", "150.00")
    client = as_user(world.channel_mgr)
    for language, money_words in (("zh-hans", "¥1,579,104.48"), ("en", "¥3,000,000.00")):
        with translation.override(language):
            html = client.get("/performance/alerts/", HTTP_ACCEPT_LANGUAGE=language).content
        text = html.decode()
        assert money_words in text, language
        assert "1579104.48" not in text and "3000000.00" not in text
        assert "12.5" in text and "150.00" not in text


def test_history_leaves_out_unit_keys_and_writes_a_count_target_as_a_count(world, loop):
    quarter = loop["quarter"]
    target = target_create(
        actor=world.hq,
        data={
            "unit_kind": "partner",
            "partner": world.p1,
            "metric": "won_count",
            "period": quarter.label,
            "value": "150",
        },
    )
    target_update(actor=world.hq, target=target, value="160")
    with translation.override("en"):
        rows = audit_rows(audit_entries_for_object(target))
    changes = [change for row in rows for change in row["changes"]]
    assert "unit_key" not in {change["name"] for change in changes}
    values = [change for change in changes if change["name"] == "value"]
    assert {(c["before"], c["after"]) for c in values} == {(None, "150"), ("150", "160")}
    card = loop["card"]
    assert not any(
        "unit_key" in (entry.changes or {})
        for entry in AuditEntry.objects.filter(object_id=str(card.pk))
    )


def test_a_benchmark_notes_history_names_its_group(world, loop):
    best = BenchmarkEntry.objects.filter(is_best=True, group_kind="tier").first()
    assert best is not None
    note = benchmark_note_add(
        actor=world.hq,
        group_kind=best.group_kind,
        group_key=best.group_key,
        metric=best.metric,
        period=Period.of(best.period_kind, best.period_start),
        text="每周复盘报备",
    )
    entry = audit_entries_for_object(note).get()
    assert "group_key" not in entry.changes
    assert entry.note == best.group_label and entry.note != best.group_key
    assert BenchmarkNote.objects.filter(pk=note.pk).exists()
