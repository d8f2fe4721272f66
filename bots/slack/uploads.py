"""Slack's files API from the bot: upload bytes (privately, or into a conversation) and wait until Slack has them.

``WebClient.files_upload_v2`` runs Slack's external upload flow: ``files.getUploadURLExternal``, a POST of
the bytes to the ``upload_url`` it returns, then ``files.completeUploadExternal`` (sharing the file into a
conversation when one is given; without one only the bot can see it). Slack finishes processing a file
after that last call returns, and until then an image block naming it is refused (``invalid slack file``):
``wait_until_processed`` polls ``files.info`` until the file has its type, as Slack's SDK maintainers
advise. Every failure (an error, rate limits past the client's retries, a dropped connection) becomes
``UploadError`` with a reason a person can read, so callers can still send their text and say what is
missing.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

logger = logging.getLogger("aims.slack")

# files.info polls after an upload: about 6 s in all, the first after a fifth of a second.
POLL_PAUSES = (0.2, 0.4, 0.8, 1.6, 3.2)
# Files remembered by content; each is a few tens of kilobytes in Slack, not in memory (only the id is kept).
REMEMBERED = 256


class UploadError(Exception):
    """A file did not reach Slack; ``reason`` says why in a few plain words for the person waiting."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Uploaded:
    """A file Slack stored: its id (``F...``) and how many bytes were sent."""

    id: str
    size: int


def reason(exc: Exception) -> str:
    """Why a Web API call failed, for a person: rate limits and missing scopes named, else Slack's error code."""
    if isinstance(exc, SlackApiError):
        error = str(exc.response.get("error") or "an error")
        if error == "ratelimited":
            return "Slack is limiting how often the app may upload just now"
        if error == "missing_scope":
            needed = exc.response.get("needed") or "files:write"
            return f"the app lacks the {needed} permission"
        return f"Slack answered {error}"
    return "the connection to Slack failed"


def file_slug(name: str, default: str = "file") -> str:
    """A file-name-safe form of a name for an uploaded file (``CV screening model`` -> ``cv-screening-model``)."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or default


def upload(
    client: WebClient,
    *,
    content: bytes,
    filename: str,
    title: str,
    channel: str | None = None,
    initial_comment: str | None = None,
) -> Uploaded:
    """Upload ``content``; shared into ``channel`` (a conversation id) with ``initial_comment``, else private.

    Raises ``UploadError``; nothing is half-sent that the caller must clean up (an upload Slack never
    completed is discarded by Slack).
    """
    try:
        response = client.files_upload_v2(
            content=content, filename=filename, title=title, channel=channel, initial_comment=initial_comment
        )
    except (SlackClientError, OSError) as exc:  # an API error, the POST of the bytes, or the connection
        logger.warning("upload of %s failed: %s", filename, exc)
        raise UploadError(reason(exc)) from exc
    file_id = str((response.get("file") or {}).get("id") or "")
    if not file_id:
        raise UploadError("Slack did not say which file it stored")
    return Uploaded(file_id, len(content))


def wait_until_processed(client: WebClient, file_id: str, pauses: tuple[float, ...] = POLL_PAUSES) -> bool:
    """Whether Slack has processed the file (``files.info`` gives its type) within ``pauses``.

    True as well when ``files.info`` cannot be asked (no ``files:read`` permission): the caller then tries,
    and falls back on its refusal, rather than waiting for nothing.
    """
    for pause in pauses:
        time.sleep(pause)
        try:
            found = client.files_info(file=file_id)
        except SlackApiError as exc:
            if exc.response.get("error") in {"missing_scope", "not_allowed_token_type"}:
                return True
            logger.warning("files.info %s: %s", file_id, exc)
            continue
        except (SlackClientError, OSError) as exc:
            logger.warning("files.info %s: %s", file_id, exc)
            continue
        if (found.get("file") or {}).get("mimetype"):
            return True
    return False


class UploadedFiles:
    """Files the bot has uploaded, by the SHA-256 of their bytes, so the same picture is sent once.

    Thread-safe (listeners run on worker threads); keeps the most recent ``REMEMBERED``.
    """

    def __init__(self, size: int = REMEMBERED) -> None:
        self._ids: OrderedDict[str, str] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    @staticmethod
    def key(content: bytes) -> str:
        """What identifies a file's content."""
        return hashlib.sha256(content).hexdigest()

    def get(self, content: bytes) -> str | None:
        """The id of a file already uploaded with exactly these bytes."""
        with self._lock:
            return self._ids.get(self.key(content))

    def put(self, content: bytes, file_id: str) -> None:
        """Remember that ``file_id`` holds these bytes."""
        with self._lock:
            self._ids[self.key(content)] = file_id
            self._ids.move_to_end(self.key(content))
            while len(self._ids) > self._size:
                self._ids.popitem(last=False)

    def forget(self, file_id: str) -> None:
        """Stop using ``file_id`` (Slack refused it: deleted, or never processed)."""
        with self._lock:
            for key in [k for k, v in self._ids.items() if v == file_id]:
                del self._ids[key]

    def clear(self) -> None:
        """Forget every file."""
        with self._lock:
            self._ids.clear()
