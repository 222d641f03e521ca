"""What every CDS Hooks card is built from: the context, the spec's invariants, links, suggestions, shared lines."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from service.ehr.chart import Chart
from service.ehr.codes import CodeMap
from service.ehr.language import served
from service.ehr.unread import unread_line
from service.engine import Engine
from service.engine.models import DEFAULT_LANGUAGE, Direction, Evidence, KnowledgeBase, Msg, StageEvidence, Treatment
from service.engine.results import Excluded, Reason, Result
from service.engine.say import UNANSWERED

SUMMARY_MAX = 139  # the spec: "<140-character summary"
ICD10CM_OID = "2.16.840.1.113883.6.90"
SNOMED_OID = "2.16.840.1.113883.6.96"


@dataclass(frozen=True)
class Context:
    """What every card builder needs: the engine (and its knowledge), code maps, the public base URL and the language
    of the card's own texts (clinicians': English; the patient handouts they link follow the patient's language)."""

    engine: Engine  # the knowledge and its prepared data (engine.kb)
    codes: CodeMap
    base: str
    lang: str = "en"
    canonical: str = "https://sciatica-relief.example.org/fhir"

    @property
    def kb(self) -> KnowledgeBase:
        return self.engine.kb

    @property
    def texts(self) -> Mapping[str, Any]:
        return self.codes.texts


def short(text: str, limit: int = SUMMARY_MAX) -> str:
    """One line of at most `limit` characters, cut at a word with an ellipsis when too long."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:(") + "…"


def card(ctx: Context, summary: str, indicator: str, detail: Sequence[str], **extra: Any) -> dict[str, Any]:
    """A card with the invariants the spec requires: uuid, short summary, indicator, source label."""
    out: dict[str, Any] = {
        "uuid": str(uuid.uuid4()),
        "summary": short(summary),
        "indicator": indicator,
        "source": {
            "label": ctx.texts["source_label"].format(version=ctx.kb.content_version),
            "url": f"{ctx.base}/",
            "topic": {"system": f"{ctx.canonical}/CodeSystem/cds-topics", "code": "sciatica", "display": "Sciatica"},
        },
    }
    extra["detail"] = "\n\n".join(p for p in detail if p)
    return out | {k: v for k, v in extra.items() if v}  # the spec forbids null or empty values


def remove_order(label: str, ref: str, recommended: bool) -> dict[str, Any]:
    """Suggestion: delete a draft order (resourceId only, as the spec requires for delete)."""
    action = {"type": "delete", "description": f"Remove the draft order {ref}.", "resourceId": ref}
    return {"label": label, "uuid": str(uuid.uuid4()), "isRecommended": recommended, "actions": [action]}


def removal(ctx: Context, ref: str, label: str, recommended: bool) -> dict[str, Any]:
    """An order card's suggestion to remove its draft order (when it has an id) and the override reasons."""
    suggestions = [remove_order(label, ref, recommended)] if ref else []
    behaviour = "at-most-one" if suggestions else None
    return {"suggestions": suggestions, "selectionBehavior": behaviour, "overrideReasons": override_reasons(ctx)}


def override_reasons(ctx: Context) -> list[dict[str, str]]:
    system = f"{ctx.canonical}/CodeSystem/cds-override-reasons"
    return [{"system": system, "code": r["code"], "display": r["display"]} for r in ctx.texts["override_reasons"]]


def links(ctx: Context, chart: Chart, treatment: Treatment | None = None) -> list[dict[str, str]]:
    """Pages a clinician can open or print for the patient: the sciatica handout and the ordered option's handout
    (plain HTML the service serves: the evidence, its grade and the cautions, with the sources), in the patient's
    language when the handouts have it (the link's label names it), else in English."""
    lang, said = handout_language(ctx, chart), ctx.texts["handout"]
    label = said["label"] if lang == DEFAULT_LANGUAGE else said["label_in"]
    pages = [("condition", "sciatica")] if chart.sciatica or treatment is None else []
    pages += [(treatment.id, treatment.name.get_text(ctx.lang))] if treatment is not None else []
    return [
        {
            "label": label.format(language=said["languages"][lang], name=name),
            "url": f"{ctx.base}/handouts/{page}?lang={lang}",
            "type": "absolute",
        }
        for page, name in pages
    ]


def handout_language(ctx: Context, chart: Chart) -> str:
    """The patient's preferred language when the handouts have it, else English."""
    tag = chart.language.tag if chart.language is not None else None
    return (served(tag, ctx.kb.languages) if tag else None) or DEFAULT_LANGUAGE


