"""Demo partners across the lifecycle: about forty partners in every region, status and tier,
with their profiles, contacts, agreements, tier history, credit, evaluations, a rectification,
pending applications, their users, and a few activation approvals in flight.

Everything is created once: each part is keyed by something natural (a partner code, a credit
code, "this partner has no agreements yet"), so running the seed again changes nothing. Dates are
relative to the day of the seed, so that "expires soon" means soon whenever it runs; the partners
and their users are created when the demo's history begins (HISTORY_DAYS before the seed), the
activation approvals in flight a few days before the seed.
"""

import datetime
import hashlib
import random
from decimal import ROUND_HALF_UP, Decimal

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext_lazy

from qudao.catalog.models import ProductLine
from qudao.catalog.services.product_lines import product_lines_builtin_ensure
from qudao.core.models import ApprovalRequest, Region, User
from qudao.core.numbering import next_number
from qudao.core.sample_files import pdf_bytes
from qudao.core.services.approvals import Decision, StepSpec, approval_decide, approval_start
from qudao.core.services.approvals import kind_label as approval_kind_label
from qudao.demo.clock import HISTORY_DAYS, demo_clock, demo_moment
from qudao.demo.org import demo_user
from qudao.partners.models import (
    Agreement,
    ApplicationAttachment,
    ApplicationScore,
    CreditApplication,
    EvaluationScore,
    Partner,
    PartnerApplication,
    PartnerContact,
    PartnerEvaluation,
    PartnerScorecard,
    Rectification,
    ScorecardCriterion,
    Tier,
    TierChange,
)
from qudao.partners.services import partner_activation_submit, partner_create
from qudao.partners.services.evaluation import grade_for
from qudao.partners.services.recruitment import score_total, tier_recommended
from qudao.partners.services.tiers import tiers_builtin_ensure
from qudao.partners.validators import CREDIT_CODE_ALPHABET, credit_code_check_char

