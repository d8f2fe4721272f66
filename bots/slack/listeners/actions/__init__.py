"""Button listeners: decisions, proposals, evidence, queries, more of a long answer, and reports."""
