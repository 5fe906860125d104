"""recruitment: to be written."""

urlpatterns = []
