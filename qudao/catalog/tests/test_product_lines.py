"""The built-in product lines: created by the migrations, and again by the demo and the bench
on a flushed database, through the one function."""

import pytest

from qudao.catalog.models import ProductLine
from qudao.catalog.services.product_lines import (
    PRODUCT_LINES_BUILTIN,
    product_lines_builtin_ensure,
)

pytestmark = pytest.mark.django_db


def test_the_migrations_created_the_builtin_product_lines():
    rows = set(ProductLine.objects.values_list("code", "name"))

    assert set(PRODUCT_LINES_BUILTIN) <= rows


def test_ensure_adds_what_is_missing_and_keeps_what_was_edited():
    ProductLine.objects.filter(code="SEC").update(name="安防")
    ProductLine.objects.filter(code="SW").delete()

    product_lines_builtin_ensure()
    product_lines_builtin_ensure()

    assert ProductLine.objects.get(code="SEC").name == "安防"
    assert ProductLine.objects.get(code="SW").name == "行业软件"
    assert ProductLine.objects.filter(code__in=[c for c, _ in PRODUCT_LINES_BUILTIN]).count() == 4
