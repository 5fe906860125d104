"""Standard reports with filters (period, region, tier) and their Excel export."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from qudao.core.exports import workbook_from_rows, xlsx_response
from qudao.core.paging import IdsFirstPaginator

from ..selectors.reports import REPORTS
from .common import filters_from

PAGE = 50


def _report(key: str):
    report = REPORTS.get(key)
    if report is None:
        raise Http404
    return report


@login_required
def report_view(request, key: str):
    report = _report(key)
    form, filters = filters_from(request)
    rows = report.rows(request.user, filters)
    page = IdsFirstPaginator(rows, PAGE).get_page(request.GET.get("page"))
    context = {
        "report": report,
        "reports": REPORTS.values(),
        "form": form,
        "filters": filters,
        "page": page,
        "headers": report.headers,
    }
    return render(request, "performance/reports/report.html", context)


@login_required
def report_export(request, key: str):
    report = _report(key)
    _form, filters = filters_from(request)
    book = workbook_from_rows(
        title=f"{report.title} {filters.period.label}",
        headers=report.headers,
        rows=report.rows(request.user, filters),
        widths=report.widths,
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(filename=f"{key}-{filters.period.label}-{stamp}.xlsx", book=book)


urlpatterns = [
    path("reports/<slug:key>/", report_view, name="report"),
    path("reports/<slug:key>/export/", report_export, name="report-export"),
]
