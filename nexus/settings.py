"""Django settings; every value comes from nexus.config (the environment)."""

from __future__ import annotations

from pathlib import Path

from nexus.config import config

ADMIN_DIR = Path(__file__).resolve().parent / "admin"

_cfg = config()

SECRET_KEY = _cfg.secret_key
DEBUG = _cfg.debug
ALLOWED_HOSTS = list(_cfg.allowed_hosts)

# The product keeps no relational database: DynamoDB holds everything.
DATABASES: dict[str, dict[str, str]] = {}

INSTALLED_APPS = [
    # The admin without a relational database: SimpleAdminConfig (no autodiscovery of
    # ModelAdmins), auth and contenttypes for their classes only (never queried).
    "django.contrib.admin.apps.SimpleAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "nexus.apps.NexusConfig",
    "domains.identity.apps.IdentityConfig",
    "domains.projects.apps.ProjectsConfig",
    "domains.agents.apps.AgentsConfig",
    "domains.lab.apps.LabConfig",
    "domains.analytics.apps.AnalyticsConfig",
]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

MIDDLEWARE = [
    # outermost: attributes DynamoDB calls to the request's organisation, flushes costs
    "nexus.cost_middleware.CostAttributionMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# Staff sign in to /admin/ as identity users (is_staff); their sessions live in
# `user-sessions` with a TTL. The user class is unmanaged and never queried.
AUTH_USER_MODEL = "nexus.StaffUser"
AUTHENTICATION_BACKENDS = ["nexus.admin.backend.StaffBackend"]
SESSION_ENGINE = "nexus.admin.sessions"
SESSION_COOKIE_AGE = 8 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not _cfg.debug
CSRF_COOKIE_SECURE = not _cfg.debug
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

ROOT_URLCONF = "nexus.urls"
WSGI_APPLICATION = "nexus.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [ADMIN_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

STATIC_URL = "/static/"
STATICFILES_DIRS = [ADMIN_DIR / "static"]
# WhiteNoise serves /static/ from the finders (Django admin's files in the installed package,
# ours in STATICFILES_DIRS), indexed once at start-up: no collectstatic step, no STATIC_ROOT,
# no web server in front, DEBUG on or off. The names carry no hash, so caching stays short.
WHITENOISE_USE_FINDERS = True
USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
}

NEXUS = _cfg
