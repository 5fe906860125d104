"""Bulk deal registrations for benchmarks: `seed_demo --scale N` adds 10,000 per block.

The conflict check's speed depends on the candidate index's posting lists (how many live
registrations share a key), so the customers are built to repeat the way real ones do, not as
numbered clones that would share every n-gram:

- a customer is a Chinese organisation generated combinatorially: a company (brand from a pool of
  a few hundred characters, an industry phrase such as 信息技术 or 医疗器械, a legal form) in one of
  the offices' cities, or a public body (深圳市南山区人民医院, 杭州市地铁集团有限公司);
- most customers are registered once or twice, a popular few by a couple of dozen partners;
- each registration writes its customer's name in its own way: with or without the province and
  city, the city in brackets, another legal form, the short form, full-width letters, now and then
  a homophone typo (恒泰 / 恒太), and gives the credit code about one time in three.

About 30 % of the registrations are live (submitted, approved, information requested) and hold
CustomerKey rows, computed with the real `keys.customer_keys` (cached per written name), and a
CustomerName row (the name taken apart by `matching.normalise_name`), so the index is exactly
what `services.registration_keys_refresh` would have written.

Rows are inserted in chunks with COPY (PostgreSQL) or executemany (SQLite) and explicit
registration ids: building a million model instances for bulk_create costs more than the
database's own work.
Numbers are ``BB-S00000001`` …: unique, and outside the ``BB-<year>-…`` series that
`core.numbering.next_number` counts, which they leave untouched.
"""

import datetime
import json
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache, partial
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from qudao.catalog.models import ProductLine
from qudao.core.models import Region, User
from qudao.customers.keys import customer_keys
from qudao.customers.matching import normalise_name
from qudao.demo.partners import AREA_CODES, CITIES, credit_code_for
from qudao.partners.models import Partner
from qudao.registrations.models import (
    CustomerKey,
    CustomerName,
    Registration,
    RegistrationProduct,
)

PER_BLOCK = 10_000
CUSTOMERS_PER_BLOCK = 5_000  # 2 registrations per customer on average
POPULAR_SHARE = 0.02  # this share of the customers …
POPULAR_PICKS = 0.25  # … receives this share of the registrations (about 25 each)
CHUNK = 5_000
NUMBER_PREFIX = "BB-S"
SEED = 20261123

Status = Registration.Status
# Most registrations are closed; a large share is live (about 30 %).
STATUS_WEIGHTS = {
    Status.DRAFT: 4,
    Status.SUBMITTED: 5,
    Status.INFO_REQUESTED: 1,
    Status.APPROVED: 24,
    Status.REJECTED: 7,
    Status.EXPIRED: 27,
    Status.WON: 14,
    Status.LOST: 12,
    Status.CANCELLED: 6,
}
CREDIT_CODE_SHARE = 0.35

