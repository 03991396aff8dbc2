"""Settings for Casereview, driven by environment variables with safe embedded defaults."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CASEREVIEW_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def embedded_secret_key() -> str:
    """Keep one generated key in var/ so an embedded install needs no configuration."""
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / "secret-key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = os.environ.get("SECRET_KEY") or embedded_secret_key()
DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
USE_X_FORWARDED_FOR = env_bool("USE_X_FORWARDED_FOR")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "ninja",
    "rules.apps.AutodiscoverRulesConfig",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "casereview.core",
    "casereview.frontend",
    "casereview.accounts",
    "casereview.audit",
    "casereview.reviews",
    "casereview.records",
    "casereview.panel",
    "casereview.involvement",
    "casereview.planning",
    "casereview.interviews",
    "casereview.notifications",
    "casereview.chronology",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "casereview.core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "casereview.accounts.middleware.IdleSignOutMiddleware",
    "casereview.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "casereview.core.middleware.RequestIdMiddleware",
    "axes.middleware.AxesMiddleware",  # last, so that its lockout page is audited with the request id
]

ROOT_URLCONF = "casereview.urls"
WSGI_APPLICATION = "casereview.wsgi.application"
ASGI_APPLICATION = "casereview.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "casereview.frontend.context_processors.service",
            ],
        },
    },
]
FORM_RENDERER = "casereview.frontend.forms.GovukFormRenderer"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'casereview.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Serialise writers instead of failing with "database is locked" under concurrent requests.
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out email before the password is checked
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "reviews:dashboard"
LOGOUT_REDIRECT_URL = "accounts:sign-in"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 60 * 60)))
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG and "SECRET_KEY" in os.environ)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# No inline script or style anywhere, the API docs included (docs/decisions/0008-security-headers.md).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# Sent by casereview.core.middleware.PermissionsPolicyMiddleware: features the service never uses.
PERMISSIONS_POLICY = {"camera": [], "microphone": [], "geolocation": [], "payment": [], "usb": []}
if env_bool("SECURE_SSL_REDIRECT"):
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise serves from here once collectstatic has run
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

EMAIL_BACKEND_PATH = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
MAILERS = {"default": {"BACKEND": EMAIL_BACKEND_PATH}}
if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": os.environ.get("EMAIL_HOST", "localhost"),
        "port": int(os.environ.get("EMAIL_PORT", "25")),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS"),
    }
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "casereview@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# Sign-in hardening (docs/decisions/0006-sign-in.md).
# Two-factor sign-in (TOTP) for the roles listed; a user holding any of them, or no role at all, needs it.
CASEREVIEW_TWO_FACTOR = env_bool("CASEREVIEW_TWO_FACTOR", True)
CASEREVIEW_TWO_FACTOR_ROLES = env_list(
    "CASEREVIEW_TWO_FACTOR_ROLES",
    "board_manager,board_chair,board_member,panel_chair,panel_member,legal_adviser,lead_reviewer,"
    "imr_author,senior_manager,national_body",
)
OTP_TOTP_ISSUER = os.environ.get("CASEREVIEW_TWO_FACTOR_ISSUER", "Casereview")
# A session ends after this many minutes without a request; SESSION_COOKIE_AGE stays the absolute cap.
CASEREVIEW_IDLE_MINUTES = int(os.environ.get("CASEREVIEW_IDLE_MINUTES", "30"))
# Lockout after repeated failures, keyed on the email address tried (not the client's address).
AXES_FAILURE_LIMIT = int(os.environ.get("CASEREVIEW_LOCKOUT_FAILURES", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("CASEREVIEW_LOCKOUT_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # the lock ends 30 minutes after it began
AXES_DISABLE_ACCESS_LOG = True  # successful sign-ins are in the audit trail
AXES_LOCKOUT_CALLABLE = "casereview.accounts.views.locked_out"
AXES_VERBOSE = False
# W006 asks for the client's address as a lockout key too; we key on the email alone on purpose, so that one
# address (a council's shared internet connection) cannot lock out everyone behind it (decision 0006).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Working-day deadlines: days before a deadline when it is shown as "due soon".
CASEREVIEW_DUE_SOON_WORKING_DAYS = int(os.environ.get("CASEREVIEW_DUE_SOON_WORKING_DAYS", "10"))
# Background work (long chronology imports): a database-backed queue, run by `casereview db_worker`.
TASKS = {"default": {"BACKEND": os.environ.get("CASEREVIEW_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

# Chronologies: imports (rows, bytes, and the rows above which a file is checked and imported in the background)
# and the days without any agency's contact that the integrated chronology marks as a gap.
CASEREVIEW_CHRONOLOGY_MAX_ROWS = int(os.environ.get("CASEREVIEW_CHRONOLOGY_MAX_ROWS", "200000"))
CASEREVIEW_CHRONOLOGY_MAX_BYTES = int(os.environ.get("CASEREVIEW_CHRONOLOGY_MAX_BYTES", str(50 * 1024 * 1024)))
CASEREVIEW_CHRONOLOGY_BACKGROUND_ROWS = int(os.environ.get("CASEREVIEW_CHRONOLOGY_BACKGROUND_ROWS", "2000"))
CASEREVIEW_CHRONOLOGY_GAP_DAYS = int(os.environ.get("CASEREVIEW_CHRONOLOGY_GAP_DAYS", "28"))

# Reminders (`casereview remind`, run daily) go this many working days before a deadline, and again when it is missed.
CASEREVIEW_REMINDER_WORKING_DAYS = int(os.environ.get("CASEREVIEW_REMINDER_WORKING_DAYS", "5"))
# The address people reach Casereview at, for the links in e-mails.
CASEREVIEW_BASE_URL = os.environ.get("CASEREVIEW_BASE_URL", "http://127.0.0.1:8000")
