"""Demo deal registrations (项目报备): about thirty registrations of real-sounding Chinese
customers across partners, regions and every status, made through the real use cases (so they
carry numbers, keys, approvals, audit rows and notifications), including conflicting pairs:

- the same customer spelled differently by two partners (深圳市腾云智能科技有限公司 /
  腾云智能科技（深圳）有限公司), one approved and one waiting in the channel manager's queue;
- two partners registering 广州地铁 within a day of each other, both waiting;
- the same credit code under two different spellings (certain conflict) in 上海;
- a cross-region registration waiting for the customer region's manager.

Before them, about thirty closed registrations of the last two years (won, lost, cancelled,
rejected, expired), more of them in recent months, so that the trends have a history.

Every step happens at its own moment (`demo_clock`), relative to the moment of the seed: the
closed ones months ago, the live ones recently enough to be current (approved ones within their
protection and progress interval, waiting ones within days), so that the inboxes and the stories
above hold whenever the demo is loaded. Runs once: nothing happens when registrations exist.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from qudao.core.demo import HISTORY_DAYS, demo_clock, demo_moment, demo_user
from qudao.core.models import ApprovalRequest, Region, User
from qudao.partners.demo import AREA_CODES, credit_code_for
from qudao.partners.models import Partner, ProductLine

from .models import Registration
from .services import (
    REVIEW,
    registration_close,
    registration_decide,
    registration_expire_due,
    registration_save_draft,
    registration_submit,
    registration_update_progress,
)

# More partner users, so that conflicts happen between partners other than p1 and p2.
PARTNER_USERS = [
    ("p3_sales", "孙", "浦江销售", ["partner_sales"], "P-HD-001", "13900000005"),
    ("p4_sales", "张", "张江销售", ["partner_sales"], "P-HD-004", "13900000006"),
    ("p5_sales", "彭", "云启销售", ["partner_sales"], "P-HN-005", "13900000007"),
    ("p6_sales", "秦", "中关村销售", ["partner_sales"], "P-HB-001", "13900000008"),
]
USER_OF = {
    "P-HN-001": "p1_sales",
    "P-HN-002": "p2_sales",
    "P-HD-001": "p3_sales",
    "P-HD-004": "p4_sales",
    "P-HN-005": "p5_sales",
    "P-HB-001": "p6_sales",
}

# partner, customer, credit seed ("" = none), customer office, city, project, industry,
# products ("CODE:qty ..."), amount (CNY), close in days, stage, outcome
REGISTRATIONS = [
    ("P-HN-001", "深圳市腾云智能科技有限公司", "tengyun", "HN-SZ", "深圳", "研发园区无线网络改造",
     "互联网", "NET:120 SEC:40", "2860000", 75, "proposal", "approved"),
    ("P-HN-002", "腾云智能科技（深圳）有限公司", "", "HN-SZ", "深圳", "园区 Wi-Fi 6 升级",
     "互联网", "NET:100", "2500000", 80, "qualified", "submitted"),
    ("P-HN-001", "广州地铁集团有限公司", "gzmetro", "HN-GZ", "广州", "18号线车站视频监控",
     "交通", "SEC:600", "9800000", 150, "bidding", "submitted"),
    ("P-HN-002", "广州市地铁集团", "", "HN-GZ", "广州", "地铁18号线安防监控系统",
     "交通", "SEC:520 NET:30", "9200000", 140, "bidding", "submitted"),
    ("P-HD-001", "上海市第六人民医院", "sixth-hospital", "HD-SH", "上海", "临港院区数据中心",
     "医疗", "CLOUD:12 NET:40", "6400000", 120, "proposal", "approved"),
    ("P-HD-004", "上海交通大学附属第六人民医院", "sixth-hospital", "HD-SH", "上海",
     "数据中心二期", "医疗", "CLOUD:10", "5900000", 110, "qualified", "submitted"),
    ("P-HN-001", "上海浦东发展银行股份有限公司", "spdb", "HD-SH", "上海", "分行网点安防联网",
     "金融", "SEC:300", "4300000", 100, "qualified", "submitted"),
    ("P-HN-005", "中国南方电网有限责任公司深圳供电局", "csg-sz", "HN-SZ", "深圳",
     "变电站智能巡检", "能源", "SEC:80 SW:1", "3700000", 90, "proposal", "approved"),
    ("P-HN-002", "南方电网深圳供电局", "", "HN-SZ", "深圳", "配网自动化通信",
     "能源", "NET:200", "2100000", 95, "lead", "rejected"),
    ("P-HN-001", "深圳市南山区人民医院", "nanshan-hospital", "HN-SZ", "深圳", "智慧病房",
     "医疗", "SW:1 NET:60", "1650000", 60, "negotiation", "won"),
    ("P-HN-002", "广州白云国际机场股份有限公司", "baiyun", "HN-GZ", "广州", "T3航站楼网络",
     "交通", "NET:900", "12600000", 200, "proposal", "approved"),
    ("P-HN-001", "深圳市宝安区教育局", "", "HN-SZ", "深圳", "中小学校园安全",
     "教育", "SEC:1200", "5400000", 45, "contract", "approved-expiring"),
    ("P-HN-005", "比亚迪股份有限公司", "byd", "HN-SZ", "深圳", "坪山基地园区网",
     "制造业", "NET:300 CLOUD:4", "7300000", 130, "qualified", "approved-stale"),
    ("P-HN-002", "广州市天河区政务服务数据管理局", "", "HN-GZ", "广州", "政务云扩容",
     "政府", "CLOUD:20", "3900000", 100, "qualified", "info"),
    ("P-HN-001", "华润万家有限公司", "crv", "HN-SZ", "深圳", "门店视频云",
     "零售", "SEC:2000 CLOUD:2", "8800000", 160, "lead", "lost"),
    ("P-HN-002", "广东省人民医院", "gdph", "HN-GZ", "广州", "互联网医院平台",
     "医疗", "SW:1 CLOUD:6", "2300000", 70, "proposal", "draft"),
    ("P-HD-001", "上海申通地铁集团有限公司", "shentong", "HD-SH", "上海", "14号线综合监控",
     "交通", "SEC:700", "11200000", 180, "bidding", "approved"),
    ("P-HD-004", "上海张江高科技园区开发股份有限公司", "zjhitech", "HD-SH", "上海",
     "智慧园区一期", "地产", "SEC:400 NET:200", "6200000", 120, "proposal", "approved"),
    ("P-HD-001", "张江高科", "", "HD-SH", "上海", "园区安防改造", "地产", "SEC:350",
     "4800000", 110, "qualified", "submitted"),
    ("P-HD-004", "中国商用飞机有限责任公司", "comac", "HD-SH", "上海", "总装车间工业网络",
     "制造业", "NET:500", "9900000", 210, "lead", "cancelled"),
    ("P-HB-001", "北京市海淀区人民政府", "haidian", "HB-BJ", "北京", "城市大脑二期",
     "政府", "CLOUD:30 SW:1", "15600000", 240, "proposal", "approved"),
    ("P-HB-001", "中国人民大学", "ruc", "HB-BJ", "北京", "校园网升级", "教育", "NET:800",
     "4100000", 90, "qualified", "submitted"),
    ("P-HN-005", "深圳市地铁集团有限公司", "szmetro", "HN-SZ", "深圳", "车辆段安防",
     "交通", "SEC:260", "3300000", 100, "qualified", "submitted"),
    ("P-HN-001", "招商银行股份有限公司", "cmb", "HN-SZ", "深圳", "总行数据中心网络",
     "金融", "NET:400 CLOUD:8", "13800000", 150, "negotiation", "approved"),
    ("P-HN-002", "招商银行深圳分行", "", "HN-SZ", "深圳", "分行网点无线覆盖", "金融",
     "NET:150", "1900000", 60, "lead", "submitted"),
]  # fmt: skip


# The closed registrations of the last two years: partner, customer, credit seed ("" = none),
# customer office, city, project, industry, products, amount (CNY), months before the seed it
# was submitted, outcome (expired: approved, then its protection ran out).
HISTORY = [
    ("P-HN-001", "深圳市福田区卫生健康局", "futian-health", "HN-SZ", "深圳", "社区医院网络",
     "医疗", "NET:80", "1200000", 23, "won"),
    ("P-HD-001", "上海市徐汇区教育局", "xuhui-edu", "HD-SH", "上海", "校园监控联网",
     "教育", "SEC:300", "2100000", 22, "lost"),
    ("P-HN-002", "广州市番禺区人民医院", "panyu-hospital", "HN-GZ", "广州", "门诊楼无线覆盖",
     "医疗", "NET:60", "860000", 21, "won"),
    ("P-HB-001", "北京市朝阳区城市管理委员会", "chaoyang-cg", "HB-BJ", "北京", "城管视频平台",
     "政府", "SEC:400", "3400000", 20, "expired"),
    ("P-HN-005", "深圳市龙岗区教育局", "longgang-edu", "HN-SZ", "深圳", "智慧校园一期",
     "教育", "NET:200 SEC:100", "2700000", 19, "won"),
    ("P-HD-004", "上海漕河泾开发区总公司", "caohejing", "HD-SH", "上海", "园区安防升级",
     "地产", "SEC:250", "1900000", 18, "cancelled"),
    ("P-HN-001", "深圳国际会展中心", "sz-expo", "HN-SZ", "深圳", "展馆无线网络",
     "会展", "NET:400", "4600000", 17, "won"),
    ("P-HN-002", "广州南沙港务有限公司", "nansha-port", "HN-GZ", "广州", "码头视频监控",
     "交通", "SEC:180", "1500000", 16, "rejected"),
    ("P-HD-001", "上海市长宁区人民政府", "changning", "HD-SH", "上海", "政务外网改造",
     "政府", "NET:150", "2300000", 15, "won"),
    ("P-HB-001", "清华大学", "tsinghua", "HB-BJ", "北京", "实验室私有云",
     "教育", "CLOUD:8", "3900000", 14, "lost"),
    ("P-HN-005", "深圳市宝安国际机场", "sz-airport", "HN-SZ", "深圳", "航站楼安防补点",
     "交通", "SEC:220", "2800000", 13, "won"),
    ("P-HN-001", "深圳市罗湖区人民医院", "luohu-hospital", "HN-SZ", "深圳", "医院数据中心",
     "医疗", "CLOUD:6 NET:40", "3100000", 12, "expired"),
    ("P-HD-004", "上海市第十人民医院", "tenth-hospital", "HD-SH", "上海", "病区无线网络",
     "医疗", "NET:120", "1400000", 12, "won"),
    ("P-HN-002", "广州市越秀区教育局", "yuexiu-edu", "HN-GZ", "广州", "中小学网络改造",
     "教育", "NET:300", "2200000", 11, "won"),
    ("P-HB-001", "北京市西城区金融街管委会", "jinrongjie", "HB-BJ", "北京", "楼宇安防联网",
     "政府", "SEC:260", "2600000", 10, "cancelled"),
    ("P-HD-001", "上海市嘉定区公安分局", "jiading-police", "HD-SH", "上海", "治安监控扩容",
     "政府", "SEC:500", "4800000", 10, "won"),
    ("P-HN-005", "深圳市光明区政务服务数据管理局", "guangming", "HN-SZ", "深圳", "政务云迁移",
     "政府", "CLOUD:10", "3600000", 9, "lost"),
    ("P-HN-001", "深圳市盐田港集团有限公司", "yantian", "HN-SZ", "深圳", "港区工业网络",
     "交通", "NET:250", "2900000", 8, "won"),
    ("P-HN-002", "广州市海珠区卫生健康局", "haizhu-health", "HN-GZ", "广州", "社区卫生信息化",
     "医疗", "SW:1 NET:50", "980000", 8, "won"),
    ("P-HD-004", "上海市闵行区教育局", "minhang-edu", "HD-SH", "上海", "校园网出口升级",
     "教育", "NET:180", "1700000", 7, "rejected"),
    ("P-HB-001", "北京市大兴区人民医院", "daxing-hospital", "HB-BJ", "北京", "医院安防改造",
     "医疗", "SEC:240", "2000000", 7, "won"),
    ("P-HN-005", "深圳技术大学", "sztu", "HN-SZ", "深圳", "校园无线二期", "教育",
     "NET:350", "3300000", 6, "won"),
    ("P-HN-001", "深圳市龙华区城市管理和综合执法局", "longhua-cg", "HN-SZ", "深圳",
     "城市部件监控", "政府", "SEC:320", "2500000", 6, "lost"),
    ("P-HD-001", "上海市静安区市场监督管理局", "jingan-amr", "HD-SH", "上海", "执法记录联网",
     "政府", "SEC:90", "760000", 6, "won"),
    ("P-HN-002", "广州市黄埔区人民医院", "huangpu-hospital", "HN-GZ", "广州", "医院网络改造",
     "医疗", "NET:140", "1600000", 5, "won"),
    ("P-HB-001", "北京市通州区教育委员会", "tongzhou-edu", "HB-BJ", "北京", "副中心校园网",
     "教育", "NET:500", "5200000", 5, "expired"),
    ("P-HN-005", "深圳市坪山区人民医院", "pingshan-hospital", "HN-SZ", "深圳", "智慧病房",
     "医疗", "SW:1 NET:40", "1300000", 5, "won"),
    ("P-HD-004", "上海市浦东新区卫生健康委员会", "pudong-health", "HD-SH", "上海",
     "区域卫生平台", "医疗", "CLOUD:6", "2400000", 4, "won"),
    ("P-HN-001", "深圳市前海管理局", "qianhai", "HN-SZ", "深圳", "前海数据中心",
     "政府", "CLOUD:12 NET:60", "6800000", 4, "lost"),
    ("P-HN-002", "广州市天河区教育局", "tianhe-edu", "HN-GZ", "广州", "智慧课堂网络",
     "教育", "NET:220", "1900000", 4, "won"),
]  # fmt: skip

# The moments of the live story above, in days before the seed, by outcome: submitted (a draft:
# saved), decided, and the last progress update. Approved registrations are decided well within
# the protection (90 days) and updated within the update interval (30 days) by default, so that
# they are current; the expiring one is decided 85 days ago and the stale one's last progress is
# 33 days old, their dates set besides (see below), whatever the protection rules say.
LIVE_DAYS = {
    "draft": (2, None, None),
    "submitted": (None, None, None),  # 1 to 9 days, by row: both 广州地铁 a day apart
    "info": (12, 9, None),
    "rejected": (14, 12, None),
    "approved": (None, None, None),  # 15 to 74 days, by row; the update within the last 24
    "approved-expiring": (88, 85, 6),
    "approved-stale": (36, 33, None),
    "won": (160, 157, 120),  # the update is the close
    "lost": (300, 297, 200),
    "cancelled": (400, None, 380),
}


def _live_days(index: int, outcome: str) -> tuple[int, int | None, int | None]:
    submitted, decided, later = LIVE_DAYS[outcome]
    if outcome == "submitted":
        return 1 + index % 9, None, None
    if outcome == "approved":
        submitted = 15 + (index * 11) % 60
        return submitted, submitted - 2, min(submitted - 3, 4 + index % 20)
    return submitted, decided, later


def _history_days(index: int, months: int, outcome: str) -> tuple[int, int | None, int | None]:
    """When a closed registration of HISTORY was submitted, decided and closed (expired: the
    day the daily job ran after its protection ended), in days before the seed."""
    submitted = months * 30 + (index * 7) % 20
    closed = {"won": 45, "lost": 60, "cancelled": 20, "rejected": None, "expired": 95}[outcome]
    return submitted, submitted - 3, submitted - closed if closed else None


def _products(spec: str) -> list[dict]:
    lines = {line.code: line for line in ProductLine.objects.filter(is_active=True)}
    rows = []
    for part in spec.split():
        code, quantity = part.split(":")
        if code in lines:
            rows.append({"product_line_id": lines[code].pk, "quantity": int(quantity)})
    return rows


def _decide_all(registration: Registration, decision: str, comment: str = "") -> None:
    """Decide every open step of the review, as whoever it waits for."""
    for _ in range(5):
        approval = ApprovalRequest.objects.filter(
            kind=REVIEW, object_id=str(registration.pk), status=ApprovalRequest.Status.PENDING
        ).first()
        if approval is None:
            return
        step = approval.steps.filter(status="pending").order_by("order").first()
        registration_decide(
            actor=step.approver,
            registration=registration,
            decision=decision,
            comment=comment,
        )
        registration.refresh_from_db()


def seed_registrations() -> int:
    if Registration.objects.exists():
        return 0
    now = timezone.now()
    partners = {p.code: p for p in Partner.objects.filter(code__in=USER_OF)}
    with demo_clock(demo_moment(now, HISTORY_DAYS, hour=11)):
        for username, last, first, roles, code, mobile in PARTNER_USERS:
            partner = partners.get(code)
            if partner is not None:
                demo_user(
                    username, last, first, roles, partner.region, None, mobile, partner=partner
                )
    users = {u.username: u for u in User.objects.filter(username__in=USER_OF.values())}
    offices = {r.code: r for r in Region.objects.filter(code__in=AREA_CODES)}
    today = timezone.localdate(now)
    # (submitted, decided, closed or updated days ago, index, row, expected close date): made in
    # the order they were submitted, so that their numbers follow their dates
    plan = []
    for index, (*head, months, outcome) in enumerate(HISTORY):
        days = _history_days(index, months, outcome)
        row = (*head, 60, "qualified", outcome)
        plan.append((*days, index, row, None))
    for index, row in enumerate(REGISTRATIONS):
        days = _live_days(index, row[-1])
        plan.append((*days, 1000 + index, row, today + datetime.timedelta(days=row[9])))
    plan.sort(key=lambda item: demo_moment(now, item[0], hour=9 + item[3] % 8))
    created = 0
    for submitted, decided, later, index, row, close_date in plan:
        (code, customer, credit, office, city, project, industry, products, amount, days, stage,
         outcome) = row  # fmt: skip
        user = users.get(USER_OF[code])
        if user is None or code not in partners or office not in offices:
            continue
        with demo_clock(demo_moment(now, submitted, hour=9 + index % 8)):
            registration = _register(
                user,
                offices[office],
                row,
                close_date or timezone.localdate() + datetime.timedelta(days=days),
                submit=outcome != "draft",
            )
        created += 1
        _outcome(registration, user, outcome, amount, now, decided, later, index)
    return created


def _register(user, office, row, close_date, *, submit: bool) -> Registration:
    (code, customer, credit, _office, city, project, industry, products, amount, _days, stage,
     _outcome) = row  # fmt: skip
    with transaction.atomic():
        draft = registration_save_draft(
            actor=user,
            data={
                "customer_name": customer,
                "customer_credit_code": credit_code_for(credit, AREA_CODES[office.code])
                if credit
                else "",
                "customer_region": office.pk,
                "customer_city": city,
                "project_name": project,
                "industry": industry,
                "products": _products(products),
                "estimated_amount": amount,
                "expected_close_date": close_date,
                "stage": stage,
                "decision_makers": "信息中心主任、分管副总",
                "competitors": "华为、新华三",
            },
        ).registration
        if not submit:
            return draft
        return registration_submit(actor=user, registration=draft).registration


def _outcome(registration, user, outcome, amount, now, decided, later, index) -> None:
    """Take a submitted registration to its outcome, each step at its own moment."""
    if outcome in ("draft", "submitted"):
        return
    today = timezone.localdate(now)
    hour = 10 + index % 7
    with transaction.atomic():
        if outcome == "cancelled":
            with demo_clock(demo_moment(now, later, hour)):
                registration_close(
                    actor=user,
                    registration=registration,
                    outcome="cancelled",
                    reason="客户项目延期至明年。",
                )
            return
        with demo_clock(demo_moment(now, decided, hour)):
            if outcome == "rejected":
                _decide_all(registration, "reject", "该客户已由其他伙伴先行报备并获批准。")
                return
            if outcome == "info":
                _decide_all(registration, "return", "请补充客户决策链和预算来源。")
                return
            _decide_all(registration, "approve", "信息完整，同意报备。")
        registration.refresh_from_db()
        if outcome == "expired":
            with demo_clock(demo_moment(now, later, hour=1)):
                registration_expire_due()  # the daily job of that day
        elif outcome in ("won", "lost"):
            with demo_clock(demo_moment(now, later, hour)):
                registration_close(
                    actor=user,
                    registration=registration,
                    outcome=outcome,
                    reason="" if outcome == "won" else "价格因素，客户选择竞品。",
                )
        elif outcome in ("approved", "approved-expiring"):
            with demo_clock(demo_moment(now, later, hour)):
                registration_update_progress(
                    actor=user,
                    registration=registration,
                    data={
                        "notes": "已完成方案交流，客户认可技术路线。",
                        "estimated_amount": Decimal(amount),
                    },
                )
            if outcome == "approved-expiring":
                # Demo data, not a change anybody made: no audit row. Five days left whatever
                # protection the rules give.
                Registration.objects.filter(pk=registration.pk).update(
                    protection_until=today + datetime.timedelta(days=5)
                )
        elif outcome == "approved-stale":
            # Likewise: three days overdue whatever update interval the rules give.
            overdue = now - datetime.timedelta(days=3)
            Registration.objects.filter(pk=registration.pk).update(progress_due_at=overdue)
