"""The conflict-matching engine (撞单判定): pure functions, no ORM, no I/O.

`normalise_name` turns a Chinese company name into its comparable core, remembering what it
removed so that the result can be explained. `match` scores two registrations' customers and
returns a level (certain / likely / possible / none) with human-readable, translatable reasons.
`qudao.customers.keys` derives the candidate-index keys from the same normalisation, so the
candidate search and the scoring can never disagree about what a name "is".
"""

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from enum import IntEnum
from functools import lru_cache

from django.utils.translation import gettext_lazy as _
from pypinyin import Style, lazy_pinyin
from rapidfuzz import fuzz

# Legal forms, Chinese and English (already case-folded, without spaces and punctuation).
# Tried longest first, repeatedly: "集团股份有限公司" strips as 股份有限公司 then 集团.
LEGAL_SUFFIXES = sorted(
    [
        "股份有限公司",
        "有限责任公司",
        "集团有限公司",
        "有限公司",
        "集团公司",
        "总公司",
        "分公司",
        "子公司",
        "公司",
        "集团",
        "股份",
        "研究院",
        "研究所",
        "事务所",
        "合伙企业",
        "有限合伙",
        "工作室",
        "经营部",
        "门市部",
        "营业部",
        "办事处",
        "分行",
        "支行",
        "厂",
        "colimited",
        "coltd",
        "limited",
        "ltd",
        "incorporated",
        "inc",
        "corporation",
        "corp",
        "company",
        "group",
    ],
    key=len,
    reverse=True,
)

_PROVINCES = [
    "北京市",
    "天津市",
    "上海市",
    "重庆市",
    "河北省",
    "山西省",
    "辽宁省",
    "吉林省",
    "黑龙江省",
    "江苏省",
    "浙江省",
    "安徽省",
    "福建省",
    "江西省",
    "山东省",
    "河南省",
    "湖北省",
    "湖南省",
    "广东省",
    "海南省",
    "四川省",
    "贵州省",
    "云南省",
    "陕西省",
    "甘肃省",
    "青海省",
    "台湾省",
    "内蒙古自治区",
    "广西壮族自治区",
    "西藏自治区",
    "宁夏回族自治区",
    "新疆维吾尔自治区",
    "香港特别行政区",
    "澳门特别行政区",
]
_CITIES = [
    "深圳",
    "广州",
    "珠海",
    "佛山",
    "东莞",
    "中山",
    "惠州",
    "汕头",
    "江门",
    "湛江",
    "肇庆",
    "茂名",
    "揭阳",
    "潮州",
    "清远",
    "韶关",
    "梅州",
    "杭州",
    "宁波",
    "温州",
    "绍兴",
    "嘉兴",
    "湖州",
    "金华",
    "台州",
    "南京",
    "苏州",
    "无锡",
    "常州",
    "南通",
    "扬州",
    "徐州",
    "盐城",
    "镇江",
    "泰州",
    "济南",
    "青岛",
    "烟台",
    "潍坊",
    "淄博",
    "临沂",
    "济宁",
    "威海",
    "郑州",
    "洛阳",
    "武汉",
    "宜昌",
    "襄阳",
    "长沙",
    "株洲",
    "湘潭",
    "岳阳",
    "成都",
    "绵阳",
    "宜宾",
    "贵阳",
    "遵义",
    "昆明",
    "西安",
    "咸阳",
    "宝鸡",
    "兰州",
    "西宁",
    "银川",
    "乌鲁木齐",
    "拉萨",
    "呼和浩特",
    "包头",
    "南宁",
    "柳州",
    "桂林",
    "海口",
    "三亚",
    "福州",
    "厦门",
    "泉州",
    "漳州",
    "莆田",
    "南昌",
    "赣州",
    "九江",
    "合肥",
    "芜湖",
    "蚌埠",
    "石家庄",
    "唐山",
    "保定",
    "邯郸",
    "廊坊",
    "太原",
    "大同",
    "沈阳",
    "大连",
    "鞍山",
    "长春",
    "吉林",
    "哈尔滨",
    "大庆",
    "雄安",
]
_REGION_SUFFIXES = ("特别行政区", "壮族自治区", "回族自治区", "维吾尔自治区", "自治区", "省", "市")


def _short_place(name: str) -> str:
    for suffix in _REGION_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


# Every written form of a place → its short form (广东省/广东 → 广东, 深圳市/深圳 → 深圳).
PLACES: dict[str, str] = {}
for _name in _PROVINCES + [f"{city}市" for city in _CITIES] + ["中国", "中华人民共和国"]:
    PLACES[_name] = _short_place(_name)
    PLACES[_short_place(_name)] = _short_place(_name)
