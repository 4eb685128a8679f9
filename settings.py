"""Configuration read from the environment, checked before the app starts."""
import secrets
from pathlib import Path

ENVIRONMENTS = ("development", "production", "testing")


class ConfigError(RuntimeError):
    """The app cannot start as configured; the message says what to fix."""


def _dev_secret_key(instance_path: Path) -> str:
    # Generated once and kept, so sessions survive a restart of the dev server.
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


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
        "DATABASE_URL": environ.get("DATABASE_URL")
        or f"sqlite:///{instance_path / 'tameen.sqlite3'}",
        "FEE_SCHEDULE": environ.get("FEE_SCHEDULE", "seed"),
        "HOST": environ.get("HOST", "127.0.0.1"),
        "PORT": int(environ.get("PORT", "5000")),
        "SESSION_COOKIE_SECURE": production,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        "MAX_CONTENT_LENGTH": 256 * 1024,
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
    }
