"""Interfaces to people and tools: the command line today; Slack and HTTP come next."""
