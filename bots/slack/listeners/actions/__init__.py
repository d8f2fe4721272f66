"""Button listeners: record_decision, show_evidence, show_query, confirm_proposal."""
