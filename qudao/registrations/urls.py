from .views import detail, editing, lists, review, rules

app_name = "registrations"

urlpatterns = [
    *lists.urlpatterns,
    *review.urlpatterns,
    *editing.urlpatterns,
    *detail.urlpatterns,
    *rules.urlpatterns,
]
