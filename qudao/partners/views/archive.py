"""archive: to be written."""

urlpatterns = []
