"""Configuration read from the environment, checked before the app starts."""

import re
import secrets
import shlex
import ssl
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.fernet import Fernet

from domain import renewals

ENVIRONMENTS = ("development", "production", "testing")
SMS_BACKENDS = ("console", "outbox", "http")
PAYMENT_GATEWAYS = ("sandbox", "knet")
# How K-Net brings a result back: "server", its server posts it to /payments/notify (every
# merchant since September 2023); "browser", it sends the browser with it (the older flow).
KNET_RESULT_DELIVERIES = ("server", "browser")
# The `langid` values for Arabic and English: KNET's manual (K-064 v1.4) says AR and EN;
# the bank's older kit and pyipay send ARA and USA; KNET's own raw PHP sample AR and USA.
KNET_LANGUAGE_ID_PAIRS = ("AR,EN", "ARA,USA", "AR,USA")
# How a refund names the purchase: by its track id (udf5=TrackID), as the manual's only
# raw refund sample does (§3.7.2), or by the bank's transaction id from the signed notice.
KNET_REFUND_BY = ("trackid", "transid")
# K-Net's `amt` is 10 characters: 999999.999 KWD is the most it can write.
KNET_MAX_AMOUNT_FILS = 999_999_999


class ConfigError(RuntimeError):
    """The app cannot start as configured; the message says what to fix."""


def _dev_secret_key(instance_path: Path) -> str:
    # Generated once and kept, so sessions survive a restart of the dev server.
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _secret_key_fallbacks(environ: dict, secret_key: str, production: bool) -> list[str]:
    """SECRET_KEY_FALLBACKS: earlier SECRET_KEYs, separated by commas, still accepted for
    sessions, SMS codes and rate-limit counters made under them, so rotating the key logs
    nobody out. Nothing new is made with them; drop them a day after the rotation."""
    keys = [key.strip() for key in (environ.get("SECRET_KEY_FALLBACKS") or "").split(",") if key.strip()]
    for number, key in enumerate(keys, start=1):
        if key == secret_key:
            raise ConfigError(
                f"SECRET_KEY_FALLBACKS must list only earlier keys, but its key number {number} is "
                "the current SECRET_KEY: remove it from SECRET_KEY_FALLBACKS."
            )
        if production and len(key) < 32:
            raise ConfigError(
                f"SECRET_KEY_FALLBACKS key number {number} is shorter than 32 characters: list the "
                "earlier SECRET_KEYs exactly as they were, separated by commas."
            )
    return keys


def _dev_totp_key(instance_path: Path) -> str:
    # As the dev secret key: generated once and kept, so enrolled authenticators keep working.
    key_file = instance_path / "totp_encryption_key"
    if not key_file.exists():
        key_file.write_text(Fernet.generate_key().decode())
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _totp_encryption_key(environ: dict, instance_path: Path, production: bool) -> str:
    """TOTP_ENCRYPTION_KEY: the Fernet key the desk's TOTP secrets are encrypted with in
    the database (and so in every backup). Required in production; elsewhere one is
    generated under instance/."""
    key = (environ.get("TOTP_ENCRYPTION_KEY") or "").strip()
    if not key:
        if production:
            raise ConfigError(
                "TOTP_ENCRYPTION_KEY is required in production: the key the desk's TOTP secrets "
                'are encrypted with. Generate one with: python3 -c "from cryptography.fernet '
                'import Fernet; print(Fernet.generate_key().decode())" and keep it apart from backups.'
            )
        return _dev_totp_key(instance_path)
    try:
        Fernet(key)
    except ValueError:
        raise ConfigError(
            "TOTP_ENCRYPTION_KEY must be a Fernet key (44 characters of URL-safe base64), as "
            'python3 -c "from cryptography.fernet import Fernet; '
            'print(Fernet.generate_key().decode())" prints.'
        ) from None
    return key


