"""Reads for the partner import: the values a user may put in each column, and the template."""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from qudao.core import roles
from qudao.core.models import Region, Role, User

from ..models import Partner, Tier
from ..services.imports import (
    COLUMNS,
    MAX_ROWS,
    REQUIRED_COLUMNS,
    sync_row_limit,
    template_headers,
)
from ..services.partners import regions_assignable

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="305496")
TEXT_COLUMNS = ("code", "credit_code", "region", "tier", "owner", "contact_phone")


def channel_managers_for_import(user: User) -> QuerySet[User]:
    """Channel managers a partner may be assigned to (a channel manager: only themselves)."""
    rows = User.objects.filter(
        roles__code=Role.Code.CHANNEL_MANAGER, is_active=True, partner__isnull=True
    ).distinct()
    if not roles.user_in(user, roles.ORG_MANAGERS):
        rows = rows.filter(pk=user.pk)
    return rows.select_related("region").order_by("username")


def import_reference(user: User) -> dict[str, Any]:
    """What the import page and the template list as allowed values."""
    return {
        "regions": list(
            regions_assignable(user).select_related("parent").order_by("parent_id", "sort_order")
        ),
        "tiers": list(Tier.objects.filter(is_active=True)),
        "owners": list(channel_managers_for_import(user)),
        "statuses": Partner.Status.choices,
        "columns": COLUMNS,
        "required": REQUIRED_COLUMNS,
        "max_rows": MAX_ROWS,
        "sync_rows": sync_row_limit(),
    }


def _header_row(sheet, headers: list[str]) -> None:
    sheet.append(headers)
    for cell in sheet[sheet.max_row]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center")


def partner_import_template(user: User) -> Workbook:
    """The .xlsx template: an empty sheet with the headers, and a sheet of allowed values."""
    reference = import_reference(user)
    book = Workbook()
    sheet = book.active
    sheet.title = _("Partners")[:31]
    _header_row(sheet, template_headers())
    sheet.freeze_panes = "A2"
    for index, column in enumerate(COLUMNS, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = column.width
        if column.key in TEXT_COLUMNS:
            # Text, so that Excel keeps 18-digit codes and leading zeros as typed.
            for row in range(2, 202):
                sheet.cell(row=row, column=index).number_format = "@"

    help_sheet = book.create_sheet(_("Instructions")[:31])
    _header_row(help_sheet, [_("Column"), _("Required"), _("What to enter")])
    headers = template_headers()
    for header, column in zip(headers, COLUMNS, strict=True):
        required = column.key in REQUIRED_COLUMNS
        help_sheet.append([header, _("yes") if required else "", str(column.help)])
    help_sheet.append([])
    help_sheet.append(
        [_("At most %(max)s rows per file; one bad row rejects the whole file.")
         % {"max": f"{MAX_ROWS:,}"}]
    )  # fmt: skip
    help_sheet.column_dimensions["A"].width = 24
    help_sheet.column_dimensions["B"].width = 10
    help_sheet.column_dimensions["C"].width = 70

    values = book.create_sheet(_("Allowed values")[:31])
    _header_row(
        values,
        [
            _("Region/office code"),
            _("Region/office"),
            _("Tier code"),
            _("Tier"),
            _("Channel manager username"),
            _("Channel manager"),
            _("Status"),
        ],
    )
    regions: list[Region] = reference["regions"]
    tiers: list[Tier] = reference["tiers"]
    owners: list[User] = reference["owners"]
    statuses = reference["statuses"]
    for index in range(max(len(regions), len(tiers), len(owners), len(statuses))):
        region = regions[index] if index < len(regions) else None
        tier = tiers[index] if index < len(tiers) else None
        owner = owners[index] if index < len(owners) else None
        status = statuses[index] if index < len(statuses) else None
        values.append(
            [
                region.code if region else None,
                str(region) if region else None,
                tier.code if tier else None,
                tier.name if tier else None,
                owner.username if owner else None,
                str(owner) if owner else None,
                f"{status[0]} ({status[1]})" if status else None,
            ]
        )
    for letter, width in zip("ABCDEFG", (18, 18, 12, 10, 24, 14, 22), strict=True):
        values.column_dimensions[letter].width = width
    return book
