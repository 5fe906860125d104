"""Excel import of existing partners (导入): upload → preview with per-row errors → commit.

Between preview and confirm the upload is kept on disk (MEDIA_ROOT/imports/<token>.xlsx, with a
small JSON manifest naming the user who uploaded it) and only its token travels, in the session:
row data is never taken back from the browser. Confirming claims the file with an atomic rename,
so a second confirm of the same upload (a double click, a replayed request) finds nothing to
import. The file is checked again at commit time, and every row is created through
`partner_create` inside one transaction: one bad row and nothing is written.

`partner_create` checks and audits each row with its own queries, so a file of more than
settings.PARTNER_IMPORT_SYNC_ROWS rows is committed by the task worker (`partner_import_task`),
which reports its progress in a status file next to the upload; smaller files are committed
within the request. When the task fails without reporting it (its worker was killed: the reaper
of qudao/core/services/workers.py fails it), the next look at the import says so and gives the
upload back, to be confirmed again.
"""

import contextlib
import json
import os
import re
import secrets
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks.exceptions import TaskResultDoesNotExist
from openpyxl import load_workbook

from qudao.core import scopes
from qudao.core.errors import PermissionDenied, ValidationError
from qudao.core.models import Region, Role, User
from qudao.core.services.audit import audit_updated, snapshot
from qudao.core.uploads import SPREADSHEETS, validate_upload

from ..models import Partner, Tier
from ..validators import normalise_credit_code, validate_credit_code
from .partners import CODE_PATTERN, PARTNER_FIELDS, partner_can_manage, partner_create

MAX_ROWS = 5_000
MAX_BYTES = 5 * 1024 * 1024
MAX_COLUMNS = 40  # columns read per row; a template has 14
TOKEN_MAX_AGE_SECONDS = 24 * 3600
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
IMPORT_DIR = "imports"
MONEY_LIMIT = Decimal("1e12")  # max_digits 14, 2 decimal places
DEFAULT_TIER = "registered"
PROGRESS_EVERY = 100
# The exceptions of a task that ended with its worker: lost (failed by the reaper of
# qudao/core/services/workers.py), or stopped by force (a second SIGTERM).
WORKER_STOPPED = ("WorkerLost", "SystemExit", "KeyboardInterrupt")
# Why an import's task failed without saying so itself; its status file keeps the key.
FAILURE_REASONS = {
    "worker_stopped": gettext_lazy(
        "The task worker running the import stopped before it finished, so nothing was "
        "imported. Confirm the import again to retry it."
    ),
    "task_failed": gettext_lazy(
        "The import failed, so nothing was imported. Confirm the import again to retry it."
    ),
}


@dataclass(frozen=True)
class Column:
    key: str
    label: Any  # English source, translated in the UI
    zh: str  # the Chinese header of the template
    aliases: tuple[str, ...] = ()
    width: int = 16
    max_length: int | None = None
    help: Any = ""


