from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.db import connections
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import navigation, scopes, selectors
from .errors import ConflictError, PermissionDenied, ValidationError
from .forms import CommentForm, DecisionForm, LoginForm, ProfileForm, UserForm
from .models import ApprovalRequest, AuditEntry, Role, User
from .paging import paginate
from .services import approvals as approval_services
from .services.auth import (
    InvalidCredentials,
    LoginLocked,
    login_locked_message,
    user_authenticate,
    user_unlock,
)
from .services.notifications import notifications_mark_read
from .services.org import profile_update, user_can_manage, user_create, user_update


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


def _form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)


# --- health ---------------------------------------------------------------------------------


@require_GET
def healthz(request):
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any failure means the database is not usable
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


# --- log-in, language -----------------------------------------------------------------------


def login_view(request):
    if request.user.is_authenticated:
        return redirect("core:home")
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = user_authenticate(
                identifier=form.cleaned_data["identifier"],
                password=form.cleaned_data["password"],
                client_address=request.META.get("REMOTE_ADDR", ""),
            )
        except LoginLocked as locked:
            form.add_error(None, login_locked_message(locked))
        except InvalidCredentials:
            form.add_error(None, _("The username or password is not correct."))
        else:
            login(request, user, backend="qudao.core.auth.IdentifierBackend")
            response = redirect(_safe_next(request, reverse("core:home")))
            if user.language:
                response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.language, samesite="Lax")
            return response
    return render(request, "core/login.html", {"form": form, "next": request.GET.get("next", "")})


@require_POST
def logout_view(request):
    logout(request)
    return redirect("core:login")


@require_POST
def language_set(request):
    language = request.POST.get("language", "")
    response = HttpResponseRedirect(_safe_next(request, reverse("core:home")))
    if language and check_for_language(language) and language in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax"
        )
        if request.user.is_authenticated and request.user.language != language:
            profile_update(actor=request.user, data={"language": language})
    return response


# --- home -----------------------------------------------------------------------------------


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


# --- approvals ------------------------------------------------------------------------------


@login_required
def approval_list(request):
    user, tab = request.user, request.GET.get("tab", "awaiting")
    if tab == "mine":
        rows = selectors.approvals_visible_to(user).filter(requested_by=user)
    elif tab == "all":
        rows = selectors.approvals_visible_to(user)
    else:
        tab, rows = "awaiting", selectors.approvals_awaiting(user)
    q, status = request.GET.get("q", "").strip(), request.GET.get("status", "")
    if q:
        rows = rows.filter(title__icontains=q)
    if status in ApprovalRequest.Status.values:
        rows = rows.filter(status=status)
    page = paginate(request, rows.order_by("-created_at", "-id"), load=selectors.approvals_by_id)
    context = {
        "page": page,
        "tab": tab,
        "q": q,
        "status": status,
        "statuses": ApprovalRequest.Status.choices,
    }
    template = "core/approvals/_table.html" if is_htmx(request) else "core/approvals/list.html"
    return render(request, template, context)


def _approval_or_404(user, pk):
    try:
        return selectors.approval_get_for_user(user, pk)
    except ObjectDoesNotExist:
        raise Http404 from None


@login_required
def approval_detail(request, pk: int):
    approval = _approval_or_404(request.user, pk)
    detail = selectors.approval_detail(approval)
    decision_form = DecisionForm(initial={"version": approval.version})
    comment_form = CommentForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "decide":
                decision_form = DecisionForm(request.POST)
                if decision_form.is_valid():
                    approval_services.approval_decide(
                        actor=request.user,
                        approval=approval,
                        decision=decision_form.cleaned_data["decision"],
                        comment=decision_form.cleaned_data["comment"],
                        version=decision_form.cleaned_data["version"],
                    )
                    messages.success(request, _("Your decision has been recorded."))
                    return redirect("core:approval-detail", pk=pk)
            elif action == "comment":
                comment_form = CommentForm(request.POST)
                if comment_form.is_valid():
                    approval_services.approval_comment(
                        actor=request.user,
                        approval=approval,
                        comment=comment_form.cleaned_data["comment"],
                    )
                    return redirect("core:approval-detail", pk=pk)
            elif action == "resubmit":
                approval_services.approval_resubmit(
                    actor=request.user, approval=approval, comment=request.POST.get("comment", "")
                )
                messages.success(request, _("Resubmitted."))
                return redirect("core:approval-detail", pk=pk)
            elif action == "cancel":
                approval_services.approval_cancel(actor=request.user, approval=approval)
                messages.success(request, _("Withdrawn."))
                return redirect("core:approval-detail", pk=pk)
        except ValidationError as error:
            _form_errors(decision_form if action == "decide" else comment_form, error)
        except ConflictError as conflict:
            messages.error(request, conflict.message)
            return redirect("core:approval-detail", pk=pk)
    target = approval.target
    context = {
        "approval": approval,
        "target": target,
        "target_url": target.get_absolute_url() if hasattr(target, "get_absolute_url") else "",
        "kind_label": approval_services.kind_label(approval.kind),
        "can_decide": approval_services.can_decide(request.user, detail["current_step"]),
        "is_requester": approval.requested_by_id == request.user.pk,
        "decision_form": decision_form,
        "comment_form": comment_form,
        **detail,
    }
    return render(request, "core/approvals/detail.html", context)


