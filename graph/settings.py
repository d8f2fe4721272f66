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
    """

    home: Path = DEFAULT_HOME
    store: str = "oxigraph"
    ontology_dir: Path = DEFAULT_ONTOLOGY_DIR
    store_update: str = ""

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
        )
