"""Configuration: safe defaults, overridden by ``ZHIXIN_*`` environment variables.

``ZHIXIN_DATABASE_URL`` and ``ZHIXIN_QUEUE_URL`` are the two names that differ from the
config keys they set (``SQLALCHEMY_DATABASE_URI`` and ``QUEUE_URL``). Every other
``ZHIXIN_X`` sets ``X``; values are parsed as JSON when they can be (``45`` is a number).
"""
import os
import secrets
from pathlib import Path


class Defaults:
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_CHECK_DEFAULT = False  # core.security checks it, so Bearer calls can skip it
    WTF_CSRF_TIME_LIMIT = None
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024  # uploads have their own limit (tus)
    BABEL_DEFAULT_LOCALE = "zh"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = ("zh", "en")
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = "10 per minute;50 per hour"
    QUEUE_IMMEDIATE = False
    MEDIA_ACCEL_REDIRECT = ""  # e.g. "/protected-media/" when nginx serves media
    # nginx checks signed media links alone (courses/media/links.py): the secret of its secure_link_md5;
    # empty = the app checks every media request. A link lives this long (rounded up to the minute).
    MEDIA_LINK_SECRET = ""
    MEDIA_LINK_SECONDS = 600
    CREDIT_MINUTES_PER_HOUR = 45
    ANNUAL_REQUIRED_HOURS = 30
    COMPLETION_RATIO = 0.95
    MAX_PLAYBACK_RATE = 1.0
    HEARTBEAT_SECONDS = 15
    HEARTBEAT_SLACK_SECONDS = 3.0
    HEARTBEAT_MAX_SEGMENTS = 50
    HEARTBEAT_MAX_BYTES = 16 * 1024
    WATCH_TOKEN_HOURS = 12  # a watch session's heartbeats are taken this long after it opened (learning.watch_token)
    WATCH_SESSION_OPENS_PER_MINUTE = 12  # per trainee: a burst of this many, then one every 60/N s
    ATTENTION_CHECK_MINUTES = 0  # 0 = off; else ask "still there?" this often
    MAX_QUEUE_SECONDS = 5.0  # behind nginx, an /api/ request that waited longer is answered 503 (core.overload)
    PLAYER_SEEK_LOCK = True  # no seeking past the furthest point watched until complete
    PLAYER_PAUSE_WHEN_HIDDEN = True
    PLAYER_NEXT_SECONDS = 8  # a finished lecture's countdown to the next one (0 = no auto-advance)
    MAX_UPLOAD_BYTES = 4 * 1024**3
    UPLOAD_CHUNK_BYTES = 8 * 1024 * 1024  # what the upload page sends per PATCH
    DECLARATION_MAX_FILE_BYTES = 10 * 1024 * 1024  # one evidence file of an offline 学时登记
    FACE_MATCH_THRESHOLD = 0.6  # face embeddings closer than this are one person (docs/faces.md)
    FACE_MAX_IMAGE_BYTES = 5 * 1024 * 1024  # one capture or reference photo
    FACE_ENROL_RATE_LIMIT = "5 per hour"  # a trainee's tries of a reference photo (faces.enrol_limit)
    FACE_CAPTURE_RETENTION_DAYS = 180  # capture images are deleted this long after their year is locked
    UPLOAD_EXPIRY_HOURS = 24  # an unfinished upload untouched this long is removed
    MAX_VIDEO_DIMENSION = 4096  # on the long side
    MAX_VIDEO_SECONDS = 6 * 3600
    TRANSCODE_PRESET = "veryfast"
    TRANSCODE_CRF = 23
    TRANSCODE_STALE_MINUTES = 10  # a processing job silent this long is taken up again
    SYNC_LAG_SECONDS = 30  # the docking API serves records older than this (docs/sync.md)
    PUSH_TIMEOUT_SECONDS = 10  # each step (connect, send, each read) of one push delivery (docs/sync.md)
    PUSH_RETRY_BASE_SECONDS = 30  # after a failed delivery: 30 s, 1 min, 2 min, … doubling
    PUSH_RETRY_CAP_SECONDS = 3600  # … up to an hour between tries, for as long as it takes
    CERTIFICATE_LOOKUP_RATE_LIMIT = "30 per minute"  # public verification, per client address
    SEAL_DIR = ""  # bureaus' seal images (learning/seals.py), outside the web root; empty = instance/seals
    SEAL_MAX_BYTES = 2 * 1024 * 1024  # one seal image (PNG with transparency or JPEG)
    INTEGRITY_SHARED_IP_USERS = 5  # accounts from one address before it is a signal
    INTEGRITY_DAILY_HOURS = 10  # credited hours in one day before it is a signal
    EXAM_SECONDS_PER_QUESTION = 5  # a test paper submitted faster than this per question is a signal
    EXAM_FAILS_IN_A_ROW = 3  # this many failed test attempts in a row (any course) is a signal
    PAGE_SIZE = 12
    TRUSTED_PROXIES = 0  # how many proxies (nginx) in front set X-Forwarded-For/-Proto
    # Notices by mail (notices/mail.py): smtp://host:port, smtp+starttls://user:pass@host:587 or
    # smtps://user:pass@host:465; empty = notices stay in the in-app box only
    SMTP_URL = ""
    MAIL_FROM = "知新 <noreply@localhost>"  # the From of notice mails
    # The site's address for links in mail, e.g. https://learn.example.cn; empty = the address the
    # request that caused the notice came to (its Host header: set this in production)
    SITE_URL = ""
    # 忘记密码 (recovery/): a mailed link lives this long; POSTs per client address and per account asked for
    PASSWORD_RESET_MINUTES = 30
    PASSWORD_RESET_RATE_LIMIT = "5 per minute;20 per hour"
    # SMS codes (recovery/sms.py): "" = off; "aliyun" = Aliyun Dysmsapi SendSms at SMS_ENDPOINT, signed with
    # the access key; SMS_SIGN_NAME and SMS_TEMPLATE_CODE (a template with ${code}) as approved by Aliyun
    SMS_PROVIDER = ""
    SMS_ENDPOINT = "https://dysmsapi.aliyuncs.com/"
    SMS_ACCESS_KEY_ID = ""
    SMS_ACCESS_KEY_SECRET = ""
    SMS_SIGN_NAME = ""
    SMS_TEMPLATE_CODE = ""
    SMS_CODE_MINUTES = 10
    SMS_CODE_ATTEMPTS = 5  # wrong guesses before a code is spent
    SMS_PHONE_RATE_LIMIT = "1 per minute;5 per day"  # codes sent to one phone number
    SMS_IP_RATE_LIMIT = "5 per minute;20 per day"  # codes asked for from one client address
    # `flask worker` imports each; a name that does not exist stops it
    TASK_MODULES = ("courses.media.tasks", "courses.media.upload_tasks", "courses.search.tasks",
                    "learning.exam_tasks", "notices.mail", "recovery.delivery",
                    "faces.tasks", "push.tasks")
    FFMPEG = "ffmpeg"
    FFPROBE = "ffprobe"
    SEARCH_INDEX_DIR = ""  # the Whoosh index (courses/search/index.py); empty = instance/search
    SEARCH_QUERY_MAX_CHARS = 100  # longer queries are cut (and the page says so)