# Characters of company brands, most common first (a few are much more common than the rest).
BRAND_CHARS = list(
    dict.fromkeys(
        "华信达通恒泰盛鑫博瑞天中金海新宏伟嘉德安康源兴科利隆丰和顺昌明光辉星辰云峰远航创智汇聚"
        "立邦美联众诚正元亿佳睿思捷迅驰越腾龙凤鹏飞翔宇坤乾泽润清东南西北粤浙苏闽湘蜀秦晋鲁豫"
        "江河湖山川林森禾田实晟昊昕晨曦旭阳晶玉宝珠银铭锐锦绣绿蓝紫青金石岩峻巍卓尚品优上良善"
        "仁义礼忠友爱心意真道志启迪开拓进先锋前沿未来世纪时代万千百家国民生活力能量讯网链图灵"
        "动犀微至极精英杰俊豪雄威武朗逸帆舟泓涛波澜洋潮湾岛屿峡谷原野春夏秋冬松柏竹梅兰菊荷"
        "桐枫桦杉楠樟橙橘桃李杏梨榕椰蓉芯算维锋鸿铂钛硅晖煜炜烨焱熠耀灿炎昱暄晓昭景晴霞虹"
        "霖雨雪霜露冰凌岚峦崇嵩岱岳昆仑祥福禄寿喜庆吉瑞麒麟鹤鹰隼鲲鹍騏骏驿途路桥港泊渡津"
        "恺悦欣怡慧敏聪颖贤达君臣甫卿弘毅韬略谋策筹弈衡准则律序和谐协同合力齐鼎"
    )
)
BRAND_WEIGHTS = [1 / (rank + 10) ** 0.8 for rank in range(len(BRAND_CHARS))]
BRAND_LENGTHS = ([2] * 55) + ([3] * 30) + ([4] * 15)
# A homophone for a brand character: the typo a partner makes when typing by pinyin.
HOMOPHONES = dict(
    pair
    for a, b in [
        ("讯", "迅"), ("华", "化"), ("泰", "太"), ("鑫", "新"), ("盛", "胜"), ("达", "大"),
        ("源", "元"), ("博", "波"), ("瑞", "锐"), ("宏", "鸿"), ("伟", "维"), ("德", "得"),
        ("兴", "星"), ("隆", "龙"), ("峰", "锋"), ("晨", "辰"), ("明", "铭"), ("佳", "嘉"),
        ("汇", "惠"), ("捷", "杰"), ("辉", "晖"), ("智", "志"), ("恒", "衡"), ("海", "亥"),
    ]
    for pair in ((a, b), (b, a))
)  # fmt: skip
# What a company does, with its weight: the phrases repeat across thousands of companies.
INDUSTRY_PHRASES = {
    "科技": 12, "信息技术": 8, "网络科技": 5, "智能科技": 5, "电子科技": 4, "软件": 3,
    "软件技术": 2, "数据科技": 2, "数字科技": 2, "通信技术": 2, "系统集成": 2, "安防科技": 1,
    "建设": 3, "建设工程": 2, "建筑工程": 2, "工程技术": 1, "医疗科技": 2, "医疗器械": 2,
    "医药": 2, "生物科技": 2, "健康科技": 1, "物流": 2, "供应链管理": 1, "贸易": 3, "商贸": 2,
    "实业": 3, "能源科技": 2, "新能源": 1, "环保科技": 2, "教育科技": 2, "文化传媒": 2,
    "电气": 2, "电力工程": 1, "机械设备": 2, "自动化": 1, "精密制造": 1, "光电": 1,
    "半导体": 1, "新材料": 1, "化工": 1, "食品": 2, "农业科技": 1, "汽车服务": 1, "投资": 1,
    "控股": 1, "置业": 1, "物业管理": 1, "酒店管理": 1, "企业管理咨询": 1, "检测技术": 1,
    "照明": 1,
}  # fmt: skip
LEGAL_FORMS = {
    "有限公司": 60, "股份有限公司": 14, "有限责任公司": 10, "集团有限公司": 6,
    "集团股份有限公司": 2,
}  # fmt: skip
SECTORS = ["制造", "金融", "能源", "交通", "园区", "零售", "物流", "互联网"]
PROVINCES = {
    "HN-GZ": "广东省", "HN-SZ": "广东省", "HN-FZ": "福建省", "HD-SH": "", "HD-HZ": "浙江省",
    "HD-NJ": "江苏省", "HZ-WH": "湖北省", "HZ-CS": "湖南省", "HZ-ZZ": "河南省", "HB-BJ": "",
    "HB-TJ": "", "HB-JN": "山东省", "XB-CD": "四川省", "XB-CQ": "", "XB-XA": "陕西省",
}  # fmt: skip
DISTRICTS = {
    "HN-GZ": "天河区 越秀区 海珠区 白云区 黄埔区 番禺区",
    "HN-SZ": "福田区 罗湖区 南山区 宝安区 龙岗区 龙华区",
    "HN-FZ": "鼓楼区 台江区 仓山区 晋安区 马尾区 长乐区",
    "HD-SH": "浦东新区 黄浦区 徐汇区 静安区 闵行区 杨浦区",
    "HD-HZ": "西湖区 上城区 拱墅区 滨江区 萧山区 余杭区",
    "HD-NJ": "玄武区 秦淮区 建邺区 鼓楼区 江宁区 浦口区",
    "HZ-WH": "江岸区 江汉区 武昌区 洪山区 汉阳区 东西湖区",
    "HZ-CS": "芙蓉区 天心区 岳麓区 开福区 雨花区 望城区",
    "HZ-ZZ": "中原区 二七区 金水区 管城回族区 惠济区 上街区",
    "HB-BJ": "东城区 西城区 朝阳区 海淀区 丰台区 昌平区",
    "HB-TJ": "和平区 河西区 南开区 河北区 滨海新区 西青区",
    "HB-JN": "历下区 市中区 槐荫区 天桥区 历城区 长清区",
    "XB-CD": "锦江区 青羊区 金牛区 武侯区 成华区 双流区",
    "XB-CQ": "渝中区 江北区 南岸区 沙坪坝区 九龙坡区 渝北区",
    "XB-XA": "新城区 碑林区 莲湖区 雁塔区 未央区 长安区",
}
DISTRICT_BODIES = [
    ("人民医院", "医疗"), ("中医院", "医疗"), ("妇幼保健院", "医疗"), ("疾病预防控制中心", "医疗"),
    ("教育局", "教育"), ("第一中学", "教育"), ("实验小学", "教育"), ("人民政府", "政府"),
    ("政务服务数据管理局", "政府"), ("卫生健康局", "政府"), ("财政局", "政府"),
    ("城市管理和综合执法局", "政府"), ("人民法院", "政府"), ("人民检察院", "政府"),
    ("图书馆", "政府"), ("公安分局", "政府"),
]  # fmt: skip
# A city's own bodies: (word, legal form, sector).
CITY_BODIES = [
    ("第一人民医院", "", "医疗"), ("第二人民医院", "", "医疗"), ("中心医院", "", "医疗"),
    ("中医院", "", "医疗"), ("地铁", "集团有限公司", "交通"), ("轨道交通", "集团有限公司", "交通"),
    ("机场", "集团有限公司", "交通"), ("供电局", "", "能源"), ("水务", "集团有限公司", "能源"),
    ("燃气", "集团股份有限公司", "能源"), ("公安局", "", "政府"), ("教育局", "", "教育"),
    ("大数据管理局", "", "政府"), ("职业技术学院", "", "教育"),
    ("城市建设投资", "集团有限公司", "园区"), ("人民政府办公厅", "", "政府"),
]  # fmt: skip
PUBLIC_SHARE = 0.15
PROJECTS = [
    "数据中心建设项目", "智慧园区一期", "网络安全等级保护项目", "办公网络升级改造",
    "视频监控系统扩容", "云平台建设项目", "信息化系统集成项目", "机房改造工程", "智慧医院二期",
    "智慧校园项目", "政务云扩容", "灾备中心建设", "存储扩容项目", "ERP系统实施",
    "视频会议系统", "安防监控升级", "园区无线覆盖", "生产网改造", "大数据平台二期",
]  # fmt: skip
COMPETITORS = ["华为", "新华三", "锐捷", "海康威视", "大华", "浪潮", "深信服", "中兴通讯"]
DECISION_MAKERS = ["信息中心主任", "分管副总", "采购部经理", "IT部负责人", "院长办公室"]


