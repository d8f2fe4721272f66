"""The knowledge graph: storage, the standard, the organisation's data, compliance logic and exports.

Knows nothing of chat or Slack. One subpackage per concern, each importing only from the layers below
it (``tests/graph/test_layers.py`` keeps it so):

- ``namespaces``, ``settings``, ``vocabulary``: IRIs, configuration, the controlled vocabularies of
  ``ontology/aims.ttl``; they import nothing else of ours.
- ``store``: the Store protocol, the embedded Oxigraph and remote SPARQL 1.1 stores, binding values
  into SPARQL text, per-store write bookkeeping.
- ``ingest``: building the reference graphs (vocabulary, standard, crosswalks) from ``ontology/``, with
  the checks against the verified ids and the SHACL shapes.
- ``standard``: typed reads of the standard's nodes and their crosswalk mappings.
- ``compliance``: decisions, the applicability matrix, rules, evidence, SoA and the gap roadmap.
- ``inventory``: the organisation's inventory files (YAML/CSV): format, safe reading, checks, import.
  An import moves the applicability matrix in its own transaction, so it sits above ``compliance``.
- ``queries``: saved queries (``ontology/queries``) and question patterns (``ontology/questions``).
- ``publish``: exports (RDF, GraphML/GEXF, CSV, OSCAL), SoA and gap reports, the networkx view.
- ``endpoint``: the SPARQL 1.1 Protocol over HTTP.
"""

__version__ = "0.1.0"
