"""Debian's Chromium, headless, driven over its DevTools pipe: open a page, read what is on screen, take a picture.

Why this and not Playwright or Selenium: Chromium speaks the DevTools protocol over two inherited file
descriptors (``--remote-debugging-pipe``: it reads commands on fd 3 and writes replies and events on fd 4,
each a JSON text ended by a NUL byte), which is what Playwright and Puppeteer use underneath. A hundred
lines of standard library drive it: no package to install, no browser download, no driver binary matching
the browser's version, no port to choose (so two pytest-xdist workers never collide) and nothing listening
on the network. Each ``Chromium`` has its own fresh profile in a temporary folder.

The launch flags are the ones this kind of machine needs: headless without a sandbox as root, no GPU, and
none of Chromium's background connections (updates, sync, QUIC), which a closed network refuses noisily.
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from apt_install import apt_install

PACKAGE = "chromium"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--mute-audio",
    "--remote-debugging-pipe",
)
# Tried when a start with FLAGS fails: no zygote (renderers are started directly rather than forked from a
# helper that must answer a ping first) and no crash reporter (its handler process can outlive a browser that
# died at start and keep the pipe open, so the death looks like silence).
FALLBACK_FLAGS = ("--no-zygote", "--disable-crash-reporter", "--disable-breakpad")
TIMEOUT = 30.0  # for one command
START_TIMEOUT = 60.0  # for the first answer: a first start on a busy fresh machine builds caches


# Debian's /usr/bin/chromium is a shell launcher that adds flags of its own (extensions, GPU rasterisation);
# the browser itself is started directly so the flags are exactly ours.
BINARY = Path("/usr/lib/chromium/chromium")


def executable() -> str | None:
    """Chromium's path, if installed."""
    if os.access(BINARY, os.X_OK):
        return str(BINARY)
    return shutil.which("chromium") or shutil.which("chromium-browser")


def ensure_installed() -> str | None:
    """Install Debian's ``chromium`` when it is missing (once per machine); ``None`` when there, else why not."""
    return apt_install(PACKAGE, lambda: executable() is not None)


class BrowserError(RuntimeError):
    """Chromium refused a command, closed its pipe, or did not answer in time."""


