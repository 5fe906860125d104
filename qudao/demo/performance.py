"""Demo data of the closed loop (闭环绩效): two years of won and lost channel projects, more of
them recently, so that the trends have a shape, the facts rebuilt from them, targets for the
current quarter and year set at HQ and decomposed (华南 down to its partners and one partner's
sales person; 西部 left out, so the company's target visibly does not add up), a KPI scheme and
its scorecards, a rebate policy with an approved statement, benchmarks with a practice note,
alerts, and corrective actions — one from a below-line scorecard, one verified and closed, one
overdue and escalated.

Everything goes through the services, each historical project created and then won or lost at
its own past moment (`demo_clock`), and the facts are rebuilt after them and after the other
demos' registrations and projects, so that two years of trend exist on day one. Runs once:
nothing happens when targets exist. Dates are relative to the day of the seed.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from qudao.core.models import Region, User
from qudao.core.services.approvals import approval_decide
from qudao.demo.clock import HISTORY_DAYS, demo_clock, demo_moment
from qudao.partners.models import Partner
from qudao.performance.models import Alert, BenchmarkEntry, CorrectiveAction, Scorecard, Target
from qudao.performance.periods import Period, add_months, month_start
from qudao.performance.services import (
    action_create,
    action_submit,
    action_verify,
    actions_escalate_overdue,
    alert_act,
    alerts_detect,
    benchmark_note_add,
    benchmarks_compute,
    facts_rebuild,
    kpi_scheme_save,
    rebate_policy_save,
    rebate_statement_compute,
    rebate_statement_submit,
    scorecard_manual_score_set,
    scorecards_compute,
    target_children_set,
    target_create,
)
from qudao.projects.models import ProcessTemplate
from qudao.projects.services import project_create
from qudao.projects.services.closing import project_lose, project_win

# partner code, customer, amount (CNY), months before the seed it ended, outcome
HISTORY = [
    ("P-HN-001", "深圳市南山区教育局", "1850000", 0, "won"),
    ("P-HN-001", "深圳湾科技发展有限公司", "920000", 1, "won"),
    ("P-HN-001", "深圳市人民医院", "2600000", 3, "won"),
    ("P-HN-001", "前海金融控股有限公司", "1400000", 5, "won"),
    ("P-HN-001", "深圳市南山区教育局", "480000", 8, "won"),
    ("P-HN-002", "广州白云机场股份有限公司", "3100000", 2, "won"),
    ("P-HN-002", "广州市天河区政务服务中心", "760000", 4, "won"),
    ("P-HN-002", "广州地铁集团有限公司", "1250000", 7, "won"),
    ("P-HN-005", "深圳市南山区人民法院", "540000", 1, "won"),
    ("P-HN-005", "深圳大学", "830000", 6, "won"),
    ("P-HN-006", "广州医科大学附属第一医院", "2200000", 1, "won"),
    ("P-HN-006", "广州港集团有限公司", "1600000", 9, "won"),
    ("P-HN-007", "福州市数字福州建设中心", "690000", 2, "won"),
    ("P-HD-001", "上海浦东发展银行股份有限公司", "4200000", 0, "won"),
    ("P-HD-001", "上海申通地铁集团有限公司", "2750000", 3, "won"),
    ("P-HD-002", "杭州市城市大脑运营中心", "1980000", 1, "won"),
    ("P-HD-004", "上海张江高科技园区开发股份有限公司", "1320000", 4, "won"),
    ("P-HD-005", "苏州工业园区管委会", "880000", 2, "won"),
    ("P-HZ-001", "武汉东湖高新区管委会", "1150000", 1, "won"),
    ("P-HZ-002", "长沙市公安局", "970000", 5, "won"),
    ("P-HB-001", "北京市海淀区政务数据局", "2450000", 2, "won"),
    ("P-HB-003", "济南市大数据局", "610000", 6, "won"),
    ("P-HD-007", "无锡市滨湖区教育局", "720000", 10, "won"),
    ("P-HN-006", "广州市越秀区人民政府", "1380000", 11, "won"),
    ("P-HZ-006", "宜昌市中心人民医院", "940000", 12, "won"),
    ("P-HB-005", "北京市海淀区教育委员会", "1100000", 13, "won"),
    ("P-HN-001", "深圳市龙岗区人民医院", "1650000", 14, "won"),
    ("P-XB-003", "西安高新区管委会", "2050000", 15, "won"),
    ("P-HD-001", "上海市公安局浦东分局", "1900000", 16, "won"),
    ("P-HN-010", "汕头市中心医院", "450000", 17, "won"),
    ("P-HZ-003", "郑州市金水区教育局", "680000", 18, "won"),
    ("P-HD-002", "杭州市萧山区人民政府", "1250000", 19, "won"),
    ("P-XB-001", "成都市高新区管委会", "1480000", 20, "won"),
    ("P-HB-007", "天津港集团有限公司", "830000", 21, "won"),
    ("P-HN-002", "广州市番禺区政务服务中心", "560000", 22, "won"),
    ("P-XB-004", "成都市第三人民医院", "620000", 23, "won"),
    ("P-HN-002", "佛山市顺德区人民医院", "1450000", 0, "lost"),
    ("P-HD-002", "宁波舟山港股份有限公司", "2300000", 1, "lost"),
    ("P-HN-005", "深圳市福田区政务服务数据管理局", "980000", 4, "lost"),
    ("P-HZ-001", "武汉市江岸区教育局", "760000", 9, "lost"),
    ("P-HB-001", "北京市丰台区人民医院", "1200000", 15, "lost"),
    ("P-XB-003", "西安市雁塔区人民政府", "890000", 20, "lost"),
]


def _ended_at(now: datetime.datetime, months_ago: int, index: int) -> datetime.datetime:
    """15:00 on a day of the month `months_ago` months before `now` (by row), never later than
    a minute before `now`."""
    today = timezone.localdate(now)
    day = add_months(month_start(today), -months_ago) + datetime.timedelta(days=index % 20)
    moment = timezone.make_aware(datetime.datetime.combine(min(day, today), datetime.time(15)))
    return min(moment, now - datetime.timedelta(minutes=1))


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def _history(admin: User, partners: dict[str, Partner], template: ProcessTemplate) -> None:
    now = timezone.now()
    # The day after the partners joined: the oldest projects start no earlier.
    begins = demo_moment(now, HISTORY_DAYS - 1)
    for index, (code, customer, amount, months_ago, outcome) in enumerate(HISTORY):
        partner = partners.get(code)
        if partner is None or partner.status != Partner.Status.ACTIVE:
            continue
        ended = max(_ended_at(now, months_ago, index), begins + datetime.timedelta(days=20))
        started = max(ended - datetime.timedelta(days=30 + index % 30), begins)
        with transaction.atomic():
            with demo_clock(started):
                project = project_create(
                    actor=admin,
                    data={
                        "template": template.pk,
                        "name": f"{customer[:12]}渠道项目",
                        "customer_name": customer,
                        "region": partner.region_id,
                        "partner": partner.pk,
                        "amount": amount,
                        "expected_close_date": timezone.localdate() + datetime.timedelta(days=45),
                    },
                )
            with demo_clock(ended):
                if outcome == "lost":
                    project_lose(
                        actor=admin, project=project, reason="价格不占优势", competitor="友商"
                    )
                else:
                    project_win(actor=admin, project=project, reason="方案领先")


def _company_target(director, metric: str, period, value: str, **extra):
    data = {"unit_kind": "company", "metric": metric, "period": period.label, "value": value}
    return target_create(actor=director, data={**data, **extra})


def _by_region(director, parent, regions, values: dict[str, str]):
    """Split `parent` over the regions (by code) that exist."""
    return target_children_set(
        actor=director,
        parent=parent,
        values={
            f"region:{regions[code].pk}": value for code, value in values.items() if code in regions
        },
    )


def _targets(director, south_manager, p1_admin, regions, partners, quarter, year) -> None:
    company = _company_target(director, "won_amount", quarter, "20000000", note="季度签约目标")
    children = _by_region(
        director,
        company,
        regions,
        {"HN": "8000000", "HD": "6000000", "HZ": "3000000", "HB": "2500000"},
    )
    south = next((t for t in children if t.region_id == regions["HN"].pk), None)
    if south is not None and south_manager is not None:
        wanted = {
            "P-HN-001": "3000000",
            "P-HN-002": "2500000",
            "P-HN-005": "800000",
            "P-HN-006": "1200000",
            "P-HN-007": "500000",
        }
        partner_targets = target_children_set(
            actor=south_manager,
            parent=south,
            values={f"partner:{partners[c].pk}": v for c, v in wanted.items() if c in partners},
        )
        p1_target = next(
            (t for t in partner_targets if t.partner_id == partners["P-HN-001"].pk), None
        )
        sales = _user("p1_sales")
        if p1_target is not None and p1_admin is not None and sales is not None:
            target_children_set(
                actor=p1_admin, parent=p1_target, values={f"person:{sales.pk}": "1500000"}
            )
    yearly = _company_target(director, "registrations", year, "400")
    _by_region(
        director, yearly, regions, {"HN": "150", "HD": "120", "HZ": "60", "HB": "50", "XB": "20"}
    )
    _company_target(director, "new_customers", year, "60")


def _loop(people: dict[str, User], partners: dict[str, Partner], quarter: Period) -> None:
    director, channel_mgr, p1_admin = (
        people["director"],
        people["channel_mgr"],
        people.get("p1_admin"),
    )
    kpi_scheme_save(
        actor=director,
        data={
            "code": "partner-quarterly",
            "name": "渠道伙伴季度考核",
            "unit_kind": "partner",
            "period_kind": "quarter",
            "warning_line": "60",
            "promotion_line": "95",
        },
        lines=[
            {"metric": "won_amount", "weight": "50", "rule": "linear", "cap": "120"},
            {
                "metric": "registrations",
                "weight": "15",
                "rule": "threshold",
                "thresholds": "1:60, 3:100",
                "standard": "1",
            },
            {"metric": "closure_rate", "weight": "15", "rule": "linear", "standard": "90"},
            {"metric": "manual", "name": "配合度与服务质量", "weight": "20", "rule": "manual"},
        ],
    )
    scorecards_compute(period=quarter)
    p1_card = Scorecard.objects.filter(
        partner=partners.get("P-HN-001"), period_start=quarter.start
    ).first()
    if p1_card is not None:
        scorecard_manual_score_set(
            actor=channel_mgr,
            scorecard=p1_card,
            line=p1_card.lines.get(metric="manual"),
            score="85",
            note="响应及时",
        )

    rebate_policy_save(
        actor=director,
        data={
            "code": "quarterly-rebate",
            "name": "季度销售返利",
            "period_kind": "quarter",
            "bonus_per_new_customer": "5000",
            "bonus_per_certification": "2000",
        },
        bands=[
            {"min_attainment": "0", "max_attainment": "60", "rebate_percent": "0"},
            {"min_attainment": "60", "max_attainment": "100", "rebate_percent": "1.5"},
            {"min_attainment": "100", "max_attainment": "", "rebate_percent": "3"},
        ],
    )
    if "P-HN-001" in partners:
        statement = rebate_statement_compute(
            actor=channel_mgr, partner=partners["P-HN-001"], period=quarter
        )
        approval = rebate_statement_submit(actor=channel_mgr, statement=statement)
        for username in ("south_manager", "finance", "director"):
            if username in people and approval.status == "pending":
                approval = approval_decide(
                    actor=people[username], approval=approval, decision="approve"
                )
    if "P-HN-002" in partners:
        rebate_statement_compute(actor=channel_mgr, partner=partners["P-HN-002"], period=quarter)

    benchmarks_compute(period=quarter)
    top = BenchmarkEntry.objects.filter(
        period_start=quarter.start, group_kind="tier", metric="won_per_sales", is_best=True
    ).first()
    if top is not None:
        benchmark_note_add(
            actor=people["south_manager"],
            group_kind=top.group_kind,
            group_key=top.group_key,
            metric=top.metric,
            period=quarter,
            text="每周商机复盘会，报备后 48 小时内完成客户拜访；售前与销售结对跟进重点项目。",
        )

    alerts_detect()
    below = (
        Alert.objects.filter(
            kind=Alert.Kind.BELOW_WARNING, status=Alert.Status.OPEN, partner__owner=channel_mgr
        )
        .order_by("value")
        .first()
    )
    if below is not None:
        alert_act(actor=channel_mgr, alert=below, plan="制定季度冲刺计划，每周跟进重点商机。")
    today = timezone.localdate()

    def raise_action(title, source_kind, source_ref, code, owner, due_date, **rest):
        """A corrective action the channel manager raises for partner `code`."""
        data = {"title": title, "source_kind": source_kind, "source_ref": source_ref}
        data |= {"partner": partners[code], "owner": owner, "due_date": due_date, **rest}
        return action_create(actor=channel_mgr, data=data)

    if p1_admin is not None and "P-HN-001" in partners:
        closed = raise_action(
            "报备信息更新不及时",
            CorrectiveAction.SourceKind.MEETING,
            "华南区季度经营分析会",
            "P-HN-001",
            p1_admin,
            today + datetime.timedelta(days=10),
            plan="每周五前更新全部在跟报备的进展。",
        )
        closed = action_submit(
            actor=p1_admin, action=closed, evidence="已建立周五更新机制，本周 12 条报备均已更新。"
        )
        action_verify(actor=channel_mgr, action=closed, note="抽查 5 条，均已更新。")
    if "P-HN-002" in partners:
        owner = (
            User.objects.filter(partner=partners["P-HN-002"], is_active=True).order_by("pk").first()
        )
        if owner is not None:
            overdue = raise_action(
                "合同回款资料缺失",
                CorrectiveAction.SourceKind.STOCKTAKE,
                "项目盘点",
                "P-HN-002",
                owner,
                today,
            )
            # Due a week ago, so that the demo shows an overdue, escalated action.
            CorrectiveAction.objects.filter(pk=overdue.pk).update(
                due_date=today - datetime.timedelta(days=7)
            )
            actions_escalate_overdue(today)


def seed_performance() -> bool:
    """The performance demo; returns whether it ran."""
    if Target.objects.exists():
        return False
    admin, director = _user("admin"), _user("director")
    template = ProcessTemplate.objects.filter(code="channel").first()
    if admin is None or director is None or template is None:
        return False
    partners = {p.code: p for p in Partner.objects.all()}
    regions = {r.code: r for r in Region.objects.filter(parent=None)}
    people = {
        u.username: u
        for u in User.objects.filter(
            username__in=[
                "director",
                "south_manager",
                "channel_mgr",
                "finance",
                "p1_admin",
                "admin",
            ]
        )
    }
    if "channel_mgr" not in people:
        return False
    today = timezone.localdate()
    quarter, year = Period.of("quarter", today), Period.of("year", today)
    _history(admin, partners, template)
    facts_rebuild()
    with transaction.atomic():
        _targets(
            director,
            people.get("south_manager"),
            people.get("p1_admin"),
            regions,
            partners,
            quarter,
            year,
        )
    _loop(people, partners, quarter)
    return True
