"""The /aims slash command."""
