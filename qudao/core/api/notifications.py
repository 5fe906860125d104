"""A user's notifications and marking them read."""

from datetime import datetime

from ninja import Field, Router, Schema

from .. import selectors
from ..schemas import InputSchema, page_of
from ..services.notifications import notifications_mark_read

router = Router()


class NotificationOut(Schema):
    id: int
    title: str
    body: str
    url: str
    created_at: datetime
    read_at: datetime | None

    # In the request's language (core.messages), not the one it was created in.
    @staticmethod
    def resolve_title(notification) -> str:
        return notification.display_title

    @staticmethod
    def resolve_body(notification) -> str:
        return notification.display_body


class NotificationPage(Schema):
    items: list[NotificationOut]
    count: int
    unread: int
    page: int
    page_size: int


class ReadIn(InputSchema):
    ids: list[int] | None = Field(None, description="omit to mark all read")


@router.get("/notifications", response=NotificationPage, tags=["notifications"])
def notification_list(request, unread: bool = False, page: int = 1, page_size: int = 20):
    result = page_of(selectors.notifications_for(request.user, unread_only=unread), page, page_size)
    result["unread"] = selectors.notifications_unread_count(request.user)
    return result


@router.post("/notifications/read", response=dict, tags=["notifications"])
def notification_read(request, payload: ReadIn):
    return {"marked": notifications_mark_read(user=request.user, ids=payload.ids)}
