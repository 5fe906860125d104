from django.urls import path

from .views import agreements, archive, credit, evaluation, imports, recruitment, tiers
from .views import partners as views

app_name = "partners"

urlpatterns = [
    path("", views.partner_list, name="partner-list"),
    path("export/", views.partner_export, name="partner-export"),
    path("new/", views.partner_edit, name="partner-create"),
    path("<int:pk>/", views.partner_detail, name="partner-detail"),
    path("<int:pk>/edit/", views.partner_edit, name="partner-edit"),
    path("<int:pk>/activate/", views.partner_activate, name="partner-activate"),
    *recruitment.urlpatterns,
    *agreements.urlpatterns,
    *tiers.urlpatterns,
    *credit.urlpatterns,
    *evaluation.urlpatterns,
    *archive.urlpatterns,
    *imports.urlpatterns,
]
