"""Writes on product lines: the built-in reference data."""

from django.db.models import Model

from ..models import ProductLine

# code, name: the product lines every installation starts with.
PRODUCT_LINES_BUILTIN = [
    ("SEC", "安防监控"),
    ("NET", "网络通信"),
    ("CLOUD", "云与数据中心"),
    ("SW", "行业软件"),
]


def product_lines_builtin_ensure(model: type[Model] | None = None) -> None:
    """Create the built-in product lines that are missing (existing rows are kept as edited).
    `model` is a migration's historical product line model; the current one by default."""
    model = model or ProductLine
    for code, name in PRODUCT_LINES_BUILTIN:
        model.objects.get_or_create(code=code, defaults={"name": name})
