"""URL configuration: the API under /api/, the admin under /admin/."""

from django.urls import path

from nexus.admin.site import site
from nexus.api import api

urlpatterns = [
    path("api/", api.urls),
    path("admin/", site.urls),
]
