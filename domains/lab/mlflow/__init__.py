"""MLflow compatibility: the tracking REST API (`/api/2.0/mlflow/...`) over the lab's services."""