def language_note(ctx: Context, chart: Chart) -> tuple[str, ...]:
    """Why the handout links are in English though the record names another preferred language (none otherwise)."""
    spoken, said = chart.language, ctx.texts["handout"]
    if spoken is None or handout_language(ctx, chart) != DEFAULT_LANGUAGE:
        return ()
    if spoken.tag is None:
        return (said["not_read"].format(language=spoken.written),)
    return () if served(spoken.tag, [DEFAULT_LANGUAGE]) else (said["unavailable"].format(language=spoken.tag),)


def evidence(t: Treatment, result: Result) -> Evidence | StageEvidence:
    """The option's evidence at the patient's stage (it can differ: opioids); with the stage unknown, the stage
    graded against where there is one (the safer reading)."""
    if not result.stage_assumed:
        return t.evidence.at(result.stage)
    return next((e for e in t.evidence.by_stage if e.direction is Direction.AGAINST), t.evidence)


def grade(t: Treatment, result: Result) -> str:
    e = evidence(t, result)
    return f"{e.direction.value.replace('_', ' ')}, strength {e.strength.value}; {e.certainty.value.replace('_', ' ')} certainty"


def factor_label(ctx: Context, fid: str) -> str:
    """The factor's label in running text: lower-case first letter, acronyms kept (SSRI or SNRI antidepressant)."""
    label = ctx.kb.index["factors"][fid].label.get_text(ctx.lang)
    return label if label[1:2].isupper() else label[:1].lower() + label[1:]


def record_line(ctx: Context, chart: Chart) -> str:
    """What was read from the record, with codes, so the clinician can see why."""
    parts = [f"age {chart.age}"] if chart.age is not None else []
    if chart.pregnant:
        parts.append(f"pregnant ({chart.pregnancy_weeks} weeks)" if chart.pregnancy_weeks is not None else "pregnant")
    for x in (*chart.conditions, *(chart.medications or ())):
        parts.append(f"{factor_label(ctx, x.target)} ({x.label or x.code})")
    return "**From the record:** " + ("; ".join(dict.fromkeys(parts)) or "no relevant factors coded") + "."


def not_checked(ctx: Context, missing: Iterable[str]) -> str:
    keys = ", ".join(missing)
    return f"_{ctx.texts['not_checked'].format(keys=keys)}_" if keys else ""


def unread(ctx: Context, chart: Chart, unanswered: Iterable[str], skip: Iterable[str] = ()) -> str:
    """What the record did not tell and how it was read, and why the handouts are not in the patient's language
    where they cannot be: on every card."""
    return unread_line(ctx.texts, chart, unanswered, skip, language_note(ctx, chart))


def personal_exclusion(ctx: Context, excluded: Excluded) -> str:
    """Why an option does not suit this patient: the knowledge's reason for each recorded factor, then the
    factors the record does not rule out (named only; the unread lines say what was not recorded)."""
    rules = [x for x in excluded.reasons if x.rule == "contraindications"]
    said = [clinician_text(excluded.treatment, x, ctx.lang) for x in rules if x.code != Msg.NOT_RULED_OUT.value]
    open_ = [factor_label(ctx, x.factors[0]) for x in rules if x.code == Msg.NOT_RULED_OUT.value and x.factors]
    if open_:
        clause = ctx.texts["not_ruled_out"].format(what="; ".join(dict.fromkeys(open_)))
        said.append(clause[:1].upper() + clause[1:] + ".")
    return " ".join(said)


def clinician_text(t: Treatment, reason: Reason, lang: str) -> str:
    """A contraindication in the rule's clinician wording (the patient wording where a rule has none)."""
    rule = next((r for r in t.rules if r.factor in reason.factors and r.clinician is not None), None)
    return rule.clinician.get_text(lang) if rule is not None and rule.clinician is not None else reason.text


def reason_text(ctx: Context, reason: Reason, unanswered: Iterable[str]) -> str:
    """An engine reason as clinicians read it: a not-ruled-out reason loses its patient-facing opening ("You did
    not tell us ...") and says which record gap left it open; a medicine combination is said in clinician words."""
    if reason.code == Msg.MEDICINE_COMBINATION.value:
        combo = next((c for c in ctx.kb.combinations if c.parts(reason.factors) == reason.factors), None)
        if combo is not None and combo.clinician is not None:
            return combo.clinician.get_text(ctx.lang)
    if reason.code != Msg.NOT_RULED_OUT.value:
        return reason.text
    text, openings = reason.text, [m.text.get_text(ctx.lang) for m in ctx.kb.messages if m.id in UNANSWERED.values()]
    while opening := next((o for o in openings if text.startswith(o)), None):
        text = text[len(opening) :].lstrip()
    fields = [f for f in reason.factors if f in UNANSWERED and f in set(unanswered)]
    why = "; ".join(dict.fromkeys(ctx.texts["unread"]["why"].get(f, f.replace("_", " ")) for f in fields))
    return f"{text} ({ctx.texts['not_ruled_out'].format(what=why)})" if why else text
