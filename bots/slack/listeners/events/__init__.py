"""Event listeners: app_mention, message (DMs / Messages tab), app_home_opened."""
