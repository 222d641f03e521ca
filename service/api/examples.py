"""Request examples for the OpenAPI document (Swagger UI offers them in a drop-down)."""

REQUEST_EXAMPLES = {
    "acute-uncomplicated": {
        "summary": "Acute sciatica, no warning signs",
        "value": {
            "age": 38,
            "symptom_duration_days": 10,
            "pain_severity": 5,
            "red_flags": [],
            "red_flags_screened": True,
        },
    },
    "pregnant": {
        "summary": "Pregnant at 24 weeks",
        "value": {
            "age": 31,
            "symptom_duration_days": 14,
            "pain_severity": 6,
            "red_flags": [],
            "red_flags_screened": True,
            "pregnant": True,
            "pregnancy_weeks": 24,
        },
    },
    "anticoagulated": {
        "summary": "Taking an anticoagulant, with kidney disease",
        "value": {
            "age": 71,
            "symptom_duration_days": 20,
            "pain_severity": 6,
            "red_flags": [],
            "red_flags_screened": True,
            "conditions": ["kidney-disease"],
            "medications": ["anticoagulant"],
            "jurisdiction": "GB",
        },
    },
    "chronic-after-physio": {
        "summary": "Chronic sciatica after physiotherapy that did not help",
        "value": {
            "age": 45,
            "symptom_duration_days": 120,
            "pain_severity": 7,
            "red_flags": [],
            "red_flags_screened": True,
            "tried": [{"treatment_id": "physical-therapy", "weeks": 8, "outcome": "no_change"}],
            "avoid": ["needles"],
            "jurisdiction": "US-TX",
        },
    },
    "cauda-equina": {
        "summary": "A cauda equina warning sign",
        "value": {
            "age": 52,
            "symptom_duration_days": 3,
            "pain_severity": 8,
            "red_flags": ["saddle-numbness"],
            "red_flags_screened": True,
        },
    },
    "little-reported": {"summary": "Nothing reported yet", "value": {}},
}
