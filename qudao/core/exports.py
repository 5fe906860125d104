"""Excel exports: real .xlsx files with formatted headers and numbers kept as numbers."""

import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook_from_rows(
    *, title: str, headers: Sequence[Any], rows: Iterable[Sequence[Any]], widths=None
) -> Workbook:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=str(title)[:31])
    for index, width in enumerate(widths or [18] * len(headers)):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=str(header))
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="305496")
        cell.alignment = Alignment(horizontal="center")
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_plain(value) for value in row])
    return book


def _plain(value: Any) -> Any:
    if hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
        return timezone.localtime(value).replace(tzinfo=None)
    if value is None or isinstance(value, int | float | str):
        return value
    return str(value) if not hasattr(value, "year") else value


def xlsx_response(*, filename: str, book: Workbook) -> HttpResponse:
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
