"""Understanding and answering employees questions; knows nothing of Slack."""