OFFICES = list(CITIES)
LEGAL_FORM_NAMES = list(LEGAL_FORMS)
LEGAL_FORM_WEIGHTS = list(LEGAL_FORMS.values())
PHRASES = list(INDUSTRY_PHRASES)
PHRASE_WEIGHTS = list(INDUSTRY_PHRASES.values())
STATUSES = list(STATUS_WEIGHTS)
STATUS_WEIGHT_VALUES = list(STATUS_WEIGHTS.values())
STAGES = list(Registration.Stage.values)
FULL_WIDTH = str.maketrans(
    "()ABCDEFGHIJKLMNOPQRSTUVWXYZ", "（）ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ"
)


@dataclass(frozen=True)
class Customer:
    """One organisation, as it writes its own name: place + core + legal form."""

    office: str  # the office (Region code) whose city the customer is in
    place: str  # the place in front of its registered name ("深圳市", "广东省深圳市" or "")
    brand: str  # the distinctive part (恒泰), or the district of a public body
    rest: str  # what follows the brand in the core (信息技术, 人民医院 …)
    legal: str  # the legal form, "" for public bodies without one
    sector: str
    credit_code: str
    public: bool = False  # a hospital, school, bureau or city company

    @property
    def city(self) -> str:
        return CITIES[self.office]

    @property
    def name(self) -> str:
        return f"{self.place}{self.brand}{self.rest}{self.legal}"