# --- notifications --------------------------------------------------------------------------


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
    return redirect(_safe_next(request, reverse("core:notification-list")))


@login_required
def notification_bell(request):
    """The bell's count, polled by htmx so that new notifications show without a reload."""
    return render(
        request,
        "core/notifications/_bell.html",
        {"unread_count": selectors.notifications_unread_count(request.user)},
    )


# --- organisation ---------------------------------------------------------------------------

ORG_ROLES = (Role.Code.ADMIN, Role.Code.DIRECTOR, Role.Code.REGIONAL_MANAGER)


def _require_org_access(user):
    if user.is_partner_user or not (user.is_superuser or user.has_role(*ORG_ROLES)):
        raise PermissionDenied


@login_required
def org(request):
    _require_org_access(request.user)
    rows = selectors.users_visible_to(request.user).filter(partner__isnull=True)
    q, role = request.GET.get("q", "").strip(), request.GET.get("role", "")
    region = request.GET.get("region", "")
    region_filter = int(region) if region.isdigit() else None
    if q:
        rows = rows.filter(
            Q(username__icontains=q)
            | Q(last_name__icontains=q)
            | Q(first_name__icontains=q)
            | Q(email__icontains=q)
            | Q(mobile__icontains=q)
        )
    if region_filter:
        rows = rows.filter(region_id__in=scopes.region_subtree_ids(region_filter))
    if role in Role.Code.values:
        rows = rows.filter(roles__code=role)
    page = paginate(request, rows.order_by("username"))
    tree = selectors.regions_tree()
    context = {
        "tree": tree,
        "region_choices": [node for parent, offices in tree for node in [parent, *offices]],
        "departments": selectors.departments_all(),
        "page": page,
        "q": q,
        "region_filter": region_filter,
        "role": role,
        "roles": Role.Code.choices,
        "can_manage": request.user.is_superuser or request.user.has_role(Role.Code.ADMIN),
    }
    template = "core/org/_users.html" if is_htmx(request) else "core/org/index.html"
    return render(request, template, context)


@login_required
def user_edit(request, pk: int | None = None):
    actor = request.user
    if not (actor.is_superuser or actor.has_role(Role.Code.ADMIN)):
        raise PermissionDenied
    target = None
    if pk is not None:
        try:
            target = selectors.user_get_for_user(actor, pk)
        except ObjectDoesNotExist:
            raise Http404 from None
        if not user_can_manage(actor, target):
            raise PermissionDenied
    form_instance = User.objects.get(pk=pk) if pk else User()
    form = UserForm(request.POST or None, instance=form_instance)
    if request.method == "POST" and form.is_valid():
        data = {key: form.cleaned_data[key] for key in form.Meta.fields}
        try:
            if target is None:
                target = user_create(
                    actor=actor,
                    data=data,
                    role_codes=form.cleaned_data["roles"],
                    password=form.cleaned_data["password"],
                )
            else:
                user_update(
                    actor=actor, user=target, data=data, role_codes=form.cleaned_data["roles"]
                )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("core:org")
    history = (
        selectors.audit_rows(selectors.audit_entries_for_object(target)[:50]) if target else []
    )
    return render(
        request, "core/org/user_form.html", {"form": form, "target": target, "history": history}
    )


@login_required
@require_POST
def user_unlock_view(request, pk: int):
    actor = request.user
    try:
        target = selectors.user_get_for_user(actor, pk)
    except ObjectDoesNotExist:
        raise Http404 from None
    if not user_can_manage(actor, target):
        raise PermissionDenied
    user_unlock(user=target)
    messages.success(request, _("The account is unlocked."))
    return redirect("core:user-edit", pk=pk)


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=User.objects.get(pk=request.user.pk))
    if request.method == "POST" and form.is_valid():
        try:
            profile_update(actor=request.user, data=form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            response = redirect("core:profile")
            if form.cleaned_data["language"]:
                response.set_cookie(settings.LANGUAGE_COOKIE_NAME, form.cleaned_data["language"])
            return response
    return render(request, "core/profile.html", {"form": form})


@login_required
def audit_list(request):
    if not (request.user.is_superuser or request.user.has_role(Role.Code.ADMIN)):
        raise PermissionDenied
    rows = selectors.audit_entries_visible_to(request.user)
    q, action = request.GET.get("q", "").strip(), request.GET.get("action", "")
    if q:
        rows = rows.filter(object_repr__icontains=q)
    if action in AuditEntry.Action.values:
        rows = rows.filter(action=action)
    page = paginate(request, rows)
    page.object_list = selectors.audit_rows(page.object_list)
    return render(
        request,
        "core/audit_list.html",
        {"page": page, "q": q, "action": action, "actions": AuditEntry.Action.choices},
    )
