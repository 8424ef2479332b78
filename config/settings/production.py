"""Production: DEBUG off, a secret key from the environment, HTTPS everywhere behind nginx."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import _mailer, env

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
