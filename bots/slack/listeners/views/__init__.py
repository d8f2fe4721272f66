"""Modal submissions: record_decision (deciders) and propose_decision (everyone else)."""
