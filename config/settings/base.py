"""Settings shared by every environment, read from the environment with django-environ.

Environment-specific modules (local, test, production) import this one and adjust it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from config.cache import resilient_redis_cache

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")

SECRET_KEY = env("DJANGO_SECRET_KEY")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS: list[str] = env.list("DJANGO_ALLOWED_HOSTS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_filters",
    "django_tables2",
    "axes",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Project apps, lowest layer first (see STYLE.md).
    "outbox",
    "taxonomy",
    "accounts",
    "participants",
    "workplaces",
    "supervisors",
    "placements",
    "reporting",
    "privacy",
    "api",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "accounts.middleware.SessionLifetimeMiddleware",
    # Binds the request's database session to its user's municipality (row-level security on PostgreSQL).
    "accounts.tenancy.TenancyMiddleware",
    "accounts.middleware.NoStoreMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lock-out answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.roles",
            ],
        },
    },
]

# Database: PostgreSQL in production, embedded SQLite when DATABASE_URL is unset.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Take the write lock when a transaction begins, so two transactions that check and then
    # take a capacity (a need's last place) run one after the other, as row locks do on PostgreSQL.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
else:
    # No just-in-time compilation of queries: it pays off only for long analytical scans, and the planner's
    # estimate of the capacity queries' nested subqueries (placements.occupancy) crosses jit_above_cost,
    # so compiling took 1.2 of the 1.3 s of the allocation's open-needs query (README "Benchmarks").
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
# A connection kept between requests is checked before use, so a restarted database
# costs one failed check, not a failed request.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A PostgreSQL streaming replica of `default` for the reporting reads (config/db_router.py): the quarterly
# report's, the dashboard summary's and the API's figures, once the replica has replayed what the primary
# had committed, within DATABASE_REPLICA_MAX_LAG seconds; otherwise, and while it does not answer, they
# read from the primary. Nothing is written to it, nor migrated on it. Unset: no replica.
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL", default="")
DATABASE_REPLICA_MAX_LAG = env.float("DATABASE_REPLICA_MAX_LAG", default=5.0)
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = env.db_url_config(DATABASE_REPLICA_URL)
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    if DATABASES["replica"]["ENGINE"] == "django.db.backends.postgresql":
        # A replica that is down is given up quickly: the reads go to the primary.
        DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)
        DATABASES["replica"]["OPTIONS"].setdefault("options", "-c jit=off")  # as on the primary
    # Tests read the test database through it.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["config.db_router.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out username before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lock-out after 10 failed logins, per username and per username + IP address, for 15 minutes.
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", ["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Attempts while locked are refused without being counted, so the lock ends 15 minutes after it began:
# were each one to restart it, anyone could keep any account locked by trying its user name.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# Sessions end after 30 minutes without a request, and at the latest 12 hours after login
# (accounts.middleware.SessionLifetimeMiddleware).
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_MAX_HOURS = 12
# With Redis, sessions are read from the cache and written through to the database (cached_db): every
# web node sees every session, a request reads none from the database, and a Redis that is down or
# emptied logs no one out (the database has them). Without Redis, in the database.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if env("REDIS_URL", default="")
    else "django.contrib.sessions.backends.db"
)

# Content-Security-Policy: scripts and styles only from our own origin, no inline code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# The REST API (/api/v1/): a token for integration users (accounts.tokens: created and revoked in the
# admin, stored hashed), the session for the browser (CSRF enforced). JSON only; the docs page is /api/docs/.
REST_FRAMEWORK = {
    # The token first: an anonymous request is answered 401 with "WWW-Authenticate: Token".
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ClientRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PagePagination",
    "DEFAULT_FILTER_BACKENDS": ["api.pagination.FilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.base.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# At most this many API requests per user (api/throttling.py); empty for no ceiling.
API_THROTTLE_RATE = env.str("API_THROTTLE_RATE", default="1200/min")
SPECTACULAR_SETTINGS = {
    "TITLE": "Platsa API",
    "DESCRIPTION": (
        "Participants, workplaces, needs, supervisors, placements, follow-ups, matching and report figures. "
        "Authenticate with the header `Authorization: Token <key>`: a key of an integration user, created in "
        "the admin (API tokens) and shown once, or use the signed-in browser session."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from the drf-spectacular-sidecar package, served as our own static files.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name per choice set where several fields share it, or one field name has several.
    "ENUM_NAME_OVERRIDES": {
        "SwedishLevelEnum": "taxonomy.models.SwedishLevel",
        "EducationLevelEnum": "taxonomy.models.EducationLevel",
        "ProgressEnum": "placements.forms.PROGRESS",
        "ParticipantStatusEnum": "participants.models.ParticipantStatus",
        "NeedStatusEnum": "workplaces.models.NeedStatus",
        "PlacementStatusEnum": "placements.models.PlacementStatus",
        "MeetingKindEnum": "placements.models.MeetingKind",
        "NoteKindEnum": "participants.models.NoteKind",
        "OrganisationKindEnum": "workplaces.models.OrganisationKind",
    },
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Passwords are hashed with Argon2id (accounts/hashers.py); hashes made with Django's PBKDF2 default are
# still accepted and re-hashed with Argon2id at the user's next login.
PASSWORD_HASHERS = [
    "accounts.hashers.Argon2idPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Argon2id cost: OWASP's recommended minimum (19 MiB, 2 passes) unless raised here.
ARGON2_MEMORY_KIB = env.int("ARGON2_MEMORY_KIB", default=19 * 1024)
ARGON2_TIME_COST = env.int("ARGON2_TIME_COST", default=2)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Language and time: Swedish by default, English available; Swedish time.
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

# Static files: our own under static/, front-end libraries straight from node_modules (npm).
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/tom-select", NODE_MODULES / "tom-select" / "dist"),
    ("vendor/chart.js", NODE_MODULES / "chart.js" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "media/"

# Widgets render through Django's Jinja2 widget templates (config/form_renderer.py explains why).
FORM_RENDERER = "config.form_renderer.FastWidgetRenderer"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
DJANGO_TABLES2_TEMPLATE = "django_tables2/platsa.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table table-hover align-middle"}

# Cache: Redis when configured, else local memory.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    # A Redis that is down reads as an empty cache, so pages keep working (config/cache.py).
    CACHES = {"default": resilient_redis_cache(REDIS_URL)}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Matching keeps each need's arrays between rankings (placements.matching.kept_need_arrays) only where every
# process hears of a change through a shared cache: Redis. With the per-process cache, each ranking reads them.
MATCHING_KEEP_NEED_ARRAYS = env.bool("MATCHING_KEEP_NEED_ARRAYS", default=bool(REDIS_URL))
# A directory of this machine's own (best on tmpfs: /dev/shm/platsa-features) where the matching's
# features are written once and memory-mapped by every worker of the machine (placements.matching.shared);
# empty: each process keeps its own copy. Shared only while the shared cache answers (the generation).
MATCHING_FEATURES_DIR = env("MATCHING_FEATURES_DIR", default="")
# The API ceiling (api/throttling.py) must count across all web workers: in Redis when there is one,
# else in a table of the database, which every worker shares (`migrate` creates it, see api/apps.py).
API_THROTTLE_CACHE = "default" if REDIS_URL else "throttle"
THROTTLE_DATABASE_CACHE = {
    "BACKEND": "django.core.cache.backends.db.DatabaseCache",
    "LOCATION": "platsa_api_throttle",
    # One row per API user counted in the last minute; culling above this would forget counts.
    "OPTIONS": {"MAX_ENTRIES": 100_000},
}
if not REDIS_URL:
    CACHES["throttle"] = THROTTLE_DATABASE_CACHE

# Celery: Redis as broker when configured. With no broker, tasks run eagerly in the
# calling process, so the app works on a bare machine.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT * 5 // 6
# Longer than any task's hard time limit, so a slow task is not delivered twice; a task whose
# worker died unacknowledged is delivered again after it.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 2 * CELERY_TASK_TIME_LIMIT,
    # How often a worker looks for such messages: every interval × throttle seconds (Kombu's defaults).
    "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": env.int("CELERY_UNACKED_RESTORE_THROTTLE", default=10),
    # A broker that is down answers quickly, so a page that queues work is not held up.
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# Retry the connection at worker start-up, as Celery 6 will (and without its warning).
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
CELERY_BEAT_SCHEDULE = {
    # Every minute: send queued work that the broker could not take when it was queued.
    "outbox-relay": {
        "task": "outbox.tasks.relay_outbox",
        "schedule": 60.0,
    },
    # Every minute: refresh the dashboard's figures if the data moved on without saying so (see
    # reporting/dashboard.py; changes made through the app queue their refresh themselves).
    "dashboard-summaries": {
        "task": "reporting.tasks.check_dashboard_summaries",
        "schedule": 60.0,
    },
    # Every morning on weekdays: reminders about follow-ups due soon or overdue. At 08:00, when the
    # night's quiet hours for text messages end (sms.quiet_hours).
    "follow-up-reminders": {
        "task": "placements.tasks.send_follow_up_reminders",
        "schedule": crontab(hour=8, minute=0, day_of_week="mon-fri"),
    },
    # Every quarter of an hour, outside the night: text reminders to participants (the day before
    # the first day of a placement, and before each meeting); a second run queues nothing twice.
    "participant-text-reminders": {
        "task": "placements.tasks.queue_participant_reminders",
        "schedule": crontab(minute="*/15", hour="8-20"),
    },
    # The same for supervisors who prefer text messages (placements/supervisor_sms.py).
    "supervisor-text-reminders": {
        "task": "placements.tasks.queue_supervisor_reminders",
        "schedule": crontab(minute="*/15", hour="8-20"),
    },
    # The first day of each quarter: the report of the quarter just ended.
    "quarterly-report": {
        "task": "reporting.tasks.generate_previous_quarter_report",
        "schedule": crontab(hour=5, minute=0, day_of_month=1, month_of_year="1,4,7,10"),
    },
    # Every night: the retention rules (gallring); a second run the same day does nothing.
    "retention": {
        "task": "privacy.tasks.apply_retention_rules",
        "schedule": crontab(hour=2, minute=30),
    },
}
CELERY_ACCEPT_CONTENT = ["json"]

# When follow-ups fall due once a placement starts: "<N>d" days after the start, "mid" the
# midpoint, "end" the last working day. Dates move to working days. The default: a municipality's
# own schedule (accounts.Municipality.follow_up_schedule) overrides it.
FOLLOW_UP_SCHEDULE: list[str] = env.list("FOLLOW_UP_SCHEDULE", default=["14d", "mid", "end"])

# The address people reach Platsa at, for links in e-mail and text messages. The default: a
# municipality's own site address (accounts.Municipality.site_url) overrides it.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="platsa@localhost")
# For EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend (the fault tests use it).
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(BASE_DIR / "var" / "mail"))

# Text messages (the sms package): a backend like EMAIL_BACKEND. In production the provider's REST
# API (46elks-like: POST from/to/message with basic auth); development uses the console, tests locmem.
SMS_BACKEND = env("SMS_BACKEND", default="sms.backends.http.SmsBackend")
SMS_HTTP_URL = env("SMS_HTTP_URL", default="https://api.46elks.com/a1/sms")
SMS_HTTP_USERNAME = env("SMS_HTTP_USERNAME", default="")
SMS_HTTP_PASSWORD = env("SMS_HTTP_PASSWORD", default="")
SMS_HTTP_TIMEOUT = env.float("SMS_HTTP_TIMEOUT", default=10.0)
# Only for a local fake provider in tests: the credentials never go over plain HTTP otherwise.
SMS_HTTP_ALLOW_INSECURE = env.bool("SMS_HTTP_ALLOW_INSECURE", default=False)
# The sender name the message shows: at most 11 letters and digits, or a phone number.
SMS_SENDER = env("SMS_SENDER", default="Platsa")
# For SMS_BACKEND=sms.backends.filebased.SmsBackend: one file per message.
SMS_FILE_PATH = env("SMS_FILE_PATH", default=str(BASE_DIR / "var" / "sms"))

# The municipality whose figures these are: named in the title of the quarterly report (PDF and workbook).
PLATSA_MUNICIPALITY_NAME = env("PLATSA_MUNICIPALITY_NAME", default="Exempelkommun")
# Its SCB municipality code (four digits). With the name and PLATSA_LETTERHEAD it is what the migration
# to municipalities (accounts 0014) made the first accounts.Municipality of; the default is Östersund's,
# the municipality of the seeds and the demo.
PLATSA_MUNICIPALITY_CODE = env("PLATSA_MUNICIPALITY_CODE", default="2380")

# The accessibility statement (DOS-lagen): who runs the service and where people report barriers.
ACCESSIBILITY_ORGANISATION = env("ACCESSIBILITY_ORGANISATION", default="")
ACCESSIBILITY_CONTACT_EMAIL = env("ACCESSIBILITY_CONTACT_EMAIL", default=DEFAULT_FROM_EMAIL)
ACCESSIBILITY_CONTACT_PHONE = env("ACCESSIBILITY_CONTACT_PHONE", default="")

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Nothing personal in logs or error reports (config/error_reports.py): every handler masks identity
# numbers, and the error mails to ADMINS (Django's mail_admins, redefined here with the same filter)
# show no POSTed value and no local variable.
DEFAULT_EXCEPTION_REPORTER = "config.error_reports.PersonalDataExceptionReporter"
DEFAULT_EXCEPTION_REPORTER_FILTER = "config.error_reports.PersonalDataReporterFilter"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "filters": {
        "redact": {"()": "config.error_reports.RedactingFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]},
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false", "redact"],
        },
        # runserver's request lines (URLs)
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server", "filters": ["redact"]},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own configuration would print `django` records a second time when DEBUG is on.
        "django": {"handlers": ["mail_admins"], "level": "INFO", "propagate": True},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        # PDF rendering reports every step at INFO, django-axes its start; their warnings (lock-outs) stay.
        **{name: {"level": "WARNING"} for name in ("weasyprint", "fontTools", "axes")},
    },
}

# The municipality's letterhead on the placement certificate and the agreement: the unit's name,
# postal address, phone, e-mail and web address (each may be empty).
PLATSA_LETTERHEAD = {
    "unit": env("PLATSA_LETTERHEAD_UNIT", default="Arbetsmarknadsenheten"),
    "address": env("PLATSA_LETTERHEAD_ADDRESS", default=""),
    "phone": env("PLATSA_LETTERHEAD_PHONE", default=""),
    "email": env("PLATSA_LETTERHEAD_EMAIL", default=""),
    "web": env("PLATSA_LETTERHEAD_WEB", default=""),
}
# Paper signatures: the largest scan accepted (bytes).
PLATSA_SCAN_MAX_BYTES = env.int("PLATSA_SCAN_MAX_BYTES", default=10 * 1024 * 1024)
