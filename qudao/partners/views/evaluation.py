"""evaluation: to be written."""

urlpatterns = []
