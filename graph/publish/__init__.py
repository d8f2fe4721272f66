"""What leaves the graph for other tools and people.

RDF exports, GraphML/GEXF through networkx, the CSV SoA, OSCAL documents built with compliance-trestle's
models, the SoA and gap reports, and the networkx view used for paths and pictures.
"""
