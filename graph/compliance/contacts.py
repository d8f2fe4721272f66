"""How an owner's text names a person, and what a person's contact details look like.

One place for both: the inventory check (is the owner listed?), the import (which agent node it becomes)
and the reminders (whom to message, which Slack id to keep) all ask here.
"""

from __future__ import annotations

import re

# What a well-formed e-mail address and Slack user id look like (``U0123ABCD``; ``W...`` on Enterprise Grid).
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SLACK_USER_ID = re.compile(r"^[UW][A-Z0-9]{6,}$")
_NAME_AND_ROLE = re.compile(r"^(?P<name>[^()]+?)\s*\((?P<role>[^()]+)\)\s*$")


def split_owner(owner: str) -> tuple[str, str]:
    """``Amara Okafor (Fraud Analytics)`` -> (``Amara Okafor``, ``Fraud Analytics``); the role is ``""`` if none.

    Shared by the check (which person an owner names) and the import (which agent node it becomes).
    """
    match = _NAME_AND_ROLE.match(owner)
    return (match["name"], match["role"].strip()) if match else (owner.strip(), "")
