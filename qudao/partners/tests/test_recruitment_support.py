"""Shared helpers of the recruitment tests: valid credit codes, real file uploads, applications in
every state, and the fixtures that keep uploads and the rate-limit cache per test."""

import itertools
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from qudao.core.sample_files import image_bytes, pdf_bytes
from qudao.partners.models import (
    ApplicationAttachment,
    PartnerApplication,
    PartnerScorecard,
    ScorecardCriterion,
)
from qudao.partners.tests.factories import tier
from qudao.partners.validators import credit_code_check_char

PDF = pdf_bytes()
PNG = image_bytes("PNG")
EXE = b"MZ\x90\x00" + b"\x00" * 64
_numbers = itertools.count(1)

QUALIFICATION = [
    ("management", "经营管理能力", 25),
    ("capital", "资金实力", 25),
    ("service", "售后服务能力", 20),
    ("coverage", "市场覆盖", 15),
    ("reputation", "信誉", 15),
]


def credit_code(n: int) -> str:
    """A well-formed unified social credit code with the right check digit."""
    first17 = f"914403000{n:08d}"
    return first17 + credit_code_check_char(first17)


def bad_check_digit(code: str) -> str:
    last = "0" if code[-1] != "0" else "1"
    return code[:-1] + last


def pdf(name: str = "营业执照.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def png(name: str = "licence.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def application_data(world, n: int | None = None, **changes) -> dict:
    n = n or next(_numbers)
    return {
        "company_name": f"深圳申请{n}号科技有限公司",
        "credit_code": credit_code(n),
        "region": world.shenzhen,
        "contact_name": "王五",
        "contact_phone": "13912345678",
        "contact_email": f"wang{n}@apply.example.com",
        "legal_representative": "王五",
        "address": "深圳市南山区科技园",
        "website": "https://apply.example.com",
        "business_scope": "安防监控系统集成",
        "staff_count": 80,
        "registered_capital": Decimal("1000.00"),
        "annual_revenue": Decimal("5000.00"),
        "main_customers": "南山区政府",
        "main_industries": "政府, 教育",
        **changes,
    }


def form_data(world, n: int | None = None, **changes) -> dict:
    """What the public page posts (the region as its id)."""
    data = application_data(world, n, **changes)
    if hasattr(data.get("region"), "pk"):
        data["region"] = data["region"].pk
    return data


def make_application(world, *, status="submitted", region=None, assignee=None, n=None, **extra):
    """An application straight in the database (for lists and states), with a licence."""
    n = n or next(_numbers)
    data = application_data(world, n, region=region or world.shenzhen)
    application = PartnerApplication.objects.create(
        number=f"SQ-T-{n:06d}", status=status, assignee=assignee, **data, **extra
    )
    ApplicationAttachment.objects.create(
        application=application,
        kind=ApplicationAttachment.Kind.LICENCE,
        file=pdf(f"licence-{n}.pdf"),
        original_name="营业执照.pdf",
        size=len(PDF),
    )
    return application


def qualification_card() -> PartnerScorecard:
    """The seeded qualification scorecard (re-made where a transactional test flushed it)."""
    card, _ = PartnerScorecard.objects.get_or_create(
        code="qualification-default",
        defaults={"name": "渠道准入评分表", "kind": PartnerScorecard.Kind.QUALIFICATION},
    )
    for order, (code, name, weight) in enumerate(QUALIFICATION):
        ScorecardCriterion.objects.get_or_create(
            scorecard=card,
            code=code,
            defaults={"name": name, "weight": weight, "max_score": 10, "order": order},
        )
    for code in ("gold", "silver", "certified", "registered"):
        tier(code)
    return card


def scores_of(card: PartnerScorecard, value) -> dict[int, object]:
    return {criterion.pk: value for criterion in card.criteria.all()}


@pytest.fixture
def recruitment_env(settings, tmp_path):
    """Uploads in a temporary folder, an empty rate-limit cache, tiers with their minimums."""
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    qualification_card()
    yield
    cache.clear()
