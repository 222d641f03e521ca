"""The intake questionnaire an app renders its form from: red-flag questions first, then the rest."""

from flask.views import MethodView
from flask_smorest import Blueprint

from service.api.state import state
from service.engine.models import AnswerType, Factor, KnowledgeBase, Text, Urgency
from service.schemas.base import RANGES
from service.schemas.content import QuestionSchema
from service.web.args import lang_query
from service.web.catalog import Catalog

blp = Blueprint("Questionnaire", __name__, url_prefix="/v1/questionnaire", description="Intake questions, in order.")
URGENCY_ORDER = list(Urgency)


def _options(kb: KnowledgeBase, source: str | None) -> list[dict[str, object]]:
    if source is None:
        return []
    if source == "treatments":
        return [{"value": t.id, "label": t.name} for t in kb.treatments]
    if source == "red_flags":
        return [{"value": f.id, "label": _all(kb, f.questions)} for f in kb.red_flags]
    kind = source.split(":", 1)[1]
    return [{"value": f.id, "label": f.label} for f in kb.factors if isinstance(f, Factor) and f.kind.value == kind]


def _all(kb: KnowledgeBase, parts: tuple[Text, ...]) -> Text:
    """Several texts as one, in every language of the knowledge."""
    return Text({lang: " ".join(p.get_text(lang) for p in parts) for lang in kb.languages})


def questions(kb: KnowledgeBase) -> list[dict[str, object]]:
    """Red-flag questions (most urgent first), then the intake questions with their choices and ranges."""
    flags = sorted(kb.red_flags, key=lambda f: URGENCY_ORDER.index(f.urgency))
    out: list[dict[str, object]] = [
        {
            "id": f"red-flag-{f.id}" + (f"-{n}" if n > 1 else ""),
            "prompt": q,
            "help": f.meaning,
            "answer_type": AnswerType.BOOLEAN,
            "field": "red_flags",
            "value": f.id,
            "minimum": None,
            "maximum": None,
            "options": [],
            "record": f,
        }
        for f in flags
        for n, q in enumerate(f.questions, 1)
    ]
    for q in kb.questions:
        low, high = RANGES.get(q.field, (None, None))
        out.append(
            {
                "id": q.id,
                "prompt": q.prompt,
                "help": q.help,
                "answer_type": q.answer_type,
                "field": q.field,
                "value": None,
                "minimum": low,
                "maximum": high,
                "options": _options(kb, q.options_from),
                "record": q,
            }
        )
    return out


def publish(cat: Catalog) -> None:
    cat.add_dump("questionnaire", QuestionSchema(many=True), questions(cat.kb), blp.url_prefix)


@blp.route("")
class Questionnaire(MethodView):
    @blp.doc(operationId="getQuestionnaire")
    @lang_query(blp)
    @blp.response(200, QuestionSchema(many=True))
    def get(self):
        """Get the intake questionnaire

        Ordered questions with prompts, answer types, choices and the request field each fills. Ask every red-flag
        question first; when all were asked, send `red_flags_screened: true`.
        """
        return state().catalog.send("questionnaire")
