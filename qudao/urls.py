from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path

from qudao.api import api
from qudao.core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("partners/", include("qudao.partners.urls")),
    path("", include("qudao.core.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
