"""Where the graph lives; built once at the edge (CLI, bot start-up) from the environment and passed down."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_HOME = Path(".aims")
PACKAGE_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ONTOLOGY_DIR = PACKAGE_ROOT / "ontology"


@dataclass(frozen=True)
class Settings:
    """Configuration of the graph layer.

    Args:
        home: data directory (``AIMS_HOME``); the embedded store lives in ``home/store``.
        store: ``oxigraph`` for the embedded store, or the URL of a SPARQL 1.1 query endpoint (``AIMS_STORE``).
        ontology_dir: the folder holding ``aims.ttl``, ``shapes.ttl`` and the standard's Turtle files.
        store_update: the remote update endpoint (``AIMS_STORE_UPDATE``), if it is not next to the query one.
        inventory_max_bytes: inventory files larger than this are refused unread (``AIMS_INVENTORY_MAX_BYTES``);
            None for the default of ``graph.inventory.limits``.
    """

    home: Path = DEFAULT_HOME
    store: str = "oxigraph"
    ontology_dir: Path = DEFAULT_ONTOLOGY_DIR
    store_update: str = ""
    inventory_max_bytes: int | None = None

    @property
    def store_path(self) -> Path:
        """Directory of the embedded on-disk store."""
        return self.home / "store"

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read ``AIMS_HOME`` and ``AIMS_STORE``; only entry points call this."""
        env = os.environ if environ is None else environ
        return cls(
            home=Path(env.get("AIMS_HOME") or DEFAULT_HOME),
            store=env.get("AIMS_STORE") or "oxigraph",
            store_update=env.get("AIMS_STORE_UPDATE") or "",
            inventory_max_bytes=_positive_int(env, "AIMS_INVENTORY_MAX_BYTES"),
        )


def _positive_int(env: Mapping[str, str], name: str) -> int | None:
    """A positive whole number from the environment (None when unset), or ValueError naming the variable."""
    raw = env.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or int(raw) <= 0:
        raise ValueError(f"{name}={raw!r}: expected a positive whole number of bytes (e.g. 67108864)")
    return int(raw)
