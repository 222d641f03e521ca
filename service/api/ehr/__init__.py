"""The EHR endpoints: CDS Hooks services, the read-only FHIR facade and the Infobutton (knowledge request)."""
