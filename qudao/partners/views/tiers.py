"""Tier pages: the tiers and their benefits (everyone), keeping them (admins and the channel
director), and proposing a partner's tier change."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qudao.core import navigation
from qudao.core.errors import PermissionDenied, ValidationError
from qudao.core.views import _form_errors

from ..forms.tiers import TierChangeForm, TierForm
from ..models import Tier
from ..selectors import tiers as selectors
from ..selectors.partners import partner_get_for_user
from ..services import tiers as services
from ..services.partners import partner_can_manage

navigation.register(
    navigation.NavItem(
        key="tiers",
        label=gettext_lazy("Tiers"),
        url_name="partners:tier-list",
        icon="bi-award",
        order=26,
        partner_users=True,
    )
)


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
    form = TierForm(request.POST or None, instance=tier)
    if request.method == "POST" and form.is_valid():
        try:
            if tier is None:
                services.tier_create(actor=user, data=form.cleaned_data)
            else:
                services.tier_update(actor=user, tier=tier, data=form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("partners:tier-list")
    return render(request, "partners/tiers/form.html", {"form": form, "tier": tier})


@login_required
def tier_change_propose(request, pk: int):
    user = request.user
    try:
        partner = partner_get_for_user(user, pk)
    except ObjectDoesNotExist:
        raise Http404 from None
    if not partner_can_manage(user, partner):
        raise PermissionDenied
    form = TierChangeForm(request.POST or None, partner=partner)
    if request.method == "POST" and form.is_valid():
        try:
            change = services.tier_change_propose(
                actor=user,
                partner=partner,
                to_tier=form.cleaned_data["to_tier"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(
                request,
                _("Tier change to %(tier)s submitted for approval.") % {"tier": change.to_tier},
            )
            return redirect(partner)
    context = {
        "form": form,
        "partner": partner,
        "changes": selectors.tier_changes_for_partner(user, partner)[:50],
    }
    return render(request, "partners/tiers/change_form.html", context)


urlpatterns = [
    path("tiers/", tier_list, name="tier-list"),
    path("tiers/new/", tier_edit, name="tier-create"),
    path("tiers/<int:pk>/edit/", tier_edit, name="tier-edit"),
    path("<int:pk>/tier-change/", tier_change_propose, name="tier-change-propose"),
]
