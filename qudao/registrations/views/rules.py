"""The registration rules page (channel director and admins): protection periods and progress
intervals per tier / product line, and what cross-region registrations need. Everyone on the
vendor side can read the rules; partner users see their own terms on each registration."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms.models import model_to_dict
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qudao.core import navigation
from qudao.core.errors import PermissionDenied, ValidationError
from qudao.core.models import Role
from qudao.core.views import _form_errors

from ..forms_rules import CrossRegionRuleForm, ProtectionRuleForm
from ..models import CrossRegionRule, ProtectionRule
from ..services import rules as services

navigation.register(
    navigation.NavItem(
        key="registration-rules",
        label=gettext_lazy("Registration rules"),
        url_name="registrations:rules",
        icon="bi-sliders",
        order=34,
        roles=frozenset({Role.Code.ADMIN, Role.Code.DIRECTOR}),
    )
)


def _staff_only(user) -> None:
    if user.is_partner_user:
        raise Http404


@login_required
def rules(request):
    _staff_only(request.user)
    context = {
        "protection_rules": ProtectionRule.objects.select_related("tier", "product_line"),
        "cross_region_rules": CrossRegionRule.objects.select_related("customer_region", "approver"),
        "can_manage": services.can_manage_rules(request.user),
    }
    return render(request, "registrations/rules/list.html", context)


def _edit(request, *, model, form_class, save, title, pk=None):
    if not services.can_manage_rules(request.user):
        raise PermissionDenied
    rule = None
    if pk is not None:
        rule = model.objects.filter(pk=pk).first()
        if rule is None:
            raise Http404
    initial = model_to_dict(rule) if rule else None
    form = form_class(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            save(actor=request.user, data=form.cleaned_data, rule=rule)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("registrations:rules")
    context = {"form": form, "rule": rule, "title": title}
    return render(request, "registrations/rules/form.html", context)


@login_required
def protection_rule_edit(request, pk: int | None = None):
    return _edit(
        request,
        model=ProtectionRule,
        form_class=ProtectionRuleForm,
        save=services.protection_rule_save,
        title=_("Protection rule"),
        pk=pk,
    )


@login_required
def cross_region_rule_edit(request, pk: int | None = None):
    return _edit(
        request,
        model=CrossRegionRule,
        form_class=CrossRegionRuleForm,
        save=services.cross_region_rule_save,
        title=_("Cross-region rule"),
        pk=pk,
    )


@login_required
@require_POST
def rule_delete(request, kind: str, pk: int):
    model, delete = {
        "protection": (ProtectionRule, services.protection_rule_delete),
        "cross-region": (CrossRegionRule, services.cross_region_rule_delete),
    }.get(kind, (None, None))
    if model is None:
        raise Http404
    rule = model.objects.filter(pk=pk).first()
    if rule is None:
        raise Http404
    delete(actor=request.user, rule=rule)
    messages.success(request, _("Deleted."))
    return redirect("registrations:rules")


urlpatterns = [
    path("rules/", rules, name="rules"),
    path("rules/protection/new/", protection_rule_edit, name="protection-rule-create"),
    path("rules/protection/<int:pk>/", protection_rule_edit, name="protection-rule-edit"),
    path("rules/cross-region/new/", cross_region_rule_edit, name="cross-region-rule-create"),
    path("rules/cross-region/<int:pk>/", cross_region_rule_edit, name="cross-region-rule-edit"),
    path("rules/<str:kind>/<int:pk>/delete/", rule_delete, name="rule-delete"),
]
