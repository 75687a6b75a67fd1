"""One settings file, driven by the environment; every variable is listed in .env.example."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import django_stubs_ext
from django.utils.translation import gettext_lazy as _

from luoshi.lib.env import (
    ConfigError,
    env_bool,
    env_int,
    env_list,
    env_networks,
    parse_database_url,
    parse_field_keys,
)

# Django's generic classes accept type arguments at run time (forms.ModelForm[Plan]); typing only.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("LUOSHI_DATA_DIR", BASE_DIR / "var"))

DEBUG = env_bool("LUOSHI_DEBUG", False)
SECRET_KEY = os.environ.get("LUOSHI_SECRET_KEY", "")
PRODUCTION = env_bool("LUOSHI_PRODUCTION", False)
if PRODUCTION and DEBUG:
    raise ConfigError("LUOSHI_PRODUCTION and LUOSHI_DEBUG cannot both be on")
if not SECRET_KEY:
    if PRODUCTION:
        raise ConfigError("LUOSHI_PRODUCTION is set but LUOSHI_SECRET_KEY is not")
    # A development key: fine on a laptop and in tests, refused in production above.
    SECRET_KEY = "dev-insecure-luoshi-key-set-LUOSHI_SECRET_KEY-in-production"

ALLOWED_HOSTS = env_list("LUOSHI_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("LUOSHI_CSRF_TRUSTED_ORIGINS", [])
# Reverse proxies whose X-Forwarded-For is believed for the client address the audit trail records
# (addresses or networks); none by default, so a client cannot forge its recorded address.
LUOSHI_TRUSTED_PROXIES = env_networks("LUOSHI_TRUSTED_PROXIES")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "huey.contrib.djhuey",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "luoshi.audit",
    "luoshi.org",
    "luoshi.work",
    "luoshi.jobs",
    "luoshi.notify",
    "luoshi.projects",
    "luoshi.rectification",
    "luoshi.ratings",
    "luoshi.api",
    "luoshi.documents",
    "luoshi.imports",
    "luoshi.meetings",
    "luoshi.supervision",
    "luoshi.assessment",
    "luoshi.alerts",
    "luoshi.appeals",
    "luoshi.learning",
    "luoshi.enterprises",
    "luoshi.web",
    "luoshi.benchmark",
    "luoshi.portal",
    "luoshi.commitments",
    "luoshi.identity",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "luoshi.identity.headers.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Reads of GET requests on the read replica, the writer pinned to the primary (no replica: no-op).
    "luoshi.lib.replica.ReadReplicaMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "luoshi.web.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before CSRF, whose check reads the body: an oversize upload is refused unread (413).
    "luoshi.lib.uploads.UploadLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "luoshi.web.badinput.RejectNulMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Idle timeout, absolute lifetime and a forced password change, from the session alone.
    "luoshi.identity.middleware.SessionPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "luoshi.audit.middleware.RequestContextMiddleware",
    # The shared errors (luoshi.errors) a page view lets escape: 403/404 pages, or the message.
    "luoshi.web.errors.ErrorMiddleware",
    # Last: answers a request axes marked as locked out (the sign-in view answers it itself first).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "luoshi.urls"
WSGI_APPLICATION = "luoshi.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "luoshi" / "templates"],
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

DATABASE_URL = os.environ.get("DATABASE_URL", "")
if not DATABASE_URL and os.environ.get("DB", "").lower() == "postgres":
    DATABASE_URL = "postgres://postgres@127.0.0.1:5432/luoshi"
if not DATABASE_URL:
    # Absolute path form: sqlite:////abs/path (four slashes).
    DATABASE_URL = "sqlite:///" + str((DATA_DIR / "luoshi.sqlite3").resolve())
DATABASES = {"default": parse_database_url(DATABASE_URL, BASE_DIR)}
# A PostgreSQL streaming replica of the primary: pages, exports and API reads go there, writes and
# transactions to the primary, with read-your-own-writes for the writer (luoshi/lib/replica.py).
# Unset (the default), nothing changes.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    _replica = parse_database_url(DATABASE_REPLICA_URL, BASE_DIR)
    if not (
        _replica["ENGINE"].endswith("postgresql") and DATABASES["default"]["ENGINE"].endswith("postgresql")
    ):
        raise ConfigError("DATABASE_REPLICA_URL needs PostgreSQL for both DATABASE_URL and the replica")
    _replica["TEST"] = {"MIRROR": "default"}  # a test run reads its own test database
    DATABASES["replica"] = _replica
DATABASE_ROUTERS = ["luoshi.lib.replica.ReplicaRouter"]
if DATABASES["default"]["ENGINE"].endswith("sqlite3") and DATABASES["default"]["NAME"] != ":memory:":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if env_bool("LUOSHI_FAST_HASHER", False):
    PASSWORD_HASHERS.insert(0, "django.contrib.auth.hashers.MD5PasswordHasher")
# Password policy (口令策略, GB/T 22239 level 3): long enough, three of four character classes, not
# like the username, not a common password. Checked by every service that sets a password.
LUOSHI_PASSWORD_MIN_LENGTH = env_int("LUOSHI_PASSWORD_MIN_LENGTH", 10)
LUOSHI_PASSWORD_MIN_CLASSES = env_int("LUOSHI_PASSWORD_MIN_CLASSES", 3)
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": LUOSHI_PASSWORD_MIN_LENGTH},
    },
    {"NAME": "luoshi.identity.validators.CharacterClassesValidator"},
    {"NAME": "luoshi.identity.validators.NotUsernameValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Days a password lasts before its holder must change it at sign-in (0: never).
LUOSHI_PASSWORD_MAX_AGE_DAYS = env_int("LUOSHI_PASSWORD_MAX_AGE_DAYS", 90)
AUTHENTICATION_BACKENDS = [
    # First: counts failed sign-ins and refuses a locked account or address before the password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lockout (登录失败处理): an account is locked after this many failed sign-ins, for this long …
AXES_FAILURE_LIMIT = env_int("LUOSHI_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LUOSHI_LOCKOUT_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes warns that the address is not a lockout parameter: the per-address limit is ours (below,
# luoshi/identity/throttle.py), higher than the account's, over the same records.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
# Attempts during a lockout are refused unchecked and do not extend it (nor count as new failures).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_DISABLE_ACCESS_LOG = True  # sign-ins are recorded in the audit trail, not twice
AXES_CLIENT_IP_CALLABLE = "luoshi.identity.throttle.axes_client_ip"
AXES_LOCKOUT_CALLABLE = "luoshi.identity.views.locked_out"
AXES_VERBOSE = False
# … and an address is refused after this many failures within the same period, whatever the accounts
# (password spraying); higher than the account's, since an office shares one address behind NAT.
LUOSHI_LOGIN_ADDRESS_LIMIT = env_int("LUOSHI_LOGIN_ADDRESS_LIMIT", 20)
# Sessions: signed out after this many idle minutes, and after this many hours whatever the activity.
LUOSHI_SESSION_IDLE_MINUTES = env_int("LUOSHI_SESSION_IDLE_MINUTES", 30)
LUOSHI_SESSION_MAX_HOURS = env_int("LUOSHI_SESSION_MAX_HOURS", 12)
SESSION_COOKIE_AGE = LUOSHI_SESSION_MAX_HOURS * 3600
# Second factor (双因子): TOTP for officers, leaders and the three admin duties. LUOSHI_2FA_RELAXED lets
# those without a device sign in with the password alone, for the demo: honoured only with LUOSHI_DEBUG.
LUOSHI_2FA_RELAXED = DEBUG and env_bool("LUOSHI_2FA_RELAXED", True)
OTP_TOTP_ISSUER = os.environ.get("LUOSHI_TOTP_ISSUER", "落实 Luoshi")
# What only a developer's machine may do: load the demo (published password), and let a superuser
# act as every role. Without LUOSHI_DEBUG both are refused.
LUOSHI_DEMO_ALLOWED = DEBUG
LUOSHI_SUPERUSER_BYPASS = DEBUG
# The OpenAPI schema and its docs page: behind sign-in in production mode.
LUOSHI_API_DOCS_PUBLIC = env_bool("LUOSHI_API_DOCS_PUBLIC", not PRODUCTION)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "luoshi" / "locale"]
TIME_ZONE = os.environ.get("LUOSHI_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
# WhiteNoise serves the apps' static files straight from their folders too, so a server started by
# any command (`luoshi runserver`, gunicorn) has its styles and scripts before `collectstatic` has
# run; files collected into STATIC_ROOT are served as well. Production may still collect them.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("LUOSHI_MEDIA_ROOT", DATA_DIR / "media"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
LUOSHI_EVIDENCE_MAX_BYTES = env_int("LUOSHI_EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)
# Largest request body of an upload page (several evidence files, an import table); larger ones
# are refused from their Content-Length before being read. Other requests: DATA_UPLOAD_MAX_MEMORY_SIZE.
LUOSHI_UPLOAD_MAX_BYTES = env_int("LUOSHI_UPLOAD_MAX_BYTES", 50 * 1024 * 1024)

SESSION_COOKIE_HTTPONLY = True
# HTTPS (传输保密性): on by production mode (LUOSHI_PRODUCTION); each can be turned off for a site
# served over plain HTTP on a closed network, which `check --deploy` then reports.
SESSION_COOKIE_SECURE = env_bool("LUOSHI_SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("LUOSHI_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = env_int("LUOSHI_HSTS_SECONDS", 31_536_000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("LUOSHI_HSTS_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("LUOSHI_HSTS_PRELOAD", PRODUCTION)
# Behind nginx, which terminates TLS and says so in X-Forwarded-Proto (deploy/nginx.conf).
if env_bool("LUOSHI_BEHIND_TLS_PROXY", PRODUCTION):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Liveness and readiness probes are asked over plain HTTP on the machine itself.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (luoshi/identity/headers.py): scripts only from this site, no inline script.
LUOSHI_CSP = os.environ.get(
    "LUOSHI_CSP",
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'",
)

# Jobs (Huey): SQLite file by default so `make run` needs no Redis; LUOSHI_REDIS_URL for production.
REDIS_URL = os.environ.get("LUOSHI_REDIS_URL", "")
HUEY_IMMEDIATE = env_bool("LUOSHI_JOBS_IMMEDIATE", False)
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "luoshi",
        "url": REDIS_URL,
        "immediate": HUEY_IMMEDIATE,
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "luoshi",
        "filename": str(DATA_DIR / "jobs.sqlite3"),
        "immediate": HUEY_IMMEDIATE,
    }
    # Huey opens its file when the app loads, so every command (migrate with a DATABASE_URL
    # elsewhere, too) needs the data folder: make it here, as for the SQLite database above.
    DATA_DIR.mkdir(parents=True, exist_ok=True)
HUEY["consumer"] = {"workers": env_int("LUOSHI_JOB_WORKERS", 2), "worker_type": "thread"}
# A running job's lease, renewed by its worker every third of it: a job whose worker died runs
# again once the lease has run out (at the next worker start or within the minute).
LUOSHI_JOB_LEASE_SECONDS = env_int("LUOSHI_JOB_LEASE_SECONDS", 60)
# Plans the daily tick works on at once (PostgreSQL only; SQLite always ticks one at a time).
LUOSHI_TICK_THREADS = env_int("LUOSHI_TICK_THREADS", 2)
# Light changes of followed tasks are told once they have been quiet this long (or their day ended):
# a burst of approvals or a flap back and forth within it sends one notice of the net change, or none.
LUOSHI_NOTIFY_QUIET_MINUTES = env_int("LUOSHI_NOTIFY_QUIET_MINUTES", 15)
# Reminder channels besides in-app (luoshi/notify/channels.py); each is off until configured.
LUOSHI_SITE_URL = os.environ.get("LUOSHI_SITE_URL", "")  # links in e-mails and robot messages
LUOSHI_NOTIFY_EMAIL = env_bool("LUOSHI_NOTIFY_EMAIL", False)  # send through EMAIL_* (SMTP)
EMAIL_HOST = os.environ.get("LUOSHI_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("LUOSHI_EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("LUOSHI_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("LUOSHI_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("LUOSHI_EMAIL_TLS", False)
EMAIL_TIMEOUT = env_int("LUOSHI_NOTIFY_HTTP_TIMEOUT", 5)
DEFAULT_FROM_EMAIL = os.environ.get("LUOSHI_EMAIL_FROM", "luoshi@localhost")
LUOSHI_SMS_URL = os.environ.get("LUOSHI_SMS_URL", "")
LUOSHI_SMS_KEY = os.environ.get("LUOSHI_SMS_KEY", "")
LUOSHI_WECOM_WEBHOOK = os.environ.get("LUOSHI_WECOM_WEBHOOK", "")
LUOSHI_DINGTALK_WEBHOOK = os.environ.get("LUOSHI_DINGTALK_WEBHOOK", "")
LUOSHI_DINGTALK_SECRET = os.environ.get("LUOSHI_DINGTALK_SECRET", "")
LUOSHI_NOTIFY_HTTP_TIMEOUT = env_int("LUOSHI_NOTIFY_HTTP_TIMEOUT", 5)
# Deadline reminders of the daily tick (N days before due, overdue, late report, weekly digest).
LUOSHI_REMINDERS = env_bool("LUOSHI_REMINDERS", True)
LUOSHI_REMINDER_DAYS_BEFORE = [int(n) for n in env_list("LUOSHI_REMINDER_DAYS_BEFORE", ["7", "3", "1"])]
# Reminders before a supervision notice's response deadline (督办单反馈到期提醒), days before.
LUOSHI_NOTICE_DUE_DAYS_BEFORE = [int(n) for n in env_list("LUOSHI_NOTICE_DUE_DAYS_BEFORE", ["3", "1"])]
# Enterprise appeals without an account (web form, Open311): at most this many from one network
# address in 10 minutes and in a day (an industrial park behind one address files several a day).
LUOSHI_APPEALS_PER_10_MINUTES = env_int("LUOSHI_APPEALS_PER_10_MINUTES", 3)
LUOSHI_APPEALS_PER_DAY = env_int("LUOSHI_APPEALS_PER_DAY", 20)

# Logs to standard error: `text` for a terminal, `json` (one object a line) for a log collector.
LUOSHI_LOG_FORMAT = os.environ.get("LUOSHI_LOG_FORMAT", "text")
if LUOSHI_LOG_FORMAT not in ("text", "json"):
    raise ConfigError(f"LUOSHI_LOG_FORMAT must be text or json, not {LUOSHI_LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "luoshi.lib.jsonlog.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LUOSHI_LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": os.environ.get("LUOSHI_LOG_LEVEL", "WARNING")},
    # Huey adds its own handler; don't print its lines twice through the root logger.
    "loggers": {"huey": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}

# The audit trail (luoshi/audit, docs/operations.md): the chain's HMAC-SM3 key and the Ed25519 key
# pair of its signed checkpoints live outside the database; the checkpoints go to a directory the
# operator names (write-once storage, another machine). Outside production mode fixed development
# keys and var/audit-anchor stand in; production mode refuses to start without them.
LUOSHI_AUDIT_KEY = os.environ.get("LUOSHI_AUDIT_KEY", "")
LUOSHI_AUDIT_SIGNING_KEY = os.environ.get("LUOSHI_AUDIT_SIGNING_KEY", "")  # private key (PEM) path
LUOSHI_AUDIT_VERIFY_KEY = os.environ.get("LUOSHI_AUDIT_VERIFY_KEY", "")  # public key (PEM) path
LUOSHI_AUDIT_ANCHOR_DIR = os.environ.get("LUOSHI_AUDIT_ANCHOR_DIR", "")
if PRODUCTION:
    for _name in ("LUOSHI_AUDIT_KEY", "LUOSHI_AUDIT_SIGNING_KEY", "LUOSHI_AUDIT_ANCHOR_DIR"):
        if not os.environ.get(_name):
            raise ConfigError(f"LUOSHI_PRODUCTION is set but {_name} is not (see docs/operations.md)")
if not LUOSHI_AUDIT_KEY:
    LUOSHI_AUDIT_KEY = "dev-insecure-luoshi-audit-key-set-LUOSHI_AUDIT_KEY-in-production"
elif len(LUOSHI_AUDIT_KEY) < 32:
    raise ConfigError("LUOSHI_AUDIT_KEY must be at least 32 characters (e.g. `openssl rand -hex 32`)")
LUOSHI_AUDIT_ANCHOR_DIR = LUOSHI_AUDIT_ANCHOR_DIR or str(DATA_DIR / "audit-anchor")
# A checkpoint is written when the chain moved and the last one is older than this (the worker
# looks every minute); entries newer than the last checkpoint are protected by the chain alone.
LUOSHI_AUDIT_CHECKPOINT_SECONDS = env_int("LUOSHI_AUDIT_CHECKPOINT_SECONDS", 60)
# Whether a web process chains its writers' entries in one thread of its own (audit/background.py)
# instead of after each writer's commit: on in production mode, where gunicorn serves many writers.
LUOSHI_AUDIT_CHAIN_IN_BACKGROUND = env_bool("LUOSHI_AUDIT_CHAIN_IN_BACKGROUND", PRODUCTION)
# Whether a filed or approved report's known figures and lights (the task's and its ancestors') are
# stored after the writer's commit by one thread of the process, many reports' at once (queued in
# work.StaleTask with the report), instead of in the writer's transaction: on in production mode.
LUOSHI_LIGHTS_IN_BACKGROUND = env_bool("LUOSHI_LIGHTS_IN_BACKGROUND", PRODUCTION)
# Audit entries are kept at least this long (等保三级: 180 days at least); `luoshi audit purge`
# refuses anything younger.
LUOSHI_AUDIT_RETENTION_DAYS = env_int("LUOSHI_AUDIT_RETENTION_DAYS", 180)
if LUOSHI_AUDIT_RETENTION_DAYS < 180:
    raise ConfigError("LUOSHI_AUDIT_RETENTION_DAYS must be at least 180")

# Sensitive fields encrypted at rest with SM4-GCM (luoshi/lib/crypto_fields.py, docs/operations.md):
# LUOSHI_FIELD_KEYS is "id:hexkey,id:hexkey" (16-byte keys, 32 hex digits); the first encrypts new
# values, all decrypt (rotation). LUOSHI_FIELD_HASH_KEY keys the HMAC-SM3 lookup hashes and does not
# rotate. Outside production mode fixed development keys stand in; production refuses to start.
LUOSHI_FIELD_KEYS = os.environ.get("LUOSHI_FIELD_KEYS", "")
LUOSHI_FIELD_HASH_KEY = os.environ.get("LUOSHI_FIELD_HASH_KEY", "")
if PRODUCTION:
    for _name in ("LUOSHI_FIELD_KEYS", "LUOSHI_FIELD_HASH_KEY"):
        if not os.environ.get(_name):
            raise ConfigError(f"LUOSHI_PRODUCTION is set but {_name} is not (see docs/operations.md)")
if not LUOSHI_FIELD_KEYS:
    LUOSHI_FIELD_KEYS = "dev:" + "00112233445566778899aabbccddeeff"
parse_field_keys(LUOSHI_FIELD_KEYS)  # a malformed list stops start-up
if not LUOSHI_FIELD_HASH_KEY:
    LUOSHI_FIELD_HASH_KEY = "dev-insecure-luoshi-field-hash-key-set-LUOSHI_FIELD_HASH_KEY"
elif len(LUOSHI_FIELD_HASH_KEY) < 32:
    raise ConfigError("LUOSHI_FIELD_HASH_KEY must be at least 32 characters (e.g. `openssl rand -hex 32`)")
