"""The organisation's inventory files (YAML or CSV): format, safe reading, checks and import.

``schema`` is the file format as data; ``located_yaml`` and ``files`` read records that remember their
line; ``check`` reports every problem as ``file:line: record.field: message``; ``importer`` turns checked
records into triples, validates them with SHACL and replaces the inventory graph (all or nothing).
``check_risks`` and ``risk_triples`` hold the risk data that spans fields (residual ratings, the risk
criteria); ``cited_records`` lists the records answers cite but questions never name.
"""
