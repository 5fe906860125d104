"""The matching engine: every normalisation rule, scoring, levels and reasons, and recall and
precision on a labelled set of name pairs (tests/fixtures/name_pairs.csv)."""

import csv
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation

from qudao.customers.keys import MAX_GRAMS, customer_keys, name_grams
from qudao.customers.matching import Deal, Level, match, name_score, normalise_name

PAIRS = Path(__file__).parent / "fixtures" / "name_pairs.csv"


def labelled_pairs() -> list[tuple[str, str, bool]]:
    """The labelled name pairs: (name_a, name_b, same organisation)."""
    with PAIRS.open(encoding="utf-8") as f:
        return [(row["name_a"], row["name_b"], row["same"] == "1") for row in csv.DictReader(f)]


def core(name: str) -> str:
    return normalise_name(name).core


# --- Normalisation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("ＴＣＬ科技", "tcl科技"),  # full-width letters → half-width, case-folded
        ("Ｔcl　科技", "tcl科技"),  # full-width space removed
        ("深圳 市 顺丰 速运", "顺丰速运"),  # spaces
        ("顺丰·速运-", "顺丰速运"),  # punctuation
        ("天津港(集团)", "天津港"),  # brackets that hold no place keep their text
        ("天津港【集团】有限公司", "天津港"),
    ],
)
def test_width_case_spaces_punctuation_and_brackets(written, expected):
    assert core(written) == expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("比亚迪股份有限公司", "比亚迪"),
        ("比亚迪有限责任公司", "比亚迪"),
        ("比亚迪有限公司", "比亚迪"),
        ("象屿集团有限公司", "象屿"),
        ("象屿集团股份有限公司", "象屿"),  # repeatedly: 股份有限公司, then 集团
        ("顺丰速运有限公司深圳分公司", "顺丰速运"),  # branch and trailing city
        ("中国移动通信集团广东有限公司", "中国移动"),  # trailing province, then 集团
        ("华星光电厂", "华星光电"),
        ("先进技术研究院", "先进技术"),
        ("Huawei Technologies Co., Ltd.", "华为technologies"),  # English legal form
    ],
)
def test_legal_form_suffixes_are_stripped_longest_first(written, expected):
    assert core(written) == expected


def test_a_suffix_is_kept_when_nothing_would_remain():
    assert core("公司") == "公司"
    assert core("集团公司") == "集团"


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("广东省深圳市大疆创新科技有限公司", "大疆创新科技"),
        ("深圳大疆创新科技", "大疆创新科技"),
        ("大疆创新科技（深圳）有限公司", "大疆创新科技"),  # full-width brackets
        ("大疆创新科技(深圳)有限公司", "大疆创新科技"),
        ("广西壮族自治区柳工机械", "柳工机械"),
        ("Lenovo(Beijing) Limited", "联想"),  # a place written in pinyin
    ],
)
def test_province_and_city_prefixes_and_bracketed_places_are_stripped(written, expected):
    assert core(written) == expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("深圳市地铁集团有限公司", "深圳地铁"),  # 深圳地铁 is not 广州地铁
        ("北京大学", "北京大学"),
        ("广东省人民医院", "广东人民医院"),
        ("天津港", "天津港"),  # a rest of one character
        ("中国银行", "中国银行"),  # 中国 in front is part of a name
    ],
)
def test_a_place_is_kept_in_its_short_form_before_a_generic_rest(written, expected):
    assert core(written) == expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("中国移动通信集团有限公司", "中国移动"),
        ("中移动", "中国移动"),
        ("国网深圳供电局", "国家电网深圳供电局"),
        ("中国工商银行股份有限公司", "工商银行"),
        ("工行", "工商银行"),
        ("清华", "清华大学"),
        ("清华大学", "清华大学"),  # the full form is not extended again
        ("DJI大疆创新", "大疆创新"),  # the English name in front is not doubled
        ("Tencent科技", "腾讯科技"),
    ],
)
def test_abbreviations_map_to_one_canonical_form(written, expected):
    assert core(written) == expected


def test_what_was_removed_is_remembered_for_the_reasons():
    parts = normalise_name("广东省深圳市腾讯计算机系统有限公司")

    assert parts.removed == ("有限公司", "广东省", "深圳市")
    assert parts.brand == "腾讯"
    assert parts.pinyin == "teng xun ji suan ji xi tong"
    assert parts.initials == "txjsjxt"


def test_a_place_is_never_a_brand():
    assert normalise_name("北京大学").brand == ""
    assert normalise_name("深圳市福田区人民医院").brand == ""


# --- Keys ------------------------------------------------------------------------------------


def test_keys_hold_credit_code_core_brand_pinyin_and_non_generic_grams():
    keys = customer_keys("深圳市腾讯计算机系统有限公司", "91440300708461136t")

    assert ("credit", "91440300708461136T") in keys
    assert ("name", "腾讯计算机系统") in keys
    assert ("name", "腾讯") in keys
    assert ("pinyin", "tengxunjisuanjixitong") in keys
    assert ("gram", "腾讯") in keys
    assert ("gram", "系统") not in keys  # a generic word: its posting list would be huge
    assert len(keys) == len(set(keys))


def test_grams_leave_out_the_generic_tail_shared_by_thousands_of_names():
    grams = name_grams(normalise_name("深圳市云帆信息技术有限公司").core)

    assert grams == ["云帆"]  # not 帆信, 息技: bigrams across generic words
    assert name_grams("信息技术") == ["息技"]  # nothing but generic words: the whole core


