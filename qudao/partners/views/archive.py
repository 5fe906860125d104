"""The archive's own pages: contacts, the partner's users and documents. The archive page
itself is partners:partner-detail (views/partners.py)."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qudao.core import hooks
from qudao.core import selectors as core_selectors
from qudao.core.downloads import download_name, private_file_response
from qudao.core.errors import PermissionDenied, ValidationError
from qudao.core.uploads import DEFAULT_MAX_BYTES, FORM_ALLOWANCE, upload_size_limit
from qudao.core.web import form_errors, posted

from ..forms.archive import ContactForm, DocumentForm, UserInviteForm
from ..models import Rectification
from ..navigation import ARCHIVE_PAGE
from ..selectors import partner_get_for_user
from ..selectors.archive import (
    agreements_of,
    contact_get_for_user,
    contacts_of,
    credit_applications_of,
    document_get_for_user,
    documents_of,
    evaluations_of,
    history_of,
    rectifications_of,
    staff_get_for_user,
    staff_of,
    tier_changes_of,
)
from ..selectors.credit import credit_summary, special_credits_in_force
from ..services.archive import (
    archive_can_change,
    archive_can_manage,
    contact_create,
    contact_delete,
    contact_update,
    document_upload,
    partner_user_invite,
    partner_user_set_active,
    roles_grantable,
)
from ..services.credit import credit_can_record_usage
from .common import partner_tab, rectifications_open


def _partner_or_404(user, pk):
    try:
        return partner_get_for_user(user, pk)
    except ObjectDoesNotExist:
        raise Http404 from None


def _managed_partner(request, pk):
    partner = _partner_or_404(request.user, pk)
    if not archive_can_manage(request.user, partner):
        raise PermissionDenied
    return partner


@login_required
def contact_edit(request, pk: int, cid: int | None = None):
    partner = _managed_partner(request, pk)
    contact = None
    if cid is not None:
        try:
            contact = contact_get_for_user(request.user, partner, cid)
        except ObjectDoesNotExist:
            raise Http404 from None
    form = ContactForm(posted(request), instance=contact)
    if request.method == "POST" and form.is_valid():
        data = {key: form.cleaned_data[key] for key in form.Meta.fields}
        try:
            if contact is None:
                contact_create(actor=request.user, partner=partner, data=data)
            else:
                # The form has already written into `contact`; reload so the audit sees before.
                fresh = contact_get_for_user(request.user, partner, cid)
                contact_update(actor=request.user, partner=partner, contact=fresh, data=data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(partner_tab(partner, "contacts"))
    context = {"form": form, "partner": partner, "contact": contact}
    return render(request, "partners/archive/contact_form.html", context)


@login_required
@require_POST
def contact_remove(request, pk: int, cid: int):
    partner = _managed_partner(request, pk)
    try:
        contact = contact_get_for_user(request.user, partner, cid)
    except ObjectDoesNotExist:
        raise Http404 from None
    try:
        contact_delete(actor=request.user, partner=partner, contact=contact)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Contact deleted."))
    return redirect(partner_tab(partner, "contacts"))


@login_required
def user_invite(request, pk: int):
    partner = _managed_partner(request, pk)
    form = UserInviteForm(posted(request), grantable=roles_grantable(request.user))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        roles = data.pop("roles")
        try:
            user, invited = partner_user_invite(
                actor=request.user, partner=partner, data=data, role_codes=roles
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            if invited:
                messages.success(
                    request, _("%(user)s was invited by e-mail to set a password.") % {"user": user}
                )
            else:
                messages.warning(
                    request,
                    _(
                        "%(user)s was created without a password. E-mail invitations are not "
                        "available yet: ask a system admin to set the first password."
                    )
                    % {"user": user},
                )
            return redirect(partner_tab(partner, "staff"))
    return render(request, "partners/archive/user_form.html", {"form": form, "partner": partner})


@login_required
@require_POST
def user_active(request, pk: int, uid: int):
    partner = _managed_partner(request, pk)
    try:
        member = staff_get_for_user(request.user, partner, uid)
    except ObjectDoesNotExist:
        raise Http404 from None
    active = request.POST.get("active") == "1"
    try:
        partner_user_set_active(actor=request.user, partner=partner, user=member, is_active=active)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            (_("%(user)s can log in again.") if active else _("%(user)s can no longer log in."))
            % {"user": member},
        )
    return redirect(partner_tab(partner, "staff"))


@upload_size_limit(DEFAULT_MAX_BYTES + FORM_ALLOWANCE)
@login_required
def document_new(request, pk: int):
    partner = _managed_partner(request, pk)
    form = DocumentForm(posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            document_upload(
                actor=request.user,
                partner=partner,
                upload=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                valid_until=form.cleaned_data["valid_until"],
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Uploaded."))
            return redirect(partner_tab(partner, "documents"))
    return render(
        request, "partners/archive/document_form.html", {"form": form, "partner": partner}
    )


@login_required
def document_download(request, pk: int):
    """Files are served only through here, after the scope check; never from a public URL."""
    try:
        document = document_get_for_user(request.user, pk)
    except ObjectDoesNotExist:
        raise Http404 from None
    return private_file_response(document.file, download_name(document.title, document.file))


urlpatterns = [
    path("<int:pk>/contacts/new/", contact_edit, name="contact-create"),
    path("<int:pk>/contacts/<int:cid>/edit/", contact_edit, name="contact-edit"),
    path("<int:pk>/contacts/<int:cid>/delete/", contact_remove, name="contact-delete"),
    path("<int:pk>/users/new/", user_invite, name="partner-user-invite"),
    path("<int:pk>/users/<int:uid>/active/", user_active, name="partner-user-active"),
    path("<int:pk>/documents/new/", document_new, name="document-upload"),
    path("documents/<int:pk>/download/", document_download, name="document-download"),
]


# --- the archive page's tabs (rendered by partners:partner-detail) ------------------------------


def _pipeline(user, partner) -> list[dict[str, Any]]:
    """The figures the other apps' tabs give the overview (core.hooks.Tab.summary): open
    registrations and projects with their amounts, won this year …"""
    return [
        figure
        for tab in hooks.detail_tabs("partner")
        if tab.summary is not None and (tab.partner_users or not user.is_partner_user)
        for figure in tab.summary(user, partner)
    ]


def _overview(user, partner) -> dict:
    return {
        "summary": credit_summary(partner),
        "pipeline": _pipeline(user, partner),
        "open_rectifications": rectifications_of(user, partner).filter(
            status=Rectification.Status.OPEN
        )[:5],
    }


def _credit(user, partner) -> dict:
    return {
        "summary": credit_summary(partner),
        "specials": list(special_credits_in_force(partner).order_by("valid_to", "pk")),
        "applications": list(credit_applications_of(user, partner)[:100]),
        "can_record_usage": credit_can_record_usage(user),
    }


def _evaluations(user, partner) -> dict:
    rectifications = list(rectifications_of(user, partner)[:100])
    return {
        "evaluations": list(evaluations_of(user, partner)[:100]),
        "rectifications": rectifications,
        "rectifications_open": rectifications_open(rectifications),
    }


# What each tab of the archive page reads (its template is partners/archive/_tab_<key>.html);
# only the shown tab's rows are read. The tabs themselves are registered in navigation.py.
TAB_CONTEXT: dict[str, Callable[[Any, Any], dict]] = {
    "overview": _overview,
    "contacts": lambda user, partner: {"contacts": list(contacts_of(user, partner))},
    "staff": lambda user, partner: {"staff": list(staff_of(user, partner))},
    "agreements": lambda user, partner: {"agreements": list(agreements_of(user, partner)[:100])},
    "tiers": lambda user, partner: {"tier_changes": list(tier_changes_of(user, partner)[:100])},
    "credit": _credit,
    "evaluations": _evaluations,
    "documents": lambda user, partner: {"documents": list(documents_of(user, partner)[:200])},
    "approvals": lambda user, partner: {
        "approvals": list(core_selectors.approvals_for_object(user, partner)[:100])
    },
    "history": lambda user, partner: {
        "history": core_selectors.audit_rows(history_of(partner)[:100])
    },
}


def archive_tabs(user, partner) -> list[dict[str, Any]]:
    """The archive's tabs `user` may see (core.hooks.detail_tab, page "partner"), in order: this
    page's own tabs switch with ?tab=<key>, another app's tab links to its own page."""
    return [
        {
            "key": tab.key,
            "label": tab.label,
            "url": f"{reverse(ARCHIVE_PAGE, args=[partner.pk])}?tab={tab.key}"
            if tab.url_name == ARCHIVE_PAGE
            else reverse(tab.url_name, args=[partner.pk]),
        }
        for tab in hooks.detail_tabs("partner")
        if tab.partner_users or not user.is_partner_user
    ]


def archive_tab_shown(tabs: list[dict[str, Any]], wanted: str) -> str:
    """The archive page's tab to render: `wanted` when it is one of its own, else the overview."""
    own = {tab["key"] for tab in tabs if tab["key"] in TAB_CONTEXT}
    return wanted if wanted in own else "overview"


def archive_tab_context(request, partner, tab: str) -> dict:
    """What one tab shows; only that tab's rows are read."""
    user = request.user
    return {"can_archive": archive_can_change(user, partner), **TAB_CONTEXT[tab](user, partner)}


def partner_tab_page(request, pk: int, key: str, template: str, rows: Callable[[Any, Any], dict]):
    """Another app's tab of the partner 360 (its own page, `template` extending
    partners/_archive_frame.html): the partner through the user's scope (outside it, or a tab the
    user may not see: 404), the archive's header and tabs, and `rows(user, partner)`."""
    partner = _partner_or_404(request.user, pk)
    tabs = archive_tabs(request.user, partner)
    if key not in {tab["key"] for tab in tabs}:
        raise Http404
    context = {"partner": partner, "tabs": tabs, "tab": key, **rows(request.user, partner)}
    return render(request, template, context)
