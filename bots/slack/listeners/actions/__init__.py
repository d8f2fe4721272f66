"""Button listeners: record_decision, show_evidence, confirm_proposal."""