def load_config(app, overrides=None):
    """Fill ``app.config`` from defaults, the environment, then ``overrides`` (tests)."""
    app.config.from_object(Defaults)
    app.config.from_prefixed_env("ZHIXIN")
    if overrides:
        app.config.update(overrides)
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    cfg = app.config
    cfg["SQLALCHEMY_DATABASE_URI"] = str(
        cfg.get("DATABASE_URL") or cfg.get("SQLALCHEMY_DATABASE_URI")
        or f"sqlite:///{instance / 'zhixin.db'}"
    )
    cfg.setdefault("QUEUE_URL", f"sqlite:///{instance / 'queue.db'}")
    cfg["MEDIA_ROOT"] = str(Path(cfg.get("MEDIA_ROOT") or Path(app.root_path) / "media").resolve())
    if not cfg.get("SECRET_KEY"):
        cfg["SECRET_KEY"] = _instance_secret(instance / "secret_key")
    if cfg.get("RATELIMIT_STORAGE_URL"):
        cfg["RATELIMIT_STORAGE_URI"] = cfg["RATELIMIT_STORAGE_URL"]


def _instance_secret(path: Path) -> str:
    """Read the generated secret key, creating it (mode 0600) on first use."""
    if not path.exists():
        # Web and worker may start together: write aside, then link, so only one wins.
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text().strip()
