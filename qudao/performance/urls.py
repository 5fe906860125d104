from .views import urlpatterns as pages

app_name = "performance"

urlpatterns = [*pages]
