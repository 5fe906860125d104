"""Demo deal registrations (项目报备): about thirty registrations of real-sounding Chinese
customers across partners, regions and every status, made through the real use cases (so they
carry numbers, keys, approvals, audit rows and notifications), including conflicting pairs:

- the same customer spelled differently by two partners (深圳市腾云智能科技有限公司 /
  腾云智能科技（深圳）有限公司), one approved and one waiting in the channel manager's queue;
- two partners registering 广州地铁 within a day of each other, both waiting;
- the same credit code under two different spellings (certain conflict) in 上海;
- a cross-region registration waiting for the customer region's manager.

Runs once: nothing happens when registrations exist. Dates are relative to the day of the seed.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from qudao.core.demo import demo_user
from qudao.core.models import ApprovalRequest, Region, User
from qudao.partners.demo import AREA_CODES, credit_code_for
from qudao.partners.models import Partner, ProductLine

from .models import Registration
from .services import (
    REVIEW,
    registration_close,
    registration_decide,
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
    partners = {p.code: p for p in Partner.objects.filter(code__in=USER_OF)}
    for username, last, first, roles, code, mobile in PARTNER_USERS:
        partner = partners.get(code)
        if partner is not None:
            demo_user(username, last, first, roles, partner.region, None, mobile, partner=partner)
    users = {u.username: u for u in User.objects.filter(username__in=USER_OF.values())}
    offices = {r.code: r for r in Region.objects.filter(code__in=AREA_CODES)}
    today = timezone.localdate()
    created = 0
    for row in REGISTRATIONS:
        (code, customer, credit, office, city, project, industry, products, amount, days, stage,
         outcome) = row  # fmt: skip
        user = users.get(USER_OF[code])
        if user is None or code not in partners or office not in offices:
            continue
        with transaction.atomic():
            draft = registration_save_draft(
                actor=user,
                data={
                    "customer_name": customer,
                    "customer_credit_code": credit_code_for(credit, AREA_CODES[office])
                    if credit
                    else "",
                    "customer_region": offices[office].pk,
                    "customer_city": city,
                    "project_name": project,
                    "industry": industry,
                    "products": _products(products),
                    "estimated_amount": amount,
                    "expected_close_date": today + datetime.timedelta(days=days),
                    "stage": stage,
                    "decision_makers": "信息中心主任、分管副总",
                    "competitors": "华为、新华三",
                },
            ).registration
            created += 1
            if outcome == "draft":
                continue
            registration = registration_submit(actor=user, registration=draft).registration
            if outcome == "submitted":
                continue
            if outcome == "rejected":
                _decide_all(registration, "reject", "该客户已由其他伙伴先行报备并获批准。")
                continue
            if outcome == "info":
                _decide_all(registration, "return", "请补充客户决策链和预算来源。")
                continue
            if outcome == "cancelled":
                registration_close(
                    actor=user,
                    registration=registration,
                    outcome="cancelled",
                    reason="客户项目延期至明年。",
                )
                continue
            _decide_all(registration, "approve", "信息完整，同意报备。")
            registration.refresh_from_db()
            if outcome == "won":
                registration_close(actor=user, registration=registration, outcome="won")
            elif outcome == "lost":
                registration_close(
                    actor=user,
                    registration=registration,
                    outcome="lost",
                    reason="价格因素，客户选择竞品。",
                )
            elif outcome == "approved-expiring":
                # Demo data, not a change anybody made: no audit row.
                Registration.objects.filter(pk=registration.pk).update(
                    protection_until=today + datetime.timedelta(days=5)
                )
            elif outcome == "approved-stale":
                overdue = timezone.now() - datetime.timedelta(days=3)
                Registration.objects.filter(pk=registration.pk).update(progress_due_at=overdue)
            elif outcome == "approved":
                registration_update_progress(
                    actor=user,
                    registration=registration,
                    data={
                        "notes": "已完成方案交流，客户认可技术路线。",
                        "estimated_amount": Decimal(amount),
                    },
                )
    return created
