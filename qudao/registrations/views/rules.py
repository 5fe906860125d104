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

from qudao.core.errors import PermissionDenied, ValidationError
from qudao.core.web import form_errors

from ..forms import CrossRegionRuleForm, ProtectionRuleForm
from ..models import CrossRegionRule, ProtectionRule
from ..services import rules as services


def _staff_only(user) -> None:
    if user.is_partner_user:
        raise Http404


@login_required
def rules(request):
    _staff_only(request.user)
    context = {
        "protection_rules": ProtectionRule.objects.select_related("tier", "product_line"),
        "cross_region_rules": CrossRegionRule.objects.select_related("customer_region", "approver"),
        "can_manage": services.rule_can_manage(request.user),
    }
    return render(request, "registrations/rules/list.html", context)


# The kinds of rule, as the URLs name them: the model, its form, the services that save and
# delete one, and the title of its form.
RULE_KINDS = {
    "protection": (
        ProtectionRule,
        ProtectionRuleForm,
        services.protection_rule_save,
        services.protection_rule_delete,
        gettext_lazy("Protection rule"),
    ),
    "cross-region": (
        CrossRegionRule,
        CrossRegionRuleForm,
        services.cross_region_rule_save,
        services.cross_region_rule_delete,
        gettext_lazy("Cross-region rule"),
    ),
}


@login_required
def rule_edit(request, kind: str, pk: int | None = None):
    model, form_class, save, _delete, title = RULE_KINDS[kind]
    if not services.rule_can_manage(request.user):
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
            form_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("registrations:rules")
    context = {"form": form, "rule": rule, "title": title}
    return render(request, "registrations/rules/form.html", context)


@login_required
@require_POST
def rule_delete(request, kind: str, pk: int):
    if kind not in RULE_KINDS:
        raise Http404
    model, _form_class, _save, delete, _title = RULE_KINDS[kind]
    rule = model.objects.filter(pk=pk).first()
    if rule is None:
        raise Http404
    delete(actor=request.user, rule=rule)
    messages.success(request, _("Deleted."))
    return redirect("registrations:rules")


urlpatterns = [
    path("rules/", rules, name="rules"),
    path("rules/protection/new/", rule_edit, {"kind": "protection"}, name="protection-rule-create"),
    path(
        "rules/protection/<int:pk>/", rule_edit, {"kind": "protection"}, name="protection-rule-edit"
    ),
    path(
        "rules/cross-region/new/",
        rule_edit,
        {"kind": "cross-region"},
        name="cross-region-rule-create",
    ),
    path(
        "rules/cross-region/<int:pk>/",
        rule_edit,
        {"kind": "cross-region"},
        name="cross-region-rule-edit",
    ),
    path("rules/<str:kind>/<int:pk>/delete/", rule_delete, name="rule-delete"),
]
