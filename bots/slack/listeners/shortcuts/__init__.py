"""Message shortcuts: "Record as AIMS decision"."""
