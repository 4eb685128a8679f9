"""Run by shiv's bootstrap each time tameen.pyz starts, once its site-packages are unpacked
(`shiv --preamble`, scripts/build_dist.py): marks this build's folder as in use, and
removes the folders older builds of the file left under SHIV_ROOT (about 100 MB each)
that no running process uses.

In use means: a process started from that folder holds a shared lock on its `in-use`
file for as long as it lives (gunicorn's workers share their master's). A folder whose
lock can be taken alone has no process left, and goes. So an upgrade's `migrate` never
pulls the files from under the old server still running.

shiv gives the preamble `site_packages` (this build's) among its globals.
"""

import fcntl
import os
import shutil
from pathlib import Path

LOCK_NAME = "in-use"


def hold(build: Path) -> None:
    """A shared lock on `build`'s in-use file, for the life of this process and its children.
    The descriptor is never closed (and survives an exec), so the lock stays."""
    descriptor = os.open(build / LOCK_NAME, os.O_RDONLY | os.O_CREAT, 0o600)
    os.set_inheritable(descriptor, True)
    fcntl.flock(descriptor, fcntl.LOCK_SH)


def unused(build: Path) -> bool:
    """True when no process holds `build`'s lock. A folder without the file was unpacked
    by a build from before this preamble, whose processes hold no lock: it is left alone."""
    try:
        descriptor = os.open(build / LOCK_NAME, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    finally:
        os.close(descriptor)  # the lock goes with it
    return True


def remove_old_builds(current: Path) -> list[Path]:
    """Folders of other builds of the same file, beside `current`, that nothing uses."""
    name = current.name.rsplit("_", 1)[0]
    removed = []
    for build in sorted(current.parent.glob(f"{name}_*")):
        if build == current or not build.is_dir() or not (build / "site-packages").is_dir():
            continue
        if unused(build):
            shutil.rmtree(build, ignore_errors=True)
            removed.append(build)
    return removed


if __name__ == "__main__":
    current = Path(site_packages).parent  # noqa: F821 (given by shiv's bootstrap)
    hold(current)
    try:
        remove_old_builds(current)
    except OSError:
        pass  # a folder that cannot go now goes at a later start