def default_app_env(app_root: Path) -> str:
    """APP_ENV when none is set: development in a checkout (its Makefile and tests beside
    app.py), so that `.venv/bin/flask --app app COMMAND` works there as the docs show;
    production everywhere else, tameen.pyz included, which carries neither."""
    checkout = (app_root / "Makefile").is_file() and (app_root / "tests").is_dir()
    return "development" if checkout else "production"


def load_settings(environ: dict, instance_path: Path) -> dict:
    app_env = environ.get("APP_ENV", "production")
    if app_env not in ENVIRONMENTS:
        raise ConfigError(f"APP_ENV must be one of {', '.join(ENVIRONMENTS)}, not {app_env!r}.")
    production = app_env == "production"

    secret_key = environ.get("SECRET_KEY", "")
    if production and len(secret_key) < 32:
        raise ConfigError(
            "SECRET_KEY is required in production and must be at least 32 characters. "
            'Generate one with: python3 -c "import secrets; print(secrets.token_hex(32))"'
        )
    if not secret_key:
        secret_key = _dev_secret_key(instance_path)

    return {
        "APP_ENV": app_env,
        "SECRET_KEY": secret_key,
        "SECRET_KEY_FALLBACKS": _secret_key_fallbacks(environ, secret_key, production),
        "DATABASE_URL": environ.get("DATABASE_URL") or f"sqlite:///{instance_path / 'tameen.sqlite3'}",
        "FEE_SCHEDULE": environ.get("FEE_SCHEDULE", "seed"),
        "HOST": environ.get("HOST", "127.0.0.1"),
        "PORT": int(environ.get("PORT", "5000")),
        "SESSION_COOKIE_SECURE": production,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        "MAX_CONTENT_LENGTH": 256 * 1024,
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
        # argon2-cffi's own parameters, except in the test suite where speed matters.
        "PASSWORD_HASH_CHEAP": app_env == "testing",
        "PROXY_HOPS": _whole_number(environ, "PROXY_HOPS", "0", highest=5),
        **_session_settings(environ),
        **_sms_settings(environ, production),
        **_email_settings(environ),
        **_payment_settings(environ, production),
        **_public_address(environ, production),
        "EXPRESS_CATEGORIES": _express_categories(environ),
        "EXPRESS_LINK_DAYS": _express_link_days(environ),
        **_upload_settings(environ),
        "REMINDER_LEAD_DAYS": _reminder_lead_days(environ),
        # What the refund page promises: staff review a refund within this many working days.
        "REFUND_REVIEW_DAYS": _refund_review_days(environ),
        "PAGE_CACHE_BYTES": _page_cache_bytes(environ),
        "METRICS_TOKEN": _metrics_token(environ),
        **_backup_settings(environ),
        # Near the end: every other setting's problem is reported before these.
        **_operator_settings(environ, production),
        **_operator_pages(environ, production),
        **_payment_handover(environ),
        "TOTP_ENCRYPTION_KEY": _totp_encryption_key(environ, instance_path, production),
    }


