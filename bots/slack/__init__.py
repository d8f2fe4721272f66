"""The Slack bot: answers in channels, DMs and the Messages tab; decisions recorded back into the graph."""
