"""The demo organisation: regions and offices, departments, the vendor's demo accounts."""

from django.conf import settings
from django.utils import timezone

from qudao.core.models import Department, Region, Role, User

from .clock import HISTORY_DAYS, demo_clock, demo_moment

REGIONS = [
    ("HN", "华南", [("HN-GZ", "广州办事处"), ("HN-SZ", "深圳办事处"), ("HN-FZ", "福州办事处")]),
    ("HD", "华东", [("HD-SH", "上海办事处"), ("HD-HZ", "杭州办事处"), ("HD-NJ", "南京办事处")]),
    ("HZ", "华中", [("HZ-WH", "武汉办事处"), ("HZ-CS", "长沙办事处"), ("HZ-ZZ", "郑州办事处")]),
    ("HB", "华北", [("HB-BJ", "北京办事处"), ("HB-TJ", "天津办事处"), ("HB-JN", "济南办事处")]),
    ("XB", "西部", [("XB-CD", "成都办事处"), ("XB-CQ", "重庆办事处"), ("XB-XA", "西安办事处")]),
]
DEPARTMENTS = ["渠道管理部", "市场部", "售前技术部", "项目管理部", "财务部", "信息中心"]

# username, family name, given name, roles, region code, department, mobile
STAFF = [
    ("admin", "系统", "管理员", ["admin"], None, "信息中心", "13800000001"),
    ("director", "王", "渠道", ["director"], None, "市场部", "13800000002"),
    ("south_manager", "李", "华南", ["regional_manager"], "HN", "渠道管理部", "13800000003"),
    ("east_manager", "赵", "华东", ["regional_manager"], "HD", "渠道管理部", "13800000004"),
    ("channel_mgr", "陈", "渠道", ["channel_manager"], "HN-SZ", "渠道管理部", "13800000005"),
    ("channel_mgr2", "刘", "渠道", ["channel_manager"], "HD-SH", "渠道管理部", "13800000006"),
    ("pm", "张", "项目", ["project_manager"], "HN-GZ", "项目管理部", "13800000007"),
    ("presales", "黄", "售前", ["presales"], "HN-GZ", "售前技术部", "13800000008"),
    ("finance", "周", "财务", ["finance"], None, "财务部", "13800000009"),
]


def seed_org() -> dict[str, Region]:
    regions = {}
    for order, (code, name, offices) in enumerate(REGIONS):
        region, _ = Region.objects.get_or_create(
            code=code, defaults={"name": name, "kind": Region.Kind.REGION, "sort_order": order}
        )
        regions[code] = region
        for office_order, (office_code, office_name) in enumerate(offices):
            regions[office_code], _ = Region.objects.get_or_create(
                code=office_code,
                defaults={
                    "name": office_name,
                    "kind": Region.Kind.OFFICE,
                    "parent": region,
                    "sort_order": office_order,
                },
            )
    for name in DEPARTMENTS:
        Department.objects.get_or_create(name=name)
    return regions


def demo_user(username, last, first, roles, region=None, department=None, mobile="", partner=None):
    """Create a demo account once (idempotent); its password is the one demo password."""
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(
            username=username,
            last_name=last,
            first_name=first,
            email=f"{username}@demo.qudao.cn",
            mobile=mobile,
            region=region,
            department=Department.objects.filter(name=department).first() if department else None,
            partner=partner,
            is_superuser=username == "admin",
            is_staff=username == "admin",
        )
        user.set_password(settings.DEMO_PASSWORD)
        user.save()
        user.roles.set(Role.objects.filter(code__in=roles))
    return user


def seed_staff(regions: dict[str, Region]) -> dict[str, User]:
    """The vendor's accounts, joined when the demo's history begins."""
    with demo_clock(demo_moment(timezone.now(), HISTORY_DAYS, hour=9)):
        return {
            username: demo_user(
                username, last, first, roles, regions.get(region_code), department, mobile
            )
            for username, last, first, roles, region_code, department, mobile in STAFF
        }