def test_grams_are_capped():
    grams = name_grams("甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥")

    assert len(grams) == MAX_GRAMS


def test_the_same_customer_spelled_differently_shares_exact_keys():
    a = set(customer_keys("腾讯科技(深圳)有限公司"))
    b = set(customer_keys("深圳市腾迅科技有限公司"))  # homophone typo

    assert ("pinyin", "tengxunkeji") in a & b


# --- Scoring, levels and reasons --------------------------------------------------------------


def test_same_credit_code_is_certain_whatever_the_names():
    result = match(
        Deal("甲公司", credit_code="91440300708461136T"),
        Deal("完全不同的名字", credit_code="91440300708461136t"),
    )

    assert result.level == Level.CERTAIN
    assert [r.code for r in result.reasons] == ["credit_code"]
    assert "91440300708461136T" in str(result.reasons[0])


def test_same_core_name_and_region_is_certain_and_says_what_was_removed():
    result = match(
        Deal("深圳市大疆创新科技有限公司", region_id=1),
        Deal("大疆创新科技股份有限公司", region_id=1),
    )

    assert result.level == Level.CERTAIN
    with translation.override("en"):
        texts = [str(r) for r in result.reasons]
    assert texts[0] == "customer name matches after removing 有限公司, 深圳市, 股份有限公司"
    assert "same customer region" in texts


def test_same_core_name_in_another_region_is_likely():
    result = match(
        Deal("深圳市大疆创新科技有限公司", region_id=1), Deal("大疆创新科技", region_id=2)
    )

    assert result.level == Level.LIKELY


def test_reasons_are_translated_when_shown():
    result = match(Deal("深圳市大疆创新科技有限公司"), Deal("大疆创新科技"))

    with translation.override("zh-hans"):
        shown = str(result.reasons[0])
    with translation.override("en"):
        source = str(result.reasons[0])
    assert "深圳市" in shown and "有限公司" in shown
    assert source.startswith("customer name matches after removing")


def test_homophone_typo_is_likely_with_a_pinyin_reason():
    result = match(Deal("科大迅飞"), Deal("科大讯飞股份有限公司"))

    assert result.level == Level.LIKELY
    assert result.reasons[0].code == "name_pinyin"


def test_abbreviation_reason_names_the_mapping():
    result = match(Deal("中移动"), Deal("中国移动通信集团有限公司"))

    assert result.level == Level.LIKELY
    assert "中移动→中国移动" in [str(r) for r in result.reasons][-1]


def test_one_character_different_brand_is_not_a_conflict():
    result = match(Deal("深圳市腾讯计算机系统有限公司"), Deal("深圳市和讯计算机系统有限公司"))

    assert result.level == Level.NONE
    assert result.reasons == ()


def test_same_brand_in_another_business_is_only_possible_without_support():
    a, b = normalise_name("东方电气"), normalise_name("东方通信")

    assert name_score(a, b)[0] == 85.0
    assert match(Deal("东方电气"), Deal("东方通信")).level == Level.POSSIBLE


def test_project_products_and_amount_lift_a_medium_name_to_likely():
    bare = match(Deal("华强电子"), Deal("深圳华强电子世界"))
    supported = match(
        Deal(
            "华强电子",
            project_name="门诊楼网络改造",
            product_lines=frozenset({"交换机"}),
            amount=Decimal("1000000"),
        ),
        Deal(
            "深圳华强电子世界",
            project_name="门诊楼网络改造项目",
            product_lines=frozenset({"交换机", "无线"}),
            amount=Decimal("900000"),
        ),
    )

    assert bare.level == Level.POSSIBLE
    assert supported.level == Level.LIKELY
    codes = {r.code for r in supported.reasons}
    assert {"project", "products", "amount"} <= codes
    assert supported.score > bare.score


def test_different_valid_credit_codes_cap_the_level_at_possible():
    result = match(
        Deal("大疆创新科技有限公司", credit_code="91440300708461136T", region_id=1),
        Deal("深圳市大疆创新科技有限公司", credit_code="91350100M000100Y43", region_id=1),
    )

    assert result.level == Level.POSSIBLE
    assert "credit_code_differs" in [r.code for r in result.reasons]


def test_amounts_far_apart_are_not_close():
    result = match(
        Deal("大疆创新", amount=Decimal("100")), Deal("大疆创新科技", amount=Decimal("1000"))
    )

    assert "amount" not in [r.code for r in result.reasons]


def test_unrelated_names_are_none():
    assert match(Deal("美团"), Deal("拼多多")).level == Level.NONE


# --- The labelled set -------------------------------------------------------------------------


def test_precision_and_recall_of_likely_or_certain_on_the_labelled_pairs():
    rows = labelled_pairs()
    assert len(rows) >= 200
    assert {same for _a, _b, same in rows} == {True, False}

    tp = fp = fn = 0
    for name_a, name_b, same in rows:
        flagged = match(Deal(name_a), Deal(name_b)).level >= Level.LIKELY
        tp += flagged and same
        fp += flagged and not same
        fn += same and not flagged

    precision, recall = tp / (tp + fp), tp / (tp + fn)
    print(f"\nname pairs: {len(rows)}, precision {precision:.3f}, recall {recall:.3f}")
    assert precision >= 0.9
    assert recall >= 0.9
