"""URL configuration: the API under /api/, the admin under /admin/, MLflow's tracking API
under /mlflow/ (with the lab)."""

from django.urls import path

from nexus.admin.site import site
from nexus.api import api
from nexus.config import config

urlpatterns = [
    path("api/", api.urls),
    path("admin/", site.urls),
]
if "ai_lab" in config().features:  # MLflow's tracking URI: http://<host>/mlflow
    from nexus.mlflow_api import mlflow_api

    urlpatterns.append(path("mlflow/", mlflow_api.urls))
