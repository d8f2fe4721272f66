"""Limits on inventory files, in one place: the reader, the settings and the tests ask here.

A file is read whole before anything is checked (so every problem is reported at once), which makes
its size the cost of a hostile file; the limits keep that cost bounded and leave a wide margin for real
ones: a 10,000-system inventory (10,000 risks and evidence items too) is about 8 MB and about 500,000
YAML values, of which no alias copies any.
"""

from __future__ import annotations

# Files larger than this are refused before parsing (AIMS_INVENTORY_MAX_BYTES overrides it).
MAX_FILE_BYTES = 64 * 1024 * 1024
# YAML values that aliases (``*name``) may copy in one file, in total: legitimate reuse of a list of
# controls or roles costs a few values per alias; a "billion laughs" file needs billions.
MAX_ALIAS_VALUES = 10_000
