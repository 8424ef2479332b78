"""Production: DEBUG off, a secret key from the environment, HTTPS everywhere behind nginx, a
shared Redis cache and cached sessions when Redis is configured (see docs/deploy.md)."""

from urllib.parse import urlsplit, urlunsplit

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import REDIS_URL, _mailer, env

DEBUG = False
SECRET_KEY = env.str("SECRET_KEY", default="")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be set in the environment (50+ random characters).")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
# E-mail goes out by SMTP: the local MTA unless EMAIL_URL names another server.
MAILERS = {"default": _mailer(env.email_url("EMAIL_URL", default="smtp://localhost:25"))}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
USE_X_FORWARDED_HOST = env.bool("USE_X_FORWARDED_HOST", default=False)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
SILENCED_SYSTEM_CHECKS = env.list("SILENCED_SYSTEM_CHECKS", default=[])


# PostgreSQL connections are reused (base.py: CONN_MAX_AGE, 60 s by default) and checked before
# reuse (CONN_HEALTH_CHECKS), so a restarted database costs a reconnection, not an error page.


def _next_database(url: str) -> str:
    """The same Redis server, the next database number: the cache's FLUSHDB (cache.clear())
    must never empty the task queues."""
    parts = urlsplit(url)
    number = int(parts.path.strip("/") or 0) + 1
    return urlunsplit(parts._replace(path=f"/{number}"))


# Several web nodes share one cache (login throttling, API throttles) and one session store:
# Redis by CACHE_URL, or by default the queue's Redis server in the next database.
_cache_url = env.str("CACHE_URL", default="") or (_next_database(REDIS_URL) if REDIS_URL else "")
if _cache_url:
    CACHES = {"default": {**env.cache_url_config(_cache_url), "KEY_PREFIX": "microvideo"}}
    # Sessions read from the cache and are written through to the database: a Redis restart
    # logs nobody out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