PLACES.update({"中华人民共和国": "中国", "中国": "中国"})
# Places written in pinyin, as in English names (Lenovo (Beijing) Limited).
PLACES.update({"".join(lazy_pinyin(short)): short for short in set(PLACES.values())})
# The lengths of the written forms, longest first: a name's head or tail of each length is looked
# up in PLACES (a few dict lookups instead of trying every form with startswith / endswith).
_PLACE_LENGTHS = sorted({len(form) for form in PLACES}, reverse=True)

# Words that say what an organisation does, not which one it is. A place is kept in front of a
# name made only of these (深圳地铁 ≠ 广州地铁, 北京大学 ≠ 大学), and they are not used as
# n-gram keys because nearly every name contains one.
GENERIC_WORDS = frozenset(
    [
        "科技",
        "技术",
        "信息",
        "信息技术",
        "电子",
        "网络",
        "软件",
        "系统",
        "计算机",
        "智能",
        "数据",
        "大数据",
        "数字",
        "实业",
        "贸易",
        "商贸",
        "工程",
        "服务",
        "管理",
        "咨询",
        "通信",
        "通讯",
        "电信",
        "医疗",
        "医药",
        "生物",
        "教育",
        "能源",
        "新能源",
        "环保",
        "物流",
        "供应链",
        "商业",
        "发展",
        "投资",
        "控股",
        "建设",
        "城建",
        "城投",
        "建筑",
        "建工",
        "设计",
        "规划",
        "制造",
        "机械",
        "设备",
        "电器",
        "电气",
        "电力",
        "电网",
        "供电",
        "供电局",
        "地铁",
        "轨道交通",
        "交通",
        "交投",
        "公交",
        "港",
        "港务",
        "机场",
        "航空",
        "水务",
        "自来水",
        "燃气",
        "热力",
        "银行",
        "农商",
        "农村商业",
        "城市",
        "大学",
        "学院",
        "医院",
        "人民医院",
        "中医院",
        "中学",
        "小学",
        "第一",
        "第二",
        "第三",
        "人民",
        "政府",
        "人民政府",
        "公安局",
        "教育局",
        "卫生健康委员会",
        "卫健委",
        "财政局",
        "税务局",
        "海关",
        "中心",
        "委员会",
        "局",
        "电视台",
        "广播电视台",
        "日报",
        "报业",
        "传媒",
        "文化",
        "旅游",
        "文旅",
        "置业",
        "地产",
        "房地产",
        "物业",
        "汽车",
        "新材料",
        "材料",
        "化工",
        "食品",
        "农业",
        "国际",
        "网络科技",
        "云",
        "云计算",
        "器械",
        "医疗器械",
        "集成",
        "系统集成",
        "职业",
    ]
)
_GENERIC_WORDS_LONGEST_FIRST = sorted(GENERIC_WORDS, key=len, reverse=True)

# Abbreviations and other names of well-known organisations → one canonical form. Applied to the
# start of the core name (where an organisation's own name sits), longest first.
ABBREVIATIONS: dict[str, str] = {
    "中国移动通信": "中国移动",
    "中移动": "中国移动",
    "中国联合网络通信": "中国联通",
    "中联通": "中国联通",
    "中国电信": "中国电信",
    "中电信": "中国电信",
    "国家电网": "国家电网",
    "国网": "国家电网",
    "中国南方电网": "南方电网",
    "南网": "南方电网",
    "中国工商银行": "工商银行",
    "工行": "工商银行",
    "中国建设银行": "建设银行",
    "建行": "建设银行",
    "中国农业银行": "农业银行",
    "农行": "农业银行",
    "中行": "中国银行",
    "招行": "招商银行",
    "中国石油天然气": "中国石油",
    "中石油": "中国石油",
    "中国石油化工": "中国石化",
    "中石化": "中国石化",
    "中国海洋石油": "中国海油",
    "中海油": "中国海油",
    "北大": "北京大学",
    "清华": "清华大学",
    "浙大": "浙江大学",
    "复旦": "复旦大学",
    "中山大学": "中山大学",
    "中大": "中山大学",
    "huawei": "华为",
    "tencent": "腾讯",
    "lenovo": "联想",
    "alibaba": "阿里巴巴",
    "zte": "中兴通讯",
    "byd": "比亚迪",
    "dji": "大疆",
    "haier": "海尔",
    "midea": "美的",
    "gree": "格力",
    "hikvision": "海康威视",
    "dahua": "大华",
    "xiaomi": "小米",
    "jd": "京东",
    "baidu": "百度",
}
_ABBREVIATION_FORMS = sorted(ABBREVIATIONS, key=len, reverse=True)

