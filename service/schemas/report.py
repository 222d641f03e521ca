"""POST /v1/recommendations: the report a person sends (every field optional; null means not answered)."""

from __future__ import annotations

from typing import Any, ClassVar

import marshmallow as ma

from service.engine.models import Outcome, Report, Tried
from service.schemas.base import RANGES, BaseSchema, JsonBoolean, doc, enum_field, integer

MAX_LIST = 50
ID = r"^[A-Za-z0-9][A-Za-z0-9-]{0,63}$"
MEDICINE = r"^[A-Za-z0-9][A-Za-z0-9 .&-]{0,63}$"  # also a name or brand: 'St. Joseph Aspirin', 'Excedrin Back & Body'
ID_FORMAT = "Must be an id: letters, digits and hyphens, up to 64 characters, e.g. {example}."
JURISDICTION = r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$"
WEEKS_NEED_PREGNANT = "Only allowed together with pregnant=true."
ISO_3166 = "Must be an ISO 3166 code such as US or US-TX (capital letters), or null (not known)."
MEDICINE_FORMAT = (
    "Must be a medicine-class id, or a medicine name, brand or RxNorm code: letters, digits, spaces, '.', '&' and "
    "hyphens, up to 64 characters, e.g. {example}."
)


UNANSWERED = " Leave it out or send null when not answered: the answer then takes the safer reading."


def _int(name: str, description: str, example: int) -> ma.fields.Integer:
    return integer(description + UNANSWERED, example, *RANGES[name], allow_none=True)


def _bool(description: str, example: bool) -> ma.fields.Boolean:
    """A yes/no answer, or null: not answered."""
    return JsonBoolean(
        allow_none=True,
        error_messages={"invalid": "Must be true, false or null (not answered), without quotes."},
        metadata=doc(description, example),
    )


def _id(example: str, pattern: str = ID, **kwargs: Any) -> ma.fields.String:
    """One id, with a message that says what an id looks like."""
    said = (MEDICINE_FORMAT if pattern == MEDICINE else ID_FORMAT).format(example=example)
    checks = [ma.validate.Regexp(pattern, error=said), ma.validate.Length(max=64, error=said)]
    return ma.fields.String(validate=checks, error_messages={"invalid": said}, **kwargs)


def _ids(description: str, example: list[str], pattern: str = ID) -> ma.fields.List:
    return ma.fields.List(
        _id(example[0] if example else "saddle-numbness", pattern),
        validate=ma.validate.Length(max=MAX_LIST, error="At most {max} items."),
        allow_none=True,
        error_messages={"invalid": "Must be a list of ids, [] for none or null (not answered)."},
        metadata=doc(description, example),
    )


class TriedSchema(BaseSchema):
    error_messages = {"type": "Must be an object with treatment_id, outcome and weeks."}

    treatment_id = _id("physical-therapy", required=True, metadata=doc("Treatment id.", "physical-therapy"))
    weeks = integer(
        "For how many weeks (null: not known); a trial cannot be longer than the symptoms (422).",
        1,
        0,
        520,
        allow_none=True,
    )
    outcome = enum_field(Outcome, "How it went.", "no_change", required=True)


WEEKS = {
    "type": "integer",
    "format": "int32",
    "minimum": RANGES["pregnancy_weeks"][0],
    "maximum": RANGES["pregnancy_weeks"][1],
}


class RecommendationRequestSchema(BaseSchema):
    error_messages = {"type": "Must be a JSON object: the report's fields (each optional)."}
    # The cross-field rule of check_report (service/engine/factors.py) JSON Schema can state: weeks of pregnancy only
    # with pregnant: true (weeks sent as null are not answered, so allowed alone). The others compare numbers
    # (symptoms longer than a life, a trial longer than the symptoms) or depend on the content (which ages a factor
    # is possible at): the document states them in words (x-rules-beyond-schema), and the 422 names the fields.
    json_schema: ClassVar[dict[str, Any]] = {
        "if": {"required": ["pregnancy_weeks"], "properties": {"pregnancy_weeks": WEEKS}},
        "then": {"required": ["pregnant"], "properties": {"pregnant": {"const": True}}},
        "x-rules-beyond-schema": [
            "Each tried[].weeks fits within symptom_duration_days (7 days a week), when both are known.",
            "symptom_duration_days fits within the person's life ((age + 1) x 366 days), when both are known.",
            "Each condition and medicine class, pregnant and breastfeeding are possible at the given age (GET "
            "/v1/factors gives each factor's ages).",
            "A report that breaks one is answered 422, naming both fields: JSON Schema cannot compare two numbers.",
        ],
    }

    age = _int("age", "Age in years (0-120).", 42)
    symptom_duration_days = _int("symptom_duration_days", "How long the symptoms have lasted, in days.", 60)
    pain_severity = _int("pain_severity", "Worst leg pain in the last day, 0 (none) to 10 (worst imaginable).", 6)
    red_flags = _ids("Red flag ids the person answered yes to (GET /v1/red-flags); none when left out.", [])
    red_flags_screened = _bool(
        "True when every red-flag question was asked. Left out, null or false: not screened, so the answer puts "
        "the checklist first and holds hands-on, needle, device, injection and surgical options.",
        True,
    )
    pregnant = _bool("Currently pregnant (send false when pregnancy is not possible)." + UNANSWERED, False)
    pregnancy_weeks = _int("pregnancy_weeks", "Weeks of pregnancy (only with pregnant=true).", 24)
    breastfeeding = _bool("Currently breastfeeding." + UNANSWERED, False)
    conditions = _ids(
        "Condition factor ids (GET /v1/factors, kind condition); [] for none." + UNANSWERED, ["kidney-disease"]
    )
    medications = _ids(
        "Medicines taken: class ids (GET /v1/factors, kind medication), or names, brands or RxNorm codes as GET "
        "/v1/medicines finds them (any case), each read as its classes; an unknown one is a 422 naming it; [] for "
        "none." + UNANSWERED,
        ["warfarin", "Advil", "7804", "ssri-snri"],
        MEDICINE,
    )
    tried = ma.fields.List(
        ma.fields.Nested(TriedSchema),
        validate=ma.validate.Length(max=MAX_LIST, error="At most {max} items."),
        allow_none=True,
        error_messages={"invalid": "Must be a list of objects with treatment_id, outcome and weeks, or null (none)."},
        metadata=doc("Treatments already tried; none when left out."),
    )
    avoid = _ids("Preference ids to avoid (GET /v1/factors, kind preference); none when left out.", ["surgery"])
    jurisdiction = ma.fields.String(
        validate=[ma.validate.Regexp(JURISDICTION, error=ISO_3166), ma.validate.Length(max=6, error=ISO_3166)],
        allow_none=True,
        error_messages={"invalid": ISO_3166},
        metadata=doc("Where the person lives: ISO 3166-1 alpha-2 or ISO 3166-2 code; unknown when left out.", "US-TX"),
    )

    @ma.post_load
    def to_report(self, data: dict[str, Any], **kwargs: Any) -> Report:
        data["tried"] = tuple(Tried(**t) for t in data.get("tried") or ())
        data["red_flags_screened"] = bool(data.get("red_flags_screened"))
        for key in ("red_flags", "avoid"):
            data[key] = tuple(dict.fromkeys(data.get(key) or ()))  # de-duplicated, order kept
        for key in ("conditions", "medications"):  # None stays None: not answered
            if data.get(key) is not None:
                data[key] = tuple(dict.fromkeys(data[key]))
        return Report(**data)