# code, name, office, status, tier, owner username, contact
PARTNER_TABLE = """
P-HN-001 深圳市鹏程信息技术有限公司 HN-SZ active gold channel_mgr 吴鹏
P-HN-002 广州市天河智联科技有限公司 HN-GZ active silver channel_mgr 郑河
P-HN-003 福建海峡数码科技有限公司 HN-FZ prospect certified channel_mgr 林峡
P-HN-004 东莞市松湖安防工程有限公司 HN-SZ suspended registered channel_mgr 何松
P-HN-005 深圳市南山云启科技有限公司 HN-SZ active certified channel_mgr 彭启
P-HN-006 广州市越秀安盾系统集成有限公司 HN-GZ active gold channel_mgr 梁盾
P-HN-007 福州闽江信息技术有限公司 HN-FZ active silver channel_mgr 陈江
P-HN-008 佛山市禅城智造科技有限公司 HN-GZ prospect registered channel_mgr 黎城
P-HN-009 珠海市横琴数联科技有限公司 HN-SZ exited certified channel_mgr 容琴
P-HN-010 汕头市潮汕电子科技有限公司 HN-GZ active registered channel_mgr 蔡汕
P-HD-001 上海浦江系统集成有限公司 HD-SH active gold channel_mgr2 孙浦
P-HD-002 杭州西湖云网络科技有限公司 HD-HZ active silver channel_mgr2 钱湖
P-HD-003 南京金陵智能科技股份有限公司 HD-NJ prospect registered channel_mgr2 冯陵
P-HD-004 上海张江智算科技有限公司 HD-SH active gold channel_mgr2 张算
P-HD-005 苏州工业园区精诚信息系统有限公司 HD-NJ active silver channel_mgr2 顾诚
P-HD-006 宁波甬江安防科技有限公司 HD-HZ suspended certified channel_mgr2 应甬
P-HD-007 无锡太湖云计算有限公司 HD-NJ active certified channel_mgr2 华湖
P-HD-008 温州瓯江网络技术有限公司 HD-HZ exited registered channel_mgr2 叶瓯
P-HD-009 合肥庐州智能科技有限公司 HD-NJ prospect silver channel_mgr2 汪庐
P-HZ-001 武汉光谷信息产业有限公司 HZ-WH active certified channel_mgr2 朱谷
P-HZ-002 长沙岳麓数字科技有限公司 HZ-CS active silver channel_mgr2 谭麓
P-HZ-003 郑州中原智联信息技术有限公司 HZ-ZZ active certified channel_mgr2 袁原
P-HZ-004 湖南湘江系统工程有限公司 HZ-CS prospect registered channel_mgr2 易湘
P-HZ-005 洛阳河洛安防工程有限公司 HZ-ZZ suspended registered channel_mgr2 杜洛
P-HZ-006 宜昌三峡信息产业有限公司 HZ-WH active gold channel_mgr2 向峡
P-HB-001 北京中关村数智科技有限公司 HB-BJ active gold channel_mgr2 秦关
P-HB-002 天津滨海安联科技有限公司 HB-TJ exited registered channel_mgr2 许滨
P-HB-003 济南泉城软件有限公司 HB-JN active silver channel_mgr2 鲁泉
P-HB-004 青岛胶州湾网络科技有限公司 HB-JN prospect certified channel_mgr2 于湾
P-HB-005 北京海淀智信科技有限公司 HB-BJ active silver channel_mgr2 高信
P-HB-006 石家庄燕赵数码科技有限公司 HB-BJ suspended registered channel_mgr2 赵燕
P-HB-007 天津津门云网科技有限公司 HB-TJ active certified channel_mgr2 金门
P-XB-001 成都天府软件工程有限公司 XB-CD active silver channel_mgr2 何府
P-XB-002 重庆山城数码技术有限公司 XB-CQ prospect registered channel_mgr2 罗城
P-XB-003 西安古城信息技术有限公司 XB-XA active gold channel_mgr2 秦古
P-XB-004 成都锦江数据服务有限公司 XB-CD active certified channel_mgr2 锦程
P-XB-005 重庆两江智慧科技有限公司 XB-CQ exited silver channel_mgr2 江慧
P-XB-006 兰州陇原网络工程有限公司 XB-XA prospect registered channel_mgr2 陇原
P-XB-007 贵阳筑城大数据有限公司 XB-CQ active silver channel_mgr2 黔筑
P-XB-008 昆明春城安防技术有限公司 XB-CD suspended certified channel_mgr2 滇春
"""
PARTNERS = [tuple(line.split()) for line in PARTNER_TABLE.strip().splitlines()]

PARTNER_USERS = [
    ("p1_admin", "吴", "鹏程管理", ["partner_admin"], "P-HN-001", "13900000001"),
    ("p1_sales", "钟", "鹏程销售", ["partner_sales"], "P-HN-001", "13900000002"),
    ("p2_admin", "郑", "智联管理", ["partner_admin"], "P-HN-002", "13900000003"),
    ("p2_sales", "邓", "智联销售", ["partner_sales"], "P-HN-002", "13900000004"),
]