# Outside production the site names a sample operator, so that nobody takes a test site
# for a real service, and never the Ministry: Tameen is not its website.
SAMPLE_OPERATOR = {
    "OPERATOR_NAME_AR": "جهة تشغيل تجريبية (نسخة للتطوير)",
    "OPERATOR_NAME_EN": "Sample Operator (development copy)",
    "OPERATOR_ADDRESS_AR": "عنوان تجريبي، مدينة الكويت",
    "OPERATOR_ADDRESS_EN": "Sample address, Kuwait City",
    "OPERATOR_PHONE": "+965 2200 0000",
    "OPERATOR_EMAIL": "operator@example.com",
}
_PHONE = re.compile(r"\+?[0-9][0-9 ]{6,19}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _operator_settings(environ: dict, production: bool) -> dict:
    """Who runs this site, named on every receipt and on the about, privacy and refund
    pages: its name and address in Arabic and English (one language stands for both when
    only it is given), a phone and an e-mail. Production refuses to start without a name."""
    given = {name: " ".join(str(environ.get(name) or "").split()) for name in SAMPLE_OPERATOR}
    if not (given["OPERATOR_NAME_AR"] or given["OPERATOR_NAME_EN"]):
        if production:
            raise ConfigError(
                "OPERATOR_NAME_AR or OPERATOR_NAME_EN is required in production: the name of "
                "the organisation that runs this site, shown on every receipt and on the "
                "about, privacy and refund pages (set both for Arabic and English)."
            )
        return dict(SAMPLE_OPERATOR)
    for stem in ("OPERATOR_NAME", "OPERATOR_ADDRESS"):
        arabic, english = f"{stem}_AR", f"{stem}_EN"
        given[arabic] = given[arabic] or given[english]
        given[english] = given[english] or given[arabic]
    if given["OPERATOR_PHONE"] and not _PHONE.fullmatch(given["OPERATOR_PHONE"]):
        raise ConfigError(
            "OPERATOR_PHONE must be a phone number of digits and spaces, with "
            "an optional + in front, such as +965 2200 0000."
        )
    if given["OPERATOR_EMAIL"] and not _EMAIL.fullmatch(given["OPERATOR_EMAIL"]):
        raise ConfigError("OPERATOR_EMAIL must be an e-mail address, such as help@tameen.example.kw.")
    return given


OPERATOR_PAGES = ("OPERATOR_ABOUT_URL", "OPERATOR_PRIVACY_URL", "OPERATOR_REFUND_POLICY_URL")


def _operator_pages(environ: dict, production: bool) -> dict:
    """The operator's own about, privacy and refund pages, where it keeps them on its own
    site: each link to ours then leads there. Unset, ours are shown."""
    pages = {name: (environ.get(name) or "").strip() for name in OPERATOR_PAGES}
    for name, url in pages.items():
        if url:
            _require_service_url(
                url, production, f"{name} must be the {{scheme}} address of the operator's own page."
            )
    return pages


def _payment_handover(environ: dict) -> dict:
    """OPERATOR_PAYMENT_HANDOVER_AR/_EN: the operator's own words on how a payment made
    here reaches the Ministry and the residency file (/payment-handover). A blank line, or
    the two characters \\n twice, starts a new paragraph; one language stands for both when
    only it is given. Unset, the page says plainly that the operator has not described it."""
    given = {}
    for name in ("OPERATOR_PAYMENT_HANDOVER_AR", "OPERATOR_PAYMENT_HANDOVER_EN"):
        given[name] = str(environ.get(name) or "").replace("\\n", "\n").strip()
    arabic, english = given.values()
    return {
        "OPERATOR_PAYMENT_HANDOVER_AR": arabic or english,
        "OPERATOR_PAYMENT_HANDOVER_EN": english or arabic,
    }


def _reminder_lead_days(environ: dict) -> tuple[int, ...]:
    """How many days before a paid cover ends `send-reminders` sends each reminder."""
    text = environ.get("REMINDER_LEAD_DAYS") or ",".join(map(str, renewals.DEFAULT_LEAD_DAYS))
    try:
        return renewals.parse_lead_days(text)
    except renewals.InvalidLeadDays as problem:
        raise ConfigError(
            f"REMINDER_LEAD_DAYS must list days before the cover ends, separated "
            f"by commas, like 30,7: {problem}."
        ) from None


def _upload_settings(environ: dict) -> dict:
    """MAX_PAYMENT_FILS: the most one payment may be, in fils (K-Net cards have transaction
    limits); an uploaded list becomes as many requests as keep each under it.
    UPLOAD_MAX_KB: the largest list file taken; below the 256 KB any request may be."""
    text = str(environ.get("MAX_PAYMENT_FILS") or "3000000").strip()
    if not text.isascii() or not text.isdigit() or not 1000 <= int(text) <= KNET_MAX_AMOUNT_FILS:
        raise ConfigError(
            "MAX_PAYMENT_FILS must be a whole number of fils from 1000 (KD 1) to "
            f"{KNET_MAX_AMOUNT_FILS} (K-Net's 10-character amount, 999999.999), such as "
            f"3000000 for KD 3,000; not {text!r}."
        )
    size = _whole_number(environ, "UPLOAD_MAX_KB", "200", highest=240)
    if size < 1:
        raise ConfigError("UPLOAD_MAX_KB must be a whole number from 1 to 240, not '0'.")
    return {"MAX_PAYMENT_FILS": int(text), "UPLOAD_MAX_BYTES": size * 1024}


def _metrics_token(environ: dict) -> str:
    """METRICS_TOKEN: lets a scraper on another machine read /metrics with
    `Authorization: Bearer <token>`; without it only this machine may (web/metrics.py)."""
    token = (environ.get("METRICS_TOKEN") or "").strip()
    if token and (len(token) < 32 or not token.isascii() or not token.isprintable()):
        raise ConfigError(
            "METRICS_TOKEN must be at least 32 printable ASCII characters, such as the output of: "
            'python3 -c "import secrets; print(secrets.token_hex(32))"'
        )
    return token


def _page_cache_bytes(environ: dict) -> int:
    """PAGE_CACHE_MB: the memory each worker may give to kept public pages (web/page_cache.py)."""
    size = _whole_number(environ, "PAGE_CACHE_MB", "8", highest=1024)
    if size < 1:
        raise ConfigError("PAGE_CACHE_MB must be a whole number of megabytes from 1 to 1024, not '0'.")
    return size * 1024 * 1024


# Residency Art. 20: the categories of the fee schedules on file for domestic workers.
EXPRESS_CATEGORIES_DEFAULT = "domestic_worker,domestic_worker_kuwaiti,domestic_worker_kuwaiti_4th"
_CATEGORY_CODE = re.compile(r"[a-z0-9_]{1,40}")


def _express_categories(environ: dict) -> tuple[str, ...]:
    """The residency categories a sponsor may pay for without an account; those the active
    fee schedule lacks are left out when the page is drawn. Empty turns express payment off."""
    text = environ.get("EXPRESS_CATEGORIES", EXPRESS_CATEGORIES_DEFAULT)
    codes = tuple(code.strip() for code in text.split(",") if code.strip())
    for code in codes:
        if not _CATEGORY_CODE.fullmatch(code):
            raise ConfigError(
                f"EXPRESS_CATEGORIES must list fee schedule category codes separated "
                f"by commas, such as domestic_worker; {code!r} is not one."
            )
    return codes


def _express_link_days(environ: dict) -> int:
    """How long an express receipt link (also the renewal link in reminders) works."""
    days = _whole_number(environ, "EXPRESS_LINK_DAYS", "400", highest=3660)
    if days < 1:
        raise ConfigError("EXPRESS_LINK_DAYS must be a whole number of days from 1 to 3660, not '0'.")
    return days


_AGE_RECIPIENT = re.compile(r"age1[02-9ac-hj-np-z]{58}|ssh-(ed25519|rsa) [A-Za-z0-9+/=]+( .*)?")


def _backup_settings(environ: dict) -> dict:
    """BACKUP_AGE_RECIPIENT: the age public key `backup` encrypts every copy to (age-keygen
    prints it; the private key stays off this machine). BACKUP_COPY_COMMAND: a command run
    after each backup with {file} standing for the file, to send it off the machine."""
    recipient = (environ.get("BACKUP_AGE_RECIPIENT") or "").strip()
    if recipient and not _AGE_RECIPIENT.fullmatch(recipient):
        raise ConfigError(
            "BACKUP_AGE_RECIPIENT must be an age public key (age1... as age-keygen prints it, "
            "or an ssh-ed25519 public key), never the private AGE-SECRET-KEY-1... line."
        )
    command = (environ.get("BACKUP_COPY_COMMAND") or "").strip()
    if command:
        try:
            words = shlex.split(command)
        except ValueError as problem:
            raise ConfigError(f"BACKUP_COPY_COMMAND cannot be read as a command: {problem}.") from None
        if not any("{file}" in word for word in words):
            raise ConfigError(
                "BACKUP_COPY_COMMAND must name the backup as {file}, such as "
                "rsync -t {file} backup@vault.example.kw:tameen/"
            )
    return {"BACKUP_AGE_RECIPIENT": recipient, "BACKUP_COPY_COMMAND": command}


def _whole_number(environ: dict, name: str, default: str, highest: int) -> int:
    text = str(environ.get(name) or default).strip()
    if not text.isascii() or not text.isdigit() or int(text) > highest:
        raise ConfigError(f"{name} must be a whole number from 0 to {highest}, not {text!r}.")
    return int(text)


def _refund_review_days(environ: dict) -> int:
    days = _whole_number(environ, "REFUND_REVIEW_DAYS", "5", highest=30)
    if days < 1:
        raise ConfigError("REFUND_REVIEW_DAYS must be a whole number from 1 to 30, not 0.")
    return days


def _session_settings(environ: dict) -> dict:
    """How long a log-in lasts without a request (idle) and at most (absolute), enforced by
    the server from times kept in the session: a copied cookie dies with them too."""
    limits = {}
    for name, default, highest in (
        ("APPLICANT_SESSION_IDLE_MINUTES", "30", 24 * 60),
        ("APPLICANT_SESSION_MAX_HOURS", "12", 7 * 24),
        ("STAFF_SESSION_IDLE_MINUTES", "15", 24 * 60),
        ("STAFF_SESSION_MAX_HOURS", "12", 7 * 24),
    ):
        text = str(environ.get(name) or default).strip()
        if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= highest:
            raise ConfigError(f"{name} must be a whole number from 1 to {highest}, not {text!r}.")
        limits[name] = int(text)
    return limits


def _require_service_url(url: str, production: bool, message: str) -> None:
    """An outside service's address: https in production (http allowed elsewhere).
    The address is not echoed in the message: it may carry credentials."""
    parts = urlsplit(url)
    allowed = ("https",) if production else ("https", "http")
    if parts.scheme not in allowed or not parts.netloc:
        raise ConfigError(message.format(scheme="https" if production else "http(s)"))


def _public_address(environ: dict, production: bool) -> dict:
    """PUBLIC_URL: the address people and the bank reach the site at. Absolute links (the
    bank's notification and return addresses, the receipt's QR code) are built from it, not
    from a request's Host header, and requests for another host are refused
    (web/public_address.py).
    Required in production; elsewhere, without it, any host is answered."""
    url = (environ.get("PUBLIC_URL") or "").strip()
    if not url:
        if production:
            raise ConfigError(
                "PUBLIC_URL is required in production: the https address people "
                "reach the site at, such as https://tameen.example.kw."
            )
        return {"PUBLIC_URL": ""}
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = -1
    schemes = ("https",) if production else ("https", "http")
    if (
        parts.scheme not in schemes
        or not parts.hostname
        or "@" in parts.netloc
        or port == -1
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
    ):
        raise ConfigError(
            f"PUBLIC_URL must be the site's {' or '.join(schemes)} address with no "
            f"path, such as https://tameen.example.kw, not {url!r}."
        )
    host = parts.netloc.lower()
    default_port = {"https": 443, "http": 80}[parts.scheme]
    if port == default_port:
        host = host.rsplit(":", 1)[0]
    return {"PUBLIC_URL": f"{parts.scheme}://{host}"}


def _timeout(environ: dict, name: str, default: float) -> float:
    try:
        timeout = float(environ.get(name) or default)
    except ValueError:
        timeout = 0.0
    if not 0 < timeout <= 60:
        raise ConfigError(f"{name} must be a number of seconds above 0 and at most 60.")
    return timeout


def _sms_settings(environ: dict, production: bool) -> dict:
    backend = environ.get("SMS_BACKEND") or ("http" if production else "console")
    if backend not in SMS_BACKENDS:
        raise ConfigError(f"SMS_BACKEND must be one of {', '.join(SMS_BACKENDS)}, not {backend!r}.")
    if production and backend != "http":
        raise ConfigError(
            f"SMS_BACKEND={backend} does not send SMS (it writes the codes to the log or the "
            "database); production needs a provider: set SMS_BACKEND=http and SMS_HTTP_URL."
        )
    url = environ.get("SMS_HTTP_URL", "")
    if backend == "http":
        _require_service_url(
            url, production, "SMS_HTTP_URL must be the provider's {scheme} address when SMS_BACKEND=http."
        )
    timeout = _timeout(environ, "SMS_HTTP_TIMEOUT", 10)
    return {
        "SMS_BACKEND": backend,
        "SMS_HTTP_URL": url,
        "SMS_HTTP_USERNAME": environ.get("SMS_HTTP_USERNAME", ""),
        "SMS_HTTP_PASSWORD": environ.get("SMS_HTTP_PASSWORD", ""),
        "SMS_HTTP_TOKEN": environ.get("SMS_HTTP_TOKEN", ""),
        "SMS_HTTP_SENDER": environ.get("SMS_HTTP_SENDER", "Tameen"),
        "SMS_HTTP_TIMEOUT": timeout,
        "SMS_HTTP_RETRIES": _whole_number(environ, "SMS_HTTP_RETRIES", "2", highest=5),
    }


def _email_settings(environ: dict) -> dict:
    """A standard SMTP server for the e-mail a payment's result also goes by, where the
    account has an address; without SMTP_HOST, no e-mail (SMS alone) outside development."""
    host = environ.get("SMTP_HOST", "").strip()
    sender = environ.get("SMTP_FROM", "").strip()
    if host and not _EMAIL.search(sender):
        raise ConfigError("SMTP_FROM must be the sender's e-mail address when SMTP_HOST is set.")
    port = _whole_number(environ, "SMTP_PORT", "587", highest=65535)
    return {
        "SMTP_HOST": host,
        "SMTP_PORT": port,
        "SMTP_USER": environ.get("SMTP_USER", ""),
        "SMTP_PASSWORD": environ.get("SMTP_PASSWORD", ""),
        "SMTP_FROM": sender,
        "SMTP_TIMEOUT": _timeout(environ, "SMTP_TIMEOUT", 5),
    }


def _payment_settings(environ: dict, production: bool) -> dict:
    gateway = environ.get("PAYMENT_GATEWAY") or ("knet" if production else "sandbox")
    if gateway not in PAYMENT_GATEWAYS:
        raise ConfigError(f"PAYMENT_GATEWAY must be one of {', '.join(PAYMENT_GATEWAYS)}, not {gateway!r}.")
    allow_sandbox = environ.get("ALLOW_SANDBOX_IN_PRODUCTION", "") == "1"
    if production and gateway == "sandbox" and not allow_sandbox:
        raise ConfigError(
            "PAYMENT_GATEWAY=sandbox takes no real money; production needs a real gateway: set "
            "PAYMENT_GATEWAY=knet and the KNET_ settings (or, for a demonstration site only, "
            "ALLOW_SANDBOX_IN_PRODUCTION=1, which shows a sandbox banner on every page)."
        )
    knet = {
        name: environ.get(name, "")
        for name in ("KNET_TRANPORTAL_ID", "KNET_PASSWORD", "KNET_RESOURCE_KEY", "KNET_GATEWAY_URL")
    }
    if gateway == "knet":
        missing = [name for name, value in knet.items() if not value]
        if missing:
            raise ConfigError(f"PAYMENT_GATEWAY=knet needs {', '.join(missing)} (from the bank).")
        key = knet["KNET_RESOURCE_KEY"]
        if len(key) != 16 or not key.isascii():
            raise ConfigError("KNET_RESOURCE_KEY must be the bank's 16-character resource key.")
        _require_service_url(
            knet["KNET_GATEWAY_URL"],
            production,
            "KNET_GATEWAY_URL must be the bank's {scheme} address, such as https://www.kpay.com.kw/kpg.",
        )
        # Its origin goes into the Content-Security-Policy (form-action), its path
        # before every page of the bank's.
        parts = urlsplit(knet["KNET_GATEWAY_URL"])
        if parts.query or parts.fragment or "@" in parts.netloc or not parts.hostname:
            raise ConfigError(
                "KNET_GATEWAY_URL must be the bank's address ending in /kpg, without a query or credentials."
            )
    timeout = _timeout(environ, "KNET_TIMEOUT", 20)
    delivery = environ.get("KNET_RESULT_DELIVERY") or "server"
    if delivery not in KNET_RESULT_DELIVERIES:
        raise ConfigError(
            f"KNET_RESULT_DELIVERY must be server (the bank's server posts the result, "
            f"the current flow) or browser (the older flow), not {delivery!r}."
        )
    language_ids = (environ.get("KNET_LANGUAGE_IDS") or "AR,EN").replace(" ", "").upper()
    if language_ids not in KNET_LANGUAGE_ID_PAIRS:
        raise ConfigError(
            "KNET_LANGUAGE_IDS must be AR,EN (KNET's manual), ARA,USA (older kits) or AR,USA "
            "(KNET's PHP sample), as your bank says."
        )
    refund_by = (environ.get("KNET_REFUND_BY") or "trackid").strip().lower()
    if refund_by not in KNET_REFUND_BY:
        raise ConfigError(
            "KNET_REFUND_BY must be trackid (udf5=TrackID, the manual's sample) or transid "
            f"(the bank's transaction id), not {refund_by!r}."
        )
    return {
        "PAYMENT_GATEWAY": gateway,
        "ALLOW_SANDBOX_IN_PRODUCTION": allow_sandbox,
        **knet,
        "KNET_TIMEOUT": timeout,
        "KNET_RESULT_DELIVERY": delivery,
        "KNET_LANGUAGE_IDS": language_ids,
        "KNET_REFUND_BY": refund_by,
        "KNET_CA_BUNDLE": _ca_bundle(environ),
        "KNET_INQUIRY_GIVE_UP_HOURS": _give_up_hours(environ),
    }


def _ca_bundle(environ: dict) -> str:
    """KNET_CA_BUNDLE: a PEM file of the certificates the bank's inquiry and refund calls
    trust (KNET's CA, manual §8 item 1), instead of the system's store. Checked now, so a
    wrong path fails the start, not the first refund."""
    path = (environ.get("KNET_CA_BUNDLE") or "").strip()
    if not path:
        return ""
    if not Path(path).is_file():
        raise ConfigError(
            f"KNET_CA_BUNDLE must be the path of a PEM file of KNET's CA certificates; "
            f"{path!r} is not a file."
        )
    try:
        ssl.create_default_context(cafile=path)
    except (ssl.SSLError, OSError, ValueError) as problem:
        raise ConfigError(
            f"KNET_CA_BUNDLE {path!r} cannot be read as PEM certificates ({problem}): "
            "ask the bank for KNET's CA certificate chain in PEM."
        ) from None
    return path


def _give_up_hours(environ: dict) -> int:
    """KNET_INQUIRY_GIVE_UP_HOURS: a payment whose inquiries still answer an error this
    long after it started is closed as failed (manual §3.5.5: errors count as failed)."""
    hours = _whole_number(environ, "KNET_INQUIRY_GIVE_UP_HOURS", "24", highest=720)
    if hours < 1:
        raise ConfigError("KNET_INQUIRY_GIVE_UP_HOURS must be a whole number from 1 to 720, not '0'.")
    return hours
