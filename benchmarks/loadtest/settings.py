"""Settings of the load test (run.sh): production's, less what needs TLS.

Everything else is as deployed (DEBUG off, Redis cache and cached sessions, PostgreSQL with
connection reuse). The load test talks plain HTTP on loopback with no nginx in front, so
cookies cannot be Secure and nothing redirects to HTTPS; static files are not requested by the
simulated browsers (a real one has them cached, and nginx serves them), so they need no
collected manifest.
"""

from config.settings.production import *  # noqa: F403

SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