@lru_cache(maxsize=100_000)
def customer(index: int) -> Customer:
    """Customer number `index` of the generated universe: the same index, the same customer."""
    rng = random.Random(SEED * 1_000_003 + index)
    office = rng.choice(OFFICES)
    city, province = CITIES[office], PROVINCES[office]
    area = AREA_CODES[office]
    if rng.random() < PUBLIC_SHARE:
        if rng.random() < 0.6:
            district = rng.choice(DISTRICTS[office].split())
            body, sector = rng.choice(DISTRICT_BODIES)
            brand, rest, legal = district, body, ""
        else:
            body, legal, sector = rng.choice(CITY_BODIES)
            brand, rest = "", body
        # A public body is one organisation whoever writes it down: its code follows its name.
        code = credit_code_for(f"public:{city}{brand}{rest}", area)
        return Customer(office, city, brand, rest, legal, sector, code, public=True)
    length = rng.choice(BRAND_LENGTHS)
    brand = "".join(rng.choices(BRAND_CHARS, BRAND_WEIGHTS, k=length))
    rest = rng.choices(PHRASES, PHRASE_WEIGHTS)[0]
    legal = rng.choices(LEGAL_FORM_NAMES, LEGAL_FORM_WEIGHTS)[0]
    place = rng.choices([city, province + city, ""], [70, 10, 20])[0]
    code = credit_code_for(f"company:{index}", area)
    return Customer(office, place, brand, rest, legal, rng.choice(SECTORS), code)


def written_name(c: Customer, rng: random.Random) -> str:
    """The customer's name as one partner writes it down."""
    r = rng.random()
    city, short = c.city, c.city.removesuffix("市")
    if c.public:
        # with or without its city, the city shortened, without the legal form
        if r < 0.55:
            return c.name
        if r < 0.75 and c.brand:
            return f"{c.brand}{c.rest}"
        if r < 0.9:
            return f"{short}{c.brand}{c.rest}{c.legal}"
        return f"{city}{c.brand}{c.rest}{c.legal.replace('有限公司', '')}"
    if r < 0.45:
        return c.name
    if r < 0.57:
        return f"{c.brand}{c.rest}{c.legal}"
    if r < 0.63:
        return f"{PROVINCES[c.office]}{city}{c.brand}{c.rest}{c.legal}"
    if r < 0.69:
        return f"{c.brand}（{short}）{c.rest}{c.legal}"
    if r < 0.79:
        other = rng.choice([form for form in LEGAL_FORM_NAMES if form != c.legal])
        return f"{c.place}{c.brand}{c.rest}{other}"
    if r < 0.89:
        return f"{c.brand}{c.rest}"
    if r < 0.94:
        return f"{c.place} {c.brand}{c.rest} {c.legal}".strip().translate(FULL_WIDTH)
    return typo(c.name, rng) if c.brand else c.name


