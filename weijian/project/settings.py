"""Django settings for weijian, read from the environment.

- ``WEIJIAN_DATA``: the data folder (SQLite file, generated secret key, upload temporary files); default ``./var``.
- ``DATABASE_URL``: any URL dj-database-url understands; empty → SQLite in the data folder.
- ``WEIJIAN_SECRET_KEY``: the secret key; default: generated once into the data folder. A key that was
  ever published (``SECRET_KEY_DENYLIST``) is refused at start-up.
- ``WEIJIAN_DEBUG``: ``1`` for debug pages (off by default).
- ``WEIJIAN_ALLOWED_HOSTS``: comma-separated host names; default loopback only.
- ``WEIJIAN_SECURE``: ``1`` behind HTTPS (secure cookies, HSTS, SSL redirect, and the TLS proxy's
  ``X-Forwarded-Proto`` header trusted: the proxy must set it and drop any sent by the client).
- ``WEIJIAN_STATIC_ROOT``: where ``collectstatic`` writes (default: ``static`` in the data folder).
- ``WEIJIAN_MAX_UPLOAD_BYTES`` and ``WEIJIAN_IMPORT_*``: the limits on imported files (``WEIJIAN_IMPORT_LIMITS``).
- ``WEIJIAN_EVIDENCE_MAX_BYTES``, ``WEIJIAN_EVIDENCE_MAX_PIXELS``: the limits on inspection photos and signatures.
- ``WEIJIAN_CITY``: 区划代码 of the city the platform serves (district lists of users without a
  region, demo districts); default ``310000`` (上海市).
- ``WEIJIAN_ID_PEPPER``: key of the 身份证 digests; default: the file ``id_pepper`` in the data folder.
- Level-3 (等保 2.0 三级) account rules, each with its default: ``WEIJIAN_2FA_ROLES`` (comma-separated roles that
  must give a second factor besides the three administrators, who always must; default every official role),
  ``WEIJIAN_PASSWORD_MIN_LENGTH`` (10), ``WEIJIAN_PASSWORD_MIN_CLASSES`` (3 of 4), ``WEIJIAN_PASSWORD_HISTORY`` (5),
  ``WEIJIAN_PASSWORD_MAX_AGE_DAYS`` (0: no expiry), ``WEIJIAN_SESSION_IDLE_MINUTES`` (30),
  ``WEIJIAN_SESSION_MAX_HOURS`` (8), ``WEIJIAN_LOGIN_FAILURE_LIMIT`` (5 failures per account and per address,
  locked for ``WEIJIAN_LOGIN_LOCK_MINUTES``, 15).

Files: the process umask is set to 077 here at start-up (``weijian.keep_files_private``; the ``weijian``
command sets it too, for its Django-free commands), so every data file the platform writes — the SQLite
database and its journal, the secret key, upload temporary files, exports and analytics outputs written
to disk — is created 0600 and every folder 0700. Static files (public by nature) are collected 0644.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

from weijian import keep_files_private
from weijian.i18n import gettext as _

keep_files_private()

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("WEIJIAN_DATA") or Path.cwd() / "var").resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

# SHA-256 of secret keys that were published (once committed to the repository): never sign with them.
SECRET_KEY_DENYLIST = frozenset({"9b7ec1f87ebfe9ab9bae676b1adcc0c25ce15bc6e3cdb195c451a9a9da86a742"})


def _private(path: Path, mode: int) -> None:
    """Tighten a data file or folder made before the umask was set (best effort: it may not be ours)."""
    try:
        if path.exists() and path.stat().st_mode & 0o077:
            path.chmod(mode)
    except OSError:
        pass


def _secret_key() -> str:
    """Read the secret key from the environment or the data folder, generating it (0600) on first run."""
    key = os.environ.get("WEIJIAN_SECRET_KEY", "")
    source = "WEIJIAN_SECRET_KEY"
    if not key:
        path = DATA_DIR / "secret_key"
        source = str(path)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            _private(path, 0o600)
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_urlsafe(50))
        key = path.read_text().strip()
    if hashlib.sha256(key.encode()).hexdigest() in SECRET_KEY_DENYLIST:
        raise ImproperlyConfigured(
            _("密钥（%(source)s）已经公开过，不能使用：请删除该文件让系统重新生成，或设置新的 WEIJIAN_SECRET_KEY")
            % {"source": source}
        )
    return key


def _flag(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


def _number(name: str, default: float) -> float:
    raw = os.environ.get(name) or ""
    try:
        return float(raw) if raw else default
    except ValueError as exc:
        raise ImproperlyConfigured(_("环境变量 %(name)s=%(value)r 不是数字") % {"name": name, "value": raw}) from exc


_private(DATA_DIR, 0o700)
SECRET_KEY = _secret_key()
DEBUG = _flag("WEIJIAN_DEBUG")
ALLOWED_HOSTS = [h for h in os.environ.get("WEIJIAN_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]

INSTALLED_APPS = [
    "weijian.core",  # first: its createsuperuser (password policy also with --noinput) replaces Django's
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "weijian.core.axes_app.AxesConfig",  # django-axes, named in Chinese in the back office
    "django_otp",  # the second factor (weijian.core.otp): TOTP apps and recovery codes
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "ninja",  # the API docs page from its own static files (no CDN: the CSP allows this site only)
    "weijian.registry",
    "weijian.alerts",
    "weijian.risk",
    "weijian.inspections",
    "weijian.clues",
    "weijian.documents",
    "weijian.complaints",
    "weijian.cases",
    "weijian.portal",
    "weijian.credit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "weijian.core.middleware.ChosenLanguageMiddleware",  # before anything that may answer (error pages in the chosen language)
    "weijian.core.middleware.RejectNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "weijian.core.middleware.NoStoreWhenSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "weijian.core.sessions.SessionLimitsMiddleware",  # idle timeout and absolute lifetime
    "weijian.core.otp.SecondFactorMiddleware",  # the code after the password
    "weijian.core.passwords.PasswordExpiryMiddleware",  # only with WEIJIAN_PASSWORD_MAX_AGE_DAYS > 0
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "weijian.project.urls"
WSGI_APPLICATION = "weijian.project.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "weijian.core.context_processors.user_scope",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'weijian.sqlite3'}",
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    for suffix in ("", "-wal", "-shm"):
        _private(Path(f"{DATABASES['default']['NAME']}{suffix}"), 0o600)
    # WAL lets readers run beside the single writer; a busy timeout instead of "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# The password policy (weijian.core.passwords), checked on every path that sets a password.
WEIJIAN_PASSWORD_POLICY = {
    "min_length": int(_number("WEIJIAN_PASSWORD_MIN_LENGTH", 10)),
    "min_classes": int(_number("WEIJIAN_PASSWORD_MIN_CLASSES", 3)),  # of upper, lower, digits, symbols
    "history": int(_number("WEIJIAN_PASSWORD_HISTORY", 5)),  # the last N passwords cannot be chosen again
    "max_age_days": int(_number("WEIJIAN_PASSWORD_MAX_AGE_DAYS", 0)),  # 0: passwords do not expire
}
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "weijian.core.passwords.MinimumLengthValidator"},
    {"NAME": "weijian.core.passwords.CharacterClassesValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "weijian.core.passwords.HistoryValidator"},
]

# The second factor (weijian.core.otp): roles besides the administrators that must give it (None: officials).
WEIJIAN_2FA_ROLES = [r for r in os.environ.get("WEIJIAN_2FA_ROLES", "").split(",") if r] or None
OTP_TOTP_THROTTLE_FACTOR = 1  # wrong codes: wait 1, 2, 4 … seconds before the next try

# Sessions (weijian.core.sessions): ended after 30 idle minutes, and 8 hours after the login in any case.
WEIJIAN_SESSION_IDLE_MINUTES = _number("WEIJIAN_SESSION_IDLE_MINUTES", 30)
WEIJIAN_SESSION_MAX_HOURS = _number("WEIJIAN_SESSION_MAX_HOURS", 8)

# Login throttling (django-axes): five failures lock the account (from any address) and the address (for
# any account, so one password tried over many accounts is stopped too) for 15 minutes. A successful login
# clears that account's failures only (``weijian.core.auth_events``): axes' own reset would also clear the
# address's count, so one account of the attacker's own would let a spray from that address go on.
AXES_FAILURE_LIMIT = int(_number("WEIJIAN_LOGIN_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = _number("WEIJIAN_LOGIN_LOCK_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = False
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "core/locked.html"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

SECURE = _flag("WEIJIAN_SECURE")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = SECURE
SECURE_HSTS_SECONDS = 31536000 if SECURE else 0
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Behind a TLS proxy the app sees plain HTTP; the proxy says the original scheme in X-Forwarded-Proto.
# Trusted only with WEIJIAN_SECURE=1, where the proxy must set it (and drop a client's own).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE else None
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): scripts, styles, images and fonts from this site only, no inline
# script, no plugins, no framing. Inline style *attributes* stay allowed (style-src-attr) because the
# charts (ECharts) style their tooltips with them; <style> elements do not.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Permissions-Policy (django-permissions-policy): no page uses a device or sensor yet, so all are off.
# A later page that needs one (the inspectors' evidence photos: camera) opens it for itself only.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer", "autoplay", "browsing-topics", "camera",
        "display-capture", "encrypted-media", "geolocation", "gyroscope", "hid", "idle-detection",
        "magnetometer", "microphone", "midi", "payment", "publickey-credentials-get", "screen-wake-lock",
        "serial", "usb", "xr-spatial-tracking",
    )
}  # fmt: skip
SESSION_COOKIE_AGE = int(WEIJIAN_SESSION_MAX_HOURS * 3600)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]  # i18n: data (each language in its own words)
# The bad-practice rule set this office scores by (weijian.credit; rules/data/bad_practice_points*.yaml).
CREDIT_POINT_RULE_SET = os.environ.get("WEIJIAN_CREDIT_POINT_RULE_SET", "shanghai_2007")
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("WEIJIAN_STATIC_ROOT") or DATA_DIR / "static").resolve()
if not STATIC_ROOT.exists():
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
    STATIC_ROOT.chmod(0o755)  # public files, for a proxy to serve (see STORAGES)
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# `weijian collectstatic` (run by `make demo`; required before serving) writes every static file under a
# hashed name with gzip and Brotli copies (weijian.core.static); WhiteNoise serves them compressed and cached
# for a year (a new version gets a new name). Behind a reverse proxy an office may serve STATIC_ROOT itself.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "weijian.core.static.StaticStorage",
        "OPTIONS": {"file_permissions_mode": 0o644, "directory_permissions_mode": 0o755},
    },
}

# The keyed audit chain (weijian.core.audit_chain): its keyring and anchor file live in WEIJIAN_AUDIT_DIR (by
# default <data folder>/audit, 0700; never in a database backup), keys may instead come from WEIJIAN_AUDIT_KEYS;
# WEIJIAN_AUDIT_MAC picks the MAC of new keys (hmac-sha256, or hmac-sm3 for 商用密码 assessment); the sealer
# anchors the head every WEIJIAN_AUDIT_ANCHOR_EVERY events (0: only `weijian audit anchor`).
WEIJIAN_AUDIT_DIR = os.environ.get("WEIJIAN_AUDIT_DIR") or str(DATA_DIR / "audit")
WEIJIAN_AUDIT_MAC = os.environ.get("WEIJIAN_AUDIT_MAC", "hmac-sha256")
WEIJIAN_AUDIT_ANCHOR_EVERY = int(_number("WEIJIAN_AUDIT_ANCHOR_EVERY", 1000))
# Under the server (weijian.project.wsgi) each process seals both chains in a background thread, batching the
# commits of WEIJIAN_AUDIT_SEAL_BATCH_MS; WEIJIAN_AUDIT_SEAL=commit seals in the request instead (weijian.core.audit_sealer).
WEIJIAN_AUDIT_SEAL = os.environ.get("WEIJIAN_AUDIT_SEAL", "background")
WEIJIAN_AUDIT_SEAL_BATCH_MS = int(_number("WEIJIAN_AUDIT_SEAL_BATCH_MS", 50))

# The city whose districts a user without a region sees (region data ships for more than one city).
WEIJIAN_CITY = os.environ.get("WEIJIAN_CITY", "310000")

# How often (seconds) a process refreshes SQLite's query-planner statistics in the background (weijian.core.dbstats;
# 0: never — then run `weijian db analyze` from cron). PostgreSQL keeps its own (autovacuum).
WEIJIAN_PLANNER_STATS_SECONDS = _number("WEIJIAN_PLANNER_STATS_SECONDS", 3600)

# Uploads stream to a temporary file (0600) in the data folder, never into memory, and stop being
# written past WEIJIAN_MAX_UPLOAD_BYTES (weijian.core.uploads); files kept in MEDIA_ROOT are 0600.
MiB = 1024 * 1024
WEIJIAN_MAX_UPLOAD_BYTES = int(_number("WEIJIAN_MAX_UPLOAD_BYTES", 20 * MiB))
FILE_UPLOAD_HANDLERS = ["weijian.core.uploads.CappedTemporaryFileUploadHandler"]
FILE_UPLOAD_TEMP_DIR = str(DATA_DIR / "tmp")
Path(FILE_UPLOAD_TEMP_DIR).mkdir(exist_ok=True)
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# What one imported file may hold (weijian.registry.imports.limits): checked before it is parsed, rows
# while it streams. Each figure can be overridden from the environment.
WEIJIAN_IMPORT_LIMITS = {
    "max_bytes": WEIJIAN_MAX_UPLOAD_BYTES,  # the file as uploaded, any format
    "max_rows": int(_number("WEIJIAN_IMPORT_MAX_ROWS", 200_000)),  # data rows
    "max_columns": int(_number("WEIJIAN_IMPORT_MAX_COLUMNS", 200)),
    "max_unzipped_bytes": int(_number("WEIJIAN_IMPORT_MAX_UNZIPPED_BYTES", 256 * MiB)),  # .xlsx unpacked, Parquet decoded
    "max_part_bytes": int(_number("WEIJIAN_IMPORT_MAX_PART_BYTES", 64 * MiB)),  # an .xlsx part read whole (shared strings …)
    "max_zip_ratio": _number("WEIJIAN_IMPORT_MAX_ZIP_RATIO", 100),  # unpacked : packed, for any part …
    "zip_ratio_from_bytes": int(_number("WEIJIAN_IMPORT_ZIP_RATIO_FROM_BYTES", 1 * MiB)),  # … larger than this unpacked
    "max_zip_members": int(_number("WEIJIAN_IMPORT_MAX_ZIP_MEMBERS", 1000)),
}

# Evidence photos and signatures of inspections (weijian.inspections.evidence): size before they are parsed,
# pixels before they are decoded. Checked by content (Pillow), never by file name.
WEIJIAN_EVIDENCE_LIMITS = {
    "max_bytes": min(WEIJIAN_MAX_UPLOAD_BYTES, int(_number("WEIJIAN_EVIDENCE_MAX_BYTES", 10 * MiB))),
    "max_pixels": int(_number("WEIJIAN_EVIDENCE_MAX_PIXELS", 50_000_000)),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("WEIJIAN_LOG_LEVEL", "WARNING")},
}
