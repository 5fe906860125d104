"""credit: to be written."""

urlpatterns = []