_BRACKETS = re.compile(r"[(\[{<〔【〖「『《](.*?)[)\]}>〕】〗」』》]")
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


@dataclass(frozen=True)
class NameParts:
    """A customer name taken apart for comparison."""

    original: str
    cleaned: str  # NFKC, case-folded, without brackets, spaces and punctuation
    core: str  # without legal form and place; abbreviations mapped
    brand: str  # the core without trailing generic words (腾讯计算机系统 → 腾讯), or ""
    removed: tuple[str, ...] = ()  # what was stripped, in the order it was found
    mapped: tuple[tuple[str, str], ...] = ()  # abbreviations replaced: (written, canonical)
    pinyin: str = ""  # toneless pinyin of the core, syllables joined with spaces
    brand_pinyin: str = ""  # the same of the brand, "" without a brand

    @property
    def initials(self) -> str:
        return initials_of(self.core)


@lru_cache(maxsize=4096)
def pinyin_of(text: str) -> str:
    """Toneless pinyin, syllables joined with spaces; non-Chinese runs are kept as they are."""
    return " ".join(part for part in lazy_pinyin(text, errors="default") if part.strip())


@lru_cache(maxsize=4096)
def initials_of(text: str) -> str:
    return "".join(lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default"))


@lru_cache(maxsize=8192)
def is_generic(text: str) -> bool:
    """True if `text` is made only of generic words (or is empty)."""
    if not text:
        return True
    return any(text.startswith(word) and is_generic(text[len(word) :]) for word in GENERIC_WORDS)


def clean(name: str) -> tuple[str, list[str]]:
    """NFKC (full-width → half-width), case-folded, without punctuation and spaces.

    Places written in brackets ("(深圳)", "（深圳）") are dropped and returned; other bracketed
    text is kept without its brackets.
    """
    text = unicodedata.normalize("NFKC", name or "").casefold()
    removed: list[str] = []

    def drop_place(found: re.Match) -> str:
        inner = _NOT_WORD.sub("", found.group(1))
        if inner in PLACES:
            removed.append(found.group(0))
            return ""
        return inner

    text = _BRACKETS.sub(drop_place, text)
    return _NOT_WORD.sub("", text), removed


def _strip_suffixes(text: str, removed: list[str]) -> str:
    """Strip legal forms and trailing places, repeatedly (…集团广东有限公司深圳分公司)."""
    changed = True
    while changed:
        changed = False
        for suffix in LEGAL_SUFFIXES:
            rest = text[: -len(suffix)]
            if text.endswith(suffix) and len(rest) >= 2:
                removed.append(suffix)
                text, changed = rest, True
                break
        else:
            for length in _PLACE_LENGTHS:
                rest, place = text[:-length], text[-length:]
                if place in PLACES and len(rest) >= 2 and not is_generic(rest):
                    removed.append(place)
                    text, changed = rest, True
                    break
    return text


def _strip_prefixes(text: str, removed: list[str]) -> str:
    """Strip places in front (广东省深圳市…), but keep one before a generic rest (深圳地铁)."""
    while True:
        place = next((text[:n] for n in _PLACE_LENGTHS if text[:n] in PLACES), None)
        if place is None:
            return text
        rest = text[len(place) :]
        if len(rest) < 2 or is_generic(rest) or place in ("中国", "中华人民共和国"):
            # The place is part of the name: keep it, in its short form.
            return PLACES[place] + rest
        removed.append(place)
        text = rest


def _map_abbreviation(text: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    for form in _ABBREVIATION_FORMS:
        canonical = ABBREVIATIONS[form]
        if form == canonical or not text.startswith(form):
            continue
        if len(canonical) > len(form) and text.startswith(canonical):
            continue  # 清华大学 is already the full form of 清华
        rest = text[len(form) :]
        # "DJI大疆创新" → 大疆创新, not 大疆大疆创新.
        return (rest if rest.startswith(canonical) else canonical + rest), ((form, canonical),)
    return text, ()


def without_generic_tail(core: str) -> str:
    """`core` without its trailing generic words (腾讯计算机系统 → 腾讯), keeping at least 2
    characters."""
    text = core
    changed = True
    while changed:
        changed = False
        for word in _GENERIC_WORDS_LONGEST_FIRST:
            if text.endswith(word) and len(text) - len(word) >= 2:
                text, changed = text[: -len(word)], True
                break
    return text


def _brand(core: str) -> str:
    text = without_generic_tail(core)
    if text == core or is_generic(text) or text in PLACES or text.endswith(("区", "县", "镇")):
        return ""  # a place is not a brand (北京大学 → 北京, 福田区人民医院 → 福田区)
    return text


@lru_cache(maxsize=8192)
def normalise_name(name: str) -> NameParts:
    """Take a company name apart: 广东省深圳市腾讯计算机系统有限公司 → core 腾讯计算机系统."""
    cleaned, removed = clean(name)
    text = _strip_suffixes(cleaned, removed)
    text = _strip_prefixes(text, removed)
    text = _strip_suffixes(text, removed)  # a prefix may hide a suffix's context
    text, mapped = _map_abbreviation(text)
    text = _strip_suffixes(text, removed)
    brand = _brand(text)
    return NameParts(
        original=name,
        cleaned=cleaned,
        core=text,
        brand=brand,
        removed=tuple(removed),
        mapped=mapped,
        pinyin=pinyin_of(text),
        brand_pinyin=pinyin_of(brand) if brand else "",
    )


# --- Scoring ---------------------------------------------------------------------------------


class Level(IntEnum):
    NONE = 0
    POSSIBLE = 1
    LIKELY = 2
    CERTAIN = 3

    @property
    def label(self) -> str:
        return str(LEVEL_LABELS[self])


LEVEL_LABELS = {
    Level.NONE: _("No conflict"),
    Level.POSSIBLE: _("Possible conflict"),
    Level.LIKELY: _("Likely conflict"),
    Level.CERTAIN: _("Certain conflict"),
}


@dataclass(frozen=True)
class Reason:
    """One reason for a level, translated when shown (so it follows the reader's language)."""

    code: str
    message: object  # a lazy translatable string with %(name)s placeholders
    params: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return str(self.message) % self.params if self.params else str(self.message)


@dataclass(frozen=True)
class Deal:
    """What the matcher needs of a registration; built by the service from the model."""

    customer_name: str
    credit_code: str = ""
    region_id: int | None = None
    city: str = ""
    project_name: str = ""
    product_lines: frozenset[str] = frozenset()
    amount: Decimal | None = None
    # The customer name taken apart, when it is stored (see `models.CustomerName`); None: the
    # matcher takes `customer_name` apart itself.
    name: NameParts | None = None


@dataclass(frozen=True)
class Match:
    level: Level
    score: float  # 0–100, for sorting within a level
    name_score: float
    reasons: tuple[Reason, ...]


# Thresholds on the customer-name score (0–100).
NAME_STRONG = 90
NAME_MEDIUM = 80
NAME_WEAK = 65
PROJECT_SIMILAR = 70
AMOUNT_CLOSE = Decimal("0.25")  # within 25 % of the larger amount


def _joined(parts) -> str:
    return ", ".join(dict.fromkeys(parts))


def name_score(a: NameParts, b: NameParts) -> tuple[float, list[Reason]]:
    """How alike two customer names are (0–100), and why."""
    if not a.core or not b.core:
        return 0.0, []
    if a.core == b.core:
        removed = _joined(a.removed + b.removed)
        mapped = _joined(f"{form}→{canonical}" for form, canonical in a.mapped + b.mapped)
        if a.cleaned == b.cleaned:
            return 100.0, [Reason("name_equal", _("customer names are the same"))]
        reasons = []
        if removed:
            reasons.append(
                Reason(
                    "name_normalised",
                    _("customer name matches after removing %(removed)s"),
                    {"removed": removed},
                )
            )
        if mapped:
            reasons.append(
                Reason(
                    "name_abbreviation",
                    _("customer name matches as the same organisation (%(mapped)s)"),
                    {"mapped": mapped},
                )
            )
        if not reasons:
            reasons.append(
                Reason(
                    "name_normalised",
                    _("customer names match apart from width, case, spaces and punctuation"),
                )
            )
        return 100.0, reasons
    if a.pinyin == b.pinyin:
        return 95.0, [
            Reason(
                "name_pinyin",
                _("customer names sound the same (%(pinyin)s): %(a)s / %(b)s"),
                {"pinyin": a.pinyin, "a": a.core, "b": b.core},
            )
        ]
    brand_a, brand_b = a.brand or a.core, b.brand or b.core
    if brand_a == brand_b:
        rest_a, rest_b = a.core[len(brand_a) :], b.core[len(brand_b) :]
        # 腾讯科技 / 腾讯计算机系统 is one group; 东方电气 / 东方通信 are two companies.
        related = not rest_a or not rest_b or bool(set(rest_a) & set(rest_b))
        return (90.0 if related else 85.0), [
            Reason("name_brand", _("customer names share the name %(brand)s"), {"brand": brand_a})
        ]
    shorter, longer = sorted((a.core, b.core), key=len)
    if len(shorter) >= 3 and shorter in longer:
        extra = longer.replace(shorter, "", 1)
        # 碧桂园 / 碧桂园控股 is the same; 阿里巴巴 / 阿里巴巴健康 is another business.
        return (92.0 if is_generic(extra) else 85.0), [
            Reason(
                "name_contained",
                _("one customer name contains the other: %(a)s / %(b)s"),
                {"a": shorter, "b": longer},
            )
        ]
    ratio = fuzz.ratio(a.core, b.core)
    partial = 0.0
    if len(shorter) >= 3 and not is_generic(shorter):
        partial = 0.85 * fuzz.partial_ratio(shorter, longer)
    # Compared syllable by syllable: 电气 / 电力 share letters but not a sound.
    sound = fuzz.ratio(a.pinyin.split(), b.pinyin.split())
    # Syllables as tokens catch reordered names, but a subset scores 100: never enough alone.
    syllables = 0.8 * fuzz.token_set_ratio(a.pinyin, b.pinyin)
    score = max(ratio, partial, 0.97 * sound, syllables)
    distinct = max(
        fuzz.ratio(brand_a, brand_b),
        fuzz.ratio((a.brand_pinyin or a.pinyin).split(), (b.brand_pinyin or b.pinyin).split()),
    )
    if distinct < 60:
        # The distinctive parts differ (腾讯计算机系统 / 和讯计算机系统): the shared industry
        # words must not make the names look alike.
        score = min(score, 75.0)
    reasons = [
        Reason(
            "name_similar",
            _("customer names are %(score)d%% similar: %(a)s / %(b)s"),
            {"score": round(score), "a": a.core, "b": b.core},
        )
    ]
    return round(score, 1), reasons


@lru_cache(maxsize=8192)
def _spaced(project_name: str) -> str:
    """A project name cleaned (width, case, punctuation), one token per character: compared as
    a set of characters, so that word order does not matter."""
    return " ".join(clean(project_name)[0])


def _amount_close(a: Decimal | None, b: Decimal | None) -> bool:
    if not a or not b or a <= 0 or b <= 0:
        return False
    return abs(a - b) / max(a, b) <= AMOUNT_CLOSE


def match(a: Deal, b: Deal) -> Match:
    """The conflict level between two registrations' customers, with the reasons."""
    reasons: list[Reason] = []
    code_a = (a.credit_code or "").strip().upper()
    code_b = (b.credit_code or "").strip().upper()
    if code_a and code_a == code_b:
        return Match(
            Level.CERTAIN,
            100.0,
            100.0,
            (
                Reason(
                    "credit_code",
                    _("same unified social credit code %(code)s"),
                    {"code": code_a},
                ),
            ),
        )

    name_a = a.name or normalise_name(a.customer_name)
    name_b = b.name or normalise_name(b.customer_name)
    score, name_reasons = name_score(name_a, name_b)
    reasons.extend(name_reasons)
    same_region = a.region_id is not None and a.region_id == b.region_id
    if same_region:
        reasons.append(Reason("region", _("same customer region")))
    project = 0.0
    if a.project_name and b.project_name:
        project = fuzz.token_set_ratio(_spaced(a.project_name), _spaced(b.project_name))
        if project >= PROJECT_SIMILAR:
            reasons.append(
                Reason(
                    "project",
                    _("project names are %(score)d%% similar"),
                    {"score": round(project)},
                )
            )
    shared = sorted(a.product_lines & b.product_lines)
    if shared:
        reasons.append(
            Reason("products", _("same product lines: %(products)s"), {"products": _joined(shared)})
        )
    close = _amount_close(a.amount, b.amount)
    if close:
        reasons.append(Reason("amount", _("estimated amounts are close")))
    support = (project >= PROJECT_SIMILAR) + bool(shared) + close

    if score >= 100 and same_region:
        level = Level.CERTAIN
    elif score >= NAME_STRONG or score >= NAME_MEDIUM and support:
        level = Level.LIKELY
    elif score >= NAME_MEDIUM or score >= NAME_WEAK and support >= 2:
        level = Level.POSSIBLE
    else:
        level = Level.NONE

    if code_a and code_b and level > Level.POSSIBLE:
        # Two valid, different codes are two legal entities (e.g. a group's subsidiaries):
        # worth a look, not a presumption.
        level = Level.POSSIBLE
        reasons.append(Reason("credit_code_differs", _("different unified social credit codes")))
    if level == Level.NONE:
        reasons = []
    combined = score + 5 * support + (5 if same_region else 0)
    return Match(level, round(min(combined, 100.0), 1), score, tuple(reasons))
