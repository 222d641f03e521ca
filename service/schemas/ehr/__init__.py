"""The EHR endpoints' contract: CDS Hooks requests and cards, FHIR resources, the Infobutton answer."""
