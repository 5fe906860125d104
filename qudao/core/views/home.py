"""The home page: the modules' cards, the approvals inbox and the latest notifications."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .. import navigation, selectors


@login_required
def home(request):
    user = request.user
    return render(
        request,
        "core/home.html",
        {
            "cards": navigation.cards_for(user),
            "awaiting": selectors.approvals_awaiting(user)[:5],
            "awaiting_count": sum(selectors.approvals_awaiting_counts(user).values()),
            "latest": selectors.notifications_for(user)[:5],
        },
    )