COLUMNS: tuple[Column, ...] = (
    Column("code", gettext_lazy("Code"), "编码", ("partner code", "伙伴编码", "渠道编码", "代码"),
           14, 20, gettext_lazy("Required. 2–20 capital letters, digits or hyphens.")),
    Column("name", gettext_lazy("Name"), "名称",
           ("company name", "partner name", "公司名称", "伙伴名称", "渠道名称", "企业名称"),
           36, 200, gettext_lazy("Required. The registered company name.")),
    Column("credit_code", gettext_lazy("Unified social credit code"), "统一社会信用代码",
           ("credit code", "uscc", "信用代码"), 22, 18,
           gettext_lazy("Required. 18 characters with a valid check digit.")),
    Column("region", gettext_lazy("Region/office code"), "大区/办事处编码",
           ("region code", "office code", "region/office", "region", "office", "大区/办事处",
            "办事处编码", "大区编码", "区域编码", "办事处", "大区"), 16, None,
           gettext_lazy("Required. The code (or exact name) of a region or office.")),
    Column("tier", gettext_lazy("Tier code"), "等级", ("tier", "等级编码", "级别", "分级"),
           12, None, gettext_lazy("Optional (default: registered). A tier code or name.")),
    Column("owner", gettext_lazy("Channel manager username"), "渠道经理",
           ("channel manager", "owner", "渠道经理用户名", "负责人"), 16, None,
           gettext_lazy("The username of a channel manager. Channel managers may leave it "
                        "empty to own the partner themselves.")),
    Column("contact_name", gettext_lazy("Contact"), "联系人", ("contact name",), 12, 50),
    Column("contact_phone", gettext_lazy("Contact phone"), "联系电话",
           ("phone", "mobile", "电话", "手机"), 16, 30),
    Column("legal_representative", gettext_lazy("Legal representative"), "法定代表人",
           ("法人代表", "法人"), 12, 50),
    Column("address", gettext_lazy("Address"), "地址", ("注册地址", "办公地址"), 36, 200),
    Column("registered_capital", gettext_lazy("Registered capital (10k CNY)"), "注册资本（万元）",
           ("registered capital", "注册资本"), 14, None,
           gettext_lazy("Optional. A number ≥ 0, in 10,000 CNY.")),
    Column("annual_revenue", gettext_lazy("Annual revenue (10k CNY)"), "年营业额（万元）",
           ("annual revenue", "年营业额", "年销售额", "营业额"), 14, None,
           gettext_lazy("Optional. A number ≥ 0, in 10,000 CNY.")),
    Column("staff_count", gettext_lazy("Staff count"), "员工人数",
           ("staff", "employees", "人数", "员工数"), 10, None,
           gettext_lazy("Optional. A whole number ≥ 0.")),
    Column("status", gettext_lazy("Status"), "状态", (), 10, None,
           gettext_lazy("Optional (default: prospect): prospect, active, suspended or exited.")),
)  # fmt: skip
COLUMN_BY_KEY = {column.key: column for column in COLUMNS}
REQUIRED_COLUMNS = ("code", "name", "credit_code", "region")
TEXT_FIELDS = ("contact_name", "contact_phone", "legal_representative", "address")
PLAIN_KEYS = (
    "code",
    "credit_code",
    "region",
    "tier",
    "owner",
    "contact_phone",
    "registered_capital",
    "annual_revenue",
    "staff_count",
    "status",
)
STATUS_SYNONYMS = {
    "潜在伙伴": "prospect",
    "合作中": "active",
    "正常": "active",
    "启用": "active",
    "已暂停": "suspended",
    "退出": "exited",
}


# --- results ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    row: int | None  # the row number in the sheet (the header is row 1); None: the whole file
    column: str  # a column key, or "" for the whole row
    message: str

    @property
    def column_label(self) -> str:
        column = COLUMN_BY_KEY.get(self.column)
        return str(column.label) if column else ""


@dataclass
class ImportRow:
    number: int
    values: dict[str, str]  # as read from the sheet, for display
    data: dict[str, Any] = field(default_factory=dict)  # cleaned, for the services
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.number, column, message))

    def cells(self) -> list[tuple[str, list[str]]]:
        """(value, its errors) per column, in template order, for the preview table."""
        return [
            (
                self.values.get(column.key, ""),
                [e.message for e in self.errors if e.column == column.key],
            )
            for column in COLUMNS
        ]

    @property
    def row_messages(self) -> list[str]:
        return [e.message for e in self.errors if not e.column]


@dataclass
class ImportPreview:
    rows: list[ImportRow]
    errors: list[RowError]  # every problem found: the file's and each row's
    token: str = ""  # the stored upload, for partner_import_commit
    file_name: str = ""
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.errors

    @property
    def good_count(self) -> int:
        return sum(1 for row in self.rows if row.ok)

    @property
    def bad_count(self) -> int:
        return len(self.rows) - self.good_count


# --- permission and helpers -----------------------------------------------------------------


