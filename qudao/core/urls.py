from django.urls import path

from . import views, views_invitations

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", views.login_view, name="login"),
    path("accounts/logout/", views.logout_view, name="logout"),
    path("language/", views.language_set, name="language-set"),
    path("profile/", views.profile, name="profile"),
    path("approvals/", views.approval_list, name="approval-list"),
    path("approvals/<int:pk>/", views.approval_detail, name="approval-detail"),
    path("notifications/", views.notification_list, name="notification-list"),
    path("notifications/read/", views.notification_read, name="notification-read"),
    path("notifications/bell/", views.notification_bell, name="notification-bell"),
    path("org/", views.org, name="org"),
    path("org/users/new/", views.user_edit, name="user-create"),
    path("org/users/<int:pk>/", views.user_edit, name="user-edit"),
    path("org/users/<int:pk>/unlock/", views.user_unlock_view, name="user-unlock"),
    path("audit/", views.audit_list, name="audit-list"),
    path("accounts/invite/<uidb64>/<token>/", views_invitations.accept, name="invitation-accept"),
]
