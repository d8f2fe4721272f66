"""Who owns the on-disk store: the process that opened it publishes where to reach it, the others read that.

The embedded store can be open in one process only (Oxigraph locks the directory). So the long-running
process that holds it (``aims serve``, ``aims slack``) serves it over HTTP and writes ``owner.json`` in
``AIMS_HOME``: its pid, its SPARQL URL and a random update token for this run, readable only by the same
user (mode 0600), removed when it stops. Another process that finds the store locked reads the file,
checks that the pid is alive and that ``/health`` answers, and talks to the owner instead (see
``graph.store.factory``). A file left by a process that died is ignored, and replaced by the next owner.
"""

from __future__ import annotations

import json
import os
import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import urllib3

OWNER_FILE = "owner.json"
# How long the health check may take: the owner is on this machine, so it answers at once or not at all.
HEALTH_TIMEOUT = 2.0


@dataclass(frozen=True)
class Owner:
    """The process serving the store: its pid, its SPARQL endpoint and the update token it accepts."""

    pid: int
    url: str
    token: str

    @property
    def health_url(self) -> str:
        """The owner's ``/health`` address, next to its ``/sparql``."""
        return self.url.rsplit("/", 1)[0] + "/health"


def new_token() -> str:
    """A random update token for one run of an owner (never written anywhere but the 0600 owner file)."""
    return secrets.token_urlsafe(32)


def owner_path(home: Path) -> Path:
    """Where the owner of the store under ``home`` publishes itself."""
    return home / OWNER_FILE


@contextmanager
def published(home: Path, url: str, token: str) -> Iterator[Owner]:
    """Publish this process as the store's owner for the duration of the block, then remove the file.

    The file is written to a temporary name with mode 0600 and renamed into place, so a reader sees the
    old file, the new one or none, never half of one. It is removed only if it is still ours.
    """
    owner = Owner(pid=os.getpid(), url=url, token=token)
    home.mkdir(parents=True, exist_ok=True)
    target = owner_path(home)
    descriptor, temporary = tempfile.mkstemp(prefix=".owner-", dir=home)
    try:
        os.fchmod(descriptor, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
            json.dump({"pid": owner.pid, "url": owner.url, "token": owner.token}, stream)
        os.replace(temporary, target)
    except BaseException:
        with suppress(OSError):
            os.unlink(temporary)
        raise
    try:
        yield owner
    finally:
        if read_owner(home) == owner:
            with suppress(OSError):
                target.unlink()


def read_owner(home: Path) -> Owner | None:
    """The owner published under ``home``, as written (alive or not), or ``None`` if there is no valid file."""
    try:
        data = json.loads(owner_path(home).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    pid, url, token = data.get("pid"), data.get("url"), data.get("token")
    if not isinstance(pid, int) or not isinstance(url, str) or not isinstance(token, str):
        return None
    return Owner(pid=pid, url=url, token=token)


def pid_alive(pid: int) -> bool:
    """Whether a process with this pid exists (signal 0 checks without sending anything)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def answers(owner: Owner, timeout: float = HEALTH_TIMEOUT) -> bool:
    """Whether the owner's ``/health`` answers now: ok (200), or alive but busy (503 ``overloaded``)."""
    try:
        reply = urllib3.request("GET", owner.health_url, timeout=timeout, retries=False)
    except urllib3.exceptions.HTTPError:
        return False
    return reply.status in {200, 503}


def live_owner(home: Path) -> Owner | None:
    """The published owner if its process is alive and its endpoint answers; ``None`` otherwise (stale file)."""
    owner = read_owner(home)
    if owner is None or not pid_alive(owner.pid) or not answers(owner):
        return None
    return owner


def lock_holder(store_dir: Path) -> int | None:
    """The pid holding Oxigraph's lock on ``store_dir`` (read from ``/proc/locks``), or ``None`` if unknown.

    RocksDB takes a POSIX lock on ``LOCK``; Linux lists such locks with the holder's pid and the file's
    device and inode, which is enough to tell the user which process to stop. Other systems: ``None``.
    """
    try:
        info = (store_dir / "LOCK").stat()
        table = Path("/proc/locks").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    wanted = (os.major(info.st_dev), os.minor(info.st_dev), info.st_ino)
    for line in table.splitlines():
        fields = line.split()
        # "1: POSIX  ADVISORY  WRITE 4353 fe:00:2155481 0 EOF" (blocked waiters are marked "->").
        if len(fields) < 6 or fields[1] == "->":
            continue
        try:
            major, minor, inode = fields[5].split(":")
            if (int(major, 16), int(minor, 16), int(inode)) == wanted:
                return int(fields[4])
        except ValueError:
            continue
    return None


def process_name(pid: int) -> str:
    """The command line of a process on one line (``/proc/<pid>/cmdline``), or ``""`` when it cannot be read."""
    with suppress(OSError):
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
        # One line whatever the arguments hold (a `python -c` script has newlines).
        return " ".join(raw.replace(b"\0", b" ").decode("utf-8", errors="replace").split())
    return ""