def partner_import_allowed(user: User) -> bool:
    """The staff who may import: admin, director, regional and channel managers."""
    return partner_can_manage(user)


def _check_allowed(actor: User) -> None:
    if not partner_import_allowed(actor):
        raise PermissionDenied(_("You cannot import partners."))


def _normalise_header(text: Any) -> str:
    value = unicodedata.normalize("NFKC", str(text or "")).lower()
    value = re.sub(r"\(.*?\)", "", value)  # "注册资本（万元）" → "注册资本"
    return re.sub(r"[\s*_:：]+", "", value)


def header_map() -> dict[str, str]:
    """Every accepted header spelling (English, Chinese, aliases) → column key."""
    found = {}
    for column in COLUMNS:
        with translation.override("en"):
            english = str(column.label)
        for spelling in (column.key, english, column.zh, *column.aliases):
            found[_normalise_header(spelling)] = column.key
    return found


def template_headers() -> list[str]:
    """The template's header row: Chinese when the UI is Chinese, English otherwise."""
    chinese = (translation.get_language() or "").startswith("zh")
    with translation.override("en"):
        return [column.zh if chinese else str(column.label) for column in COLUMNS]


def _status_map() -> dict[str, str]:
    found = {_normalise_header(k): v for k, v in STATUS_SYNONYMS.items()}
    for value, label in Partner.Status.choices:
        found[value] = value
        for language in ("en", "zh-hans"):
            with translation.override(language):
                found[_normalise_header(str(label))] = value
    return found


