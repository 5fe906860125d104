"""Public submission: a company applies on the public page or through the API, without logging
in, and may add files through the API until the review starts.

- A live application or an existing partner with the same credit code is a duplicate; the partial
  unique constraint catches two submissions that race past the check.
- The public form and API are rate-limited per client IP (REMOTE_ADDR) over a sliding hour,
  counted in the shared cache (core.ratelimits), so that the limit holds across server processes.
  A submission takes its use before it is checked and gives it back when it is refused, so that
  parallel submissions never pass the limit and only accepted applications count.
"""

import logging
import os
import uuid
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qudao.core.errors import ValidationError
from qudao.core.models import AuditEntry, Role, User
from qudao.core.numbering import next_number
from qudao.core.ratelimits import LimitReached, limit_release, limit_take, limit_used
from qudao.core.services.audit import audit_created, audit_record
from qudao.core.services.notifications import notify
from qudao.core.uploads import DOCUMENTS, FORM_ALLOWANCE, IMAGES_AND_PDF, validate_upload

from ...models import (
    ApplicationAttachment,
    Partner,
    PartnerApplication,
)
from ...models.recruitment import OPEN_STATUSES
from ...validators import normalise_credit_code
from .state import application_url, credit_code_duplicate_message, region_managers

logger = logging.getLogger("qudao.partners")

Status = PartnerApplication.Status
Kind = ApplicationAttachment.Kind
LIVE_STATUSES = (*OPEN_STATUSES, Status.APPROVED)

# What an applicant fills in, in the order of the public form.
APPLICATION_FIELDS = (
    "company_name",
    "credit_code",
    "region",
    "legal_representative",
    "contact_name",
    "contact_phone",
    "contact_email",
    "address",
    "website",
    "business_scope",
    "staff_count",
    "registered_capital",
    "annual_revenue",
    "main_industries",
    "main_customers",
)
# Which files each attachment kind accepts; the licence is a scan or a photo.
ATTACHMENT_TYPES = {
    Kind.LICENCE: IMAGES_AND_PDF,
    Kind.QUALIFICATION: DOCUMENTS,
    Kind.FINANCIAL: DOCUMENTS,
    Kind.OTHER: DOCUMENTS,
}
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 10
# The largest request bodies: the public form with a file of each kind, one API attachment.
APPLICATION_MAX_REQUEST_BYTES = len(ATTACHMENT_TYPES) * MAX_UPLOAD_BYTES + FORM_ALLOWANCE
ATTACHMENT_MAX_REQUEST_BYTES = MAX_UPLOAD_BYTES + FORM_ALLOWANCE

# Accepted applications per client IP and hour (the page and the API share the count).
RATE_WINDOW_SECONDS = 3600


class RateLimited(Exception):
    """Too many applications from one client in the current hour."""

    def __init__(self, limit: int):
        super().__init__(f"more than {limit} applications this hour")
        self.limit = limit
        self.message = _(
            "Too many applications from your network in the last hour (at most %(limit)s). "
            "Please try again later."
        ) % {"limit": limit}


def _rate_name(client_ip: str) -> str:
    return f"partner-applications:{client_ip or 'unknown'}"


def application_rate_check(*, client_ip: str) -> None:
    """Raise RateLimited when `client_ip` has used up the last hour's applications."""
    limit = settings.APPLICATION_RATE_LIMIT_PER_HOUR
    used = limit_used(_rate_name(client_ip), limit=limit, window=RATE_WINDOW_SECONDS)
    if used >= limit:
        raise RateLimited(limit)


def _rate_take(client_ip: str) -> str:
    limit = settings.APPLICATION_RATE_LIMIT_PER_HOUR
    try:
        return limit_take(_rate_name(client_ip), limit=limit, window=RATE_WINDOW_SECONDS)
    except LimitReached:
        raise RateLimited(limit) from None


def credit_code_taken(credit_code: str) -> bool:
    """A live application or an existing partner already has this credit code."""
    code = normalise_credit_code(credit_code)
    return (
        PartnerApplication.objects.filter(credit_code=code, status__in=LIVE_STATUSES).exists()
        or Partner.objects.filter(credit_code=code).exists()
    )


def _check_upload(kind: str, upload: UploadedFile) -> list[str]:
    try:
        validate_upload(upload, allowed=ATTACHMENT_TYPES[kind], max_bytes=MAX_UPLOAD_BYTES)
    except DjangoValidationError as error:
        return error.messages
    return []


def _store_attachment(application: PartnerApplication, kind: str, upload: UploadedFile):
    original = os.path.basename(upload.name or "file")[:200]
    extension = os.path.splitext(original)[1].lower()
    # A random stored name: nothing about the applicant's files can be guessed from a path.
    upload.name = f"{uuid.uuid4().hex}{extension}"
    return ApplicationAttachment.objects.create(
        application=application, kind=kind, file=upload, original_name=original, size=upload.size
    )


