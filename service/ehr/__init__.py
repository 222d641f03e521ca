"""EHR projections of the knowledge base: CDS Hooks cards, FHIR resources, Infobutton answers (no Flask here)."""