def _cell_text(value: Any) -> str:
    """A cell as text: numbers without a trailing .0 (phones, codes typed as numbers)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()


def _row_values(texts: list[str], positions: dict[int, str]) -> dict[str, str]:
    values = {key: texts[index] if index < len(texts) else "" for index, key in positions.items()}
    for key in PLAIN_KEYS:
        if key in values:
            # Codes and numbers typed with a Chinese input method come in full width (ＨＮ－１).
            values[key] = unicodedata.normalize("NFKC", values[key]).strip()
    if "name" in values:
        values["name"] = " ".join(values["name"].split())  # names keep their full-width （）
    return values


def _chunks(values: list[str], size: int = 500) -> Iterator[list[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _existing(field_name: str, values: Iterable[str]) -> set[str]:
    wanted = sorted({v for v in values if v})
    found: set[str] = set()
    for chunk in _chunks(wanted):
        found.update(
            Partner.objects.filter(**{f"{field_name}__in": chunk}).values_list(
                field_name, flat=True
            )
        )
    return found


# --- reading the sheet ----------------------------------------------------------------------


def _open_book(source: BinaryIO | Path):
    try:
        return load_workbook(source, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds of errors for a broken file
        raise ValidationError(
            {"file": _("This file cannot be read as an Excel workbook (.xlsx).")}
        ) from None


def _read(source: BinaryIO | Path) -> tuple[dict[int, str], list[str], list[ImportRow]]:
    """The column positions, the ignored headers and the non-empty data rows of sheet 1."""
    book = _open_book(source)
    try:
        if not book.worksheets:
            raise ValidationError({"file": _("The workbook has no sheet.")})
        sheet = book.worksheets[0]
        lines = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
        positions: dict[int, str] = {}
        ignored: list[str] = []
        rows: list[ImportRow] = []
        header_row = 0
        try:
            for number, cells in enumerate(lines, start=1):
                texts = [_cell_text(value) for value in cells]
                if not any(texts):
                    continue
                if not header_row:
                    header_row = number
                    positions, ignored = _headers(texts)
                    continue
                if len(rows) >= MAX_ROWS:
                    raise ValidationError(
                        {
                            "file": _(
                                "The file has more than %(max)s rows; split it into smaller files."
                            )
                            % {"max": f"{MAX_ROWS:,}"}
                        }
                    )
                rows.append(ImportRow(number=number, values=_row_values(texts, positions)))
        except ValidationError:
            raise
        except Exception:  # noqa: BLE001 - a corrupt sheet inside a valid zip
            raise ValidationError(
                {"file": _("This file cannot be read as an Excel workbook (.xlsx).")}
            ) from None
    finally:
        book.close()
    if not header_row:
        raise ValidationError({"file": _("The file is empty: the first sheet has no header row.")})
    if not rows:
        raise ValidationError({"file": _("The file has a header row but no partners.")})
    return positions, ignored, rows


def _headers(texts: list[str]) -> tuple[dict[int, str], list[str]]:
    known = header_map()
    positions: dict[int, str] = {}
    ignored: list[str] = []
    seen: dict[str, str] = {}
    for index, text in enumerate(texts):
        if not text:
            continue
        key = known.get(_normalise_header(text))
        if key is None:
            ignored.append(text)
        elif key in seen:
            raise ValidationError(
                {
                    "file": _('The columns "%(first)s" and "%(second)s" are the same column.')
                    % {"first": seen[key], "second": text}
                }
            )
        else:
            seen[key] = text
            positions[index] = key
    missing = [str(COLUMN_BY_KEY[key].label) for key in REQUIRED_COLUMNS if key not in seen]
    if missing:
        raise ValidationError(
            {
                "file": _(
                    "The header row lacks these columns: %(columns)s. Download the template "
                    "to see the expected headers."
                )
                % {"columns": ", ".join(missing)}
            }
        )
    return positions, ignored


# --- checking the rows ----------------------------------------------------------------------


class _Checker:
    """Checks every row against the database with a fixed number of queries."""

    def __init__(self, actor: User, rows: list[ImportRow]):
        self.actor = actor
        self.regions: dict[str, Region] = {}
        for region in Region.objects.all():
            self.regions.setdefault(region.code.upper(), region)
            self.regions.setdefault(_normalise_header(region.name), region)
        self.tiers: dict[str, Tier] = {}
        for tier in Tier.objects.filter(is_active=True):
            self.tiers.setdefault(tier.code.lower(), tier)
            self.tiers.setdefault(_normalise_header(tier.name), tier)
        usernames = {row.values.get("owner", "") for row in rows} - {""}
        self.owners = {user.username: user for user in User.objects.filter(username__in=usernames)}
        self.channel_managers = set(
            User.objects.filter(
                pk__in=[user.pk for user in self.owners.values()],
                roles__code=Role.Code.CHANNEL_MANAGER,
                is_active=True,
                partner__isnull=True,
            ).values_list("pk", flat=True)
        )
        self.statuses = _status_map()
        self.sees_everything = scopes.sees_everything(actor)
        self.actor_regions = (
            set(scopes.user_region_ids(actor))
            if actor.has_role(Role.Code.REGIONAL_MANAGER) and actor.region_id
            else set()
        )
        self.actor_is_cm = actor.has_role(Role.Code.CHANNEL_MANAGER)
        codes = [self._code(row) for row in rows]
        self.taken = {
            "code": _existing("code", codes),
            "name": _existing("name", (row.values.get("name", "") for row in rows)),
            "credit_code": _existing(
                "credit_code",
                (normalise_credit_code(row.values.get("credit_code", "")) for row in rows),
            ),
        }
        self.first_seen: dict[str, dict[str, int]] = {"code": {}, "name": {}, "credit_code": {}}

    @staticmethod
    def _code(row: ImportRow) -> str:
        return row.values.get("code", "").strip().upper()

    def check(self, row: ImportRow) -> None:
        values, data = row.values, row.data
        for column in COLUMNS:
            if column.max_length and len(values.get(column.key, "")) > column.max_length:
                row.add(
                    column.key,
                    _("At most %(max)s characters.") % {"max": column.max_length},
                )
        # code
        code = self._code(row)
        if not code:
            row.add("code", _("The code is required."))
        elif not CODE_PATTERN.match(code):
            row.add("code", _("Use 2–20 capital letters, digits or hyphens, e.g. P-GD-001."))
        data["code"] = code
        # name
        name = values.get("name", "")
        if not name:
            row.add("name", _("The name is required."))
        elif len(name) < 2:
            row.add("name", _("The name is too short."))
        data["name"] = name
        # credit code
        credit_code = normalise_credit_code(values.get("credit_code", ""))
        if not credit_code:
            row.add("credit_code", _("The unified social credit code is required."))
        else:
            try:
                validate_credit_code(credit_code)
            except DjangoValidationError as error:
                row.add("credit_code", " ".join(str(m) for m in error.messages))
        data["credit_code"] = credit_code
        for key, value in (("code", code), ("name", name), ("credit_code", credit_code)):
            self._unique(row, key, value)
        # region, tier, owner, status
        region = self._lookup_region(row)
        tier = self._lookup_tier(row)
        owner = self._lookup_owner(row)
        if region is not None and not self._in_scope(region, owner):
            if self.actor_is_cm and not self.actor_regions:
                row.add("owner", _("As a channel manager you can only import partners you own."))
            else:
                row.add("region", _("This region/office is outside your scope."))
        data.update(region=region, tier=tier, owner=owner)
        status_text = values.get("status", "")
        status = self.statuses.get(_normalise_header(status_text)) if status_text else "prospect"
        if status is None:
            row.add("status", _("Unknown status: use prospect, active, suspended or exited."))
        data["status"] = status
        # the rest
        for key in TEXT_FIELDS:
            data[key] = values.get(key, "")
        data["registered_capital"] = self._decimal(row, "registered_capital")
        data["annual_revenue"] = self._decimal(row, "annual_revenue")
        data["staff_count"] = self._whole(row, "staff_count")

    def _unique(self, row: ImportRow, key: str, value: str) -> None:
        if not value:
            return
        label = str(COLUMN_BY_KEY[key].label)
        if value in self.taken[key]:
            row.add(
                key,
                _("A partner with this %(column)s already exists.") % {"column": label.lower()},
            )
        first = self.first_seen[key].setdefault(value, row.number)
        if first != row.number:
            row.add(
                key,
                _("The same %(column)s as row %(row)s.") % {"column": label.lower(), "row": first},
            )

    def _lookup_region(self, row: ImportRow) -> Region | None:
        text = row.values.get("region", "")
        if not text:
            row.add("region", _("The region/office code is required."))
            return None
        region = self.regions.get(text.upper()) or self.regions.get(_normalise_header(text))
        if region is None:
            row.add("region", _("Unknown region/office: %(value)s.") % {"value": text})
        return region

    def _lookup_tier(self, row: ImportRow) -> Tier | None:
        text = row.values.get("tier", "") or DEFAULT_TIER
        tier = self.tiers.get(text.lower()) or self.tiers.get(_normalise_header(text))
        if tier is None:
            row.add("tier", _("Unknown tier: %(value)s.") % {"value": text})
        return tier

    def _lookup_owner(self, row: ImportRow) -> User | None:
        text = row.values.get("owner", "")
        if not text:
            if self.actor_is_cm:
                return self.actor
            row.add("owner", _("Name the channel manager (username) who owns this partner."))
            return None
        user = self.owners.get(text)
        if user is None:
            row.add("owner", _("Unknown user: %(value)s.") % {"value": text})
            return None
        if user.pk not in self.channel_managers:
            row.add("owner", _("%(value)s is not a channel manager.") % {"value": text})
            return None
        return user

    def _in_scope(self, region: Region, owner: User | None) -> bool:
        if self.sees_everything:
            return True
        if region.pk in self.actor_regions:
            return True
        return self.actor_is_cm and (owner is None or owner.pk == self.actor.pk)

    def _decimal(self, row: ImportRow, key: str) -> Decimal | None:
        text = row.values.get(key, "").replace(",", "")
        if not text:
            return None
        try:
            value = Decimal(text)
        except InvalidOperation:
            row.add(key, _("Not a number: %(value)s.") % {"value": row.values[key]})
            return None
        if not value.is_finite():
            row.add(key, _("Not a number: %(value)s.") % {"value": row.values[key]})
            return None
        if value < 0:
            row.add(key, _("Must not be negative."))
            return None
        if value >= MONEY_LIMIT:
            row.add(key, _("This number is too large."))
            return None
        return value.quantize(Decimal("0.01"))

    def _whole(self, row: ImportRow, key: str) -> int | None:
        value = self._decimal(row, key)
        if value is None:
            return None
        if value != value.to_integral_value():
            row.add(key, _("Use a whole number."))
            return None
        return int(value)


def _check(actor: User, source: BinaryIO | Path, *, token: str = "", name: str = ""):
    positions, ignored, rows = _read(source)
    checker = _Checker(actor, rows)
    for row in rows:
        checker.check(row)
    errors = [error for row in rows for error in row.errors]
    return ImportPreview(
        rows=rows, errors=errors, token=token, file_name=name, ignored_columns=ignored
    )


# --- the stored upload ----------------------------------------------------------------------


def _import_dir() -> Path:
    folder = Path(settings.MEDIA_ROOT) / IMPORT_DIR
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@dataclass(frozen=True)
class _Files:
    data: Path  # the upload, waiting for its confirm
    manifest: Path  # who uploaded it, its name, its row count
    claimed: Path  # the upload once a confirm has claimed it
    status: Path  # progress of a commit in the task worker


def _files(token: str) -> _Files:
    if not TOKEN_PATTERN.match(token or ""):
        raise ValidationError({"file": _("This import has expired or was already done.")})
    folder = _import_dir()
    return _Files(
        data=folder / f"{token}.xlsx",
        manifest=folder / f"{token}.json",
        # openpyxl reads only files named .xlsx
        claimed=folder / f"{token}.claimed.xlsx",
        status=folder / f"{token}.status.json",
    )


def _sweep() -> None:
    """Forget uploads that were never confirmed, and finished imports' leftovers."""
    limit = time.time() - TOKEN_MAX_AGE_SECONDS
    for path in _import_dir().iterdir():
        with contextlib.suppress(OSError):
            if path.stat().st_mtime < limit:
                path.unlink()


