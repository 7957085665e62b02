"""URL configuration: the API under /api/."""

from django.urls import path

from nexus.api import api

urlpatterns = [
    path("api/", api.urls),
]
