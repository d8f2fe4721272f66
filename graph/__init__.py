"""The knowledge graph: storage, loading, validation, queries and exports. Knows nothing of chat or Slack."""

__version__ = "0.1.0"
