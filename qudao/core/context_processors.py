from . import navigation
from .selectors import notifications_unread_count


def shell(request):
    """What the layout needs on every page: the navigation and the unread-notification count."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_items": navigation.items_for(user, request.path),
        "unread_count": notifications_unread_count(user),
    }
