"""imports: to be written."""

urlpatterns = []
