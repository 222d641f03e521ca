"""GET /v1/medicines: a medicine name, brand or RxNorm code -> the medicine-class ids a report accepts."""

from __future__ import annotations

import marshmallow as ma

from service.schemas.base import BaseSchema, OutputSchema, doc, integer

MATCHED = ("name", "brand", "rxnorm")
TERM_TYPES = ("IN", "BN", "SCD", "SBD", "GPCK", "BPCK")


class MedicineQuerySchema(BaseSchema):
    q = ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=2, max=64),
        metadata=doc(
            "A medicine's name or brand, or the start of one (2 to 64 characters, any case), or an RxNorm code "
            "(digits, matched exactly). What a person takes is health data: it is never logged, and the answer is "
            "`Cache-Control: no-store`.",
            "warf",
        ),
    )


class MedicineSchema(OutputSchema):
    name = ma.fields.String(
        required=True,
        metadata=doc("The medicine's name, the brand, or the RxNorm name of the product a code names.", "warfarin"),
    )
    matched = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf(MATCHED),
        metadata=doc("What `q` matched: a name, a brand, or an RxNorm code.", "name", enum=list(MATCHED)),
    )
    rxnorm = ma.fields.String(
        required=True,
        allow_none=True,
        metadata=doc(
            "RxNorm code (RxCUI): the ingredient's, or the product's for a product code; null for a brand, or when "
            "no code is recorded.",
            "11289",
        ),
    )
    rxnorm_verified = ma.fields.Boolean(
        required=True,
        metadata=doc("The code was checked against a published source (the code register or an NLM value set).", False),
    )
    term_type = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf(TERM_TYPES),
        metadata=doc(
            "RxNorm term type: IN ingredient, BN brand name, SCD or SBD clinical or branded drug, GPCK or BPCK pack.",
            "IN",
            enum=list(TERM_TYPES),
        ),
    )
    ingredients = ma.fields.List(
        ma.fields.String(),
        required=True,
        metadata=doc("The ingredients it contains (more than one for a combination).", ["warfarin"]),
    )
    brands = ma.fields.List(
        ma.fields.String(), required=True, metadata=doc("Brand names known for it.", ["Coumadin", "Jantoven"])
    )
    classes = ma.fields.List(
        ma.fields.String(),
        required=True,
        metadata=doc(
            "Medicine-class factor ids it means (GET /v1/factors?kind=medication): what POST /v1/recommendations "
            "reads for it. Empty for a medicine the service knows that is in no class the rules read (paracetamol).",
            ["anticoagulant"],
        ),
    )
    min_days = integer(
        "The classes apply only after this many days of use (long-term steroid tablets: 28); null when they apply "
        "at once. A report naming the medicine counts it as taken that long, the safer reading.",
        None,
        0,
        36500,
        allow_none=True,
    )
