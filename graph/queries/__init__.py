"""Named, parameterised SPARQL for people and tools: saved queries (``ontology/queries``).

Parameters are bound as typed RDF terms through the store, never pasted into the text.
"""
