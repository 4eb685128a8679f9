"""Which release is running, and the schema it expects: `tameen.pyz --version`,
`flask --app app version`."""

import subprocess
from pathlib import Path

import migrations

ROOT = Path(__file__).resolve().parent


def release() -> str:
    """The release: written into the single file when it is built (scripts/build_dist.py),
    otherwise the checkout's git commit."""
    try:
        from _tameen_build import BUILT_AT, RELEASE
    except ImportError:
        return f"{_checkout_commit()} (source checkout)"
    return f"{RELEASE} (built {BUILT_AT})"


def describe() -> str:
    return f"Tameen {release()}\nschema {migrations.latest()}"


def _checkout_commit() -> str:
    try:
        described = subprocess.run(
            ["git", "describe", "--tags", "--always", "--dirty"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return described.stdout.strip() or "unknown"
