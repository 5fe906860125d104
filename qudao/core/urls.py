from django.urls import path

from .views import approvals, audit, auth, home, invitations, notifications, org

app_name = "core"

urlpatterns = [
    path("", home.home, name="home"),
    path("accounts/login/", auth.login_view, name="login"),
    path("accounts/logout/", auth.logout_view, name="logout"),
    path("language/", auth.language_set, name="language-set"),
    path("profile/", auth.profile, name="profile"),
    path("approvals/", approvals.approval_list, name="approval-list"),
    path("approvals/<int:pk>/", approvals.approval_detail, name="approval-detail"),
    path("notifications/", notifications.notification_list, name="notification-list"),
    path("notifications/read/", notifications.notification_read, name="notification-read"),
    path("notifications/bell/", notifications.notification_bell, name="notification-bell"),
    path("org/", org.org, name="org"),
    path("org/users/new/", org.user_edit, name="user-create"),
    path("org/users/<int:pk>/", org.user_edit, name="user-edit"),
    path("org/users/<int:pk>/unlock/", org.user_unlock_view, name="user-unlock"),
    path("audit/", audit.audit_list, name="audit-list"),
    path(
        "accounts/invite/<uidb64>/<token>/",
        invitations.invitation_accept_view,
        name="invitation-accept",
    ),
]
