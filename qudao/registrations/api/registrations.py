"""Registrations: the list and the detail."""

from datetime import date

from ninja import Query

from qudao.core.schemas import ErrorOut, SearchIn, choice, page_schema, search_page

from ..models import Registration
from ..selectors import registration_get_for_user, registrations_search
from . import router
from .schemas import RegistrationOut

RegistrationPage = page_schema("RegistrationPage", RegistrationOut)


class RegistrationFilter(SearchIn):
    status: choice(Registration.Status) | None = None
    partner: int | None = None
    region: int | None = None
    stage: choice(Registration.Stage) | None = None
    date_from: date | None = None
    date_to: date | None = None
    expiring: bool = False


@router.get("", response={200: RegistrationPage, 422: ErrorOut})
def registration_list(request, filters: Query[RegistrationFilter]):
    return search_page(registrations_search, request.user, filters)


@router.get("/{registration_id}", response={200: RegistrationOut, 404: ErrorOut})
def registration_detail(request, registration_id: int):
    return registration_get_for_user(request.user, registration_id)
