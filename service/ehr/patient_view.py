"""patient-view cards: a red-flag card when a red flag calls for review within days or sooner, else the plan."""

from __future__ import annotations

from typing import Any

from service.ehr.cards import (
    Context,
    card,
    factor_label,
    grade,
    links,
    not_checked,
    override_reasons,
    personal_exclusion,
    reason_text,
    record_line,
    unread,
)
from service.ehr.chart import Chart
from service.ehr.suggest import create, referral_fits
from service.engine.models import Msg, Urgency
from service.engine.results import Recommended, Result

FLAG_RULES = ("red-flags", "implied-red-flags", "red-flag-combinations")
TRIAGE_LEVELS = (Urgency.EMERGENCY, Urgency.URGENT, Urgency.SOON)  # cards.json "triage" has one entry each
REVIEW_LEVELS = (Urgency.SOON, Urgency.CONSULT)  # said on the plan card with the level's time frame


def patient_view_card(ctx: Context, chart: Chart, result: Result) -> dict[str, Any]:
    """The triage card when a red flag (coded or implied) is at emergency, urgent or soon level, else the plan."""
    flags = {f for r in result.triage.reasons if r.rule in FLAG_RULES for f in r.factors}
    urgency = [ctx.kb.index["red_flags"][f].urgency for f in flags if f in ctx.kb.index["red_flags"]]
    flagged = any(u in TRIAGE_LEVELS for u in urgency)
    if result.triage.level in (Urgency.EMERGENCY, Urgency.URGENT) or (result.triage.level in TRIAGE_LEVELS and flagged):
        return triage_card(ctx, chart, result)
    return plan_card(ctx, chart, result)


def stage_line(chart: Chart, result: Result) -> str:
    if chart.symptom_days is None:
        why = (
            "no onset or recorded date on the sciatica problem"
            if chart.started is None
            else f"the sciatica date {chart.started} does not fit the record"
        )
        return f"**Stage:** not known ({why}): only options that fit every stage are shown."
    since = "onset" if chart.started_from == "onset" else "the date it was recorded (onset not coded)"
    return f"**Stage:** {result.stage.value} - {chart.symptom_days} days since {since}, {chart.started}."


def screen_line(ctx: Context) -> str:
    labels = ctx.texts["red_flag_labels"]
    asks = [labels.get(flag.id, flag.id.replace("-", " ")) for flag in ctx.kb.red_flags]
    return "**Red-flag screen** (not recorded as done): ask about " + "; ".join(asks) + "."


def review_line(ctx: Context, result: Result) -> str:
    """Why a review is advised and how soon (soon and consult levels); '' otherwise."""
    why = [
        reason_text(ctx, r, result.unanswered)
        for r in result.triage.reasons
        if r.code != Msg.NOT_SCREENED.value  # the screen line says that
    ]
    if result.triage.level not in REVIEW_LEVELS or not why:
        return ""
    frame = next(a.time_frame for a in ctx.kb.triage_actions if a.level is result.triage.level).get_text(ctx.lang)
    return ctx.texts["plan"]["review"].format(time_frame=frame) + " " + " ".join(dict.fromkeys(why))


def plan_card(ctx: Context, chart: Chart, result: Result) -> dict[str, Any]:
    """Info card (warning when review is due within days): stage, factors read, review advised, ranked options
    with grades, exclusions for this patient, the red-flag screen and what the record did not tell."""
    texts, lang = ctx.texts["plan"], ctx.lang
    shown, rest = result.recommendations[: texts["limit"]], result.recommendations[texts["limit"] :]
    options = [
        f"{r.rank}. **{r.treatment.name.get_text(lang)}** - {grade(r.treatment, result)}"
        + (
            f" (caution: {', '.join(dict.fromkeys(factor_label(ctx, c.factor) for c in r.cautions))})"
            if r.cautions
            else ""
        )
        for r in shown
    ]
    personal = [
        f"- **{e.treatment.name.get_text(lang)}**: {personal_exclusion(ctx, e)}"
        for e in result.excluded
        if any(x.rule == "contraindications" for x in e.reasons)
    ]
    summary = texts["summary"].format(
        stage=result.stage.value if chart.symptom_days is not None else "unknown",
        count=len(result.recommendations),
        screen=texts["screen_done"] if result.red_flags_screened else texts["screen_needed"],
    )
    detail = [
        stage_line(chart, result),
        record_line(ctx, chart),
        unread(ctx, chart, result.unanswered, skip=("symptom_duration_days",)),  # the stage line says it
        review_line(ctx, result),
        "**Options that fit, best first:**\n" + "\n".join(options) if options else "",
        more(ctx, rest),
        "**Not suitable for this patient:**\n" + "\n".join(personal) if personal else "",
        screen_line(ctx),
        not_checked(ctx, chart.missing),
    ]
    # Warning when what the record says (three sedating medicines, say) calls for review within days; a level raised
    # only by what the record did not say stays info, with the lines that say what was not read.
    recorded = any(r.code not in (Msg.NOT_RULED_OUT.value, Msg.NOT_SCREENED.value) for r in result.triage.reasons)
    indicator = "warning" if result.triage.level is Urgency.SOON and recorded else "info"
    suggestions = (
        [create(ctx, chart, ctx.texts["referral"]["label"], True)] if referral_fits(ctx, chart, result) else []
    )
    return card(
        ctx,
        summary,
        indicator,
        detail,
        links=links(ctx, chart),
        suggestions=suggestions,
        selectionBehavior="at-most-one" if suggestions else None,
    )


def more(ctx: Context, rest: tuple[Recommended, ...]) -> str:
    """The options past the card's limit, by name, so the count in the summary matches what the card lists."""
    if not rest:
        return ""
    names = ", ".join(r.treatment.name.get_text(ctx.lang) for r in rest)
    return ctx.texts["plan"]["more"].format(count=len(rest), names=names)


def triage_card(ctx: Context, chart: Chart, result: Result) -> dict[str, Any]:
    """Critical (emergency) or warning (urgent, soon) card: the coded findings or implied flags and what to do."""
    level = ctx.texts["triage"][result.triage.level.value]
    labels = ctx.texts["red_flag_labels"]
    coded = [f"{x.label} ({x.code})" for x in chart.red_flags]
    implied = [labels.get(f, f) for r in result.triage.reasons if r.rule == "implied-red-flags" for f in r.factors[1:]]
    findings = coded + [i for i in implied if i not in coded]
    detail = [
        f"**Red flag:** {'; '.join(findings) or 'see below'}.",
        f"**Action:** {level['action']}",
        record_line(ctx, chart),
        unread(ctx, chart, result.unanswered),
        not_checked(ctx, chart.missing),
    ]
    summary = level["summary"].format(findings=", ".join(findings[:2]) or "red flag")
    return card(
        ctx, summary, level["indicator"], detail, links=links(ctx, chart), overrideReasons=override_reasons(ctx)
    )
