from .views import detail, drafts, registrations, review, rules

app_name = "registrations"

urlpatterns = [
    *registrations.urlpatterns,
    *review.urlpatterns,
    *drafts.urlpatterns,
    *detail.urlpatterns,
    *rules.urlpatterns,
]