def typo(name: str, rng: random.Random) -> str:
    """`name` with one character replaced by a homophone (恒泰 → 恒太), if it has one."""
    spots = [i for i, char in enumerate(name) if char in HOMOPHONES]
    if not spots:
        return name
    i = rng.choice(spots)
    return name[:i] + HOMOPHONES[name[i]] + name[i + 1 :]


def variant_of(name: str, rng: random.Random) -> str:
    """Another way of writing an existing customer's name (for the benchmark's probes): without
    its place, with another legal form, with a homophone typo, or with a space."""
    places = sorted({*CITIES.values(), *filter(None, PROVINCES.values())}, key=len, reverse=True)
    place = next((p for p in places if name.startswith(p) and len(name) > len(p) + 2), None)
    legal = next(
        (f for f in sorted(LEGAL_FORM_NAMES, key=len, reverse=True) if name.endswith(f)), None
    )
    ways = []
    if place:
        ways.append(lambda: name[len(place) :])
    if legal:
        other = rng.choice([f for f in LEGAL_FORM_NAMES if f != legal])
        ways.append(lambda: name[: -len(legal)] + other)
    if typo(name, rng) != name:
        ways.append(lambda: typo(name, rng))
    if not ways:
        ways.append(lambda: f"{name[:2]} {name[2:]}")
    return rng.choice(ways)()


def new_customer_name(index: int) -> str:
    """The name of a company no seeded registration has: a brand of four characters drawn
    evenly (the seeded brands favour the common ones), with the usual industry, legal form and
    city, so that it shares n-grams with seeded names but no exact key."""
    rng = random.Random(-1 - index)
    brand = "".join(rng.choices(BRAND_CHARS, k=4))
    rest = rng.choices(PHRASES, PHRASE_WEIGHTS)[0]
    legal = rng.choices(LEGAL_FORM_NAMES, LEGAL_FORM_WEIGHTS)[0]
    return f"{CITIES[rng.choice(OFFICES)]}{brand}{rest}{legal}"


@lru_cache(maxsize=200_000)
def _name_keys(name: str) -> tuple[tuple[str, str], ...]:
    return tuple(customer_keys(name))


@lru_cache(maxsize=200_000)
def name_parts_row(name: str) -> tuple[str, ...]:
    """The `CustomerName` columns after the registration id (see NAME_COLUMNS), as the services
    write them (`CustomerName.of`), computed once per written name."""
    parts = normalise_name(name)
    return (
        parts.cleaned,
        parts.core,
        parts.brand,
        json.dumps(list(parts.removed)),
        json.dumps([list(pair) for pair in parts.mapped]),
        parts.pinyin,
        parts.brand_pinyin,
    )


NAME_COLUMNS = [
    "registration_id",
    "cleaned",
    "core",
    "brand",
    "removed",
    "mapped",
    "pinyin",
    "brand_pinyin",
]


def keys_for(name: str, credit_code: str) -> list[tuple[str, str]]:
    """Equal to `customer_keys(name, credit_code)`, with the name's keys computed once per
    written name (normalising a name costs about half a millisecond)."""
    keys = list(_name_keys(name))
    code = credit_code.strip().upper()
    return [("credit", code), *keys] if code else keys


def insert_rows(model, columns: list[str], rows: list[tuple]) -> None:
    """Insert `rows` (tuples in the order of `columns`) without model instances: COPY on
    PostgreSQL, executemany on SQLite (each is the fastest plain insert of its database)."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", rows)


def reset_sequence(model) -> None:
    """After rows inserted with explicit ids, the next id the database hands out must follow
    them (PostgreSQL's sequences do not notice; SQLite's rowids do)."""
    statements = connection.ops.sequence_reset_sql(no_style(), [model])
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


@contextmanager
def sqlite_cache(megabytes: int) -> Iterator[None]:
    """A larger page cache while seeding SQLite: the (kind, key) index takes millions of
    inserts in key order, not row order, and SQLite's default cache is 2 MB."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = -{megabytes * 1024}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


