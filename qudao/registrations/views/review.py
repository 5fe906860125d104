"""The review queue: registrations waiting for this reviewer's decision, with the conflict level
found at submit (from the approval, not a fresh check per row) and the registrations they
conflict with, so that a channel manager sees both sides of a 撞单 together."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import path

from qudao.core.paging import paginate
from qudao.core.web import is_htmx

from ..forms import ReviewFilterForm
from ..selectors import (
    queue_conflicting,
    review_queue,
)
from .base import LEVEL_COLOURS


@login_required
def review_list(request):
    user = request.user
    if user.is_partner_user:
        raise PermissionDenied
    form = ReviewFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows, sort, entries = review_queue(
        user,
        q=filters.get("q") or "",
        partner_name=filters.get("partner") or "",
        level=filters.get("level") or "",
        sort=filters.get("sort") or "",
    )
    page = paginate(request, rows)
    others = queue_conflicting(user, [entries[r.pk] for r in page.object_list])
    for registration in page.object_list:
        entry = entries[registration.pk]
        registration.queue = {
            "approval_id": entry.approval_id,
            "level": entry.level.name.lower(),
            "level_label": entry.level.label,
            "colour": LEVEL_COLOURS[entry.level],
            "others": [others[pk] for pk in entry.conflict_ids if pk in others],
            "hidden": sum(1 for pk in entry.conflict_ids if pk not in others),
        }
    context = {"form": form, "page": page, "sort": sort}
    template = (
        "registrations/_review_table.html" if is_htmx(request) else "registrations/review.html"
    )
    return render(request, template, context)


urlpatterns = [path("review/", review_list, name="registration-review")]
