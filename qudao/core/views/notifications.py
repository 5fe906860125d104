"""A user's notifications: the list, marking them read, and the bell's count."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .. import selectors
from ..paging import paginate
from ..services.notifications import notifications_mark_read
from ..web import is_htmx, safe_next


@login_required
def notification_list(request):
    unread = request.GET.get("unread") == "1"
    page = paginate(request, selectors.notifications_for(request.user, unread_only=unread))
    template = (
        "core/notifications/_list.html" if is_htmx(request) else "core/notifications/list.html"
    )
    return render(request, template, {"page": page, "unread": unread})


@login_required
@require_POST
def notification_read(request):
    ids = request.POST.getlist("id")
    valid = [int(i) for i in ids if i.isdigit()]
    notifications_mark_read(user=request.user, ids=valid if ids else None)
    target = request.POST.get("url", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return redirect(target)
    return redirect(safe_next(request, reverse("core:notification-list")))


@login_required
def notification_bell(request):
    """The bell's count, polled by htmx so that new notifications show without a reload."""
    return render(
        request,
        "core/notifications/_bell.html",
        {"unread_count": selectors.notifications_unread_count(request.user)},
    )