class _Rows:
    """What the generator needs from the database (partners, their users, offices, product
    lines, where the ids and numbers go on), and how a registration becomes a table row."""

    def __init__(self):
        self.partners = list(Partner.objects.values_list("pk", "owner_id"))
        if not self.partners:
            raise ValueError("seed partners before registrations")
        self.partner_users: dict[int, int] = {}
        for pk, partner_id in User.objects.filter(partner__isnull=False).values_list(
            "pk", "partner_id"
        ):
            self.partner_users.setdefault(partner_id, pk)
        self.fallback_user = User.objects.order_by("pk").values_list("pk", flat=True).first()
        self.offices = dict(Region.objects.filter(code__in=OFFICES).values_list("code", "pk"))
        self.lines = list(ProductLine.objects.values_list("pk", flat=True))
        last_id = Registration.objects.aggregate(last=Max("pk"))["last"] or 0
        self.first_id = last_id + 1
        scaled = Registration.objects.filter(number__startswith=NUMBER_PREFIX)
        self.first_number = scaled.count() + 1
        # Every column, with the field's default where the generator sets nothing, each value
        # adapted the way the ORM would (dates, datetimes and decimals differ per database).
        fields = Registration._meta.concrete_fields
        self.columns = [f.attname for f in fields]
        self.defaults = {f.attname: f.get_default() for f in fields}
        ops = connection.ops
        self.adapters = {}
        for f in fields:
            if isinstance(f, models.DateTimeField):
                self.adapters[f.attname] = ops.adapt_datetimefield_value
            elif isinstance(f, models.DateField):
                self.adapters[f.attname] = ops.adapt_datefield_value
            elif isinstance(f, models.DecimalField):
                self.adapters[f.attname] = partial(
                    ops.adapt_decimalfield_value,
                    max_digits=f.max_digits,
                    decimal_places=f.decimal_places,
                )

    def created_by(self, partner_id: int, owner_id: int | None) -> int:
        # The scaled partners have no users: their channel manager registers on their behalf.
        return self.partner_users.get(partner_id) or owner_id or self.fallback_user

    def row(self, values: dict[str, Any]) -> tuple:
        row = []
        for column in self.columns:
            value = values.get(column, self.defaults[column])
            adapt = self.adapters.get(column)
            row.append(adapt(value) if adapt is not None and value is not None else value)
        return tuple(row)


