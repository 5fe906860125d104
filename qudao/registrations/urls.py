from .views import detail, drafts, partner_tab, registrations, review, rules

app_name = "registrations"

urlpatterns = [
    *registrations.urlpatterns,
    *review.urlpatterns,
    *drafts.urlpatterns,
    *detail.urlpatterns,
    *rules.urlpatterns,
    *partner_tab.urlpatterns,
]
