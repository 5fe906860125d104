"""agreements: to be written."""

urlpatterns = []