def _delete_files(names: list[str]) -> None:
    storage = ApplicationAttachment._meta.get_field("file").storage
    for name in names:
        try:
            storage.delete(name)
        except OSError:  # pragma: no cover - an orphan file is harmless
            logger.warning("could not delete orphan upload %s", name)


def application_submit(
    *,
    data: Mapping[str, Any],
    files: Mapping[str, UploadedFile | None] | None = None,
    client_ip: str = "",
    require_licence: bool = True,
    actor: User | None = None,
) -> PartnerApplication:
    """A company applies to become a partner (public, no log-in).

    `data` holds APPLICATION_FIELDS (`region` a Region); `files` maps an attachment kind
    (licence, qualification, financial, other) to an upload. Raises RateLimited past the hourly
    limit of `client_ip`, ValidationError with field errors otherwise; writes nothing then.
    """
    rate_use = _rate_take(client_ip)
    try:
        application = _application_create(
            data=data, files=files, require_licence=require_licence, actor=actor
        )
    except BaseException:
        limit_release(rate_use)
        raise
    transaction.on_commit(lambda: _notify_new_application(application))
    return application


def _application_create(
    *,
    data: Mapping[str, Any],
    files: Mapping[str, UploadedFile | None] | None,
    require_licence: bool,
    actor: User | None,
) -> PartnerApplication:
    files = {kind: upload for kind, upload in (files or {}).items() if upload}
    errors: dict[str, list[str]] = {}
    values = {key: data[key] for key in APPLICATION_FIELDS if key in data}
    for key, value in values.items():
        if isinstance(value, str):
            values[key] = value.strip()
    values["credit_code"] = normalise_credit_code(values.get("credit_code", ""))
    application = PartnerApplication(**values)
    try:
        application.full_clean(exclude=["number"], validate_constraints=False)
    except DjangoValidationError as error:
        errors.update(error.message_dict)
    for kind, upload in files.items():
        if kind not in ATTACHMENT_TYPES:
            errors[kind] = [_("Unknown attachment type.")]
        elif problems := _check_upload(kind, upload):
            errors[kind] = problems
    if require_licence and Kind.LICENCE not in files:
        errors[Kind.LICENCE] = [_("Attach the business licence (PDF, JPG or PNG).")]
    if "credit_code" not in errors and credit_code_taken(application.credit_code):
        errors["credit_code"] = [credit_code_duplicate_message()]
    if errors:
        raise ValidationError(errors)
    stored: list[str] = []
    try:
        with transaction.atomic():
            application.number = next_number("SQ")
            application.save()
            for kind, upload in files.items():
                stored.append(_store_attachment(application, kind, upload).file.name)
            audit_created(actor=actor, obj=application, note=_("public application"))
    except IntegrityError:
        # Another submission with this credit code won the race (partial unique constraint).
        _delete_files(stored)
        raise ValidationError({"credit_code": [credit_code_duplicate_message()]}) from None
    return application


def application_attachment_add(
    *, application: PartnerApplication, kind: str, upload: UploadedFile
) -> ApplicationAttachment:
    """The applicant adds a file to an application that nobody reviews yet (API upload)."""
    if kind not in ATTACHMENT_TYPES:
        raise ValidationError({"kind": [_("Unknown attachment type.")]})
    if problems := _check_upload(kind, upload):
        raise ValidationError({"file": problems})
    with transaction.atomic():
        locked = PartnerApplication.objects.select_for_update().get(pk=application.pk)
        if locked.status != Status.SUBMITTED:
            raise ValidationError(
                _("Files can only be added before the review starts; contact your channel manager.")
            )
        if locked.attachments.count() >= MAX_ATTACHMENTS:
            raise ValidationError(
                {
                    "file": [
                        _("At most %(count)s files per application.") % {"count": MAX_ATTACHMENTS}
                    ]
                }
            )
        attachment = _store_attachment(locked, kind, upload)
        audit_record(
            actor=None,
            obj=locked,
            action=AuditEntry.Action.UPDATE,
            changes={"attachments": [None, attachment.original_name]},
            note=str(attachment.get_kind_display()),
        )
    return attachment


def _notify_new_application(application: PartnerApplication) -> None:
    recipients = region_managers(application.region) or list(
        User.objects.filter(
            roles__code=Role.Code.DIRECTOR, is_active=True, partner__isnull=True
        ).distinct()
    )
    notify(
        recipients=recipients,
        title=gettext_lazy("New partner application: %(company)s"),
        body=gettext_lazy("%(number)s, %(region)s. Review it and assign a channel manager."),
        params={
            "company": application.company_name,
            "number": application.number,
            "region": application.region,
        },
        url=application_url(application),
    )
