"""Tier pages: the tiers and their benefits (everyone), keeping them (admins and the channel
director), and proposing a partner's tier change."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from qudao.core.errors import PermissionDenied

from ..forms.tiers import TierChangeForm, TierForm
from ..models import Tier
from ..selectors import tiers as selectors
from ..selectors.partners import partner_get_for_user
from ..services import tiers as services
from ..services.partners import partner_can_manage
from .common import form_page


@login_required
def tier_list(request):
    user = request.user
    tiers = list(selectors.tiers_visible_to(user))
    for tier in tiers:
        tier.certifications = [
            line.strip() for line in tier.required_certifications.splitlines() if line.strip()
        ]
    context = {
        "tiers": tiers,
        "can_manage": services.tier_can_manage(user),
        "my_tier": user.partner.tier_id if user.is_partner_user else None,
    }
    return render(request, "partners/tiers/list.html", context)


@login_required
def tier_edit(request, pk: int | None = None):
    user = request.user
    if not services.tier_can_manage(user):
        raise PermissionDenied
    tier = None
    if pk is not None:
        try:
            tier = Tier.objects.get(pk=pk)
        except Tier.DoesNotExist:
            raise Http404 from None
    return form_page(
        request,
        TierForm(request.POST or None, instance=tier),
        lambda data: (
            services.tier_create(actor=user, data=data)
            if tier is None
            else services.tier_update(actor=user, tier=tier, data=data)
        ),
        success=_("Saved."),
        then=lambda _result: reverse("partners:tier-list"),
        template="partners/tiers/form.html",
        context={"tier": tier},
    )


@login_required
def tier_change_propose(request, pk: int):
    user = request.user
    try:
        partner = partner_get_for_user(user, pk)
    except ObjectDoesNotExist:
        raise Http404 from None
    if not partner_can_manage(user, partner):
        raise PermissionDenied
    return form_page(
        request,
        TierChangeForm(request.POST or None, partner=partner),
        lambda data: services.tier_change_propose(
            actor=user, partner=partner, to_tier=data["to_tier"], reason=data["reason"]
        ),
        success=lambda change: (
            _("Tier change to %(tier)s submitted for approval.") % {"tier": change.to_tier}
        ),
        then=lambda _change: partner,
        template="partners/tiers/change_form.html",
        context=lambda: {
            "partner": partner,
            "changes": selectors.tier_changes_for_partner(user, partner)[:50],
        },
    )


urlpatterns = [
    path("tiers/", tier_list, name="tier-list"),
    path("tiers/new/", tier_edit, name="tier-create"),
    path("tiers/<int:pk>/edit/", tier_edit, name="tier-edit"),
    path("<int:pk>/tier-change/", tier_change_propose, name="tier-change-propose"),
]
