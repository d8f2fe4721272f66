"""Install a Debian package the tests or benchmarks need (Virtuoso, Chromium) when it is missing.

A fresh CI machine has apt but not these programs; the test set-up installs them rather than skipping.
Two pytest-xdist workers may want a package at the same moment, and apt refuses a second run while one
holds dpkg's lock, so every install here takes one machine-wide file lock first and looks again once it
has it: the second worker finds the package installed by the first and runs nothing.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

LOCK = Path(tempfile.gettempdir()) / "aims-graph-apt-install.lock"


def apt_install(package: str, installed: Callable[[], bool], *, timeout: float = 900) -> str | None:
    """Install ``package`` with apt unless ``installed()``; ``None`` when it is there, else why not.

    Needs root (or password-less sudo) and apt-get; without them, or when apt fails, the reason is
    returned for the caller's skip message. Tries the install first (the package lists may be fresh),
    then ``apt-get update`` and the install again.
    """
    if installed():
        return None
    if shutil.which("apt-get") is None:
        return f"{package} is not installed and this machine has no apt-get"
    with LOCK.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if installed():  # another worker installed it while this one waited
            return None
        sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        install = [*sudo, "apt-get", "install", "-y", "-q", "--no-install-recommends", package]
        for attempt in (install, [*sudo, "apt-get", "update", "-q"], install):
            try:
                done = subprocess.run(attempt, env=env, capture_output=True, text=True, timeout=timeout)
            except (OSError, subprocess.TimeoutExpired) as exc:
                return f"{package} is not installed and `{' '.join(attempt)}` could not run: {exc}"
            if attempt is install and done.returncode == 0 and installed():
                return None
        return f"{package} is not installed and `{' '.join(install)}` failed: {done.stderr.strip()[-300:]}"
