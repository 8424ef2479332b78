"""Settings for every environment, read from the process environment (and an optional `.env`).

Defaults give the embedded single-machine platform: SQLite, local files, a SQLite-backed huey
queue, console e-mail. `production.py` tightens them; `test.py` makes tests fast and self-contained.
"""

import secrets
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)


def _development_secret_key() -> str:
    """A random key generated once into a git-ignored file: never a constant in the code."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env.str("SECRET_KEY", default="") or _development_secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rules.apps.AutodiscoverRulesConfig",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_htmx",
    "huey.contrib.djhuey",
    "contest",
    "judging",
    "results",
    "awards",
    "publication",
    "certificates",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "contest.middleware.LanguageMiddleware",
    "contest.middleware.AccessErrorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "contest.context_processors.roles",
            ],
        },
    },
]

# --- Database: SQLite in WAL mode with IMMEDIATE transactions unless DATABASE_URL says otherwise.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000;"
        ),
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

# --- Accounts
AUTH_USER_MODEL = "contest.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3  # also the lifetime of an e-mail verification link

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env.int("PROXY_COUNT", default=0)


# --- E-mail: console by default, SMTP (or a file folder) by EMAIL_URL.
def _mailer(url: dict, raw: str = "") -> dict:
    if raw.startswith("filemail:///"):  # django-environ drops the leading "/" of absolute paths
        url["EMAIL_FILE_PATH"] = "/" + url["EMAIL_FILE_PATH"].lstrip("/")
    options = {
        "host": url.get("EMAIL_HOST"),
        "port": url.get("EMAIL_PORT"),
        "username": url.get("EMAIL_HOST_USER"),
        "password": url.get("EMAIL_HOST_PASSWORD"),
        "use_tls": url.get("EMAIL_USE_TLS"),
        "use_ssl": url.get("EMAIL_USE_SSL"),
        "file_path": url.get("EMAIL_FILE_PATH"),
    }
    backend = url["EMAIL_BACKEND"]
    keep = {
        "smtp": {"host", "port", "username", "password", "use_tls", "use_ssl"},
        "filebased": {"file_path"},
    }.get(backend.split(".")[-2], set())
    options = {k: v for k, v in options.items() if k in keep and v not in (None, "")}
    return {"BACKEND": backend, "OPTIONS": options}


MAILERS = {
    "default": _mailer(
        env.email_url("EMAIL_URL", default="consolemail://"), env.str("EMAIL_URL", default="")
    )
}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="微课大赛评审平台 <noreply@localhost>")
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# Certificates: TrueType fonts tried after the bundled Noto Serif SC for characters it lacks
# (e.g. a CJK Extension B font for rare name characters); checks of certificates per address.
CERTIFICATE_FONT_PATHS = env.list("CERTIFICATE_FONT_PATHS", default=[])
CERTIFICATE_VERIFY_LIMIT = env.int("CERTIFICATE_VERIFY_LIMIT", default=20)
CERTIFICATE_VERIFY_WINDOW_SECONDS = env.int("CERTIFICATE_VERIFY_WINDOW_SECONDS", default=600)

# --- Language and time: Simplified Chinese first, China's time zone.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "lang"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Files
STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
# Uploaded works live here, outside every public URL; views check permissions and stream them.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=VAR_DIR / "private")
# In production nginx sends private files: a view answers with X-Accel-Redirect to this internal
# location prefix (deploy/nginx/microvideo.conf). Empty: Django streams the bytes itself.
PRIVATE_MEDIA_ACCEL_PREFIX = env.str("PRIVATE_MEDIA_ACCEL_PREFIX", default="")
# S3-compatible storage for every private file (contest/media/store.py): on when S3_BUCKET is
# set. Files are then sent by short-lived presigned URLs and browsers upload straight to the
# bucket (docs/deploy.md). Credentials: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.
S3_BUCKET = env.str("S3_BUCKET", default="")
S3_ENDPOINT_URL = env.str("S3_ENDPOINT_URL", default="")
S3_REGION = env.str("S3_REGION", default="")
S3_ADDRESSING_STYLE = env.str("S3_ADDRESSING_STYLE", default="")
# A video player keeps seeking with the URL it was sent to: long enough to watch one video.
S3_PRESIGN_SECONDS = env.int("S3_PRESIGN_SECONDS", default=900)
# Browser uploads go in parts of this size (S3 wants at least 5 MB but for the last).
S3_PART_SIZE = env.int("S3_PART_SIZE_MB", default=16) * 1024 * 1024
AWS_ACCESS_KEY_ID = env.str("AWS_ACCESS_KEY_ID", default="")
AWS_SECRET_ACCESS_KEY = env.str("AWS_SECRET_ACCESS_KEY", default="")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- Background work: django.tasks through huey; SQLite storage by default, Redis by REDIS_URL.
REDIS_URL = env.str("REDIS_URL", default="")
HUEY_IMMEDIATE = env.bool("HUEY_IMMEDIATE", default=False)
if REDIS_URL:
    HUEY = {
        # Task results expire, so that a long contest cannot fill Redis's memory with them.
        "huey_class": "huey.RedisExpireHuey",
        "expire_time": env.int("TASK_RESULT_TTL", default=7 * 24 * 3600),
        "name": env.str("HUEY_NAME", default="microvideo"),
        "url": REDIS_URL,
        "immediate": HUEY_IMMEDIATE,
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": env.str("HUEY_NAME", default="microvideo"),
        "filename": env.str("HUEY_FILENAME", default=str(VAR_DIR / "huey.sqlite3")),
        "immediate": HUEY_IMMEDIATE,
    }
HUEY["consumer"] = {"workers": env.int("HUEY_WORKERS", default=2), "worker_type": "thread"}
# Task queues (a task's queue_name; see contest/queues.py). With REDIS_URL each queue has its own
# consumers (`manage.py run_worker --queue NAME`): video jobs and bulk exports never wait for each
# other. Without it they all share the SQLite queue above and its one `run_huey` consumer.
# Process workers enforce `timeout` (seconds); thread workers cannot stop a running task.
TASK_QUEUES = {
    "default": {"timeout": None},
    "video": {
        "timeout": env.int("VIDEO_TIME_LIMIT", default=3600),
        "consumer": {"workers": env.int("HUEY_VIDEO_WORKERS", default=1), "worker_type": "process"},
    },
    "bulk": {
        "timeout": env.int("BULK_TIME_LIMIT", default=3 * 3600),
        "consumer": {"workers": env.int("HUEY_BULK_WORKERS", default=1), "worker_type": "process"},
    },
}
# How long a media job's claim stays valid without a heartbeat: a worker that stops beating for
# this long is taken for dead and its job is given to another one (contest/services/jobs.py).
MEDIA_JOB_LEASE_SECONDS = env.int("MEDIA_JOB_LEASE_SECONDS", default=90)
# A resumable (tus) upload that receives no bytes for this long expires; a periodic task deletes
# its partial file (contest/services/tus.py).
TUS_UPLOAD_EXPIRY_HOURS = env.int("TUS_UPLOAD_EXPIRY_HOURS", default=24)
# Exports: up to this many rows are sent at once, larger ones become generated files, which
# can be downloaded for GENERATED_FILE_HOURS and are failed after GENERATED_FILE_STALE_HOURS.
EXPORT_STREAM_ROW_LIMIT = env.int("EXPORT_STREAM_ROW_LIMIT", default=5000)
GENERATED_FILE_HOURS = env.int("GENERATED_FILE_HOURS", default=48)
GENERATED_FILE_STALE_HOURS = env.int("GENERATED_FILE_STALE_HOURS", default=6)
TASKS = {
    "default": {
        "BACKEND": "contest.queues.QueueBackend",
        "QUEUES": list(TASK_QUEUES),
        "OPTIONS": {"enqueue_on_commit": True},
    }
}

# --- API
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous write then gets 401 with WWW-Authenticate, not 403.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "contest.api.pagination.Pagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "contest.api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
        "rest_framework.throttling.ScopedRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("THROTTLE_ANON", default="120/min"),
        "user": env.str("THROTTLE_USER", default="1200/min"),
        "register": env.str("THROTTLE_REGISTER", default="20/hour"),
        "login": env.str("THROTTLE_LOGIN", default="30/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "微课大赛评审平台 API",
    "DESCRIPTION": "Micro-video contest judging platform: entrants, judges and organisers.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a field called "state": give each choice set its own name.
    "ENUM_NAME_OVERRIDES": {
        "RoundStateEnum": "judging.models.rounds.Round.State",
        "AssignmentStateEnum": "judging.models.sheets.Assignment.State",
        "ScoreSheetStateEnum": "judging.models.sheets.ScoreSheet.State",
        "DivergenceCaseStateEnum": "judging.models.cases.DivergenceCase.State",
        "ProcessingStateEnum": "contest.models.ProcessingState",
        "CertificateKindEnum": "certificates.models.CertificateKind",
        "NoticeStateEnum": "publication.models.Notice.State",
        "AppealStateEnum": "publication.models.Appeal.State",
        "GeneratedFileStateEnum": "reports.models.GeneratedFile.State",
        "AwardKindEnum": "awards.models.Kind",
    },
}

# --- Security headers that hold everywhere (production.py adds the HTTPS ones).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SECURE_CSP = {
    "default-src": ["'self'"],
    "img-src": ["'self'", "data:", "blob:"],
    "media-src": ["'self'", "blob:"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "worker-src": ["'self'", "blob:"],
    "object-src": ["'none'"],
    "frame-ancestors": ["'none'"],
}
# With files in a bucket, pages play and show them from presigned URLs and upload parts to it:
# the bucket's origin as browsers see it (S3_BROWSER_ORIGIN, else the endpoint's), e.g.
# https://microvideo.s3.eu-west-1.amazonaws.com for AWS's virtual-hosted addresses.
S3_BROWSER_ORIGIN = env.str("S3_BROWSER_ORIGIN", default="") or S3_ENDPOINT_URL
if S3_BUCKET and S3_BROWSER_ORIGIN:
    SECURE_CSP["connect-src"] = ["'self'", S3_BROWSER_ORIGIN]
    SECURE_CSP["img-src"].append(S3_BROWSER_ORIGIN)
    SECURE_CSP["media-src"].append(S3_BROWSER_ORIGIN)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
