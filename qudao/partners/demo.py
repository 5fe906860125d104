"""Demo partners, their users, and a few activation approvals in flight."""

from qudao.core.demo import demo_user
from qudao.core.models import ApprovalRequest, Region, User
from qudao.core.services.approvals import Decision, approval_decide

from .models import Partner, Tier
from .services import partner_activation_submit, partner_create

# code, name, office, status, tier, owner username, contact
PARTNERS = [
    ("P-HN-001", "深圳市鹏程信息技术有限公司", "HN-SZ", "active", "gold", "channel_mgr", "吴鹏"),
    ("P-HN-002", "广州市天河智联科技有限公司", "HN-GZ", "active", "silver", "channel_mgr", "郑河"),
    (
        "P-HN-003",
        "福建海峡数码科技有限公司",
        "HN-FZ",
        "prospect",
        "certified",
        "channel_mgr",
        "林峡",
    ),
    (
        "P-HN-004",
        "东莞市松湖安防工程有限公司",
        "HN-SZ",
        "suspended",
        "registered",
        "channel_mgr",
        "何松",
    ),
    ("P-HD-001", "上海浦江系统集成有限公司", "HD-SH", "active", "gold", "channel_mgr2", "孙浦"),
    ("P-HD-002", "杭州西湖云网络科技有限公司", "HD-HZ", "active", "silver", "channel_mgr2", "钱湖"),
    (
        "P-HD-003",
        "南京金陵智能科技股份有限公司",
        "HD-NJ",
        "prospect",
        "registered",
        "channel_mgr2",
        "冯陵",
    ),
    (
        "P-HZ-001",
        "武汉光谷信息产业有限公司",
        "HZ-WH",
        "active",
        "certified",
        "channel_mgr2",
        "朱谷",
    ),
    ("P-HB-001", "北京中关村数智科技有限公司", "HB-BJ", "active", "gold", "channel_mgr2", "秦关"),
    (
        "P-HB-002",
        "天津滨海安联科技有限公司",
        "HB-TJ",
        "exited",
        "registered",
        "channel_mgr2",
        "许滨",
    ),
    ("P-XB-001", "成都天府软件工程有限公司", "XB-CD", "active", "silver", "channel_mgr2", "何府"),
    (
        "P-XB-002",
        "重庆山城数码技术有限公司",
        "XB-CQ",
        "prospect",
        "registered",
        "channel_mgr2",
        "罗城",
    ),
]

PARTNER_USERS = [
    ("p1_admin", "吴", "鹏程管理", ["partner_admin"], "P-HN-001", "13900000001"),
    ("p1_sales", "钟", "鹏程销售", ["partner_sales"], "P-HN-001", "13900000002"),
    ("p2_admin", "郑", "智联管理", ["partner_admin"], "P-HN-002", "13900000003"),
    ("p2_sales", "邓", "智联销售", ["partner_sales"], "P-HN-002", "13900000004"),
]


def seed_partners(staff: dict[str, User]) -> dict[str, Partner]:
    admin = staff["admin"]
    partners = {}
    for code, name, office, status, tier, owner, contact in PARTNERS:
        partner = Partner.objects.filter(code=code).first()
        if partner is None:
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
        partners[code] = partner
    for username, last, first, roles, code, mobile in PARTNER_USERS:
        partner = partners[code]
        demo_user(username, last, first, roles, partner.region, None, mobile, partner=partner)
    return partners


def seed_approvals(staff: dict[str, User], partners: dict[str, Partner]) -> None:
    if ApprovalRequest.objects.exists():
        return
    # Waiting for the 华南 regional manager.
    partner_activation_submit(actor=staff["channel_mgr"], partner=partners["P-HN-003"])
    # Passed the 华东 regional manager, waiting for the director.
    approval = partner_activation_submit(actor=staff["channel_mgr2"], partner=partners["P-HD-003"])
    approval_decide(
        actor=staff["east_manager"],
        approval=approval,
        decision=Decision.APPROVE,
        comment="资质齐全，同意。",
    )
