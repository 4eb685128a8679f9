"""Build the single file `dist/tameen.pyz` (`make dist`).

It holds the app's modules and packages, templates, static files, fee schedules,
migrations, the translations compiled from the .po catalogues, and the pinned
dependencies of requirements.txt, made into a shiv zipapp whose entry point is
`tameen_cli:main`. Run it with the Python it was built with (3.11 here): the
compiled dependencies are built for that version.

    python scripts/build_dist.py [--output dist/tameen.pyz]
"""

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
# Folders of the repository that are not part of the running app.
LEFT_OUT = {
    "tests",
    "bench",
    "scripts",
    "instance",
    "dist",
    "build",
    "test-output",
    "node_modules",
    "translations",
}
DATA = ("templates", "static", "fee_schedules", "migrations")
ENTRY_POINT = "tameen_cli:main"


def app_sources(root: Path = ROOT) -> list[Path]:
    """Top-level modules, packages and data folders: what `create_app` needs at run time."""
    chosen = []
    for path in sorted(root.iterdir()):
        if path.name.startswith((".", "_")) or path.name in LEFT_OUT:
            continue
        if path.is_file() and path.suffix == ".py":
            chosen.append(path)
        elif path.is_dir() and ((path / "__init__.py").is_file() or path.name in DATA):
            chosen.append(path)
    return chosen


def compile_translations(source: Path, target: Path) -> list[Path]:
    """Each translations/<lang>/LC_MESSAGES/messages.po compiled to a .mo under `target`."""
    written = []
    for po_file in sorted(source.glob("*/LC_MESSAGES/*.po")):
        with po_file.open("rb") as handle:
            catalogue = read_po(handle, locale=po_file.parts[-3])
        mo_file = target / po_file.relative_to(source).with_suffix(".mo")
        mo_file.parent.mkdir(parents=True, exist_ok=True)
        with mo_file.open("wb") as handle:
            write_mo(handle, catalogue)
        written.append(mo_file)
    if not written:
        raise SystemExit(f"no translation catalogues under {source}")
    return written


def stage(site: Path) -> None:
    """The app and its dependencies, laid out as the site-packages the zipapp carries."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-compile",
            "--target",
            str(site),
            "-r",
            str(ROOT / "requirements.txt"),
        ],
        check=True,
    )
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for path in app_sources():
        if path.is_dir():
            shutil.copytree(path, site / path.name, ignore=ignore)
        else:
            shutil.copy2(path, site / path.name)
    compile_translations(ROOT / "translations", site / "translations")
    (site / "_tameen_build.py").write_text(
        '"""Written by scripts/build_dist.py."""\n'
        f"PYTHON = {tuple(sys.version_info[:2])!r}\n"
        f"BUILT_AT = {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())!r}\n"
        f"RELEASE = {git_release()!r}\n"
    )


def git_release() -> str:
    """The commit built (its tag when it has one; -dirty with uncommitted changes)."""
    try:
        described = subprocess.run(
            ["git", "describe", "--tags", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True
        )
    except OSError:  # no git: a build from an exported tree
        return "unknown"
    return described.stdout.strip() or "unknown"


def build(output: Path) -> Path:
    """Build the zipapp at `output` and return its path."""
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="tameen-dist-") as folder:
        site = Path(folder) / "site-packages"
        stage(site)
        partial = output.with_name(output.name + ".partial")
        subprocess.run(
            [
                sys.executable,
                "-m",
                "shiv",
                "--site-packages",
                str(site),
                "--entry-point",
                ENTRY_POINT,
                "--output-file",
                str(partial),
                "--python",
                "/usr/bin/env python3",
                "--compressed",
                # Marks this build's unpacked folder in use and removes unused older ones.
                "--preamble",
                str(ROOT / "scripts" / "shiv_preamble.py"),
            ],
            check=True,
        )
        partial.rename(output)
    return output


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, default=ROOT / "dist" / "tameen.pyz")
    output = build(parser.parse_args().output)
    print(f"Built {output} ({output.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
