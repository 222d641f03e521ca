"""GET /v1/infobutton: EHRs configured for MedlinePlus Connect get our patient-facing sciatica content by code."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from service.api.state import state
from service.ehr.infobutton import OIDS, disclaimer, language, lookup, topic
from service.schemas.ehr.infobutton import InfobuttonQuerySchema, InfobuttonSchema
from service.web.args import query
from service.web.catalog import Catalog

blp = Blueprint(
    "Infobutton",
    __name__,
    url_prefix="/v1/infobutton",
    description="HL7 Infobutton / MedlinePlus Connect-style lookup of patient information by problem code.",
)


def publish(cat: Catalog) -> None:
    """Pre-build the topic and the disclaimer in every language."""
    cat.add("infobutton:topic", lambda lang: topic(cat.kb, lang))
    cat.add("infobutton:disclaimer", lambda lang: disclaimer(cat.kb, lang))


@blp.route("")
class Infobutton(MethodView):
    @blp.doc(operationId="lookupInfobutton")
    @query(blp, InfobuttonQuerySchema)
    @blp.response(200, InfobuttonSchema)
    def get(self, args):
        """Look up patient information by code

        MedlinePlus Connect's parameters (`mainSearchCriteria.v.c`, `mainSearchCriteria.v.cs`,
        `mainSearchCriteria.v.dn`, `informationRecipient.languageCode.c`, `knowledgeResponseType`). A code of the
        sciatica family (ICD-10-CM M54.3x, M54.4x, M51.1, M51.16, M51.17 or SNOMED CT 23056005) returns one entry: what
        sciatica is, its stages, self-care tips and links to the printable handout and the rest of this API. Any
        other code, or another code system, returns `total: 0`, no entries and a message saying why. Answers are plain
        JSON (not Atom) and cacheable; only `knowledgeResponseType=application/json` is offered.

        The language: `informationRecipient.languageCode.c` (as MedlinePlus Connect: `es` for Spanish), else
        `performer.languageCode.c`, else `lang`, else Accept-Language. A language code we have answers in it (es-MX
        in es, links with `?lang=es` so the patient lands on Spanish pages); one we do not have answers in English
        with `Language-Fallback: true`, not an error. `query.language` and Content-Language say which was served.
        """
        cat = state().catalog
        asked = args.get("language") or args.get("performer_language")
        lang, fallback = language(asked, cat.language(), cat.kb.languages)  # cat.language() also checks ?lang=
        matched, why = lookup(cat.kb, state().codes, args["code"], args["code_system"], lang)
        entries = [cat.data("infobutton:topic", lang) | {"matched_code": matched}] if matched else []
        body = {
            "query": {
                "code": args["code"],
                "code_system": args["code_system"],
                "code_system_name": OIDS.get(args["code_system"]),
                "display_name": args.get("display_name"),
                "language": lang,
                "requested_language": asked,
                "recipient": args["recipient"],
            },
            "total": len(entries),
            "entries": entries,
            "message": why or None,
            "disclaimer": cat.data("infobutton:disclaimer", lang),
            "attribution": f"Sciatica Relief API, content {cat.kb.content_version}",
        }
        return cat.send_data(InfobuttonSchema().dump(body), lang, fallback)
