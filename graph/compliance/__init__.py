"""Compliance logic over the organisation's graph: decisions, applicability, evidence, SoA and gap.

``decisions`` records and reads applicability decisions with PROV-O provenance (validated once, here);
``applicability`` keeps the derived matrix of what is in force per system and control; ``rules`` runs
the applicability rules of ``ontology/rules``; ``evidence`` reads evidence and its freshness;
``organisation`` holds typed reads for the assistant and the bots; ``soa`` and ``gap`` build the
Statement of Applicability and the prioritised roadmap; ``approvals`` records who approved which version
of an SoA; ``risk_criteria``, ``risk_register`` and ``risk_acceptance`` read the appetite, each risk before
and after treatment with its actions, and record who accepted which risk at which level (``gap_risks`` and
``soa_risks`` put them in the roadmap and the SoA).
"""
