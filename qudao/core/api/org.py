"""The user's own record, regions and the users in scope."""

from django.db.models import Q
from ninja import Field, Router, Schema

from .. import selectors
from ..schemas import ErrorOut, page_of

router = Router()


class RegionOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    parent_id: int | None


class UserOut(Schema):
    id: int
    username: str
    name: str = Field(..., alias="display_name")
    email: str
    mobile: str
    region_id: int | None
    partner_id: int | None
    is_active: bool
    roles: list[str]

    @staticmethod
    def resolve_roles(obj):
        return sorted(role.code for role in obj.roles.all())


class MeOut(UserOut):
    language: str


class UserPage(Schema):
    items: list[UserOut]
    count: int
    page: int
    page_size: int


@router.get("/me", response=MeOut, tags=["org"])
def me(request):
    return selectors.user_me(request.user)


@router.get("/regions", response=list[RegionOut], tags=["org"])
def region_list(request):
    return [node for region, offices in selectors.regions_tree() for node in [region, *offices]]


@router.get("/users", response=UserPage, tags=["org"])
def user_list(request, q: str = "", page: int = 1, page_size: int = 20):
    rows = selectors.users_visible_to(request.user)
    if q:
        rows = rows.filter(
            Q(username__icontains=q) | Q(last_name__icontains=q) | Q(email__icontains=q)
        )
    return page_of(rows.order_by("username"), page, page_size)


@router.get("/users/{user_id}", response={200: UserOut, 404: ErrorOut}, tags=["org"])
def user_detail(request, user_id: int):
    return selectors.user_get_for_user(request.user, user_id)
