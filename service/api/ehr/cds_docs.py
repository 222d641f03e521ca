"""OpenAPI text of the CDS Hooks services: their descriptions and example requests (schemathesis replays them)."""

from typing import Any

ICD10CM, RXNORM, CPT = (
    "http://hl7.org/fhir/sid/icd-10-cm",
    "http://www.nlm.nih.gov/research/umls/rxnorm",
    "http://www.ama-assn.org/go/cpt",
)
CONTEXT = {"userId": "Practitioner/example", "patientId": "example-patient"}


def bundle(*resources: dict[str, Any]) -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": "searchset", "entry": [{"resource": r} for r in resources]}


def condition(cid: str, code: str, display: str, onset: str) -> dict[str, Any]:
    return {
        "resourceType": "Condition",
        "id": cid,
        "subject": {"reference": "Patient/example-patient"},
        "clinicalStatus": {
            "coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}]
        },
        "code": {"coding": [{"system": ICD10CM, "code": code, "display": display}]},
        "onsetDateTime": onset,
    }


def medication(mid: str, code: str, display: str, status: str = "active") -> dict[str, Any]:
    return {
        "resourceType": "MedicationRequest",
        "id": mid,
        "status": status,
        "intent": "order",
        "subject": {"reference": "Patient/example-patient"},
        "medicationCodeableConcept": {
            "coding": [{"system": RXNORM, "code": code, "display": display}],
            "text": display,
        },
    }


PATIENT = {"resourceType": "Patient", "id": "example-patient", "birthDate": "1968-04-02"}
PREFETCH = {
    "patient": PATIENT,
    "conditions": bundle(
        condition("c1", "M54.31", "Sciatica, right side", "2026-11-01"),
        condition("c2", "N18.3", "Chronic kidney disease, stage 3", "2019-05-01"),
    ),
    "medications": bundle(medication("m1", "11289", "warfarin")),
    "pregnancy": None,
}
BASE = {"hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", "fhirServer": "https://ehr.example.org/fhir"}
NSAID_ORDER = medication("draft-1", "5640", "ibuprofen 400 MG Oral Tablet", "draft")
MRI_ORDER = {
    "resourceType": "ServiceRequest",
    "id": "draft-2",
    "status": "draft",
    "intent": "order",
    "subject": {"reference": "Patient/example-patient"},
    "code": {"coding": [{"system": CPT, "code": "72148", "display": "MRI lumbar spine without contrast"}]},
}

EXAMPLES = {
    "sciatica-patient-view": {
        "sciatica-ckd-warfarin": {
            "summary": "Sciatica with kidney disease, taking warfarin",
            "value": {**BASE, "hook": "patient-view", "context": CONTEXT, "prefetch": PREFETCH},
        },
    },
    "sciatica-order-select": {
        "nsaid-on-warfarin": {
            "summary": "Ibuprofen selected for a patient on warfarin with kidney disease",
            "value": {
                **BASE,
                "hook": "order-select",
                "prefetch": PREFETCH,
                "context": {**CONTEXT, "selections": ["MedicationRequest/draft-1"], "draftOrders": bundle(NSAID_ORDER)},
            },
        },
    },
    "sciatica-order-sign": {
        "early-lumbar-mri": {
            "summary": "Lumbar MRI for sciatica of a few weeks",
            "value": {
                **BASE,
                "hook": "order-sign",
                "prefetch": PREFETCH,
                "context": {**CONTEXT, "draftOrders": bundle(MRI_ORDER)},
            },
        },
    },
}

DOCS = {
    "sciatica-patient-view": """Call the patient-view service

An active sciatica problem gives one card: the options that fit the patient's stage and recorded factors, graded by
evidence, with a red-flag screening reminder and a patient-information link; or a critical/warning card when a red flag
is coded (e.g. cauda equina syndrome); where physiotherapy fits, a suggestion creating a draft referral (ServiceRequest).
No sciatica problem: `{"cards": []}`. Cards are in English for the clinician (whatever Accept-Language says); every
card's patient handout links (`/handouts/...?lang=`) are in the Patient's preferred language (`communication`, the one
marked `preferred`, else the first; a BCP 47 code such as `es` or `es-MX`) when the handouts have it, else in English,
and the card then says why. Needs `conditions`: prefetched, or fetched from `fhirServer` with
`fhirAuthorization` when the server is on the service's allow-list (412 when neither); cards name any other key that
was missing or could not be fetched.
""",
    "sciatica-order-select": """Call the order-select service

Checks the selected draft orders: NSAIDs the knowledge base excludes for this patient (warning, with a suggestion to
remove the order), gabapentinoids, oral corticosteroids, benzodiazepines and opioids for sciatica (the guideline stance,
with "remove and refer to physiotherapy" where it fits), and lumbar imaging in the first 6 weeks without red flags
(info). With such an order, `conditions` and `medications` are needed: prefetched, or fetched as above (412 when
neither).
""",
    "sciatica-order-sign": """Call the order-sign service

The same checks as order-select, over every draft order, just before the orders are signed.
""",
}