# By office: the administrative division code (行政区划代码) used in the demo credit codes, and
# the city.
OFFICES = {
    "HN-GZ": ("440100", "广州市"), "HN-SZ": ("440300", "深圳市"), "HN-FZ": ("350100", "福州市"),
    "HD-SH": ("310115", "上海市"), "HD-HZ": ("330100", "杭州市"), "HD-NJ": ("320100", "南京市"),
    "HZ-WH": ("420100", "武汉市"), "HZ-CS": ("430100", "长沙市"), "HZ-ZZ": ("410100", "郑州市"),
    "HB-BJ": ("110108", "北京市"), "HB-TJ": ("120116", "天津市"), "HB-JN": ("370100", "济南市"),
    "XB-CD": ("510100", "成都市"), "XB-CQ": ("500000", "重庆市"), "XB-XA": ("610100", "西安市"),
}  # fmt: skip
AREA_CODES = {office: area for office, (area, _city) in OFFICES.items()}
CITIES = {office: city for office, (_area, city) in OFFICES.items()}
# The rectifications of the evaluated partners, by partner code: warning, plan, deadline (in days
# from today) and, for a closed one, the closing note and how many days ago it closed.
RECTIFICATIONS = {
    "P-HN-004": (
        "年度考评为预警：销售未达目标的 60%，回款逾期两次。",
        "三个月内完成两个重点项目回款；补充两名认证工程师；每月提交整改进展。",
        45,
        None,
    ),
    "P-HD-006": (
        "回款逾期超过 90 天。",
        "制定回款计划，逾期款项两个月内结清。",
        -20,
        ("逾期款项已全部结清，经财务核实关闭。", 25),
    ),
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN_NAMES = ["建国", "志强", "海燕", "伟", "敏", "立新", "春华", "国栋"]
STREETS = {
    "HN-GZ": ["天河路", "珠江新城华夏路"], "HN-SZ": ["深南大道", "科技园南区科苑路"],
    "HN-FZ": ["五四路", "软件大道"], "HD-SH": ["张江路", "漕河泾宜山路"],
    "HD-HZ": ["文三路", "滨江网商路"], "HD-NJ": ["中山路", "软件大道"],
    "HZ-WH": ["光谷大道", "关山大道"], "HZ-CS": ["岳麓大道", "芙蓉中路"],
    "HZ-ZZ": ["金水路", "郑东新区商务外环路"], "HB-BJ": ["中关村大街", "上地信息路"],
    "HB-TJ": ["滨海新区第三大街", "南京路"], "HB-JN": ["经十路", "舜华路"],
    "XB-CD": ["天府大道", "交子大道"], "XB-CQ": ["两江大道", "金渝大道"],
    "XB-XA": ["高新路", "锦业路"],
}  # fmt: skip
INDUSTRIES = ["政府", "教育", "医疗", "金融", "交通", "能源", "制造", "园区"]
SCOPES = [
    "计算机系统集成；安防监控工程设计与施工；网络设备销售与技术服务。",
    "软件开发；信息技术咨询；数据中心运维服务；云计算解决方案。",
    "通信设备销售；综合布线工程；弱电智能化工程；IT 运维外包。",
]
# Annual sales target (CNY) by tier.
TARGETS = {
    "gold": Decimal(30_000_000),
    "silver": Decimal(12_000_000),
    "certified": Decimal(5_000_000),
    "registered": Decimal(1_000_000),
}
PRODUCT_LINES_BY_TIER = {"gold": 4, "silver": 3, "certified": 2, "registered": 1}
REBATES = {
    "gold": "年度返利 4%（达成率≥100%），季度返利 1%",
    "silver": "年度返利 3%（达成率≥100%）",
    "certified": "年度返利 2%（达成率≥90%）",
    "registered": "无返利，按项目特价支持",
}
RIGHTS = (
    "甲方：提供产品授权、项目报备保护、技术培训与售前支持；按本协议等级给予折扣与信用额度。\n"
    "乙方：在约定经营区域内销售与服务，不得跨区低价销售；按季度提交销售与库存报告；"
    "维持约定数量的认证工程师；遵守厂商渠道管理制度。"
)


def credit_code_for(seed: str, area: str) -> str:
    """A well-formed unified social credit code (GB 32100-2015) with its right check digit:
    91 (enterprise), the area code, a 9-character organisation code derived from `seed`."""
    digest = hashlib.sha256(seed.encode()).digest()
    organisation = "".join(CREDIT_CODE_ALPHABET[byte % 31] for byte in digest[:9])
    first17 = f"91{area}{organisation}"
    return first17 + credit_code_check_char(first17)


def seed_partner_reference() -> None:
    """Tiers, scorecards and product lines, as the migration seeds them (a flushed database,
    e.g. the benchmark's, has lost them)."""
    tiers_builtin_ensure()
    product_lines_builtin_ensure()


def _profile(index: int, code: str, name: str, office: str, status: str, tier: str) -> dict:
    rng = random.Random(code)
    today = timezone.localdate()
    streets = STREETS[office]
    capital = {"gold": 5000, "silver": 2000, "certified": 1000, "registered": 300}[tier]
    staff = {"gold": 320, "silver": 150, "certified": 80, "registered": 30}[tier]
    staff += rng.randint(-staff // 4, staff // 4)
    industries = rng.sample(INDUSTRIES, 3)
    profile = {
        "credit_code": credit_code_for(name, AREA_CODES[office]),
        "legal_representative": rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES),
        "address": f"{CITIES[office]}{rng.choice(streets)}{rng.randint(1, 399)}号"
        f"{rng.randint(2, 28)}楼",
        "website": f"https://www.{code.lower().replace('-', '')}.example.cn",
        "business_scope": SCOPES[index % len(SCOPES)],
        "registered_capital": Decimal(capital + rng.randint(0, capital // 2)),
        "annual_revenue": Decimal(capital * rng.randint(3, 8)),
        "staff_count": staff,
        "sales_staff_count": staff // 4,
        "tech_staff_count": staff // 2,
        "main_customers": "、".join(
            f"{CITIES[office]}{what}" for what in ("政务服务中心", "第一人民医院", "地铁集团")
        ),
        "main_industries": "、".join(industries),
        "contact_phone": f"139{index:04d}{rng.randint(1000, 9999)}",
        "joined_on": None
        if status == "prospect"
        else today - datetime.timedelta(days=365 * rng.randint(1, 6) + rng.randint(0, 300)),
    }
    if status in ("active", "suspended"):
        limit = Tier.objects.get(code=tier).default_credit_limit
        profile["credit_limit"] = limit
        profile["credit_used"] = (limit * Decimal(rng.randint(10, 85)) / 100).quantize(Decimal("1"))
    if status == "exited":
        profile["exited_at"] = timezone.now() - datetime.timedelta(days=rng.randint(30, 200))
        profile["exit_reason"] = rng.choice(
            ["连续两个考评周期不合格，整改未完成。", "经营方向调整，主动申请退出渠道。"]
        )
    return profile


def seed_partners(staff: dict[str, User]) -> dict[str, Partner]:
    seed_partner_reference()
    admin = staff["admin"]
    partners = {}
    begins = demo_moment(timezone.now(), HISTORY_DAYS)
    for index, (code, name, office, status, tier, owner, contact) in enumerate(PARTNERS):
        partner = Partner.objects.filter(code=code).first()
        if partner is None:
            with demo_clock(begins + datetime.timedelta(minutes=index)):
                partner = partner_create(
                    actor=admin,
                    data={
                        "code": code,
                        "name": name,
                        "region": Region.objects.get(code=office),
                        "tier": Tier.objects.get(code=tier),
                        "owner": staff[owner],
                        "contact_name": contact,
                    },
                )
            Partner.objects.filter(pk=partner.pk).update(status=status)
            partner.status = status
        if not partner.credit_code:
            # Profiles are demo data, not a change anybody made: no audit entry.
            profile = _profile(index, code, name, office, status, tier)
            Partner.objects.filter(pk=partner.pk).update(**profile)
            for key, value in profile.items():
                setattr(partner, key, value)
        partners[code] = partner
    with demo_clock(begins + datetime.timedelta(hours=2)):
        for username, last, first, roles, code, mobile in PARTNER_USERS:
            partner = partners[code]
            demo_user(username, last, first, roles, partner.region, None, mobile, partner=partner)
    return partners


def seed_approvals(staff: dict[str, User], partners: dict[str, Partner]) -> None:
    if ApprovalRequest.objects.exists():
        return
    now = timezone.now()
    # Waiting for the 华南 regional manager.
    with demo_clock(demo_moment(now, 3)):
        partner_activation_submit(actor=staff["channel_mgr"], partner=partners["P-HN-003"])
    # Passed the 华东 regional manager, waiting for the director.
    with demo_clock(demo_moment(now, 6)):
        approval = partner_activation_submit(
            actor=staff["channel_mgr2"], partner=partners["P-HD-003"]
        )
    with demo_clock(demo_moment(now, 4, hour=15)):
        approval_decide(
            actor=staff["east_manager"],
            approval=approval,
            decision=Decision.APPROVE,
            comment="资质齐全，同意。",
        )


# --- the lifecycle ----------------------------------------------------------------------------


def seed_lifecycle(staff: dict[str, User], partners: dict[str, Partner]) -> None:
    """Contacts, agreements, tier history, credit, evaluations and applications (idempotent)."""
    seed_contacts(partners)
    seed_agreements(partners)
    seed_tier_history(staff, partners)
    seed_credit(staff, partners)
    seed_evaluations(partners)
    seed_applications(staff)


def seed_contacts(partners: dict[str, Partner]) -> None:
    with_contacts = set(
        PartnerContact.objects.filter(partner__in=partners.values()).values_list(
            "partner_id", flat=True
        )
    )
    rows = []
    for index, partner in enumerate(partners.values()):
        if partner.pk in with_contacts:
            continue
        domain = f"{partner.code.lower().replace('-', '')}.example.cn"
        rows.append(
            PartnerContact(
                partner=partner,
                name=partner.contact_name,
                title="总经理" if index % 3 == 0 else "渠道经理",
                phone=partner.contact_phone,
                email=f"contact@{domain}",
                is_primary=True,
            )
        )
        if partner.status != Partner.Status.PROSPECT:
            rows.append(
                PartnerContact(
                    partner=partner,
                    name=f"{partner.contact_name[0]}工",
                    title="技术负责人",
                    phone=f"138{index:04d}{(index * 7919) % 10000:04d}",
                    email=f"tech@{domain}",
                    notes="负责售前方案与实施交付",
                )
            )
    PartnerContact.objects.bulk_create(rows)


def _territory(partner: Partner) -> list[Region]:
    region = partner.region
    if partner.tier_id == "gold" and region.parent_id:
        return [region.parent]  # gold partners cover the whole region
    return [region]


def _agreement(partner: Partner, start, end, status: str, **extra) -> Agreement:
    agreement = Agreement.objects.create(
        number=next_number("HT", year=start.year),
        partner=partner,
        start_date=start,
        end_date=end,
        annual_target=TARGETS[partner.tier_id],
        rebate_policy=REBATES[partner.tier_id],
        rights_obligations=RIGHTS,
        status=status,
        created_by=partner.owner,
        **extra,
    )
    agreement.territory.set(_territory(partner))
    lines = list(ProductLine.objects.order_by("code"))
    agreement.product_lines.set(lines[: PRODUCT_LINES_BY_TIER[partner.tier_id]])
    return agreement


def seed_agreements(partners: dict[str, Partner]) -> None:
    """Active ones (a few expiring within a month), expired and renewed ones, a terminated one,
    and drafts for prospects."""
    today = timezone.localdate()
    year = datetime.timedelta(days=365)
    with_agreements = set(
        Agreement.objects.filter(partner__in=partners.values()).values_list("partner_id", flat=True)
    )
    for index, partner in enumerate(partners.values()):
        if partner.pk in with_agreements:
            continue
        status = partner.status
        if status == Partner.Status.PROSPECT:
            start = today + datetime.timedelta(days=15)
            _agreement(partner, start, start + year - datetime.timedelta(days=1), "draft")
        elif status == Partner.Status.EXITED:
            start = today - 2 * year
            if index % 2:
                _agreement(
                    partner,
                    start,
                    start + year + datetime.timedelta(days=200),
                    "terminated",
                    termination_reason=partner.exit_reason or "渠道退出，协议提前终止。",
                )
            else:
                _agreement(partner, start, start + year - datetime.timedelta(days=1), "expired")
        else:
            if index % 4 == 0:  # expires within a month: the reminder's case
                end = today + datetime.timedelta(days=10 + index % 20)
            else:
                end = today + datetime.timedelta(days=60 + (index * 37) % 280)
            start = end - year + datetime.timedelta(days=1)
            previous = None
            if index % 3 == 0:  # a partner of long standing: last year's agreement expired
                previous = _agreement(
                    partner, start - year, start - datetime.timedelta(days=1), "expired"
                )
            _agreement(partner, start, end, "active", renewed_from=previous)


# code, [(from tier, to tier, source, status, days ago, reason)]
TIER_HISTORY = {
    "P-HN-001": [
        (None, "certified", "qualification", "approved", 1500, "准入评审通过，首次定级为认证。"),
        ("certified", "silver", "evaluation", "approved", 1050, "年度考评优秀，销售额超目标 30%。"),
        ("silver", "gold", "evaluation", "approved", 320, "连续两年考评优秀，申请升为金牌。"),
    ],
    "P-HN-002": [
        ("certified", "silver", "manual", "approved", 400, "新增两名认证工程师，满足银牌要求。"),
    ],
    "P-HD-001": [
        ("silver", "gold", "evaluation", "approved", 500, "华东区年度销售第一。"),
    ],
    "P-HD-006": [
        ("silver", "certified", "evaluation", "approved", 150, "考评预警，回款逾期，降为认证级。"),
    ],
    "P-HZ-001": [
        ("certified", "silver", "manual", "rejected", 90, "申请升为银牌，但认证工程师人数不足。"),
    ],
    "P-XB-003": [
        ("silver", "gold", "evaluation", "approved", 200, "西部重点项目交付质量优秀。"),
    ],
}


def seed_tier_history(staff: dict[str, User], partners: dict[str, Partner]) -> None:
    now = timezone.now()
    with_history = set(TierChange.objects.values_list("partner_id", flat=True))
    tiers = {tier.code: tier for tier in Tier.objects.all()}
    for code, changes in TIER_HISTORY.items():
        partner = partners[code]
        if partner.pk in with_history:
            continue
        for from_tier, to_tier, source, status, days_ago, reason in changes:
            change = TierChange.objects.create(
                partner=partner,
                from_tier=tiers[from_tier] if from_tier else None,
                to_tier=tiers[to_tier],
                source=source,
                reason=reason,
                status=status,
                requested_by=partner.owner,
                decided_at=now - datetime.timedelta(days=days_ago - 5),
            )
            TierChange.objects.filter(pk=change.pk).update(
                created_at=now - datetime.timedelta(days=days_ago)
            )


# code, kind, amount, project, days valid (special), reason, status, decided days ago
CREDIT = [
    ("P-HN-001", "normal", 6_000_000, "", 0, "年度销售目标提高，申请将常规额度提至 600 万。",
     "approved", 60),
    ("P-HN-002", "special", 1_500_000, "深圳地铁14号线综合安防项目", 180,
     "项目备货需要，申请专项额度。", "approved", 20),
    ("P-HD-001", "normal", 8_000_000, "", 0, "新增政企大客户，常规额度不足。", "in_approval", 0),
    ("P-HB-001", "special", 3_000_000, "北京城市副中心政务云扩容项目", 120,
     "项目已中标，需提前备货。", "in_approval", 0),
    ("P-XB-001", "normal", 4_000_000, "", 0, "申请提高常规额度。", "rejected", 45),
]  # fmt: skip
CREDIT_KIND = "credit_application"  # registered by the credit services


def seed_credit(staff: dict[str, User], partners: dict[str, Partner]) -> None:
    """Credit applications: approved (the limit applies), in approval, rejected."""
    today = timezone.localdate()
    now = timezone.now()
    with_credit = set(CreditApplication.objects.values_list("partner_id", flat=True))
    for code, kind, amount, project, days, reason, status, decided_ago in CREDIT:
        partner = partners[code]
        if partner.pk in with_credit:
            continue
        special = kind == "special"
        application = CreditApplication.objects.create(
            number=next_number("XY"),
            partner=partner,
            kind=kind,
            amount=Decimal(amount),
            project_name=project,
            valid_from=today - datetime.timedelta(days=decided_ago) if special else None,
            valid_to=today + datetime.timedelta(days=days - decided_ago) if special else None,
            reason=reason,
            status=status,
            requested_by=partner.owner,
            decided_at=now - datetime.timedelta(days=decided_ago) if decided_ago else None,
        )
        if status == "approved" and kind == "normal":
            Partner.objects.filter(pk=partner.pk).update(credit_limit=application.amount)
        if status == "in_approval":
            _credit_approval(staff, application)


def _credit_approval(staff: dict[str, User], application: CreditApplication) -> None:
    """Start the application's approval when the credit module is there to decide it."""
    if approval_kind_label(CREDIT_KIND) == CREDIT_KIND:
        return  # the kind is not registered: the application waits without an approval
    approval_start(
        actor=application.partner.owner,
        target=application,
        kind=CREDIT_KIND,
        # The credit module's own title and step names, so that they read in either language.
        title=gettext_lazy("Credit %(number)s: %(partner)s, %(amount)s CNY"),
        title_params={
            "number": application.number,
            "partner": application.partner.name,
            "amount": f"{application.amount:,.2f}",
        },
        steps=[
            StepSpec(name=gettext_lazy("Regional manager review"), role="regional_manager"),
            StepSpec(name=gettext_lazy("Finance review"), role="finance"),
        ],
        payload={"kind": application.kind, "amount": str(application.amount)},
    )


# Scores out of 10 per criterion (销售业绩, 报备与转化, 服务, 培训与认证, 合规与回款), by partner.
EVALUATION_SCORES = {
    "P-HN-001": [10, 9, 9, 9, 10],
    "P-HN-002": [8, 8, 9, 7, 8],
    "P-HN-004": [6, 6, 7, 6, 6],
    "P-HN-005": [7, 7, 8, 8, 7],
    "P-HN-006": [9, 9, 8, 9, 9],
    "P-HD-001": [9, 10, 9, 8, 9],
    "P-HD-002": [8, 7, 8, 7, 8],
    "P-HD-006": [6, 7, 6, 6, 5],
    "P-HZ-001": [7, 8, 7, 6, 8],
    "P-HZ-002": [8, 8, 7, 8, 8],
    "P-HB-001": [9, 8, 9, 9, 9],
    "P-HB-003": [7, 8, 8, 7, 7],
    "P-XB-001": [8, 7, 7, 8, 7],
    "P-XB-003": [9, 9, 10, 8, 9],
    "P-XB-004": [7, 7, 7, 7, 8],
}


def seed_evaluations(partners: dict[str, Partner]) -> None:
    """Last year's final evaluations with scores; one open rectification, one closed one."""
    scorecard = PartnerScorecard.objects.filter(kind="evaluation", is_active=True).first()
    if scorecard is None:
        return
    criteria = list(scorecard.criteria.order_by("order", "code"))
    period = str(timezone.localdate().year - 1)
    now = timezone.now()
    evaluated = set(
        PartnerEvaluation.objects.filter(scorecard=scorecard, period=period).values_list(
            "partner_id", flat=True
        )
    )
    for code, marks in EVALUATION_SCORES.items():
        partner = partners[code]
        if partner.pk in evaluated:
            continue
        weights = sum((c.weight for c in criteria), Decimal(0)) or Decimal(100)
        total = sum(
            (Decimal(m) / c.max_score * c.weight for c, m in zip(criteria, marks, strict=False)),
            Decimal(0),
        )
        total = (total * 100 / weights).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        evaluation = PartnerEvaluation.objects.create(
            partner=partner,
            scorecard=scorecard,
            period=period,
            total_score=total,
            grade=grade_for(total),
            status="final",
            comment="年度考评：销售达成、报备转化、服务满意度、培训认证与回款合规综合评定。",
            evaluator=partner.owner,
            finalised_at=now - datetime.timedelta(days=30),
        )
        EvaluationScore.objects.bulk_create(
            EvaluationScore(evaluation=evaluation, criterion=criterion, score=Decimal(mark))
            for criterion, mark in zip(criteria, marks, strict=False)
        )
        if code in RECTIFICATIONS:
            warning, plan, deadline_days, closed = RECTIFICATIONS[code]
            done = {}
            if closed is not None:
                note, days_ago = closed
                done = {
                    "status": "closed",
                    "closing_note": note,
                    "closed_at": now - datetime.timedelta(days=days_ago),
                }
            Rectification.objects.create(
                partner=partner,
                evaluation=evaluation,
                warning=warning,
                plan=plan,
                deadline=timezone.localdate() + datetime.timedelta(days=deadline_days),
                created_by=partner.owner,
                **done,
            )


# company, office, contact, status, assignee
APPLICATIONS = [
    ("深圳市前海星链科技有限公司", "HN-SZ", "唐星", "submitted", None),
    ("广州市番禺云帆信息技术有限公司", "HN-GZ", "麦帆", "reviewing", "channel_mgr"),
    ("杭州钱塘数安科技有限公司", "HD-HZ", "沈塘", "submitted", None),
    ("武汉江城智算网络有限公司", "HZ-WH", "胡城", "reviewing", "channel_mgr2"),
    ("西安曲江融通信息科技有限公司", "XB-XA", "史融", "submitted", "channel_mgr2"),
    ("沈阳浑南云联科技有限公司", "HB-BJ", "关联", "rejected", "channel_mgr2"),
]
# Reviewers' scores out of 10 (经营管理, 资金实力, 售后服务, 市场覆盖, 信誉) for reviewing ones.
APPLICATION_SCORES = [8, 7, 8, 6, 9]


DEMO_PDF = pdf_bytes()


def seed_applications(staff: dict[str, User]) -> None:
    """Applications from the public form: waiting, being scored, and one refused."""
    qualification = list(
        ScorecardCriterion.objects.filter(
            scorecard__kind="qualification", scorecard__is_active=True
        ).order_by("order", "code")
    )
    for index, (company, office, contact, status, assignee) in enumerate(APPLICATIONS):
        credit_code = credit_code_for(company, AREA_CODES[office])
        if PartnerApplication.objects.filter(credit_code=credit_code).exists():
            continue
        application = PartnerApplication.objects.create(
            number=next_number("SQ"),
            company_name=company,
            credit_code=credit_code,
            region=Region.objects.get(code=office),
            contact_name=contact,
            contact_phone=f"1370000{index:04d}",
            contact_email=f"bd{index}@apply{index}.example.cn",
            legal_representative=f"{contact[0]}总",
            address=f"{company[:2]}市高新区创业路{10 + index}号",
            business_scope=SCOPES[index % len(SCOPES)],
            staff_count=40 + index * 15,
            registered_capital=Decimal(500 + index * 300),
            annual_revenue=Decimal(1500 + index * 800),
            main_customers="本地政府与大型企业",
            main_industries="政府、教育、医疗",
            status=status,
            assignee=staff[assignee] if assignee else None,
            decision_note="注册资本与服务能力不满足准入要求。" if status == "rejected" else "",
        )
        if status == "reviewing" and qualification:
            ApplicationScore.objects.bulk_create(
                ApplicationScore(
                    application=application,
                    criterion=criterion,
                    reviewer=application.assignee,
                    score=Decimal(score),
                    comment="材料齐全" if score >= 8 else "",
                )
                for criterion, score in zip(qualification, APPLICATION_SCORES, strict=False)
            )
            application.total_score = score_total(application, qualification[0].scorecard)
            application.recommended_tier = tier_recommended(application.total_score)
            application.save(update_fields=["total_score", "recommended_tier"])
        if status != "rejected":
            # The licence the public form requires, so that review can start in the demo.
            ApplicationAttachment.objects.create(
                application=application,
                kind=ApplicationAttachment.Kind.LICENCE,
                file=ContentFile(DEMO_PDF, name=f"licence-{application.number}.pdf"),
                original_name="营业执照.pdf",
                size=len(DEMO_PDF),
            )
