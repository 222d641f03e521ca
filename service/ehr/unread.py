"""What a card says about what the record could not tell, and how it was read (the engine's safer reading)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from service.ehr.chart import Chart

# Request fields the EHR path can leave unanswered, in the order the cards say them (red_flags_screened is said
# by the plan card's screen line).
SAID = (
    "age",
    "pregnant",
    "pregnancy_weeks",
    "breastfeeding",
    "conditions",
    "medications",
    "symptom_duration_days",
    "pain_severity",
)
NAMES_SHOWN = 6  # unrecognised medicines named on a card; the rest are counted


def unread_items(
    texts: Mapping[str, Any],
    chart: Chart,
    unanswered: Iterable[str],
    skip: Iterable[str] = (),
    also: Iterable[str] = (),
) -> list[str]:
    """One short clinician-facing line per thing not read: unanswered fields, unrecognised medicines, notes, and
    `also`."""
    said, unanswered, skip = texts["unread"], set(unanswered), set(skip)
    if not chart.sciatica:  # no sciatica problem: its stage and pain do not matter here
        skip |= {"symptom_duration_days", "pain_severity"}
    items = [said[k].format(why=chart.age_note or "not recorded") for k in SAID if k in unanswered and k not in skip]
    if chart.unrecognised:
        names = list(chart.unrecognised[:NAMES_SHOWN])
        if len(chart.unrecognised) > NAMES_SHOWN:
            names.append(said["more"].format(count=len(chart.unrecognised) - NAMES_SHOWN))
        count = len(chart.unrecognised)
        items.append(
            said["unrecognised"].format(
                count=count, noun="medicine" if count == 1 else "medicines", names=", ".join(names)
            )
        )
    return items + list(chart.notes) + list(also)


def unread_line(
    texts: Mapping[str, Any],
    chart: Chart,
    unanswered: Iterable[str],
    skip: Iterable[str] = (),
    also: Iterable[str] = (),
) -> str:
    """The card paragraph listing `unread_items`, or '' when everything needed was read."""
    items = unread_items(texts, chart, unanswered, skip, also)
    return texts["unread"]["title"] + "\n" + "\n".join(f"- {i}" for i in items) if items else ""


def not_ruled_out(texts: Mapping[str, Any], field: str) -> str:
    """Why a factor counts although the record does not show it: '(not ruled out: pregnancy not recorded)'."""
    return texts["not_ruled_out"].format(what=texts["unread"]["why"].get(field, field.replace("_", " ")))
