"""tiers: to be written."""

urlpatterns = []
