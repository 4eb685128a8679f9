"""scripts/shiv_preamble.py: tameen.pyz removes the folders older builds unpacked under
SHIV_ROOT, but never one a running process uses, nor one from before the preamble."""

import fcntl
import importlib.util
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("shiv_preamble", ROOT / "scripts" / "shiv_preamble.py")
preamble = importlib.util.module_from_spec(spec)
spec.loader.exec_module(preamble)


def unpacked(root: Path, build_id: str, marked: bool = True) -> Path:
    folder = root / f"tameen.pyz_{build_id}"
    (folder / "site-packages").mkdir(parents=True)
    if marked:
        (folder / preamble.LOCK_NAME).touch()
    return folder


def test_old_unused_builds_go_and_the_others_stay(tmp_path):
    current = unpacked(tmp_path, "new")
    old = unpacked(tmp_path, "old")
    busy = unpacked(tmp_path, "busy")
    legacy = unpacked(tmp_path, "legacy", marked=False)
    other_file = tmp_path / "other.pyz_old"
    (other_file / "site-packages").mkdir(parents=True)
    (other_file / preamble.LOCK_NAME).touch()

    running = os.open(busy / preamble.LOCK_NAME, os.O_RDONLY)  # a server started from it
    fcntl.flock(running, fcntl.LOCK_SH)
    try:
        preamble.hold(current)
        assert preamble.remove_old_builds(current) == [old]
    finally:
        os.close(running)
    assert not old.exists() and current.exists() and busy.exists() and legacy.exists() and other_file.exists()
    assert not preamble.unused(current)  # this process holds it now
    assert preamble.remove_old_builds(current) == [busy]  # its server has stopped
