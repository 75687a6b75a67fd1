"""One settings file, driven by the environment; every variable is listed in .env.example."""

from __future__ import annotations

import os
from pathlib import Path

import django_stubs_ext
from django.utils.translation import gettext_lazy as _

from luoshi.lib.env import ConfigError, env_bool, env_int, env_list, env_networks, parse_database_url

# Django's generic classes accept type arguments at run time (forms.ModelForm[Plan]); typing only.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("LUOSHI_DATA_DIR", BASE_DIR / "var"))

DEBUG = env_bool("LUOSHI_DEBUG", False)
SECRET_KEY = os.environ.get("LUOSHI_SECRET_KEY", "")
PRODUCTION = env_bool("LUOSHI_PRODUCTION", False)
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
    "luoshi.web",
    "luoshi.benchmark",
    "luoshi.portal",
    "luoshi.commitments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "luoshi.web.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before CSRF, whose check reads the body: an oversize upload is refused unread (413).
    "luoshi.lib.uploads.UploadLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "luoshi.web.badinput.RejectNulMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "luoshi.audit.middleware.RequestContextMiddleware",
    # The shared errors (luoshi.errors) a page view lets escape: 403/404 pages, or the message.
    "luoshi.web.errors.ErrorMiddleware",
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
if DATABASES["default"]["ENGINE"].endswith("sqlite3") and DATABASES["default"]["NAME"] != ":memory:":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if env_bool("LUOSHI_FAST_HASHER", False):
    PASSWORD_HASHERS.insert(0, "django.contrib.auth.hashers.MD5PasswordHasher")
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
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
SESSION_COOKIE_SECURE = env_bool("LUOSHI_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LUOSHI_LOG_LEVEL", "WARNING")},
    # Huey adds its own handler; don't print its lines twice through the root logger.
    "loggers": {"huey": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}
