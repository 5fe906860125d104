from . import navigation
from .selectors import notifications_unread_count


def shell(request):
    """What the layout needs on every page: the navigation (flat, and grouped for the side bar)
    and the unread-notification count."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = navigation.items_for(user, request.path)
    return {
        "nav_items": items,
        "nav_sections": navigation.sections_for(items),
        "unread_count": notifications_unread_count(user),
    }
