"""The candidate-index keys of a customer (stored by `registrations.CustomerKey` and
`projects.ProjectCustomerKey`): pure, no ORM.

A registration's customer is indexed under a few exact keys and a bounded set of n-grams. The
conflict check computes the same keys for the registration being checked and looks them up, so
a candidate is found if it shares any one of:

- ``credit``: the unified social credit code (certain when equal);
- ``name``: the normalised core name (腾讯计算机系统), and its brand (腾讯) when it has one;
- ``pinyin``: the toneless pinyin of the core and of the brand (homophone typos: 腾迅 / 腾讯);
- ``gram``: character bigrams of the core without its trailing generic words (near-misses:
  one character different, a word added or dropped). At most `MAX_GRAMS` per name.

The grams leave out the generic tail (信息技术, 智能科技 …) because bigrams across two generic
words (息技, 能科, 络科) are shared by tens of thousands of names: their posting lists are huge
and slow the candidate query down, while the names that really are one customer share their
brand's grams anyway (bench/README.md).
"""

from .matching import GENERIC_WORDS, is_generic, normalise_name, without_generic_tail

MAX_GRAMS = 12
MAX_KEY_LENGTH = 100


def name_grams(core: str) -> list[str]:
    """Distinct character bigrams of `core` without its generic tail (of the whole core when
    nothing else is left), leaving out generic words, at most `MAX_GRAMS`."""
    stem = without_generic_tail(core)
    if is_generic(stem):
        stem = core
    grams = [stem[i : i + 2] for i in range(len(stem) - 1)]
    distinct = [gram for gram in dict.fromkeys(grams) if gram not in GENERIC_WORDS]
    return distinct[:MAX_GRAMS]


def customer_keys(customer_name: str, credit_code: str = "") -> list[tuple[str, str]]:
    """The (kind, key) pairs under which a customer is indexed, without duplicates."""
    keys: list[tuple[str, str]] = []
    code = (credit_code or "").strip().upper()
    if code:
        keys.append(("credit", code))
    parts = normalise_name(customer_name)
    if parts.core:
        for name, pinyin in ((parts.core, parts.pinyin), (parts.brand, parts.brand_pinyin)):
            if name:
                keys.append(("name", name[:MAX_KEY_LENGTH]))
                keys.append(("pinyin", pinyin.replace(" ", "")[:MAX_KEY_LENGTH]))
        keys.extend(("gram", gram) for gram in name_grams(parts.core))
    return list(dict.fromkeys(keys))