class Chromium:
    """One headless Chromium with a fresh profile; ``with Chromium() as browser: page = browser.open(url)``."""

    def __init__(self, extra_flags: tuple[str, ...] = ()) -> None:
        exe = executable()
        if exe is None:
            raise BrowserError("chromium is not installed (call ensure_installed first)")
        self._profile = tempfile.mkdtemp(prefix="aims-chromium-")
        # Its home is the profile too: the crash database and caches it keeps under $HOME land there, whatever
        # home (unwritable, shared by other runs) the machine gives the test.
        home = {"HOME": self._profile, "XDG_CONFIG_HOME": self._profile, "XDG_CACHE_HOME": self._profile}
        to_browser, self._to_browser = os.pipe()
        self._from_browser, from_browser = os.pipe()
        # Popen puts the pipe ends on stdin and stdout, which no other descriptor can occupy; the shell moves
        # them to fds 3 and 4, where Chromium looks for them, gives it /dev/null instead and becomes Chromium.
        wiring = 'exec "$0" "$@" 3<&0 4>&1 0</dev/null 1>/dev/null'
        self._log = Path(self._profile) / "stderr.log"  # quoted in the error should Chromium quit early
        with self._log.open("wb") as log:
            self._process = subprocess.Popen(
                ["/bin/sh", "-c", wiring, exe, *FLAGS, *extra_flags, f"--user-data-dir={self._profile}", "about:blank"],
                stdin=to_browser,
                env={**os.environ, **home},
                stdout=from_browser,
                stderr=log,
                start_new_session=True,  # its own process group: renderers and helpers end with it
            )
        os.close(to_browser)
        os.close(from_browser)
        self._ids = itertools.count(1)
        self._buffer = b""
        self._events: list[dict[str, Any]] = []
        try:
            self.version = str(self.send("Browser.getVersion", timeout=START_TIMEOUT)["product"])
        except BrowserError:
            self.close()  # it did not start: end what did, remove the profile
            raise

    @classmethod
    def start(cls) -> Chromium:
        """A running Chromium: with FLAGS, else with FALLBACK_FLAGS too; the error names what each start said."""
        try:
            return cls()
        except BrowserError as first:
            try:
                return cls(FALLBACK_FLAGS)
            except BrowserError as second:
                raise BrowserError(f"{first}; started again with {' '.join(FALLBACK_FLAGS)}: {second}") from second

    def send(
        self, method: str, params: dict[str, Any] | None = None, session: str | None = None, *, timeout: float = TIMEOUT
    ) -> dict[str, Any]:
        """Send one command (to the browser, or to a page's ``session``) and return its result."""
        ident = next(self._ids)
        message: dict[str, Any] = {"id": ident, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        try:
            os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        except OSError as exc:
            raise BrowserError(f"{method}: Chromium's pipe is closed ({exc})") from exc
        while True:
            reply = self._read(method, timeout)
            if reply.get("id") == ident:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error']}")
                return dict(reply.get("result", {}))
            self._events.append(reply)

    def wait_for(self, event: str, session: str) -> dict[str, Any]:
        """The first ``event`` of ``session`` not yet taken, waiting for it if need be."""
        while True:
            for index, seen in enumerate(self._events):
                if seen.get("method") == event and seen.get("sessionId") == session:
                    return dict(self._events.pop(index).get("params", {}))
            self._events.append(self._read(event))

    def events(self, session: str) -> list[dict[str, Any]]:
        """Every event of ``session`` received so far (``method`` and ``params``), oldest first."""
        return [e for e in self._events if e.get("sessionId") == session]

    def open(self, url: str, *, width: int, height: int) -> Page:
        """A new tab of ``width`` x ``height`` CSS pixels that has loaded ``url``; it records console and network."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable", session=session)
        self.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
            session,
        )
        self._events = [e for e in self._events if e.get("sessionId") != session]  # about:blank's own
        navigated = self.send("Page.navigate", {"url": url}, session)
        if navigated.get("errorText"):
            raise BrowserError(f"{url}: {navigated['errorText']}")
        self.wait_for("Page.loadEventFired", session)
        return Page(self, session, url)

    def close(self) -> None:
        """Ask Chromium to quit, end its process group if it does not, and remove the profile."""
        try:
            if self._process.poll() is None:
                with contextlib.suppress(BrowserError):  # it may close the pipe before it answers
                    self.send("Browser.close")
                try:
                    self._process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(self._process.pid, signal.SIGKILL)
                    self._process.wait(timeout=10)
            with contextlib.suppress(ProcessLookupError):  # helpers left in its group (a crash handler)
                os.killpg(self._process.pid, signal.SIGKILL)
        finally:
            os.close(self._to_browser)
            os.close(self._from_browser)
            shutil.rmtree(self._profile, ignore_errors=True)

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def _read(self, waiting_for: str, timeout: float = TIMEOUT) -> dict[str, Any]:
        """The next message from Chromium (a reply or an event).

        Waits in short slices and looks at the browser process between them: a browser that died while a
        helper of its still holds the pipe open is reported at once, with what it printed, not after the
        timeout.
        """
        deadline = time.monotonic() + timeout
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                state = "still running" if self._process.poll() is None else f"exited ({self._process.returncode})"
                raise BrowserError(
                    f"Chromium did not answer {waiting_for} within {timeout:.0f} s ({state}){self._said()}"
                )
            if not select.select([self._from_browser], [], [], min(left, 0.5))[0]:
                if self._process.poll() is not None:
                    raise BrowserError(
                        f"Chromium exited ({self._process.returncode}) while {waiting_for} was awaited{self._said()}"
                    )
                continue
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                raise BrowserError(f"Chromium closed its pipe while {waiting_for} was awaited{self._said()}")
            self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        return dict(json.loads(message))

    def _said(self) -> str:
        """The last lines Chromium wrote on stderr (D-Bus complaints left out: this machine runs no bus)."""
        try:
            lines = self._log.read_text(errors="replace").splitlines()
        except OSError:
            return ""
        said = [line for line in lines if "dbus" not in line.lower()]
        return f"; it said: {' / '.join(said[-6:])}" if said else "; it printed nothing on stderr"


class Page:
    """A loaded tab: run JavaScript in it, read its console errors and network requests, take a screenshot."""

    def __init__(self, browser: Chromium, session: str, url: str) -> None:
        self._browser = browser
        self._session = session
        self.url = url

    def evaluate(self, expression: str) -> Any:
        """The JSON value of ``expression`` evaluated in the page (a promise is awaited)."""
        done = self._browser.send(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
            self._session,
        )
        if "exceptionDetails" in done:
            details = done["exceptionDetails"]
            raise BrowserError(f"{expression[:80]}: {details.get('exception', {}).get('description', details)}")
        return done["result"].get("value")

    def console_errors(self) -> list[str]:
        """Console errors, uncaught exceptions and browser log errors (refused fetches, CSP violations)."""
        self.evaluate("0")  # a round trip, so events sent before now have arrived
        errors = []
        for event in self._browser.events(self._session):
            params = event.get("params", {})
            match event.get("method"):
                case "Runtime.consoleAPICalled" if params.get("type") in {"error", "assert"}:
                    errors.append(" ".join(str(a.get("value", a.get("description", ""))) for a in params["args"]))
                case "Runtime.exceptionThrown":
                    details = params["exceptionDetails"]
                    errors.append(str(details.get("exception", {}).get("description", details.get("text"))))
                case "Log.entryAdded" if params["entry"].get("level") == "error":
                    errors.append(f"{params['entry'].get('source')}: {params['entry'].get('text')}")
        return errors

    def requests(self) -> list[str]:
        """The URL of every request the page made, its own document included."""
        self.evaluate("0")
        return [
            str(e["params"]["request"]["url"])
            for e in self._browser.events(self._session)
            if e.get("method") == "Network.requestWillBeSent"
        ]

    def screenshot(self, path: Path) -> Path:
        """Save what the viewport shows (the first screen, before any scrolling) as a PNG at ``path``.

        Written beside ``path`` and renamed onto it, so a reader never sees half a file.
        """
        shot = self._browser.send("Page.captureScreenshot", {"format": "png"}, self._session)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}.partial")  # two workers may save the same picture
        partial.write_bytes(base64.b64decode(shot["data"]))
        partial.replace(path)
        return path
