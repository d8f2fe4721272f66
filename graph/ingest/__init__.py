"""Building the reference graphs from ``ontology/``: the vocabulary, the standard and the crosswalks.

``rdf_files`` parses whole files before anything is written; ``reference`` checks every id, title and
parent against the verified list; ``shacl`` validates with the shapes; ``load`` swaps the checked graphs
in with one transaction; ``crosswalks`` turns the crosswalk table into reified mappings.
"""
