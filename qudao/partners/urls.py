from django.urls import path

from . import views

app_name = "partners"

urlpatterns = [
    path("", views.partner_list, name="partner-list"),
    path("export/", views.partner_export, name="partner-export"),
    path("new/", views.partner_edit, name="partner-create"),
    path("<int:pk>/", views.partner_detail, name="partner-detail"),
    path("<int:pk>/edit/", views.partner_edit, name="partner-edit"),
    path("<int:pk>/activate/", views.partner_activate, name="partner-activate"),
]