def _amount(rng: random.Random) -> Decimal:
    # 50,000 to 50,000,000 CNY, evenly spread on a log scale, rounded to the thousand
    return Decimal(int(10 ** rng.uniform(4.7, 7.7)) // 1000 * 1000)


def _registration(
    pk: int, rng: random.Random, rows: _Rows, universe: int, now: datetime.datetime
) -> dict[str, Any]:
    """One registration's column values (attnames), e.g. {"partner_id": 12, …}."""
    if rng.random() < POPULAR_PICKS:
        index = rng.randrange(max(1, int(universe * POPULAR_SHARE)))
    else:
        index = rng.randrange(universe)
    c = customer(index)
    partner_id, owner_id = rng.choice(rows.partners)
    status = rng.choices(STATUSES, STATUS_WEIGHT_VALUES)[0]
    live = status in Registration.LIVE
    today = now.date()
    days_ago = rng.randint(0, 60 if status == Status.DRAFT else 150 if live else 900)
    created = now - datetime.timedelta(days=days_ago, seconds=rng.randint(0, 86_399))
    values = {
        "id": pk,
        "number": f"{NUMBER_PREFIX}{pk - rows.first_id + rows.first_number:08d}",
        "partner_id": partner_id,
        "created_by_id": rows.created_by(partner_id, owner_id),
        "customer_name": written_name(c, rng),
        "customer_credit_code": c.credit_code if rng.random() < CREDIT_CODE_SHARE else "",
        "customer_region_id": rows.offices[c.office],
        "customer_city": c.city,
        "project_name": f"{c.brand or c.city.removesuffix('市')}{rng.choice(PROJECTS)}",
        "industry": c.sector,
        "estimated_amount": _amount(rng),
        "expected_close_date": (
            today + datetime.timedelta(days=rng.randint(10, 300))
            if live or status == Status.DRAFT
            else created.date() + datetime.timedelta(days=rng.randint(30, 300))
        ),
        "stage": rng.choice(STAGES),
        "competitors": "、".join(rng.sample(COMPETITORS, rng.randint(0, 2))),
        "decision_makers": rng.choice(DECISION_MAKERS),
        "status": status,
        "created_at": created,
        "updated_at": min(now, created + datetime.timedelta(days=rng.randint(0, 30))),
    }
    if status != Status.DRAFT:
        values["submitted_at"] = created + datetime.timedelta(hours=rng.randint(1, 72))
    if status == Status.APPROVED:
        # protected for up to 90 more days; a few expire within the week
        values["protection_until"] = today + datetime.timedelta(days=rng.randint(1, 90))
        if "progress_due_at" in rows.columns:
            last = now - datetime.timedelta(days=rng.randint(0, 29), hours=rng.randint(0, 23))
            values["update_interval_days"] = 30
            values["last_progress_at"] = last
            values["progress_due_at"] = last + datetime.timedelta(days=30)
    elif status in (Status.EXPIRED, Status.WON, Status.LOST):
        values["protection_until"] = created.date() + datetime.timedelta(days=90)
    return values


def seed_registrations(blocks: int, progress: Callable[[str], None] = print) -> dict[str, int]:
    """Add `blocks` × PER_BLOCK registrations with their products and candidate-index keys."""
    rows = _Rows()
    total = blocks * PER_BLOCK
    universe = (rows.first_number - 1 + total) // PER_BLOCK * CUSTOMERS_PER_BLOCK
    universe = universe or CUSTOMERS_PER_BLOCK
    rng = random.Random(SEED + rows.first_number)
    now = timezone.now()
    counts = {"registrations": 0, "registration_products": 0, "customer_keys": 0}
    started = time.monotonic()
    with sqlite_cache(512):
        for chunk_start in range(0, total, CHUNK):
            first = rows.first_id + chunk_start
            batch = [
                _registration(pk, rng, rows, universe, now)
                for pk in range(first, first + min(CHUNK, total - chunk_start))
            ]
            products, keys, names = [], [], []
            for values in batch:
                for line in rng.sample(rows.lines, 1 if rng.random() < 0.6 else 2):
                    products.append((values["id"], line, "", rng.randint(1, 200)))
                if values["status"] in Registration.LIVE:
                    names.append((values["id"], *name_parts_row(values["customer_name"])))
                    keys.extend(
                        (
                            values["id"],
                            values["partner_id"],
                            values["customer_region_id"],
                            kind,
                            key,
                        )
                        for kind, key in keys_for(
                            values["customer_name"], values["customer_credit_code"]
                        )
                    )
            with transaction.atomic():
                insert_rows(Registration, rows.columns, [rows.row(values) for values in batch])
                insert_rows(
                    RegistrationProduct,
                    ["registration_id", "product_line_id", "description", "quantity"],
                    products,
                )
                insert_rows(
                    CustomerKey, ["registration_id", "partner_id", "region_id", "kind", "key"], keys
                )
                insert_rows(CustomerName, NAME_COLUMNS, names)
            counts["registrations"] += len(batch)
            counts["registration_products"] += len(products)
            counts["customer_keys"] += len(keys)
            done = counts["registrations"]
            if done % 100_000 == 0 or done == total:
                progress(
                    f"registrations: {done:,} of {total:,}, keys {counts['customer_keys']:,} "
                    f"({time.monotonic() - started:.0f}s)"
                )
    reset_sequence(Registration)
    return counts
