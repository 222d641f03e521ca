"""CDS Hooks cards for patient-view: the evidence-graded plan, or a red-flag card when triage says so."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from service.ehr.chart import Chart
from service.ehr.codes import CodeMap
from service.engine.models import KnowledgeBase, Msg, Treatment, Urgency
from service.engine.results import Result

SUMMARY_MAX = 139  # the spec: "<140-character summary"
ICD10CM_OID = "2.16.840.1.113883.6.90"
SNOMED_OID = "2.16.840.1.113883.6.96"


@dataclass(frozen=True)
class Context:
    """What every card builder needs: knowledge, code maps, the public base URL and the language."""

    kb: KnowledgeBase
    codes: CodeMap
    base: str
    lang: str = "en"
    canonical: str = "https://sciatica-relief.example.org/fhir"

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


def override_reasons(ctx: Context) -> list[dict[str, str]]:
    system = f"{ctx.canonical}/CodeSystem/cds-override-reasons"
    return [{"system": system, "code": r["code"], "display": r["display"]} for r in ctx.texts["override_reasons"]]


def links(ctx: Context, chart: Chart, treatment: Treatment | None = None) -> list[dict[str, str]]:
    """Patient information (the Infobutton answer for the patient's sciatica code) and the evidence behind it."""
    out = []
    if chart.sciatica:
        first = chart.sciatica[0]
        oid = SNOMED_OID if first.code.isdigit() else ICD10CM_OID
        query = urlencode(
            {
                "mainSearchCriteria.v.c": first.code,
                "mainSearchCriteria.v.cs": oid,
                "knowledgeResponseType": "application/json",
            }
        )
        out.append(
            {"label": "Patient information: sciatica", "url": f"{ctx.base}/v1/infobutton?{query}", "type": "absolute"}
        )
    if treatment is not None:
        out.append(
            {
                "label": f"Evidence: {treatment.name.get_text(ctx.lang)}",
                "url": f"{ctx.base}/fhir/Evidence/{treatment.id}",
                "type": "absolute",
            }
        )
    out.append(
        {
            "label": "All options with grades (FHIR PlanDefinition)",
            "url": f"{ctx.base}/fhir/PlanDefinition/sciatica-recommendations",
            "type": "absolute",
        }
    )
    return out


def grade(t: Treatment) -> str:
    e = t.evidence
    return f"{e.direction.value.replace('_', ' ')}, strength {e.strength.value}; {e.certainty.value.replace('_', ' ')} certainty"


def factor_label(ctx: Context, fid: str) -> str:
    return ctx.kb.index["factors"][fid].label.get_text(ctx.lang).lower()


def record_line(ctx: Context, chart: Chart) -> str:
    """What was read from the record, with codes, so the clinician can see why."""
    parts = [f"age {chart.age}"] if chart.age is not None else []
    if chart.pregnant:
        parts.append(f"pregnant ({chart.pregnancy_weeks} weeks)" if chart.pregnancy_weeks is not None else "pregnant")
    for x in (*chart.conditions, *chart.medications):
        parts.append(f"{factor_label(ctx, x.target)} ({x.label or x.code})")
    return "**From the record:** " + ("; ".join(dict.fromkeys(parts)) or "no relevant factors coded") + "."


def stage_line(chart: Chart, result: Result) -> str:
    if chart.symptom_days is None:
        return f"**Stage:** {result.stage.value} (assumed: no onset or recorded date on the sciatica problem)."
    since = "onset" if chart.started_from == "onset" else "the date it was recorded (onset not coded)"
    return f"**Stage:** {result.stage.value} - {chart.symptom_days} days since {since}, {chart.started}."


def not_checked(ctx: Context, missing: Iterable[str]) -> str:
    keys = ", ".join(missing)
    return f"_{ctx.texts['not_checked'].format(keys=keys)}_" if keys else ""


def screen_line(ctx: Context) -> str:
    labels = ctx.texts["red_flag_labels"]
    asks = [labels.get(flag.id, flag.id.replace("-", " ")) for flag in ctx.kb.red_flags]
    return "**Red-flag screen** (not recorded as done): ask about " + "; ".join(asks) + "."


def plan_card(ctx: Context, chart: Chart, result: Result) -> dict[str, Any]:
    """Info card: stage, factors read, ranked options with grades, exclusions for this patient, red-flag screen."""
    texts, lang = ctx.texts["plan"], ctx.lang
    shown = result.recommendations[: texts["limit"]]
    options = [
        f"{r.rank}. **{r.treatment.name.get_text(lang)}** - {grade(r.treatment)}"
        + (
            f" (caution: {', '.join(dict.fromkeys(factor_label(ctx, c.factor) for c in r.cautions))})"
            if r.cautions
            else ""
        )
        for r in shown
    ]
    personal = [
        f"- **{e.treatment.name.get_text(lang)}**: "
        + " ".join(x.text for x in e.reasons if x.rule == "contraindications")
        for e in result.excluded
        if any(x.rule == "contraindications" for x in e.reasons)
    ]
    why = [r.text for r in result.triage.reasons if r.code != Msg.NOT_SCREENED.value]  # the screen line says that
    triage = "**Review advised:** " + " ".join(why) if result.triage.level is Urgency.CONSULT and why else ""
    summary = texts["summary"].format(
        stage=result.stage.value,
        count=len(result.recommendations),
        screen=texts["screen_done"] if result.red_flags_screened else texts["screen_needed"],
    )
    detail = [
        stage_line(chart, result),
        record_line(ctx, chart),
        triage,
        "**Options that fit, best first:**\n" + "\n".join(options) if options else "",
        "**Not suitable for this patient:**\n" + "\n".join(personal) if personal else "",
        screen_line(ctx),
        not_checked(ctx, chart.missing),
    ]
    return card(ctx, summary, "info", detail, links=links(ctx, chart))


def triage_card(ctx: Context, chart: Chart, result: Result) -> dict[str, Any]:
    """Critical (emergency) or warning (urgent) card: the coded findings or implied flags and what to do."""
    level = ctx.texts["triage"][result.triage.level.value]
    labels = ctx.texts["red_flag_labels"]
    coded = [f"{x.label} ({x.code})" for x in chart.red_flags]
    implied = [labels.get(f, f) for r in result.triage.reasons if r.rule == "implied-red-flags" for f in r.factors[1:]]
    findings = coded + [i for i in implied if i not in coded]
    detail = [
        f"**Red flag:** {'; '.join(findings) or 'see below'}.",
        f"**Action:** {level['action']}",
        record_line(ctx, chart),
        not_checked(ctx, chart.missing),
    ]
    summary = level["summary"].format(findings=", ".join(findings[:2]) or "red flag")
    return card(
        ctx, summary, level["indicator"], detail, links=links(ctx, chart), overrideReasons=override_reasons(ctx)
    )
