from django.urls import include, path

from qudao.api import api
from qudao.core.views.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("partners/", include("qudao.partners.urls")),
    path("registrations/", include("qudao.registrations.urls")),
    path("performance/", include("qudao.performance.urls")),
    path("projects/", include("qudao.projects.urls")),
    path("", include("qudao.core.urls")),
]
# Uploaded files are never served from a public URL: each module's download view checks the
# data scope first (MEDIA_ROOT is not mounted, not even in DEBUG).
