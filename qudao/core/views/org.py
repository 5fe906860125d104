"""The organisation: regions and offices, and the vendor's users and their roles."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import roles, scopes, selectors
from ..errors import PermissionDenied, ValidationError
from ..forms.org import UserForm
from ..models import Role, User
from ..paging import paginate
from ..services.auth import user_unlock
from ..services.org import user_can_manage, user_create, user_update, users_can_manage
from ..web import form_errors, get_or_404, is_htmx


@login_required
def org(request):
    if not roles.user_in(request.user, roles.ORG_MANAGERS):
        raise PermissionDenied
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
        "can_manage": users_can_manage(request.user),
    }
    template = "core/org/_users.html" if is_htmx(request) else "core/org/index.html"
    return render(request, template, context)


@login_required
def user_edit(request, pk: int | None = None):
    actor = request.user
    if not users_can_manage(actor):
        raise PermissionDenied
    target = None
    if pk is not None:
        target = get_or_404(selectors.user_get_for_user, actor, pk)
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
            form_errors(form, error)
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
    target = get_or_404(selectors.user_get_for_user, actor, pk)
    if not user_can_manage(actor, target):
        raise PermissionDenied
    user_unlock(user=target)
    messages.success(request, _("The account is unlocked."))
    return redirect("core:user-edit", pk=pk)