def _write_json(path: Path, data: dict[str, Any]) -> None:
    """Write all at once, so that a reader never sees half a file."""
    partial = path.with_name(f"{path.name}.{secrets.token_hex(4)}.tmp")
    partial.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(partial, path)


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _store(actor: User, upload: UploadedFile, rows: int) -> str:
    _sweep()
    token = secrets.token_urlsafe(32)
    files = _files(token)
    upload.seek(0)
    with open(files.data, "xb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    name = os.path.basename(upload.name or "")[:200]
    _write_json(files.manifest, {"user": actor.pk, "name": name, "rows": rows})
    return token


def _owned(actor: User, token: str) -> dict[str, Any]:
    """The upload's manifest, if `actor` uploaded it."""
    info = _read_json(_files(token).manifest)
    if not info or info.get("user") != actor.pk:
        raise ValidationError({"file": _("This import has expired or was already done.")})
    return info


def _waiting(actor: User, token: str) -> dict[str, Any]:
    """The manifest of an upload of `actor` that is still waiting for its confirm."""
    info = _owned(actor, token)
    _settle(token, info)
    if not _files(token).data.exists():
        raise ValidationError({"file": _("This import has expired or was already done.")})
    return info


def _claim(token: str) -> None:
    files = _files(token)
    try:
        # Atomic: of two confirms of one upload, exactly one finds the file to claim.
        os.rename(files.data, files.claimed)
    except FileNotFoundError:
        raise ValidationError({"file": _("This import has expired or was already done.")}) from None


def partner_import_discard(*, actor: User, upload_token: str) -> None:
    """Forget a stored upload (the user cancelled)."""
    _waiting(actor, upload_token)
    files = _files(upload_token)
    for path in (files.data, files.manifest, files.status):
        path.unlink(missing_ok=True)


# --- the use cases --------------------------------------------------------------------------


def partner_import_preview(*, actor: User, upload: UploadedFile) -> ImportPreview:
    """Check an uploaded file row by row and keep it for the commit; writes no partner."""
    _check_allowed(actor)
    try:
        validate_upload(upload, allowed=SPREADSHEETS, max_bytes=MAX_BYTES)
    except DjangoValidationError as error:
        raise ValidationError({"file": error.messages}) from None
    upload.seek(0)
    preview = _check(actor, upload, name=os.path.basename(upload.name or ""))
    preview.token = _store(actor, upload, rows=len(preview.rows))
    return preview


def partner_import_review(*, actor: User, upload_token: str) -> ImportPreview:
    """The preview of a stored upload, checked again against the database as it is now."""
    _check_allowed(actor)
    info = _waiting(actor, upload_token)
    return _check(actor, _files(upload_token).data, token=upload_token, name=info.get("name", ""))


def partner_import_commit(*, actor: User, upload_token: str) -> list[Partner]:
    """Create every partner of a previewed upload in one transaction, or none of them."""
    _check_allowed(actor)
    info = _waiting(actor, upload_token)
    _claim(upload_token)
    partners = _commit_claimed(actor, upload_token, info)
    transaction.on_commit(lambda: _files(upload_token).manifest.unlink(missing_ok=True))
    return partners


@dataclass(frozen=True)
class ImportOutcome:
    created: int  # partners created now; 0 when the task worker does it
    queued: bool  # handed to the task worker: follow it with partner_import_status


def sync_row_limit() -> int:
    return int(settings.PARTNER_IMPORT_SYNC_ROWS)


def partner_import_confirm(*, actor: User, upload_token: str) -> ImportOutcome:
    """The user's confirm: a small file is committed at once, a large one by the task worker
    (so that no web request runs for minutes); either way in one transaction."""
    _check_allowed(actor)
    info = _waiting(actor, upload_token)
    if int(info.get("rows") or 0) <= sync_row_limit():
        return ImportOutcome(
            created=len(partner_import_commit(actor=actor, upload_token=upload_token)), queued=False
        )
    _claim(upload_token)
    # A failed task of an earlier confirm is forgotten before this one's status is written, so
    # that _settle never takes this run for that one.
    info = {key: value for key, value in info.items() if key != "task"}
    _write_json(_files(upload_token).manifest, info)
    _write_json(
        _files(upload_token).status,
        {"state": "queued", "done": 0, "total": int(info.get("rows") or 0)},
    )
    transaction.on_commit(lambda: _enqueue(actor, upload_token, info))
    return ImportOutcome(created=0, queued=True)


def _enqueue(actor: User, token: str, info: dict[str, Any]) -> None:
    result = partner_import_task.enqueue(actor.pk, token)
    # The task's id, to tell later whether the worker lost it (_settle).
    _write_json(_files(token).manifest, {**info, "task": str(result.id)})


def partner_import_status(*, actor: User, upload_token: str) -> dict[str, Any] | None:
    """Progress of an import in the task worker: {"state": queued|running|done|failed, "done",
    "total", "created", "messages"}; None when the upload was not handed to the worker."""
    _check_allowed(actor)
    _settle(upload_token, _owned(actor, upload_token))
    status = _read_json(_files(upload_token).status)
    if status and status.get("reason") in FAILURE_REASONS:
        # Told in the reader's language, whoever found the failure.
        status["messages"] = [str(FAILURE_REASONS[status["reason"]])]
    return status


def _settle(token: str, info: dict[str, Any]) -> None:
    """An import whose task failed without saying so itself (its worker was killed or lost, or
    stopped by force): say so, with the reason, and give the upload back so that it can be
    confirmed again. Nothing was written: the rows are created in one transaction."""
    files = _files(token)
    status = _read_json(files.status) or {}
    if status.get("state") not in ("queued", "running") or not info.get("task"):
        return
    try:
        result = partner_import_task.get_result(info["task"])
    except TaskResultDoesNotExist:
        return
    if result.status != TaskResultStatus.FAILED:
        return
    with contextlib.suppress(FileNotFoundError):  # given back already, by a concurrent reader
        os.replace(files.claimed, files.data)
    errors = [error.exception_class_path for error in result.errors]
    stopped = any(path.rsplit(".", 1)[-1] in WORKER_STOPPED for path in errors)
    _write_json(
        files.status,
        {
            "state": "failed",
            "total": status.get("total"),
            "reason": "worker_stopped" if stopped else "task_failed",
        },
    )


@task()
def partner_import_task(user_id: int, upload_token: str) -> int:
    """The task worker's side of partner_import_confirm; returns the partners created."""
    files = _files(upload_token)
    total = int((_read_json(files.status) or {}).get("total") or 0)

    def progress(done: int) -> None:
        _write_json(files.status, {"state": "running", "done": done, "total": total})

    try:
        actor = User.objects.get(pk=user_id, is_active=True)
        _check_allowed(actor)
        info = _owned(actor, upload_token)
        partners = _commit_claimed(actor, upload_token, info, progress=progress)
    except (DjangoValidationError, PermissionDenied, User.DoesNotExist) as error:
        messages = getattr(error, "messages", None) or [_("You cannot import partners.")]
        _write_json(files.status, {"state": "failed", "total": total, "messages": messages})
        return 0
    except Exception:
        _write_json(
            files.status,
            {"state": "failed", "total": total, "messages": [_("The import failed; try again.")]},
        )
        raise
    result = {"state": "done", "done": total, "total": total, "created": len(partners)}
    transaction.on_commit(lambda: _write_json(files.status, result))
    return len(partners)


def _commit_claimed(
    actor: User,
    token: str,
    info: dict[str, Any],
    progress: Callable[[int], None] | None = None,
) -> list[Partner]:
    """Check the claimed upload again and create its partners; on any failure give the upload
    back, so that it can be previewed again and nothing is written."""
    files = _files(token)
    try:
        preview = _check(actor, files.claimed, token=token, name=info.get("name", ""))
        if not preview.ok:
            raise ValidationError(
                {
                    "file": _(
                        "%(count)s rows have errors; nothing was imported. Correct the file "
                        "and upload it again."
                    )
                    % {"count": preview.bad_count}
                }
            )
        partners = []
        with transaction.atomic():
            for row in preview.rows:
                partners.append(_create(actor, row))
                if progress and len(partners) % PROGRESS_EVERY == 0:
                    progress(len(partners))
    except BaseException:
        os.rename(files.claimed, files.data)
        raise
    transaction.on_commit(lambda: files.claimed.unlink(missing_ok=True))
    return partners


def _create(actor: User, row: ImportRow) -> Partner:
    """One row through partner_create; the fields it does not take are set and audited next."""
    core = {key: row.data[key] for key in PARTNER_FIELDS if key in row.data}
    try:
        partner = partner_create(actor=actor, data=core)
        extra = {
            key: value
            for key, value in row.data.items()
            if key not in PARTNER_FIELDS and value not in (None, "")
        }
        if extra:
            before = snapshot(partner)
            for key, value in extra.items():
                setattr(partner, key, value)
            # The row was checked as a whole; the model's own field checks run on these too.
            partner.clean_fields(
                exclude=[f.name for f in Partner._meta.concrete_fields if f.name not in extra]
            )
            partner.save(update_fields=[*extra, "updated_at"])
            audit_updated(
                actor=actor,
                obj=partner,
                before=before,
                note=_("Excel import, row %(row)s") % {"row": row.number},
            )
    except DjangoValidationError as error:
        messages = (
            [f"{k}: {' '.join(v)}" for k, v in error.message_dict.items()]
            if hasattr(error, "error_dict")
            else error.messages
        )
        raise ValidationError(
            {
                "file": _("Row %(row)s: %(errors)s; nothing was imported.")
                % {"row": row.number, "errors": "; ".join(messages)}
            }
        ) from None
    return partner
